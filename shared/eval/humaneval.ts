import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as z from '../zod';
import { HumanEvalDataInvalid, HumanEvalDataMissing } from './errors';

/** One HumanEval problem, as the dataset's JSON lines give it. */
export const HumanEvalProblem = z.object({
  task_id: z.string().check(z.minLength(1)),
  /** The function's signature and docstring (with any helpers and imports before it). */
  prompt: z.string().check(z.minLength(1)),
  entry_point: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a Python identifier')),
  /** The body that completes `prompt`; only the oracle in tests ever reads it. */
  canonical_solution: z.string(),
  /** The hidden tests: a `check(candidate)` function. Never shown to an employee. */
  test: z.string().check(z.minLength(1)),
});
export type HumanEvalProblem = z.infer<typeof HumanEvalProblem>;

const DATA_FILE = join('shared', 'data', 'humaneval', 'HumanEval.jsonl.gz');
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where the dataset lives when `--data` is not given: beside the checkout, at
 * `../shared/data/humaneval/` (as in CI). A git worktree sits one folder deeper, so
 * the folders above are tried too; the first is the one an error names.
 */
export function defaultDataPaths(root = repoRoot): string[] {
  const paths: string[] = [];
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    paths.push(join(dir, DATA_FILE));
    if (dirname(dir) === dir) return paths;
  }
}

export function resolveDataPath(given?: string, root = repoRoot): string {
  if (given) {
    const path = resolve(given);
    if (!existsSync(path)) throw new HumanEvalDataMissing(path, []);
    return path;
  }
  const candidates = defaultDataPaths(root);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new HumanEvalDataMissing(candidates[0]!, candidates.slice(1));
  return found;
}

/** Reads the problems of a HumanEval-shaped file (JSON lines, gzipped or not), in file order. */
export async function loadHumanEval(path: string): Promise<HumanEvalProblem[]> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch {
    throw new HumanEvalDataMissing(path, []);
  }
  const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
  const text = (gzipped ? gunzipSync(raw) : raw).toString('utf8');
  const problems: HumanEvalProblem[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new HumanEvalDataInvalid(path, index + 1, 'not JSON');
    }
    const parsed = HumanEvalProblem.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HumanEvalDataInvalid(path, index + 1, `${issue.path.join('.') || 'line'}: ${issue.message}`);
    }
    problems.push(parsed.data);
  }
  if (!problems.length) throw new HumanEvalDataInvalid(path, 0, 'the file holds no problems');
  return problems;
}
