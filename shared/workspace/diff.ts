/**
 * A unified-style diff between two snapshots of a workspace: added, removed
 * and changed files, with the changed lines of each (longest-common-subsequence
 * on lines; files are small).
 */
export function diffFiles(before: Record<string, string>, after: Record<string, string>): string {
  const out: string[] = [];
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const path of paths) {
    const a = before[path];
    const b = after[path];
    if (a === b) continue;
    out.push(
      `--- ${a === undefined ? '/dev/null' : `a/${path}`}`,
      `+++ ${b === undefined ? '/dev/null' : `b/${path}`}`,
    );
    out.push(...lineDiff(a?.split('\n') ?? [], b?.split('\n') ?? []));
  }
  return out.join('\n');
}

function lineDiff(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      lines.push(` ${a[i]}`);
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) {
      lines.push(`+${b[j]}`);
      j++;
    } else {
      lines.push(`-${a[i]}`);
      i++;
    }
  }
  return lines;
}
