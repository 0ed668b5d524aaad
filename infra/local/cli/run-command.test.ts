import type { TaskEvent } from '@techteam/shared/domain';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { TechteamClient } from './api-client';
import type { CliIo } from './io';
import { followTask } from './run-command';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const base = (ms: number) => ({
  tenantId: 'local',
  taskId: 'tsk_x',
  id: ulid(T0 + ms),
  at: new Date(T0 + ms).toISOString(),
});
const message = (ms: number, text: string): TaskEvent => ({
  ...base(ms),
  type: 'message',
  employee: 'dev',
  text,
  provider: 'demo',
  model: 'demo-1',
});
const finished = (ms: number): TaskEvent => ({ ...base(ms), type: 'task_finished', status: 'succeeded' });

/** A store as a poller sees it: events become visible in commit order, not id order. */
function committing(batches: TaskEvent[][]): Pick<TechteamClient, 'allEvents'> {
  const visible: TaskEvent[] = [];
  return {
    async allEvents(_id: string, after?: string) {
      visible.push(...(batches.shift() ?? []));
      return visible
        .filter((e) => after === undefined || e.id > after)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    },
  };
}

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    url: 'http://test',
    isTty: false,
    lines,
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    progress: () => {},
    clearProgress: () => {},
  };
}

describe('followTask', () => {
  it('shows an event committed after a later one was already seen, once, and nothing from before its cursor', async () => {
    const before = message(0, 'shown before the action');
    const early = message(1_000, 'committed late');
    const later = message(2_000, 'committed first');
    const client = committing([[before, later], [early], [finished(3_000)]]);
    const io = capture();
    const code = await followTask(client as TechteamClient, 'tsk_x', io, before.id, 1);
    expect(code).toBe(0);
    const shown = io.lines.filter((l) => l.includes('committed') || l.includes('before the action'));
    expect(shown).toHaveLength(2);
    expect(shown.join('\n')).toContain('committed late');
    expect(shown.join('\n')).toContain('committed first');
  });
});
