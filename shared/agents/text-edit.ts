export type EditOutcome =
  | { ok: true; content: string; firstLine: number; oldLines: number; newLines: number }
  | { ok: false; problem: string };

const lineCount = (s: string) => s.split('\n').length;
const lineAt = (text: string, index: number) => lineCount(text.slice(0, index));

function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

/**
 * Replaces exactly one occurrence of `old` in `text` by `replacement`. When
 * `old` is missing or not unique it says so in words a model can act on: the
 * lines it matches if whitespace is ignored, or the closest line, or where the
 * several occurrences are.
 */
export function replaceOnce(path: string, text: string, old: string, replacement: string): EditOutcome {
  if (!old) {
    return {
      ok: false,
      problem: '`old` is empty: give the exact text to replace (to write a whole file, use workspace.write)',
    };
  }
  let find = old;
  let put = replacement;
  let at = occurrences(text, find);
  // A file with Windows line ends still matches text the model wrote with '\n'.
  if (at.length === 0 && text.includes('\r\n') && !old.includes('\r\n')) {
    find = old.replace(/\n/g, '\r\n');
    put = replacement.replace(/\r?\n/g, '\r\n');
    at = occurrences(text, find);
  }
  if (at.length === 1) {
    const i = at[0]!;
    return {
      ok: true,
      content: text.slice(0, i) + put + text.slice(i + find.length),
      firstLine: lineAt(text, i),
      oldLines: lineCount(find),
      newLines: lineCount(put),
    };
  }
  if (at.length > 1) {
    const lines = at.map((i) => lineAt(text, i));
    return {
      ok: false,
      problem:
        `The text in \`old\` occurs ${at.length} times in ${path} (at lines ${lines.join(', ')}); ` +
        'nothing was changed. Include more of the surrounding lines in `old` so that it matches exactly once.',
    };
  }
  return {
    ok: false,
    problem: `The text in \`old\` was not found in ${path}; nothing was changed. ${nearMiss(text, old)}`,
  };
}

const squash = (line: string) => line.trim().replace(/\s+/g, ' ');

function numbered(lines: string[], from: number, to: number): string {
  return lines
    .slice(from, to)
    .map((l, k) => `${from + k + 1}: ${l}`)
    .join('\n');
}

/** What is nearest to `old` in the file, cheaply: a whitespace-blind match, else the most similar line. */
function nearMiss(text: string, old: string): string {
  const lines = text.split('\n');
  const want = old.split('\n').map(squash);
  while (want.length && !want[want.length - 1]) want.pop();
  while (want.length && !want[0]) want.shift();
  if (!want.length) return 'Read the file and copy the text to replace exactly.';
  const have = lines.map(squash);
  for (let i = 0; i + want.length <= have.length; i++) {
    if (want.every((w, k) => have[i + k] === w)) {
      return (
        `It matches lines ${i + 1}-${i + want.length} if whitespace is ignored; copy them exactly, indentation ` +
        `included (the line numbers are not part of the file):\n${numbered(lines, i, i + want.length)}`
      );
    }
  }
  // The window of as many lines as `old` that is most like it, on whitespace-squashed text.
  // Only its first lines are compared, so a long `old` in a long file stays cheap.
  const k = Math.min(want.length, 5);
  const block = want.slice(0, k).join('\n');
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < Math.min(have.length, 5_000); i++) {
    const score = similarity(block, have.slice(i, i + k).join('\n'));
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  if (best < 0 || bestScore < 0.5) {
    return `No lines resemble it (its first line: ${JSON.stringify(want[0]!.slice(0, 80))}); read the file and copy the text exactly.`;
  }
  const from = Math.max(0, best - 1);
  const to = Math.min(lines.length, best + want.length + 1);
  return (
    `The closest line is ${best + 1}; lines ${from + 1}-${to} (the line numbers are not part of the file):\n` +
    numbered(lines, from, to)
  );
}

/** Dice coefficient on character pairs: 1 for equal strings, near 0 for unrelated ones. */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const pairs = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const p = a.slice(i, i + 2);
    pairs.set(p, (pairs.get(p) ?? 0) + 1);
  }
  let common = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const p = b.slice(i, i + 2);
    const n = pairs.get(p) ?? 0;
    if (n > 0) {
      common++;
      pairs.set(p, n - 1);
    }
  }
  return (2 * common) / (a.length - 1 + b.length - 1);
}
