import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
});
