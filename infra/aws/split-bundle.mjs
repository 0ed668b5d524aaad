// `node split-bundle.mjs <base64 JSON of esbuild BuildOptions>`: rebuilds one Lambda
// handler with code splitting into the folder NodejsFunction bundled it to. Run by
// each function's afterBundling hook (splitBundleCommand in ./bundling.ts, which
// encodes the options, so this file loads nothing but esbuild).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const [encoded] = process.argv.slice(2);
if (!encoded) {
  console.error('usage: split-bundle.mjs <base64 JSON of esbuild build options>');
  process.exit(2);
}
const options = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
rmSync(join(options.outdir, 'chunks'), { recursive: true, force: true });
await build(options);
