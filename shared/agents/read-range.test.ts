import { describe, expect, it } from 'vitest';
import { LineRangeInvalid, readRange } from './read-range';

const file = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('readRange', () => {
  it('shows a whole small file under a header with its line count', () => {
    expect(readRange('a.py', 'x = 1\ny = 2\n', {}, 8_000)).toBe('a.py: lines 1-2 of 2\nx = 1\ny = 2');
  });

  it('shows the lines asked for, 1-based and inclusive', () => {
    expect(readRange('f.txt', file(300), { startLine: 10, endLine: 12 }, 8_000)).toBe(
      'f.txt: lines 10-12 of 300\nline 10\nline 11\nline 12',
    );
  });

  it('shows what fits of a file over the budget and says where to read on', () => {
    const out = readRange('big.txt', file(5_000), {}, 1_000);
    expect(out.length).toBeLessThanOrEqual(1_000);
    const last = Number(/^big.txt: lines 1-(\d+) of 5000\n/.exec(out)![1]);
    expect(out).toContain(`\nline ${last}\n…[lines ${last + 1}-5000 not shown`);
    expect(out).toContain(`read on with startLine=${last + 1}]`);
  });

  it('cuts one line longer than the budget in its middle, visibly', () => {
    const out = readRange('min.js', `${'x'.repeat(20_000)}\n`, {}, 1_000);
    expect(out).toMatch(/^min.js: lines 1-1 of 1\nx+\n…\[[\d,]+ characters cut; the line is too long/);
    expect(out.length).toBeLessThanOrEqual(1_000);
  });

  it('says an empty file is empty, and refuses a range past the end', () => {
    expect(readRange('e.txt', '', {}, 8_000)).toBe('e.txt: empty (0 lines)');
    expect(() => readRange('f.txt', file(3), { startLine: 9 }, 8_000)).toThrow(LineRangeInvalid);
    expect(() => readRange('f.txt', file(3), { startLine: 9 }, 8_000)).toThrow(
      'f.txt has 3 lines; startLine 9 is past its end',
    );
    expect(() => readRange('f.txt', file(3), { startLine: 3, endLine: 2 }, 8_000)).toThrow(
      /before startLine/,
    );
  });
});
