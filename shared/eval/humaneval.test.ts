import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HumanEvalDataInvalid, HumanEvalDataMissing } from './errors';
import { defaultDataPaths, loadHumanEval, resolveDataPath } from './humaneval';

const dir = mkdtempSync(join(tmpdir(), 'humaneval-'));
const problem = {
  task_id: 'Mine/0',
  prompt: 'def one():\n    """Return 1."""\n',
  entry_point: 'one',
  canonical_solution: '    return 1\n',
  test: 'def check(candidate):\n    assert candidate() == 1\n',
};

describe('the HumanEval data', () => {
  it('reads the shipped file: 164 problems in order, each with its hidden tests', async () => {
    const problems = await loadHumanEval(resolveDataPath());
    expect(problems).toHaveLength(164);
    expect(problems[0]).toMatchObject({ task_id: 'HumanEval/0', entry_point: 'has_close_elements' });
    expect(problems.every((p) => p.test.includes('def check(candidate)'))).toBe(true);
  });

  it('reads another file of the same shape, gzipped or not', async () => {
    const plain = join(dir, 'mine.jsonl');
    writeFileSync(plain, `${JSON.stringify(problem)}\n\n`);
    const zipped = join(dir, 'mine.jsonl.gz');
    writeFileSync(zipped, gzipSync(`${JSON.stringify(problem)}\n`));
    expect(await loadHumanEval(resolveDataPath(plain))).toEqual([problem]);
    expect(await loadHumanEval(resolveDataPath(zipped))).toEqual([problem]);
  });

  it('names the line and field of a file that is not HumanEval-shaped', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      `${JSON.stringify(problem)}\n${JSON.stringify({ ...problem, entry_point: 'not ok' })}\n`,
    );
    const error = await loadHumanEval(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HumanEvalDataInvalid);
    expect((error as Error).message).toMatch(/bad\.jsonl line 2 .*entry_point: must be a Python identifier/);
    writeFileSync(bad, 'not json\n');
    await expect(loadHumanEval(bad)).rejects.toThrow(/line 1 is not a HumanEval problem: not JSON/);
  });

  it('looks beside the checkout first, and names that path when the file is nowhere', () => {
    const root = join(dir, 'checkout');
    expect(defaultDataPaths(root)[0]).toBe(join(dir, 'shared', 'data', 'humaneval', 'HumanEval.jsonl.gz'));
    expect(() => resolveDataPath(join(dir, 'missing.jsonl.gz'))).toThrow(HumanEvalDataMissing);
    expect(() => resolveDataPath(join(dir, 'missing.jsonl.gz'))).toThrow(/missing\.jsonl\.gz.*--data FILE/);
  });
});
