import { describe, expect, it } from 'vitest';
import { approxTokens, chunkText, contentKindOf } from './chunking';

describe('content-aware chunking', () => {
  it('cuts Markdown at headings, keeps the heading path, and folds a bare title into the next section', () => {
    const chunks = chunkText(
      '# Guide\n\n## Install\nRun npm ci.\n\n## Use\nRun npm start.\n```\n# not a heading\n```\n',
      'markdown',
    );
    expect(chunks.map((c) => c.section)).toEqual(['Guide > Install', 'Guide > Use']);
    expect(chunks[0]!.text).toContain('# Guide');
    expect(chunks[1]!.text).toContain('# not a heading');
    expect(chunks.map((c) => c.position)).toEqual([0, 1]);
  });

  it('cuts code at top-level definitions, keeping a leading comment with its definition', () => {
    const code = [
      "import x from 'x';",
      '',
      '// Adds two numbers.',
      'export function add(a: number, b: number) {',
      '  return a + b;',
      '}',
      '',
      'class Stack {',
      '  push() {}',
      '}',
      '',
      'def py_thing():',
      '    pass',
    ].join('\n');
    const chunks = chunkText(code, 'code');
    expect(chunks.map((c) => c.section)).toEqual([
      undefined,
      'export function add(a: number, b: number) {',
      'class Stack {',
      'def py_thing():',
    ]);
    expect(chunks[1]!.text.startsWith('// Adds two numbers.')).toBe(true);
  });

  it('packs prose paragraphs within the token budget and overlaps a split paragraph', () => {
    const para = (n: number) => `Paragraph ${n} ${'word '.repeat(30)}`.trim();
    const text = [1, 2, 3, 4, 5, 6].map(para).join('\n\n');
    const chunks = chunkText(text, 'text', { maxTokens: 100, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => approxTokens(c.text) <= 100)).toBe(true);
    expect(chunks[0]!.text).toContain('Paragraph 1');
    expect(chunks[0]!.text).toContain('Paragraph 2');

    const long = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const split = chunkText(long, 'text', { maxTokens: 60, overlapTokens: 10 });
    expect(split.length).toBeGreaterThan(2);
    const tailOfFirst = split[0]!.text.slice(-20);
    expect(split[1]!.text).toContain(tailOfFirst);
  });

  it('gives identical text the same hash and changed text a new one', () => {
    const a = chunkText('# A\none\n# B\ntwo', 'markdown');
    const b = chunkText('# A\none\n# B\nthree', 'markdown');
    expect(a[0]!.hash).toBe(b[0]!.hash);
    expect(a[1]!.hash).not.toBe(b[1]!.hash);
  });

  it('tells the kind from the file name', () => {
    expect(contentKindOf('README.md')).toBe('markdown');
    expect(contentKindOf('src/app.ts')).toBe('code');
    expect(contentKindOf('notes.txt')).toBe('text');
  });
});
