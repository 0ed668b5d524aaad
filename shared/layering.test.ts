import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folders of shared/, lowest first. A folder may import only from folders before it, so the
 * graph is a straight stack: nothing low knows what is built on it. `testing/` (test support)
 * and tests themselves may reach anywhere (a gateway test runs in the real workflow).
 */
export const LAYERS = [
  'zod',
  'errors',
  'observability',
  'domain',
  'money',
  'config',
  'workspace',
  'store',
  'identity',
  'settings',
  'gateway',
  'memory',
  'billing',
  'files',
  'sandbox',
  'eval',
  'agents',
  'workflow',
  'deps',
  'live',
] as const;

/** Upward imports still allowed, as `from -> to`: none since the logger left the dependency container. */
const NOT_YET_STRAIGHT = new Set<string>();

const SHARED = dirname(fileURLToPath(import.meta.url));
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every import between two shared folders in production code: `from -> to` with the files that make it. */
function folderEdges(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SHARED)) {
    const from = relative(SHARED, file).split(sep)[0]!;
    if (from === 'testing') continue;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = relative(SHARED, resolve(dirname(file), match[1] ?? match[2]!)).split(sep)[0]!;
      if (to === from || to.startsWith('..') || to.includes('.')) continue;
      const edge = `${from} -> ${to}`;
      edges.set(edge, [...(edges.get(edge) ?? []), relative(SHARED, file)]);
    }
  }
  return edges;
}

describe('the layers of shared/', () => {
  const edges = folderEdges();

  it('names every folder of shared/ in the layer order', () => {
    const folders = readdirSync(SHARED).filter(
      (name) => name !== 'node_modules' && name !== 'testing' && statSync(join(SHARED, name)).isDirectory(),
    );
    expect(folders.filter((f) => !(LAYERS as readonly string[]).includes(f))).toEqual([]);
  });

  it('imports only downward: no folder imports one above it (so no two folders import each other)', () => {
    const rank = (folder: string) => (LAYERS as readonly string[]).indexOf(folder);
    const upward = [...edges]
      .filter(([edge]) => {
        const [from, to] = edge.split(' -> ') as [string, string];
        return to === 'testing' || rank(to) > rank(from);
      })
      .filter(([edge]) => !NOT_YET_STRAIGHT.has(edge))
      .map(([edge, files]) => `${edge} (${files.join(', ')})`);
    expect(upward).toEqual([]);
  });

  it('keeps the gateway and the workflow apart below it: the gateway imports neither workflow nor agents nor runtime', () => {
    const fromGateway = [...edges.keys()].filter((e) => e.startsWith('gateway -> '));
    expect(fromGateway.filter((e) => /-> (workflow|agents|runtime|sandbox)$/.test(e))).toEqual([]);
    expect(edges.has('workflow -> gateway')).toBe(true);
  });
});
