import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFiles } from './diff';
import { LocalWorkspace, WorkspacePathInvalid } from './workspace';

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
});

describe('diffFiles', () => {
  it('shows added, removed and changed lines', () => {
    const d = diffFiles(
      { 'a.py': 'x = 1\ny = 2\n', 'gone.txt': 'bye' },
      { 'a.py': 'x = 1\ny = 3\n', 'new.txt': 'hi' },
    );
    expect(d).toContain('--- a/a.py\n+++ b/a.py\n x = 1\n-y = 2\n+y = 3');
    expect(d).toContain('--- a/gone.txt\n+++ /dev/null\n-bye');
    expect(d).toContain('--- /dev/null\n+++ b/new.txt\n+hi');
    expect(diffFiles({ same: 'x' }, { same: 'x' })).toBe('');
  });
});
