/**
 * `npm run bench -- <name> [args]` runs bench/<name>/index.ts. Each benchmark
 * prints ratios and percentiles; none is part of `npm test`.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here).filter((d) => statSync(join(here, d)).isDirectory());
const [name, ...args] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [args]`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(`./${name}/index.ts`)) as { main(args: string[]): Promise<void> };
await mod.main(args);
