import { spawn, spawnSync } from 'node:child_process';
import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspacePath } from './workspace';
import { checkWriteBackPath, MAX_PATH_BYTES, printablePath, writeBackFiles } from './write-back';

describe('checkWriteBackPath: the rule for a job output name', () => {
  it.each([
    ['src/app.py', 'src/app.py'],
    ['a b/ünïcode ✓.txt', 'a b/ünïcode ✓.txt'],
    ['.github/workflows/ci.yml', '.github/workflows/ci.yml'],
    ['L'.repeat(255), 'L'.repeat(255)],
  ])('takes %j', (name, path) => {
    expect(checkWriteBackPath(name)).toEqual({ ok: true, path });
  });

  it.each([
    ['.git', /is in \.git/],
    ['sub/.git', /is in \.git/],
    ['.git/hooks/pre-commit', /is in \.git/],
    ['node_modules/x/index.js', /is in node_modules/],
    ['a\\b.txt', /backslash/],
    ['new\nline.txt', /control character \(\\n\)/],
    ['tab\there', /control character \(\\t\)/],
    ['nul\0byte', /control character \(\\x00\)/],
    ['L'.repeat(256), /name longer than 255 bytes/],
    [`${'d'.repeat(200)}/`.repeat(5) + 'f', new RegExp(`longer than ${MAX_PATH_BYTES} bytes`)],
    ['../x', /outside the workspace/],
    ['a/../../x', /outside the workspace/],
    ['/etc/passwd', /absolute path/],
    ['a//b', /not a plain path/],
    ['./a', /not a plain path/],
    ['a/', /not a plain path/],
    ['', /empty/],
  ])('refuses %j, saying why', (name, reason) => {
    const check = checkWriteBackPath(name);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });

  it('refuses a name that is not UTF-8, shown with its bad bytes escaped', () => {
    const name = Buffer.concat([Buffer.from('dir/bad'), Buffer.from([0xff, 0xc3]), Buffer.from('.txt')]);
    expect(checkWriteBackPath(name)).toEqual({
      ok: false,
      path: 'dir/bad\\xff\\xc3.txt',
      reason: 'its name is not UTF-8',
    });
    expect(checkWriteBackPath(Buffer.from('dir/é.txt'))).toEqual({ ok: true, path: 'dir/é.txt' });
  });

  it('shows a refused name on one line', () => {
    expect(printablePath('a\nb\rc\x1b')).toBe('a\\nb\\rc\\x1b');
  });

  it('takes only paths the workspace keeps unchanged, inside it (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', '.git', 'node_modules', 'a\\b', 'x\ny', 'ok', 'src'),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), (segments, absolute) => {
        const name = `${absolute ? '/' : ''}${segments.join('/')}`;
        const check = checkWriteBackPath(name);
        if (!check.ok) {
          expect(check.reason).not.toBe('');
          expect(check.path).not.toMatch(/[\n\r]/);
          return;
        }
        expect(check.path).toBe(name);
        expect(workspacePath(name)).toBe(name);
        expect(name.split('/')).not.toContain('..');
        expect(name).not.toMatch(/[\u0000-\u001f\\]/);
      }),
    );
  });
});

describe('writeBackFiles: a job output into a folder on the host', () => {
  let base: string;
  let folder: string;
  let outside: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'techteam-write-back-'));
    folder = join(base, 'project');
    outside = join(base, 'home');
    mkdirSync(folder);
    mkdirSync(outside);
    writeFileSync(join(outside, '.bashrc'), 'original bashrc\n');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('writes new and changed files, creating folders', () => {
    writeFileSync(join(folder, 'main.py'), 'old');
    const r = writeBackFiles(folder, { 'main.py': 'new', 'out/deep/result.json': '[1]' });
    expect(r).toEqual({ written: ['main.py', 'out/deep/result.json'], skipped: [] });
    expect(readFileSync(join(folder, 'main.py'), 'utf8')).toBe('new');
    expect(readFileSync(join(folder, 'out/deep/result.json'), 'utf8')).toBe('[1]');
  });

  it('never writes through a symlink to a file outside, and keeps the rest', () => {
    symlinkSync(join(outside, '.bashrc'), join(folder, 'notes.txt'));
    const r = writeBackFiles(folder, { 'notes.txt': 'pwned\n', 'ok.txt': 'fine' });
    expect(r.skipped).toEqual([
      { path: 'notes.txt', reason: 'notes.txt is a symlink (never written through)' },
    ]);
    expect(r.written).toEqual(['ok.txt']);
    expect(readFileSync(join(outside, '.bashrc'), 'utf8')).toBe('original bashrc\n');
    expect(lstatSync(join(folder, 'notes.txt')).isSymbolicLink()).toBe(true);
  });

  it('never writes through a symlinked folder, at any depth', () => {
    symlinkSync(outside, join(folder, 'cfg'));
    mkdirSync(join(folder, 'a'));
    symlinkSync(outside, join(folder, 'a', 'b'));
    const r = writeBackFiles(folder, {
      'cfg/.bashrc': 'pwned\n',
      'a/b/c/new.txt': 'pwned',
      'a/kept.txt': 'k',
    });
    expect(r.skipped).toEqual([
      { path: 'cfg/.bashrc', reason: 'cfg is a symlink (never written through)' },
      { path: 'a/b/c/new.txt', reason: 'a/b is a symlink (never written through)' },
    ]);
    expect(r.written).toEqual(['a/kept.txt']);
    expect(readFileSync(join(outside, '.bashrc'), 'utf8')).toBe('original bashrc\n');
    expect(readdirSync(outside)).toEqual(['.bashrc']);
  });

  it('refuses names that leave the folder: .., absolute, backslash', () => {
    const r = writeBackFiles(folder, {
      '../escaped.txt': 'x',
      [join(outside, 'abs.txt')]: 'x',
      '..\\win.txt': 'x',
      'sub/../../up.txt': 'x',
    });
    expect(r.written).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      "goes up with '..', outside the workspace",
      'is an absolute path, outside the workspace',
      'its name holds a backslash, which other systems read as a folder separator',
      "goes up with '..', outside the workspace",
    ]);
    expect(readdirSync(base).sort()).toEqual(['home', 'project']);
    expect(readdirSync(outside)).toEqual(['.bashrc']);
  });

  it('refuses a hard link to a file outside, a folder, a FIFO, and a file on the way', () => {
    linkSync(join(outside, '.bashrc'), join(folder, 'linked.txt'));
    mkdirSync(join(folder, 'adir'));
    expect(spawnSync('mkfifo', [join(folder, 'pipe')]).status).toBe(0);
    writeFileSync(join(folder, 'plain'), '');
    const r = writeBackFiles(folder, { 'linked.txt': 'pwned', adir: 'x', pipe: 'x', 'plain/x': 'x' });
    expect(r.written).toEqual([]);
    expect(Object.fromEntries(r.skipped.map((s) => [s.path, s.reason]))).toEqual({
      'linked.txt': 'linked.txt has other hard links (never written through)',
      adir: 'adir is a folder',
      pipe: 'pipe is not a regular file',
      'plain/x': 'plain is not a folder',
    });
    expect(readFileSync(join(outside, '.bashrc'), 'utf8')).toBe('original bashrc\n');
  });

  it('writes nothing outside while a folder on the path is swapped with a symlink again and again', async () => {
    // A racer atomically exchanges `a` (the real folder) with `a.lnk` (a symlink to `outside`)
    // as fast as it can (renameat2 RENAME_EXCHANGE, so `a` always exists), while files are
    // written under `a/`: each one must land in the real folder or be refused.
    mkdirSync(join(folder, 'a'));
    symlinkSync(outside, join(folder, 'a.lnk'));
    const racer = spawn(
      'python3',
      [
        '-c',
        `import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
a, lnk = (p.encode() for p in sys.argv[1:3])
AT_FDCWD, RENAME_EXCHANGE = -100, 2
while True:
    libc.renameat2(AT_FDCWD, a, AT_FDCWD, lnk, RENAME_EXCHANGE)`,
        join(folder, 'a'),
        join(folder, 'a.lnk'),
      ],
      { stdio: 'ignore' },
    );
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 200; i++) files[`a/f${i}.txt`] = `f${i}`;
      let refused = 0;
      let written = 0;
      const deadline = Date.now() + 20_000;
      // Until the race has gone both ways (otherwise this test proves nothing), or the deadline.
      while ((refused === 0 || written === 0) && Date.now() < deadline) {
        const r = writeBackFiles(folder, files);
        expect(r.written.length + r.skipped.length).toBe(200);
        refused += r.skipped.filter((s) => s.reason === 'a is a symlink (never written through)').length;
        written += r.written.length;
        expect(readdirSync(outside)).toEqual(['.bashrc']);
      }
      expect(refused).toBeGreaterThan(0);
      expect(written).toBeGreaterThan(0);
    } finally {
      racer.kill('SIGKILL');
      await new Promise((resolve) => racer.on('close', resolve));
    }
    expect(readdirSync(outside)).toEqual(['.bashrc']);
    const real = lstatSync(join(folder, 'a')).isDirectory() ? 'a' : 'a.lnk';
    expect(readdirSync(join(folder, real)).length).toBeGreaterThan(0);
  });
});
