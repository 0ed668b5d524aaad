import { createTwoFilesPatch } from 'diff';

/** Lines of unchanged context around each change, as `git diff` and `diff -u` show. */
const CONTEXT_LINES = 3;
/** A file pair whose diff takes longer than this is reported as changed without its lines. */
const DIFF_TIMEOUT_MS = 1_000;

/**
 * A unified diff between two snapshots of a workspace (path → text): one patch
 * per added, removed or changed file, with hunks and three lines of context.
 */
export function diffFiles(before: Record<string, string>, after: Record<string, string>): string {
  const out: string[] = [];
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const path of paths) {
    const a = before[path];
    const b = after[path];
    if (a === b) continue;
    const from = a === undefined ? '/dev/null' : `a/${path}`;
    const to = b === undefined ? '/dev/null' : `b/${path}`;
    const patch = createTwoFilesPatch(from, to, a ?? '', b ?? '', undefined, undefined, {
      context: CONTEXT_LINES,
      timeout: DIFF_TIMEOUT_MS,
      headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
    });
    out.push(
      patch === undefined
        ? `--- ${from}\n+++ ${to}\n@@ changed too much to diff in time; read the file instead @@\n`
        : patch,
    );
  }
  return out.join('').trimEnd();
}
