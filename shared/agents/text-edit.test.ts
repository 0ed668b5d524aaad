import { describe, expect, it } from 'vitest';
import { replaceOnce } from './text-edit';

const SRC = 'def slugify(s):\n    return s.lower()\n\n\ndef unslug(s):\n    return s.replace("-", " ")\n';

describe('replaceOnce', () => {
  it('replaces the one occurrence and says which lines changed', () => {
    const r = replaceOnce('s.py', SRC, '    return s.lower()\n', '    s = s.strip()\n    return s.lower()\n');
    expect(r).toEqual({
      ok: true,
      content: SRC.replace('    return s.lower()\n', '    s = s.strip()\n    return s.lower()\n'),
      firstLine: 2,
      oldLines: 2,
      newLines: 3,
    });
  });

  it('takes the replacement literally, $ signs included', () => {
    const r = replaceOnce('a.js', 'const a = 1;\n', 'const a = 1;', "const a = '$&$1';");
    expect(r.ok && r.content).toBe("const a = '$&$1';\n");
  });

  it('refuses text that occurs several times, naming the lines', () => {
    const r = replaceOnce('s.py', SRC, 'return s', 'return t');
    expect(r).toEqual({
      ok: false,
      problem: expect.stringContaining('occurs 2 times in s.py (at lines 2, 6)'),
    });
  });

  it('points at the lines that match when only the indentation differs', () => {
    const r = replaceOnce('s.py', SRC, 'def slugify(s):\n  return s.lower()', 'x');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toContain('was not found in s.py');
    expect(!r.ok && r.problem).toContain('It matches lines 1-2 if whitespace is ignored');
    expect(!r.ok && r.problem).toContain('2:     return s.lower()');
  });

  it('shows the closest line when the text is not there', () => {
    const r = replaceOnce('s.py', SRC, 'def unslug(text):\n    return text.replace("-", " ")', 'x');
    expect(!r.ok && r.problem).toContain('The closest line is 5');
    expect(!r.ok && r.problem).toContain('5: def unslug(s):');
  });

  it('says so when nothing resembles the text, and refuses an empty old', () => {
    expect(replaceOnce('s.py', SRC, 'class Zebra:', 'x')).toEqual({
      ok: false,
      problem: expect.stringContaining('No lines resemble it (its first line: "class Zebra:")'),
    });
    expect(replaceOnce('s.py', SRC, '', 'x')).toEqual({
      ok: false,
      problem: expect.stringContaining('`old` is empty'),
    });
  });

  it('matches text written with \\n in a file with Windows line ends, and keeps them', () => {
    const r = replaceOnce('w.txt', 'a\r\nb\r\nc\r\n', 'a\nb', 'A\nB');
    expect(r.ok && r.content).toBe('A\r\nB\r\nc\r\n');
  });
});
