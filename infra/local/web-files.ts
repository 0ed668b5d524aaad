import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface WebFile {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The dashboard's static export (web/out) as the local host serves it: `/usage/` is
 * `usage/index.html`, hashed assets under `/_next/static/` are cached for a year, anything else
 * not found is the export's 404 page. Never a file outside the folder, whatever the path says.
 */
export class WebFiles {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Whether there is an export to serve (web/out exists after `npm run build -w web`). */
  get built(): boolean {
    return existsSync(join(this.root, 'index.html'));
  }

  async read(pathname: string): Promise<WebFile> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return this.notFound();
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    let file = resolve(this.root, relative);
    if (file !== this.root && !file.startsWith(this.root + sep)) return this.notFound();
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) file = join(file, 'index.html');
    else if (!info) {
      // `/usage` (no slash) is the `usage/index.html` page too; `/x.html` style exports as well.
      const candidates = [join(file, 'index.html'), `${file}.html`];
      const found = await firstFile(candidates);
      if (!found) return this.notFound();
      file = found;
    }
    const body = await readFile(file).catch(() => undefined);
    if (!body) return this.notFound();
    return { status: 200, headers: this.headersFor(file, relative), body };
  }

  private headersFor(file: string, relative: string): Record<string, string> {
    return {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': relative.startsWith('_next/static/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    };
  }

  private async notFound(): Promise<WebFile> {
    const body = await readFile(join(this.root, '404.html')).catch(() => Buffer.from('Not found'));
    return {
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' },
      body,
    };
  }
}

async function firstFile(paths: string[]): Promise<string | undefined> {
  for (const p of paths) if ((await stat(p).catch(() => undefined))?.isFile()) return p;
  return undefined;
}
