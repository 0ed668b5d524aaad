import { describe, expect, it } from 'vitest';
import { BwrapSandbox, parseNodeTap, parsePytest } from './bwrap-sandbox';

describe('BwrapSandbox', () => {
  const sandbox = new BwrapSandbox({ wallMs: 5_000, cpuSeconds: 5, processes: 32, fileBytes: 1024 * 1024 });

  it('runs as nobody with no network, no host secrets and no /etc/shadow', async () => {
    process.env['OPENAI_API_KEY'] = 'sk-test-must-not-leak';
    const script = [
      'import os, socket, pathlib',
      'print("uid", os.getuid())',
      'print("key", os.environ.get("OPENAI_API_KEY"))',
      'print("ifaces", sorted(n for _, n in socket.if_nameindex()))',
      'try:\n    open("/etc/shadow").read(); print("shadow readable")\nexcept Exception as e: print("shadow", type(e).__name__)',
      'try:\n    pathlib.Path("/usr/evil").write_text("x"); print("usr writable")\nexcept Exception as e: print("usr", type(e).__name__)',
      'print("environ1", "sk-test" in open("/proc/1/environ").read())',
    ].join('\n');
    const run = await sandbox.exec({
      runtime: 'python',
      files: { 'probe.py': script },
      command: ['python3', 'probe.py'],
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('uid 65534');
    expect(run.stdout).toContain('key None');
    expect(run.stdout).toContain("ifaces ['lo']");
    expect(run.stdout).toMatch(/shadow (PermissionError|FileNotFoundError)/);
    expect(run.stdout).toMatch(/usr (PermissionError|OSError)/);
    expect(run.stdout).toContain('environ1 False');
  });

  it('kills a job past its wall time, children that detach included', async () => {
    const run = await new BwrapSandbox({ wallMs: 500, cpuSeconds: 5, processes: 32, fileBytes: 1024 }).exec({
      runtime: 'python',
      files: {
        'hang.py':
          'import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\ntime.sleep(60)\n',
      },
      command: ['python3', 'hang.py'],
    });
    expect(run.limit).toBe('wall time');
    expect(run.exitCode).not.toBe(0);
  });

  it('returns the files a job created, and runs pytest with a parsed summary', async () => {
    const files = {
      'calc.py': 'def add(a, b):\n    return a + b\n',
      'test_calc.py':
        'from calc import add\n\ndef test_ok():\n    assert add(1, 2) == 3\n\ndef test_bad():\n    assert add(1, 1) == 3\n',
    };
    const run = await sandbox.test({ runtime: 'python', files });
    expect(run.tests).toEqual({ passed: 1, failed: 1, errors: 0, failing: ['test_bad'] });
    const made = await sandbox.exec({
      runtime: 'python',
      files: {},
      command: ['python3', '-c', 'open("out.txt","w").write("hi")'],
    });
    expect(made.changedFiles).toEqual({ 'out.txt': 'hi' });
  });
});

describe('test summaries', () => {
  it('parses pytest and node --test (TAP) output', () => {
    expect(parsePytest('FAILED test_a.py::test_b - assert 1\n1 failed, 3 passed in 0.1s')).toEqual({
      passed: 3,
      failed: 1,
      errors: 0,
      failing: ['test_b'],
    });
    expect(parseNodeTap('ok 1 - a\nnot ok 2 - keeps commas\n# pass 1\n# fail 1\n# cancelled 0')).toEqual({
      passed: 1,
      failed: 1,
      errors: 0,
      failing: ['keeps commas'],
    });
  });
});
