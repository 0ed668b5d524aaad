/**
 * `npm run bench -- bundles [--runs N] [--external-sdk]`: each Lambda's bundle size and its
 * module initialisation time (importing the bundle in a fresh Node process,
 * p50 of N, default 10), bundled with the stacks' own esbuild options
 * (infra/aws/bundling.ts). Targets: under 1 MB and under 150 ms each.
 * For functions that ship gpt-tokenizer beside the bundle, the shipped copy is
 * loaded once to prove it works, and its size and first-use time are shown.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import {
  handlerEntry,
  LAMBDA_BUNDLE,
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

const timedImport = (specifier: string) =>
  `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;

const folderBytes = (dir: string) => Number(execSync(`du -sb "${dir}"`, { encoding: 'utf8' }).split('\t')[0]);

export async function main(args: string[]): Promise<void> {
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 10;
  // The alternative the stacks do not use, for comparison: the SDK left to the Lambda runtime's copy.
  const external = [
    ...LAMBDA_BUNDLE.externalModules,
    ...(args.includes('--external-sdk') ? ['@aws-sdk/*'] : []),
  ];
  // Inside the repository, so the bundles' external @aws-sdk/* resolve from its node_modules
  // as they resolve from the Lambda runtime's.
  const scratch = join(REPO_ROOT, 'cdk.out');
  mkdirSync(scratch, { recursive: true });
  const out = mkdtempSync(join(scratch, 'bench-bundles-'));
  const rows: { name: string; bytes: number; p50: number; beside?: { bytes: number; firstUseMs: number } }[] =
    [];
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
        external,
        banner: { js: LAMBDA_BUNDLE.banner },
        logLevel: 'error',
      });
      const dir = dirname(outfile);
      const times = Array.from({ length: runs }, () => Number(runFresh(dir, timedImport(outfile)))).sort(
        (a, b) => a - b,
      );
      const row: (typeof rows)[number] = {
        name: h.name,
        bytes: statSync(outfile).size,
        p50: times[Math.floor(times.length / 2)]!,
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
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log(
    `Lambda bundles (esbuild ${LAMBDA_BUNDLE.target}, ESM, minified, external: ${external.join(', ')}); init = import in a fresh process, p50 of ${runs}`,
  );
  console.log(
    '| function | bundle KB | init p50 ms | targets met | gpt-tokenizer beside: KB, first use ms |',
  );
  console.log('|---|---:|---:|---|---|');
  for (const r of rows) {
    const ok = r.bytes < SIZE_TARGET && r.p50 < INIT_TARGET_MS;
    const beside = r.beside
      ? `${(r.beside.bytes / 1024).toFixed(0)}, ${r.beside.firstUseMs.toFixed(0)}`
      : '–';
    console.log(
      `| ${r.name} | ${(r.bytes / 1024).toFixed(0)} | ${r.p50.toFixed(0)} | ${ok ? 'yes' : 'NO'} | ${beside} |`,
    );
  }
}
