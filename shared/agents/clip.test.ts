import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipOutput } from './clip';

describe('clipOutput', () => {
  it('gives text that fits unchanged', () => {
    expect(clipOutput('short', 100)).toBe('short');
  });

  it('keeps head and tail with a marker saying how many characters were cut', () => {
    const lines = Array.from({ length: 2_000 }, (_, i) => `line ${i}`).join('\n');
    const out = clipOutput(lines, 1_000);
    expect(out.length).toBeLessThanOrEqual(1_000);
    expect(out.startsWith('line 0\nline 1\n')).toBe(true);
    expect(out.endsWith('line 1998\nline 1999')).toBe(true);
    const cut = Number(
      /…\[([\d,]+) characters cut; read a smaller range or search\]/.exec(out)![1]!.replace(/,/g, ''),
    );
    expect(out.length - out.match(/\n…\[.*\]\n/)![0].length + cut).toBe(lines.length);
  });

  it('keeps mostly the tail when asked, where a traceback ends', () => {
    const output = `${'noise\n'.repeat(5_000)}Traceback (most recent call last):\nValueError: bad slug\n`;
    const out = clipOutput(output, 500, { headShare: 0.2, hint: 'the end is kept' });
    expect(out).toContain('ValueError: bad slug');
    expect(out).toMatch(/characters cut; the end is kept\]/);
  });

  it('never exceeds the budget and always shows a marker when it cuts (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 3_000 }),
        fc.integer({ min: 120, max: 2_000 }),
        fc.double({ min: 0, max: 1 }),
        (s, max, headShare) => {
          const out = clipOutput(s, max, { headShare });
          expect(out.length).toBeLessThanOrEqual(Math.max(max, s.length <= max ? s.length : 0));
          if (s.length > max) expect(out).toMatch(/characters cut/);
          else expect(out).toBe(s);
        },
      ),
    );
  });
});
