/**
 * `npm run bench -- bundles [--runs N] [--external-sdk]`: each Lambda's bundle as the stacks
 * build it (infra/aws/bundling.ts: one esbuild build with code splitting), and
 * the time a fresh Node process takes to load it, p50 of N (default 10).
 *
 * - init: importing index.mjs, which is what a cold start parses and runs
 *   before the handler; its size counts index.mjs and the chunks it imports
 *   statically. Targets: under 1 MB and under 150 ms.
 * - all chunks: index.mjs and then every chunk the function may import later
 *   (a provider's SDK on the first model call, the MCP toolbox on the first
 *   step, S3/ECS/SQS on the first sandbox job); the worst first invocation.
 * - `--external-sdk`: the alternative the stacks do not use, for comparison:
 *   `@aws-sdk/*` left to the Lambda runtime's copy (resolved from node_modules).
 * - gpt-tokenizer: for functions that ship it beside the bundle, loaded once
 *   to prove it works, with its size and first-use time.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import {
  handlerEntry,
  LAMBDA_BUNDLE,
  lambdaBuildOptions,
  lambdaHandlers,
  REPO_ROOT,
  tokenizerBesideCommands,
} from '../../infra/aws/bundling';

const SIZE_TARGET = 1024 * 1024;
const INIT_TARGET_MS = 150;

/** Runs an ES module snippet in a new Node process (cwd = the bundle's folder) and returns its last line. */
function runFresh(cwd: string, script: string): string {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    // No credentials, and no config but the region: module init must not need either.
    env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
  });
  return out.trim().split('\n').pop() ?? '';
}

const timedImports = (files: string[]) =>
  `const t = performance.now(); ${files.map((f) => `await import(${JSON.stringify(f)});`).join(' ')} console.log(performance.now() - t);`;

const folderBytes = (dir: string) => Number(execSync(`du -sb "${dir}"`, { encoding: 'utf8' }).split('\t')[0]);

const p50 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;

/** The output files a module loads before it runs: itself and its static imports, transitively. */
function staticClosure(meta: Metafile, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const i of meta.outputs[file]?.imports ?? [])
    if (i.kind === 'import-statement' && !i.external) staticClosure(meta, i.path, seen);
  return seen;
}

interface Row {
  name: string;
  initBytes: number;
  initMs: number;
  allBytes: number;
  allMs: number;
  chunks: number;
  beside?: { bytes: number; firstUseMs: number };
}

export async function main(args: string[]): Promise<void> {
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 10;
  const externalSdk = args.includes('--external-sdk');
  // Inside the repository, so any external module resolves from its node_modules.
  const scratch = join(REPO_ROOT, 'cdk.out');
  mkdirSync(scratch, { recursive: true });
  const out = mkdtempSync(join(scratch, 'bench-bundles-'));
  const rows: Row[] = [];
  try {
    for (const h of lambdaHandlers()) {
      const dir = join(out, h.name);
      const options = lambdaBuildOptions(handlerEntry(h.file), dir);
      if (externalSdk) options.external = [...(options.external ?? []), '@aws-sdk/*'];
      const { metafile } = await build({ ...options, metafile: true });
      const outputs = Object.keys(metafile.outputs);
      // Every dynamic import's target is an entry point of its own; the handler's is index.mjs.
      const index = outputs.find((f) => resolve(f) === join(dir, 'index.mjs'))!;
      const init = staticClosure(metafile, index);
      const bytesOf = (files: Iterable<string>) =>
        [...files].reduce((sum, f) => sum + metafile.outputs[f]!.bytes, 0);
      const abs = (f: string) => resolve(f); // metafile paths are relative to the working folder
      const lazy = outputs.filter((f) => !init.has(f));
      const row: Row = {
        name: h.name,
        initBytes: bytesOf(init),
        initMs: p50(Array.from({ length: runs }, () => Number(runFresh(dir, timedImports([abs(index)]))))),
        allBytes: bytesOf(outputs),
        allMs: p50(
          Array.from({ length: runs }, () =>
            Number(runFresh(dir, timedImports([abs(index), ...lazy.map(abs)]))),
          ),
        ),
        chunks: lazy.length,
      };
      if (h.access.models) {
        execSync(tokenizerBesideCommands(REPO_ROOT, dir).join(' && '), { shell: '/bin/bash' });
        const check = `const t = performance.now(); const m = await import('gpt-tokenizer/encoding/o200k_base'); await import('gpt-tokenizer'); if (m.countTokens('hello world') !== 2) throw new Error('tokenizer'); console.log(performance.now() - t);`;
        row.beside = {
          bytes: folderBytes(join(dir, 'node_modules')),
          firstUseMs: Number(runFresh(dir, check)),
        };
      }
      rows.push(row);
      if (rows.length === 1) console.error(`(bundles in ${relative(REPO_ROOT, out)})`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const kb = (b: number) => (b / 1024).toFixed(0);
  console.log(
    `Lambda bundles (esbuild ${LAMBDA_BUNDLE.target}, ESM, minified, code splitting, external: ${[...LAMBDA_BUNDLE.externalModules, ...(externalSdk ? ['@aws-sdk/*'] : [])].join(', ')}); times = imports in a fresh process, p50 of ${runs}`,
  );
  console.log(
    '| function | init KB | init p50 ms | targets met | lazy chunks | all chunks KB | all loaded p50 ms | gpt-tokenizer beside: KB, first use ms |',
  );
  console.log('|---|---:|---:|---|---:|---:|---:|---|');
  for (const r of rows) {
    const ok = r.initBytes < SIZE_TARGET && r.initMs < INIT_TARGET_MS;
    const beside = r.beside ? `${kb(r.beside.bytes)}, ${r.beside.firstUseMs.toFixed(0)}` : '–';
    console.log(
      `| ${r.name} | ${kb(r.initBytes)} | ${r.initMs.toFixed(0)} | ${ok ? 'yes' : 'NO'} | ${r.chunks} | ${kb(r.allBytes)} | ${r.allMs.toFixed(0)} | ${beside} |`,
    );
  }
  const missed = rows.filter((r) => !(r.initBytes < SIZE_TARGET && r.initMs < INIT_TARGET_MS));
  console.log(
    missed.length === 0
      ? `All ${rows.length} functions meet both targets at init.`
      : `${missed.length} of ${rows.length} miss a target: ${missed.map((r) => r.name).join(', ')}`,
  );
}
