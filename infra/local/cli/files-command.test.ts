import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesCommand, unsafePath } from './files-command';
import type { CliIo } from './io';

/** A host that lists whatever paths it is told to, as a compromised or buggy one might. */
function hostListing(paths: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.endsWith('/files')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ files: paths.map((path) => ({ path, bytes: 5 })) }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(`owned by ${decodeURIComponent(url.pathname.split('/files/')[1] ?? '')}`);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function capture(url: string): CliIo & { out: (l: string) => void; lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    url,
    isTty: false,
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    progress: () => {},
    clearProgress: () => {},
  };
}

describe('techteam files --out', () => {
  let server: Server;
  let url: string;
  const root = mkdtempSync(join(tmpdir(), 'techteam-files-'));
  const outside = join(root, 'outside');
  const out = join(root, 'out');

  beforeAll(async () => {
    mkdirSync(outside);
    writeFileSync(join(outside, 'victim.txt'), 'untouched');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'link'));
    symlinkSync(join(outside, 'victim.txt'), join(out, 'planted.txt'));
    server = await hostListing([
      'ok.txt',
      'deep/er/file.py',
      '../escape.txt',
      '/tmp/absolute.txt',
      'a/../../sneaky.txt',
      'link/through-symlink.txt',
      'planted.txt',
    ]);
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => {
    server.close();
  });

  it('writes the files inside DIR and refuses paths that leave it or go through a symlink', async () => {
    const io = capture(url);
    const code = await filesCommand(['tsk_x', '--out', out], io);
    expect(code).toBe(1);
    expect(readFileSync(join(out, 'ok.txt'), 'utf8')).toBe('owned by ok.txt');
    expect(readFileSync(join(out, 'deep/er/file.py'), 'utf8')).toBe('owned by deep/er/file.py');
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
    expect(existsSync(join(root, 'sneaky.txt'))).toBe(false);
    expect(existsSync(join(outside, 'through-symlink.txt'))).toBe(false);
    expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('untouched');
    expect(io.errors).toHaveLength(5);
    for (const refused of [
      '../escape.txt',
      '/tmp/absolute.txt',
      'a/../../sneaky.txt',
      'link/',
      'planted.txt',
    ])
      expect(
        io.errors.some((l) => l.includes(refused)),
        refused,
      ).toBe(true);
    expect(io.lines.at(-1)).toMatch(/^Wrote 2 file\(s\), 39 bytes, to .*; 5 refused$/);
  });

  it('creates DIR when it is missing', async () => {
    const fresh = join(root, 'new', 'folder');
    server.close();
    server = await hostListing(['only.txt']);
    const io = capture(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    expect(await filesCommand(['tsk_x', '--out', fresh], io)).toBe(0);
    expect(readFileSync(join(fresh, 'only.txt'), 'utf8')).toBe('owned by only.txt');
  });

  it('names why a path is unsafe', () => {
    expect(unsafePath('src/a.py')).toBeUndefined();
    expect(unsafePath('../a')).toMatch(/leaves/);
    expect(unsafePath('/etc/passwd')).toMatch(/absolute/);
    expect(unsafePath('a\\..\\b')).toMatch(/backslash/);
    expect(unsafePath('')).toMatch(/empty/);
  });
});
