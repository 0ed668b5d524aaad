/**
 * `npm run bench -- bundles`: each Lambda's bundle size and its module
 * initialisation time (importing the bundle in a fresh Node process, p50 of
 * 10), bundled with the stacks' own esbuild options (infra/aws/bundling.ts).
 * Targets: under 1 MB and under 150 ms each.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { handlerEntry, LAMBDA_BUNDLE, lambdaHandlers, REPO_ROOT } from '../../infra/aws/bundling';

const SIZE_TARGET = 1024 * 1024;
const INIT_TARGET_MS = 150;

/** Imports the bundle in a new process and reports how long the import took, in ms. */
function initMs(bundle: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(bundle)}); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').pop());
}

export async function main(args: string[]): Promise<void> {
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 10;
  // Inside the repository, so the bundles' external @aws-sdk/* imports resolve from its node_modules.
  const scratch = join(REPO_ROOT, 'cdk.out');
  mkdirSync(scratch, { recursive: true });
  const out = mkdtempSync(join(scratch, 'bench-bundles-'));
  const rows: { name: string; bytes: number; p50: number }[] = [];
  try {
    for (const h of lambdaHandlers()) {
      const outfile = join(out, h.name, 'index.mjs');
      await build({
        entryPoints: [handlerEntry(h.file)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile,
        target: LAMBDA_BUNDLE.target,
        minify: LAMBDA_BUNDLE.minify,
        sourcemap: LAMBDA_BUNDLE.sourceMap,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        external: [...LAMBDA_BUNDLE.externalModules],
        banner: { js: LAMBDA_BUNDLE.banner },
        logLevel: 'error',
      });
      const times = Array.from({ length: runs }, () => initMs(outfile)).sort((a, b) => a - b);
      rows.push({ name: h.name, bytes: statSync(outfile).size, p50: times[Math.floor(times.length / 2)]! });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log(
    `Lambda bundles (esbuild, ${LAMBDA_BUNDLE.target}, ESM, minified, @aws-sdk/* external); init p50 of ${runs} fresh processes`,
  );
  console.log('| function | bundle KB | init p50 ms | within targets |');
  console.log('|---|---:|---:|---|');
  for (const r of rows) {
    const ok = r.bytes < SIZE_TARGET && r.p50 < INIT_TARGET_MS;
    console.log(
      `| ${r.name} | ${(r.bytes / 1024).toFixed(0)} | ${r.p50.toFixed(0)} | ${ok ? 'yes' : 'NO'} |`,
    );
  }
}
