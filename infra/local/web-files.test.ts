import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebFiles } from './web-files';

const root = mkdtempSync(join(tmpdir(), 'web-out-'));
mkdirSync(join(root, 'usage'));
mkdirSync(join(root, '_next/static/chunks'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<p>tasks</p>');
writeFileSync(join(root, 'usage/index.html'), '<p>usage</p>');
writeFileSync(join(root, '404.html'), '<p>not here</p>');
writeFileSync(join(root, '_next/static/chunks/app.js'), 'console.log(1)');
writeFileSync(join(root, '..', 'secret-beside-web-out.txt'), 'secret');
const web = new WebFiles(root);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(join(root, '..', 'secret-beside-web-out.txt'), { force: true });
});

describe('the dashboard export as the local host serves it', () => {
  it('serves a page folder as its index.html, with or without the slash', async () => {
    for (const path of ['/usage/', '/usage']) {
      const f = await web.read(path);
      expect(f.status).toBe(200);
      expect(f.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(f.body.toString()).toBe('<p>usage</p>');
    }
    expect((await web.read('/')).body.toString()).toBe('<p>tasks</p>');
    expect(web.built).toBe(true);
  });

  it('caches hashed assets for a year and pages not at all', async () => {
    const asset = await web.read('/_next/static/chunks/app.js');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await web.read('/')).headers['cache-control']).toBe('no-cache');
  });

  it('answers the export’s 404 page for what it does not have, and never leaves the folder', async () => {
    for (const path of [
      '/nope/',
      '/../secret-beside-web-out.txt',
      '/%2e%2e/secret-beside-web-out.txt',
      '/%E0%A4%A',
    ]) {
      const f = await web.read(path);
      expect(f.status).toBe(404);
      expect(f.body.toString()).toBe('<p>not here</p>');
    }
  });

  it('knows when there is no export to serve', () => {
    expect(new WebFiles(join(root, 'missing')).built).toBe(false);
  });
});
