import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../errors';
import { SandboxUnavailable, WorkspaceTooLarge } from '../errors';
import { testCommand } from '../runtimes';
import { LocalSandbox, requestedIsolation } from './local-sandbox';

const PY_PROJECT = {
  'calc.py': 'def add(a, b):\n    return a + b\n',
  'test_calc.py':
    'from calc import add\n\ndef test_adds():\n    assert add(2, 3) == 5\n\ndef test_negative():\n    assert add(-1, -1) == -2\n',
};
const NODE_PROJECT = {
  'calc.js': 'exports.add = (a, b) => a + b;\n',
  'calc.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('./calc');\n" +
    "test('adds', () => assert.equal(add(2, 3), 5));\ntest('negative', () => assert.equal(add(-1, -1), -2));\n",
};

describe('bwrap sandbox: ordinary jobs', () => {
  const sandbox = new LocalSandbox({ isolation: 'bwrap' });
  afterAll(() => sandbox.close());

  it('runs a Python script and returns its output and the files it wrote', async () => {
    const r = await sandbox.run({
      runtime: 'python',
      files: {
        'main.py': 'import json\nprint("hello")\nopen("out/result.json", "w").write(json.dumps([1, 2]))\n',
        'out/.keep': '',
      },
      command: ['python', 'main.py'],
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hello\n', limit: null, isolation: 'bwrap' });
    expect(r.files.changed).toEqual({ 'out/result.json': '[1, 2]' });
  });

  it('reports changed and deleted files', async () => {
    const r = await sandbox.run({
      runtime: 'node',
      files: { 'a.txt': 'old', 'b.txt': 'gone soon' },
      command: ['node', '-e', "require('fs').writeFileSync('a.txt','new');require('fs').unlinkSync('b.txt')"],
    });
    expect(r.files).toEqual({ changed: { 'a.txt': 'new' }, deleted: ['b.txt'], skipped: [] });
  });

  it('runs a passing pytest project with the summary right', async () => {
    const r = await sandbox.run({
      runtime: 'python',
      files: PY_PROJECT,
      command: testCommand('python'),
      test: true,
    });
    expect(r.exitCode).toBe(0);
    expect(r.tests).toEqual({ passed: 2, failed: 0, errors: 0, skipped: 0, failing: [] });
  });

  it('runs a failing pytest project and names the failing test', async () => {
    const files = { ...PY_PROJECT, 'calc.py': 'def add(a, b):\n    return a - b\n' };
    const r = await sandbox.run({ runtime: 'python', files, command: testCommand('python'), test: true });
    expect(r.exitCode).toBe(1);
    expect(r.tests).toEqual({
      passed: 0,
      failed: 2,
      errors: 0,
      skipped: 0,
      failing: ['test_calc.py::test_adds', 'test_calc.py::test_negative'],
    });
  });

  it('runs a passing node --test project with the summary right', async () => {
    const r = await sandbox.run({
      runtime: 'node',
      files: NODE_PROJECT,
      command: testCommand('node'),
      test: true,
    });
    expect(r.exitCode).toBe(0);
    expect(r.tests).toEqual({ passed: 2, failed: 0, errors: 0, skipped: 0, failing: [] });
  });

  it('runs a failing node --test project and names the failing test', async () => {
    const files = { ...NODE_PROJECT, 'calc.js': 'exports.add = (a, b) => a * b;\n' };
    const r = await sandbox.run({ runtime: 'node', files, command: testCommand('node'), test: true });
    expect(r.exitCode).toBe(1);
    // 2*3 != 5 fails; (-1)*(-1) = 1 != -2 fails too.
    expect(r.tests).toEqual({ passed: 0, failed: 2, errors: 0, skipped: 0, failing: ['adds', 'negative'] });
  });

  it('gives exit code 127 and a message for a command that is not found', async () => {
    const r = await sandbox.run({ runtime: 'python', command: ['no-such-program', '--flag'] });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('command not found: no-such-program');
  });

  it('lists the known runtimes when the runtime is unknown', async () => {
    const err = await sandbox.run({ runtime: 'ruby' as 'python', command: ['ruby', 'x.rb'] }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toContain("runtime: unknown runtime 'ruby'; known runtimes: python, node");
  });

  it('names the field of an invalid limit', async () => {
    const err = await sandbox
      .run({ runtime: 'python', command: ['true'], limits: { wallMs: -5 } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toContain('limits.wallMs');
  });

  it('refuses a workspace over the size limit before running anything', async () => {
    const files = { 'big.txt': 'x'.repeat(5000), 'main.py': 'open("/work/ran", "w")' };
    const err = await sandbox
      .run({ runtime: 'python', files, command: ['python', 'main.py'], limits: { workspaceBytes: 4096 } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkspaceTooLarge);
    expect(err.message).toMatch(/over the limit of 4096 bytes/);
  });

  it('refuses a path outside the workspace', async () => {
    const err = await sandbox
      .run({ runtime: 'python', files: { '../x.py': '' }, command: ['true'] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toContain('files');
  });

  it('leaves nothing of a job in its folder for the next one, a name that is not UTF-8 included', async () => {
    const one = new LocalSandbox({ isolation: 'bwrap' });
    try {
      const first = await one.run({
        runtime: 'python',
        command: ['python', '-c', 'open(b"left\\xff.txt", "w").write("x"); open("left.txt", "w").write("x")'],
      });
      expect(first.files.skipped).toEqual([{ path: 'left\\xff.txt', reason: 'its name is not UTF-8' }]);
      // One sandbox, one job at a time: the second job gets the first one's slot.
      const second = await one.run({
        runtime: 'python',
        files: { 'main.py': 'import os\nprint(sorted(os.listdir(".")))\n' },
        command: ['python', 'main.py'],
      });
      expect(second.exitCode).toBe(0);
      expect(second.stdout).toBe("['main.py']\n");
    } finally {
      one.close();
    }
  });

  it('runs two jobs at once with separate uids and folders', async () => {
    const job = (n: number) =>
      sandbox.run({
        runtime: 'python',
        files: { 'n.txt': String(n) },
        command: ['python', '-c', 'import os;print(os.getuid(), open("n.txt").read())'],
      });
    const [a, b] = await Promise.all([job(1), job(2)]);
    const [uidA, nA] = a.stdout.trim().split(' ');
    const [uidB, nB] = b.stdout.trim().split(' ');
    expect([nA, nB]).toEqual(['1', '2']);
    expect(uidA).not.toBe(uidB);
  });
});

describe('availability', () => {
  it('refuses without bubblewrap and names the install command', () => {
    expect(() => new LocalSandbox({ isolation: 'bwrap', searchPath: '/nonexistent' })).toThrow(
      SandboxUnavailable,
    );
    expect(() => new LocalSandbox({ isolation: 'bwrap', searchPath: '/nonexistent' })).toThrow(
      'apt-get install -y bubblewrap',
    );
  });

  it('runs without bubblewrap only on the explicit unsafe opt-in, warning on every job', async () => {
    const warnings: string[] = [];
    const sandbox = new LocalSandbox({
      isolation: 'none',
      searchPath: '/nonexistent',
      warn: (m) => warnings.push(m),
    });
    const r1 = await sandbox.run({ runtime: 'python', command: ['python', '-c', 'print(6*7)'] });
    await sandbox.run({ runtime: 'python', command: ['python', '-c', 'pass'] });
    expect(r1).toMatchObject({ isolation: 'none', exitCode: 0, stdout: '42\n' });
    expect(r1.warnings[0]).toMatch(/WITHOUT isolation/);
    expect(warnings).toHaveLength(2);
    sandbox.close();
  });

  it("still reads the options' old names for one release (unsafeNoSandbox, processIsolation)", () => {
    expect(requestedIsolation({ unsafeNoSandbox: true })).toBe('none');
    expect(requestedIsolation({ unsafeNoSandbox: true, processIsolation: 'microvm' })).toBe('microvm');
    expect(requestedIsolation({})).toBe('bwrap');
    expect(requestedIsolation({ isolation: 'gvisor', unsafeNoSandbox: true })).toBe('gvisor');
  });
});
