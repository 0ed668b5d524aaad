/**
 * How every Lambda is bundled: one set of esbuild options, read by the stacks
 * (through NodejsFunction) and by `npm run bench -- bundles`, so the measured
 * bundles are the deployed ones.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDAS } from '@techteam/functions/manifest';
import type { BuildOptions } from 'esbuild';
import { AUTHORIZER, type FunctionAccess } from './function-access';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * ESM for Node 24 (the Lambda runtime), minified, tree-shaken. The AWS SDK is
 * bundled, not left to the runtime's copy: measured with `npm run bench --
 * bundles` (and `--external-sdk`), loading the runtime-style SDK packages (many
 * CommonJS files) costs more init time than parsing the bundled, tree-shaken
 * ESM build, and bundling pins the SDK version the tests ran against (the
 * runtime ships its own, older 3.x). The banner gives CommonJS
 * dependencies bundled into ESM the `require` they expect for Node built-ins.
 * The alias replaces the SDK's default credential chain with the environment
 * link alone, the one Lambda uses (shared/deps/lambda-credentials.ts).
 */
export const LAMBDA_BUNDLE = {
  target: 'node24',
  minify: true,
  sourceMap: false,
  mainFields: ['module', 'main'],
  externalModules: ['gpt-tokenizer'],
  alias: {
    '@aws-sdk/credential-provider-node': join(REPO_ROOT, 'shared', 'deps', 'lambda-credentials.ts'),
  },
  banner:
    "import { createRequire as __techteamRequire } from 'node:module'; const require = __techteamRequire(import.meta.url);",
} as const;

/**
 * The whole esbuild build of one handler: LAMBDA_BUNDLE with code splitting, so
 * every dynamic `import()` (a provider's SDK, the MCP toolbox, the S3, SFN,
 * ECS, SQS and Secrets Manager clients) is a chunk of its own that a cold start
 * parses only when the function first uses it. The entry is `index.mjs`, as
 * NodejsFunction names it; chunks sit beside it under `chunks/`.
 */
export function lambdaBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    external: [...LAMBDA_BUNDLE.externalModules],
    alias: { ...LAMBDA_BUNDLE.alias },
    banner: { js: LAMBDA_BUNDLE.banner },
    logLevel: 'error',
  };
}

/**
 * NodejsFunction writes one outfile and cannot split, so after it bundles, this
 * command rebuilds the handler with lambdaBuildOptions into the same folder,
 * replacing its index.mjs (infra/aws/split-bundle.mjs, given the options as
 * base64 JSON so the hook needs no TypeScript loader and no quoting).
 */
export function splitBundleCommand(entry: string, outputDir: string): string {
  const options = Buffer.from(JSON.stringify(lambdaBuildOptions(entry, outputDir))).toString('base64');
  return `node "${join(REPO_ROOT, 'infra', 'aws', 'split-bundle.mjs')}" ${options}`;
}

/**
 * gpt-tokenizer stays out of the bundles and ships beside them: the gateway
 * loads it on first need with a dynamic import (shared/gateway/prompt-size.ts,
 * providers/usage-estimate.ts), and its o200k tables alone are 2.4 MB, so
 * inlined they would more than double every model-calling bundle and its parse time.
 * Only what the two entry points the gateway imports (`gpt-tokenizer` and
 * `gpt-tokenizer/encoding/o200k_base`) load is copied: the ESM build without
 * the other encodings' tables, source maps and typings.
 */
export function tokenizerBesideCommands(inputDir: string, outputDir: string): string[] {
  const from = `${inputDir}/node_modules/gpt-tokenizer`;
  const to = `${outputDir}/node_modules/gpt-tokenizer`;
  return [
    `mkdir -p "${to}"`,
    `cp "${from}/package.json" "${to}/package.json"`,
    `cp -R "${from}/esm" "${to}/esm"`,
    `rm -rf "${to}/esm/fixtures" "${to}/esm/bpeRanks/cl100k_base.js" "${to}/esm/bpeRanks/p50k_base.js" "${to}/esm/bpeRanks/r50k_base.js"`,
    `find "${to}" -name '*.map' -delete -o -name '*.d.ts' -delete`,
  ];
}

/** One deployed function: its construct name, its handler file under functions/, and what it may touch. */
export interface LambdaHandler {
  /** Construct id prefix and Lambda name suffix, e.g. `CreateTask`, `PlanTask`. */
  name: string;
  /** Handler file relative to functions/. */
  file: string;
  kind: 'api' | 'workflow';
  access: FunctionAccess;
}

/** Every Lambda the app deploys (functions/manifest.ts): one per API route, one per workflow Task state, the execution reconciler, the scheduled and the live ones, and the HTTP API's authorizer. */
export function lambdaHandlers(): LambdaHandler[] {
  return LAMBDAS.map<LambdaHandler>((l) => ({
    name: l.name,
    file: l.file,
    kind: l.kind === 'state' || l.kind === 'event' ? ('workflow' as const) : ('api' as const),
    access: l.access,
  })).concat([{ ...AUTHORIZER, kind: 'api' as const }]);
}

export function handlerEntry(file: string): string {
  return join(REPO_ROOT, 'functions', file);
}
