import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors';
import { JobResult, LIMIT_NAMES, limitLabel, parseJob, RUNTIMES, SandboxLimits } from './job';
import { resolveCommand } from './local/command';
import { BoundedOutput } from './output';

describe('sandbox job contract', () => {
  it('fills every limit with its default and keeps the ones given', () => {
    const job = parseJob({ runtime: 'node', command: ['node', '-v'], limits: { wallMs: 1_000 } });
    expect(job.limits).toMatchObject({
      wallMs: 1_000,
      cpuSeconds: 20,
      processes: 64,
      memoryBytes: 512 * 1024 * 1024,
    });
    expect(job.files).toEqual({});
    expect(job.test).toBe(false);
  });

  it('names the field of every invalid input', () => {
    fc.assert(
      fc.property(
        fc.record({
          runtime: fc.oneof(fc.constantFrom(...RUNTIMES), fc.string()),
          command: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined)),
          limits: fc.record({ wallMs: fc.integer({ min: -10, max: 4_000_000 }) }),
        }),
        (input) => {
          try {
            parseJob(input);
          } catch (e) {
            expect(e).toBeInstanceOf(InvalidInput);
            const fields = (e as InvalidInput).issues.map((i) => i.path.split('.')[0]);
            for (const f of fields) expect(['runtime', 'command', 'limits']).toContain(f);
            expect((e as InvalidInput).issues.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it('refuses unknown fields instead of ignoring them', () => {
    expect(() => parseJob({ runtime: 'python', command: ['x'], network: true })).toThrow(/network/);
  });

  it('resolves runtime aliases, system programs and workspace scripts, and nothing else', () => {
    expect(resolveCommand('python', ['python', 'a.py'], {})).toEqual(['/usr/bin/python3', 'a.py']);
    expect(resolveCommand('python', ['pytest', '-q'], {})).toEqual([
      '/usr/bin/python3',
      '-m',
      'pytest',
      '-q',
    ]);
    expect(resolveCommand('node', ['sh', '-c', 'true'], {})?.[0]).toMatch(/\/bin\/sh$/);
    expect(resolveCommand('node', ['./run.sh'], { 'run.sh': '' })).toEqual(['./run.sh']);
    expect(resolveCommand('node', ['./run.sh'], {})).toBeNull();
    expect(resolveCommand('node', ['/etc/passwd'], {})).toBeNull();
    expect(resolveCommand('node', ['no-such-thing'], {})).toBeNull();
  });

  it('keeps output up to its limit and marks the rest as truncated', () => {
    const out = new BoundedOutput('stdout', 4);
    expect(out.push(Buffer.from('abc'))).toBe(true);
    expect(out.push(Buffer.from('def'))).toBe(false);
    expect(out.truncated).toBe(true);
    expect(out.text()).toMatch(/^abcd\n…\[stdout truncated/);
  });
});

describe('limit names', () => {
  it('names each limit a job can run into by the SandboxLimits field that sets it', () => {
    const fields = Object.keys(SandboxLimits.parse({}));
    for (const name of LIMIT_NAMES) expect(fields).toContain(name);
  });

  it('reads a result written with the old names as the current ones, and labels both for people', () => {
    const old = {
      jobId: 'j1',
      isolation: 'bwrap',
      exitCode: 137,
      signal: 'SIGKILL',
      stdout: '',
      stderr: '',
      stdoutTruncated: false,
      stderrTruncated: false,
      limit: 'wallTime',
      limitsReached: ['wallTime', 'memory', 'fileSize'],
      files: { changed: {}, deleted: [], skipped: [] },
      timings: { prepareMs: 1, runMs: 1, collectMs: 1, totalMs: 3 },
      warnings: [],
    };
    const read = JobResult.parse(old);
    expect(read.limit).toBe('wallMs');
    expect(read.limitsReached).toEqual(['wallMs', 'memoryBytes', 'fileBytes']);
    expect(limitLabel('wallTime')).toBe('wall-clock time');
    expect(limitLabel('wallMs')).toBe('wall-clock time');
    expect(limitLabel('cpuSeconds')).toBe('CPU time');
    expect(() => JobResult.parse({ ...old, limit: 'bogus' })).toThrow();
  });
});
