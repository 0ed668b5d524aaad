import { existsSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInput, NotFound } from '../errors';
import { diffFiles } from './diff';
import { LocalWorkspace, WorkspaceFileBinary, WorkspacePathInvalid } from './workspace';

const fresh = () => new LocalWorkspace(mkdtempSync(join(tmpdir(), 'ws-')));

describe('LocalWorkspace', () => {
  it('writes, lists and reads files in nested folders', async () => {
    const ws = fresh();
    await ws.write('src/slugify.py', 'def slugify(s): ...\n');
    await ws.write('README.md', '# x\n');
    expect(await ws.list()).toEqual(['README.md', 'src/slugify.py']);
    expect(await ws.read('./src/slugify.py')).toBe('def slugify(s): ...\n');
    expect(await ws.files()).toEqual({ 'README.md': '# x\n', 'src/slugify.py': 'def slugify(s): ...\n' });
  });

  it.each(['../escape.txt', '/etc/passwd', 'a/../../b', '', '.git/config'])(
    'refuses the path %j',
    async (p) => {
      await expect(fresh().write(p, 'x')).rejects.toBeInstanceOf(WorkspacePathInvalid);
    },
  );

  it('neither reads through nor lists a symlink to a host file', async () => {
    const ws = fresh();
    symlinkSync('/etc/hostname', join(ws.root, 'link'));
    symlinkSync('/etc', join(ws.root, 'dir'));
    expect(await ws.list()).toEqual([]);
    await expect(ws.read('link')).rejects.toBeInstanceOf(WorkspacePathInvalid);
    await expect(ws.write('dir/evil', 'x')).rejects.toBeInstanceOf(WorkspacePathInvalid);
    await expect(ws.write('link', 'x')).rejects.toBeInstanceOf(WorkspacePathInvalid);
  });

  it('lists each file with its size in bytes and lines, and marks a binary one', async () => {
    const ws = fresh();
    await ws.write('a.py', 'x = 1\ny = 2\n');
    await ws.write('empty.txt', '');
    writeFileSync(
      join(ws.root, 'logo.png'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff]),
    );
    expect(await ws.sizes()).toEqual([
      { path: 'a.py', bytes: 12, lines: 2 },
      { path: 'empty.txt', bytes: 0, lines: 0 },
      { path: 'logo.png', bytes: 9, unreadable: 'binary' },
    ]);
  });

  it('refuses to read a binary file as text, naming its size, and leaves it out of files()', async () => {
    const ws = fresh();
    writeFileSync(join(ws.root, 'data.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    writeFileSync(join(ws.root, 'nul.txt'), 'abc\0def');
    await ws.write('ok.txt', 'fine');
    const read = ws.read('data.bin');
    await expect(read).rejects.toBeInstanceOf(WorkspaceFileBinary);
    await expect(ws.read('data.bin')).rejects.toThrow(/'data.bin' is binary \(4 bytes/);
    await expect(ws.read('nul.txt')).rejects.toBeInstanceOf(WorkspaceFileBinary);
    expect(await ws.files()).toEqual({ 'ok.txt': 'fine' });
  });

  it('refuses to write content with NUL characters, and a missing file is NotFound', async () => {
    const ws = fresh();
    await expect(ws.write('x.txt', 'a\0b')).rejects.toThrow(/text files only/);
    await expect(ws.read('x.txt')).rejects.toBeInstanceOf(NotFound);
  });

  it("leaves QA's scratch folder out of list, sizes and files unless asked", async () => {
    const ws = fresh();
    await ws.write('calc.py', 'def add(a, b): return a + b\n');
    await ws.write('qa_probes/test_probe_calc.py', 'from calc import add\n');
    expect(await ws.list()).toEqual(['calc.py']);
    expect((await ws.sizes()).map((f) => f.path)).toEqual(['calc.py']);
    expect(Object.keys(await ws.files())).toEqual(['calc.py']);
    expect(await ws.list({ includeScratch: true })).toEqual(['calc.py', 'qa_probes/test_probe_calc.py']);
    expect(Object.keys(await ws.files({ includeScratch: true }))).toEqual([
      'calc.py',
      'qa_probes/test_probe_calc.py',
    ]);
  });

  it('keeps a named snapshot outside the workspace folder and gives it back after later changes', async () => {
    const ws = fresh();
    await ws.write('a.py', 'v1\n');
    await ws.write('qa_probes/test_p.py', 'probe\n');
    await ws.snapshot('step-build-round-1');
    await ws.write('a.py', 'v2\n');
    await ws.write('b.py', 'new\n');
    expect(await ws.snapshotFiles('step-build-round-1')).toEqual({
      'a.py': 'v1\n',
      'qa_probes/test_p.py': 'probe\n',
    });
    expect(await ws.snapshotFiles('never-taken')).toBeUndefined();
    expect(await ws.list()).toEqual(['a.py', 'b.py']);
    expect(readdirSync(ws.root).sort()).toEqual(['a.py', 'b.py', 'qa_probes']);
    expect(existsSync(`${ws.root}.snapshots/step-build-round-1.json`)).toBe(true);
    await ws.snapshot('step-build-round-1');
    expect(await ws.snapshotFiles('step-build-round-1')).toMatchObject({ 'a.py': 'v2\n', 'b.py': 'new\n' });
  });

  it('keeps snapshots out of the folder even when the root is given with a trailing slash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-'));
    const ws = new LocalWorkspace(`${dir}/`);
    await ws.write('a.py', 'x');
    await ws.snapshot('s1');
    expect(await ws.list({ includeScratch: true })).toEqual(['a.py']);
  });

  it.each(['../x', 'a/b', '', '.hidden', 'x'.repeat(200)])('refuses the snapshot name %j', async (name) => {
    await expect(fresh().snapshot(name)).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('diffFiles', () => {
  it('gives a unified diff with hunk headers for added, removed and changed files', () => {
    const d = diffFiles(
      { 'a.py': 'x = 1\ny = 2\n', 'gone.txt': 'bye\n' },
      { 'a.py': 'x = 1\ny = 3\n', 'new.txt': 'hi\n' },
    );
    expect(d).toContain('--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n x = 1\n-y = 2\n+y = 3');
    expect(d).toContain('--- a/gone.txt\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-bye');
    expect(d).toContain('--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,1 @@\n+hi');
    expect(diffFiles({ same: 'x' }, { same: 'x' })).toBe('');
  });

  it('shows three lines of context around a change in a long file, not the whole file', () => {
    const before = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 50', 'line fifty');
    const d = diffFiles({ 'long.txt': before }, { 'long.txt': after });
    expect(d).toBe(
      [
        '--- a/long.txt',
        '+++ b/long.txt',
        '@@ -47,7 +47,7 @@',
        ' line 47',
        ' line 48',
        ' line 49',
        '-line 50',
        '+line fifty',
        ' line 51',
        ' line 52',
        ' line 53',
      ].join('\n'),
    );
  });
});
