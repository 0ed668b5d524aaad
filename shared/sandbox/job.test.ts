import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors';
import { parseJob, RUNTIMES } from './job';
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
