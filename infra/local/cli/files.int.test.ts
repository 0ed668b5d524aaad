import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deps } from '@techteam/shared/deps';
import type { Task } from '@techteam/shared/domain';
import { hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../host';
import { techteam } from '../testing/techteam-process';

describe('techteam files against a running host', () => {
  let host: Host;
  let env: Record<string, string>;
  let task: Task;
  let expected: Record<string, string>;

  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: () => {}, retryIntervalMs: 0 });
    env = { TECHTEAM_URL: host.url };
    const res = await fetch(`${host.url}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Write a slugify function with tests' }),
    });
    task = ((await res.json()) as { task: Task }).task;
    await host.engine.idle();
    expected = await deps().workspaceFor('local', task.id).files();
  });
  afterAll(async () => {
    await host.stop();
  });

  it('lists the workspace files with their sizes', async () => {
    const { code, out } = await techteam(['files', task.id], env);
    expect(code).toBe(0);
    for (const [path, text] of Object.entries(expected))
      expect(out).toMatch(new RegExp(`^ *${Buffer.byteLength(text)}  ${path.replace(/\./g, '\\.')}$`, 'm'));
    expect(out).toContain(`${Object.keys(expected).length} file(s)`);
  });

  it('downloads every file into --out, creating the folder', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'techteam-files-')), 'slugify');
    const { code, out } = await techteam(['files', task.id, '--out', dir], env);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`Wrote ${Object.keys(expected).length} file\\(s\\)`));
    for (const [path, text] of Object.entries(expected))
      expect(readFileSync(join(dir, path), 'utf8')).toBe(text);
  });

  it('shows a finished task with --follow and returns at once; names an unknown task', async () => {
    const show = await techteam(['show', task.id, '--follow'], env);
    expect(show.code).toBe(0);
    expect(show.out).toContain('■ task succeeded');
    const missing = await techteam(['files', 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV'], env);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/task 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV' was not found/);
  });
});
