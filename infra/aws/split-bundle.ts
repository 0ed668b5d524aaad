/**
 * `split-bundle.ts <entry> <outdir>`: rebuilds one Lambda handler with code
 * splitting into the folder NodejsFunction bundled it to (see
 * splitBundleCommand in ./bundling.ts). Run by the function's afterBundling hook.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lambdaBuildOptions } from './bundling';

const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: split-bundle.ts <handler entry> <output folder>');
  process.exit(2);
}
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
await build(lambdaBuildOptions(entry, outdir));
