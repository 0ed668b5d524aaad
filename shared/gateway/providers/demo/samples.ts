/**
 * The built-in sample tasks the demo model can play end to end. Each has the
 * files Dev writes in round one (with a real bug the tests catch) and the fix
 * Dev makes after QA's findings in round two.
 */
export interface DemoSample {
  id: string;
  prompt: string;
  runtime: 'python' | 'node';
  subject: string;
  requirements: string[];
  /** Files of the first attempt: the tests are right, the code has the bug. */
  firstAttempt: Record<string, string>;
  /** The fixed files of the second attempt. */
  fix: Record<string, string>;
  bug: string;
  /** The probe test QA writes under qa_probes/: an edge case Dev's tests miss, failing on the bug. */
  probe: { path: string; content: string };
}

export const DEMO_SAMPLES: readonly DemoSample[] = [
  {
    id: 'slugify',
    prompt: 'Write a slugify function with tests',
    runtime: 'python',
    subject: 'a slugify function',
    requirements: [
      'Lowercase ASCII words joined by single dashes: "Hello World" → "hello-world".',
      'Runs of spaces and punctuation collapse to one dash: "Hello, World!" → "hello-world".',
      'Accents are stripped: "Crème Brûlée" → "creme-brulee".',
      'No leading or trailing dashes; the empty string stays empty.',
    ],
    bug: 'each separator character becomes its own dash, so "Hello, World!" gives "hello--world"',
    probe: {
      path: 'qa_probes/test_slugify_edges.py',
      content: [
        'from slugify import slugify',
        '',
        '',
        'def test_runs_of_separators_collapse():',
        '    assert slugify("  Hello --  World!!  ") == "hello-world"',
        '',
        '',
        'def test_only_punctuation_gives_empty():',
        '    assert slugify("?!-") == ""',
        '',
      ].join('\n'),
    },
    firstAttempt: {
      'slugify.py': [
        'import re',
        'import unicodedata',
        '',
        '',
        'def slugify(text: str) -> str:',
        '    """Lowercase ASCII words joined by single dashes."""',
        '    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")',
        '    return re.sub(r"[^a-z0-9]", "-", text.lower()).strip("-")',
        '',
      ].join('\n'),
      'test_slugify.py': [
        'from slugify import slugify',
        '',
        '',
        'def test_lowercases_and_joins_words():',
        '    assert slugify("Hello World") == "hello-world"',
        '',
        '',
        'def test_collapses_punctuation_and_spaces():',
        '    assert slugify("Hello, World!") == "hello-world"',
        '',
        '',
        'def test_strips_accents():',
        '    assert slugify("Crème Brûlée") == "creme-brulee"',
        '',
        '',
        'def test_empty_string():',
        '    assert slugify("") == ""',
        '',
      ].join('\n'),
    },
    fix: {
      'slugify.py': [
        'import re',
        'import unicodedata',
        '',
        '',
        'def slugify(text: str) -> str:',
        '    """Lowercase ASCII words joined by single dashes."""',
        '    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")',
        '    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")',
        '',
      ].join('\n'),
    },
  },
  {
    id: 'csv-to-json',
    prompt: 'Write a CSV-to-JSON converter with tests',
    runtime: 'node',
    subject: 'a CSV-to-JSON converter',
    requirements: [
      'The first line is the header; each later line becomes an object keyed by it.',
      'Quoted fields may hold commas: `"Smith, Jane",42`.',
      'A doubled quote inside a quoted field is one quote.',
      'Empty input gives an empty array.',
    ],
    bug: 'lines are split on every comma, so a quoted field holding a comma is cut in two',
    probe: {
      path: 'qa_probes/csv_edges.test.mjs',
      content: [
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { csvToJson } from '../csv_to_json.mjs';",
        '',
        "test('reads a quoted header holding a comma', () => {",
        "  assert.deepEqual(csvToJson('\"last, first\",n\\n\"Lovelace, Ada\",1'), [{ 'last, first': 'Lovelace, Ada', n: '1' }]);",
        '});',
        '',
      ].join('\n'),
    },
    firstAttempt: {
      'csv_to_json.mjs': [
        'export function csvToJson(text) {',
        "  const lines = text.split(/\\r?\\n/).filter((l) => l !== '');",
        '  if (lines.length === 0) return [];',
        "  const header = lines[0].split(',');",
        '  return lines.slice(1).map((line) => {',
        "    const cells = line.split(',');",
        '    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));',
        '  });',
        '}',
        '',
      ].join('\n'),
      'csv_to_json.test.mjs': [
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { csvToJson } from './csv_to_json.mjs';",
        '',
        "test('maps rows to objects keyed by the header', () => {",
        "  assert.deepEqual(csvToJson('name,age\\nAda,36\\n'), [{ name: 'Ada', age: '36' }]);",
        '});',
        '',
        "test('keeps commas inside quoted fields', () => {",
        "  assert.deepEqual(csvToJson('name,age\\n\"Smith, Jane\",42'), [{ name: 'Smith, Jane', age: '42' }]);",
        '});',
        '',
        "test('reads a doubled quote as one quote', () => {",
        '  assert.deepEqual(csvToJson(\'q\\n"say ""hi"""\'), [{ q: \'say "hi"\' }]);',
        '});',
        '',
        "test('gives an empty array for empty input', () => {",
        "  assert.deepEqual(csvToJson(''), []);",
        '});',
        '',
      ].join('\n'),
    },
    fix: {
      'csv_to_json.mjs': [
        'function splitLine(line) {',
        '  const cells = [];',
        "  let cell = '';",
        '  let quoted = false;',
        '  for (let i = 0; i < line.length; i++) {',
        '    const c = line[i];',
        '    if (quoted) {',
        "      if (c === '\"' && line[i + 1] === '\"') {",
        "        cell += '\"';",
        '        i++;',
        "      } else if (c === '\"') quoted = false;",
        '      else cell += c;',
        "    } else if (c === '\"') quoted = true;",
        "    else if (c === ',') {",
        '      cells.push(cell);',
        "      cell = '';",
        '    } else cell += c;',
        '  }',
        '  cells.push(cell);',
        '  return cells;',
        '}',
        '',
        'export function csvToJson(text) {',
        "  const lines = text.split(/\\r?\\n/).filter((l) => l !== '');",
        '  if (lines.length === 0) return [];',
        '  const header = splitLine(lines[0]);',
        '  return lines.slice(1).map((line) => {',
        '    const cells = splitLine(line);',
        '    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));',
        '  });',
        '}',
        '',
      ].join('\n'),
    },
  },
];

const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

export function findSample(prompt: string): DemoSample | undefined {
  const p = normalise(prompt);
  return DEMO_SAMPLES.find((s) => normalise(s.prompt) === p || s.id === prompt.trim());
}
