import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectChanges } from './job-folder';

describe('collectChanges: what a job left in its folder', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'techteam-job-folder-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('skips each oddly named file with the reason and keeps every other file', () => {
    writeFileSync(join(work, 'good.py'), 'print(1)\n');
    mkdirSync(join(work, 'pkg'));
    writeFileSync(join(work, 'pkg', 'mod.py'), 'x = 1\n');
    writeFileSync(join(work, 'pkg', '.git'), 'gitdir: elsewhere\n');
    mkdirSync(join(work, '.git'));
    writeFileSync(join(work, '.git', 'config'), '[core]\n');
    mkdirSync(join(work, 'node_modules', 'left-pad'), { recursive: true });
    writeFileSync(join(work, 'node_modules', 'left-pad', 'index.js'), '');
    writeFileSync(join(work, 'back\\slash.txt'), 'b');
    writeFileSync(join(work, 'new\nline.txt'), 'n');
    writeFileSync(join(work, 'L'.repeat(255)), 'long name, still allowed');
    writeFileSync(Buffer.from([...Buffer.from(`${work}/bad`), 0xff, ...Buffer.from('.txt')]), 'x');
    mkdirSync(join(work, 'deep'));
    let dir = join(work, 'deep');
    for (let i = 0; i < 5; i++) {
      dir = join(dir, 'd'.repeat(200));
      mkdirSync(dir);
    }
    writeFileSync(join(dir, 'f.txt'), 'too deep');
    mkdirSync(join(work, '__pycache__'));
    writeFileSync(join(work, '__pycache__', 'good.cpython-311.pyc'), 'cache');

    const files = collectChanges(work, { 'good.py': 'print(0)\n' });

    expect(files.changed).toEqual({
      'good.py': 'print(1)\n',
      'pkg/mod.py': 'x = 1\n',
      ['L'.repeat(255)]: 'long name, still allowed',
    });
    expect(files.deleted).toEqual([]);
    const reasons = Object.fromEntries(files.skipped.map((s) => [s.path, s.reason]));
    expect(reasons).toEqual({
      'pkg/.git': 'is in .git, which the workspace does not hold',
      '.git': 'is in .git, which the workspace does not hold',
      node_modules: 'is in node_modules, which the workspace does not hold',
      'back\\slash.txt': 'its name holds a backslash, which other systems read as a folder separator',
      'new\\nline.txt': 'its name holds a control character (\\n)',
      'bad\\xff.txt': 'its name is not UTF-8',
      [`deep/${'d'.repeat(200)}/${'d'.repeat(200)}/${'d'.repeat(200)}/${'d'.repeat(200)}/${'d'.repeat(200)}`]:
        'is longer than 900 bytes',
    });
  });

  it('reports a symlink made by the job as skipped, never walking into it', () => {
    const outside = mkdtempSync(join(tmpdir(), 'techteam-job-folder-outside-'));
    try {
      writeFileSync(join(outside, 'secret.txt'), 'secret');
      symlinkSync(outside, join(work, 'linked-dir'));
      symlinkSync(join(outside, 'secret.txt'), join(work, 'linked-file'));
      const files = collectChanges(work, {});
      expect(files.changed).toEqual({});
      expect(files.skipped).toEqual(
        expect.arrayContaining([
          { path: 'linked-dir', reason: 'symlink (never followed)' },
          { path: 'linked-file', reason: 'symlink (never followed)' },
        ]),
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
