import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Relative imports of a file, static and dynamic (`import('./x')`), type-only ones included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => resolve(dirname(file), s.endsWith('.ts') ? s : `${s}.ts`));
}

describe("the AWS sandbox's files in shared/deps", () => {
  it('import one another without a circle', () => {
    const files = readdirSync(here)
      .filter((f) => f.startsWith('aws-sandbox') && f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => join(here, f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const edges = new Map(files.map((f) => [f, importsOf(f).filter((i) => files.includes(i))]));
    const circles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (path.includes(file)) {
        circles.push(
          [...path.slice(path.indexOf(file)), file].map((f) => f.slice(here.length + 1)).join(' -> '),
        );
        return;
      }
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });
});
