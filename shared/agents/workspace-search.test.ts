import { describe, expect, it } from 'vitest';
import { SearchInvalid, searchFiles } from './workspace-search';

const FILES = {
  'src/slugify.py': 'import re\n\ndef slugify(s):\n    return re.sub(r"\\W+", "-", s).lower()\n',
  'tests/test_slugify.py':
    'from src.slugify import slugify\n\ndef test_slug():\n    assert slugify("A b") == "a-b"\n',
  'README.md': '# Slugify\n',
};

describe('searchFiles', () => {
  it('gives path:line: text for each matching line, files in order', () => {
    expect(searchFiles(FILES, { pattern: 'slugify(' })).toBe(
      [
        'src/slugify.py:3: def slugify(s):',
        'tests/test_slugify.py:4:     assert slugify("A b") == "a-b"',
      ].join('\n'),
    );
  });

  it('searches one folder, ignores case, and takes regular expressions', () => {
    expect(searchFiles(FILES, { pattern: 'SLUGIFY', path: 'src/', ignoreCase: true })).toBe(
      'src/slugify.py:3: def slugify(s):',
    );
    expect(searchFiles(FILES, { pattern: '^def \\w+\\(', regex: true })).toBe(
      'src/slugify.py:3: def slugify(s):\ntests/test_slugify.py:3: def test_slug():',
    );
  });

  it('caps the matches and counts what it left out', () => {
    const many = { 'log.txt': 'hit\n'.repeat(250), 'more.txt': 'hit\nhit\n' };
    const out = searchFiles(many, { pattern: 'hit' }, 100);
    expect(out.split('\n').filter((l) => l.startsWith('log.txt:'))).toHaveLength(100);
    expect(out).toMatch(/…\[152 more matches in 2 files not shown; narrow the search/);
  });

  it('says when nothing matched or the folder does not exist, and refuses a broken regex', () => {
    expect(searchFiles(FILES, { pattern: 'zebra' })).toBe('No match for "zebra" in 3 files.');
    expect(searchFiles(FILES, { pattern: 'x', path: 'lib' })).toBe(
      "No file or folder 'lib' in the workspace.",
    );
    expect(() => searchFiles(FILES, { pattern: '(', regex: true })).toThrow(SearchInvalid);
  });
});
