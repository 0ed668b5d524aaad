import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(WEB_DIR, 'out');
const HASH_FILE = join(OUT_DIR, '.source-hash');
/** What the export is made from: a change to any of these makes a new build. */
const SOURCES = ['src', 'public', 'next.config.ts', 'postcss.config.mjs', 'package.json', 'tsconfig.json'];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** A hash of every source file's path and bytes. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((s) => files(join(WEB_DIR, s)))) {
    hash.update(relative(WEB_DIR, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export class WebBuildFailed extends Error {
  override readonly name = 'WebBuildFailed';
  constructor(
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`next build exited ${exitCode}:\n${output.slice(-4000)}`);
  }
}

/**
 * Builds the static export unless web/out was built from these very sources (the hash beside it
 * says so): tests and `npm start` reuse it; a changed source rebuilds. Resolves whether it built.
 */
export async function buildWeb(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<{ built: boolean; hash: string }> {
  const hash = sourceHash();
  if (!options.force && existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8') === hash)
    return { built: false, hash };
  const output: string[] = [];
  const code = await new Promise<number | null>((ok, fail) => {
    const child = spawn(process.execPath, [join(require_resolve_next(), 'dist/bin/next'), 'build'], {
      cwd: WEB_DIR,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (chunk: Buffer) => {
      output.push(chunk.toString());
      options.log?.(chunk.toString().trimEnd());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', fail);
    child.on('close', ok);
  });
  if (code !== 0) throw new WebBuildFailed(code, output.join(''));
  writeFileSync(HASH_FILE, hash);
  return { built: true, hash };
}

function require_resolve_next(): string {
  // npm workspaces hoist next to the repository's node_modules; a standalone web/ has its own.
  for (const dir of [join(WEB_DIR, 'node_modules/next'), join(WEB_DIR, '../node_modules/next')]) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error('next is not installed: run npm install');
}

export interface PageWeight {
  page: string;
  /** First-load JavaScript: every script the page's HTML loads, gzip bytes. */
  jsGzipBytes: number;
  cssGzipBytes: number;
  scripts: number;
}

const gzipSizes = new Map<string, number>();
function gzipSize(file: string): number {
  let size = gzipSizes.get(file);
  if (size === undefined) {
    size = gzipSync(readFileSync(file), { level: 9 }).length;
    gzipSizes.set(file, size);
  }
  return size;
}

/**
 * First-load weight per page, measured from the export (Next 16 prints none): the scripts and
 * stylesheets each page's HTML names, gzipped. Chunks loaded later (the plan graph, the charts,
 * the highlighter) are not first-load and not counted.
 */
export function pageWeights(): PageWeight[] {
  const pages = files(OUT_DIR).filter((f) => f.endsWith('index.html'));
  return pages.map((html) => {
    const text = readFileSync(html, 'utf8');
    const assets = (re: RegExp) =>
      [
        ...new Set([...text.matchAll(re)].filter((m) => !/nomodule/i.test(m[0])).map((m) => m[1] ?? '')),
      ].filter(Boolean);
    // A `noModule` script is the legacy browsers' polyfills: a current browser never loads it.
    const js = assets(/<script[^>]+src="(\/_next\/[^"]+\.js)"[^>]*>/g);
    const css = assets(/<link[^>]+href="(\/_next\/[^"]+\.css)"/g);
    const sum = (list: string[]) => list.reduce((n, a) => n + gzipSize(join(OUT_DIR, a)), 0);
    const page = `/${relative(OUT_DIR, dirname(html))}`.replace(/\/$/, '') || '/';
    return {
      page: page === '/.' ? '/' : page,
      jsGzipBytes: sum(js),
      cssGzipBytes: sum(css),
      scripts: js.length,
    };
  });
}

export function formatWeights(weights: PageWeight[]): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const rows = weights
    .sort((a, b) => a.page.localeCompare(b.page))
    .map(
      (w) =>
        `${w.page.padEnd(14)} ${kb(w.jsGzipBytes).padStart(10)} ${kb(w.cssGzipBytes).padStart(9)} ${String(w.scripts).padStart(8)}`,
    );
  return ['Page           First-load JS (gzip)  CSS  Scripts', ...rows].join('\n');
}
