import type { TaskEvent } from '@techteam/shared/domain';
import type { TaskDelta } from '@techteam/shared/store';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { LivePage, TechteamClient } from './api-client';
import type { CliIo } from './io';
import { followTask, teamFromFlags } from './run-command';

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

const delta = (ms: number, text: string, employee = 'dev'): TaskDelta => ({
  id: ulid(T0 + ms),
  at: new Date(T0 + ms).toISOString(),
  taskId: 'tsk_x',
  stepId: 's2',
  employee,
  text,
});

/** A host followed live: each poll shows the next events and deltas. */
function streaming(polls: { events?: TaskEvent[]; deltas?: TaskDelta[] }[]) {
  const visible: TaskEvent[] = [];
  const cursors: (string | undefined)[] = [];
  const client: Pick<TechteamClient, 'allEvents' | 'eventsWithDeltas'> = {
    allEvents: async () => {
      throw new Error('a terminal follows with deltas');
    },
    async eventsWithDeltas(_id, after, deltasAfter): Promise<LivePage> {
      cursors.push(deltasAfter);
      const poll = polls.shift() ?? {};
      visible.push(...(poll.events ?? []));
      const deltas = poll.deltas ?? [];
      return {
        events: visible.filter((e) => after === undefined || e.id > after),
        deltas,
        ...(deltas.length
          ? { deltaCursor: deltas.at(-1)!.id }
          : deltasAfter
            ? { deltaCursor: deltasAfter }
            : {}),
      };
    },
  };
  return { client, cursors };
}

function terminal(): CliIo & { lines: string[]; drawn: string[] } {
  const io = capture();
  const drawn: string[] = [];
  return { ...io, isTty: true, columns: 60, drawn, progress: (l) => drawn.push(l) };
}

describe('followTask on a terminal', () => {
  it('streams an employee’s words dimmed by name, then prints its message once, and the late words never', async () => {
    const said = { ...message(900, 'Hello world'), stepId: 's2' };
    const pieces = [
      delta(100, 'Hello \u001b]52;c;ZXZpbA==\u0007wor\u001b[2J'),
      delta(200, 'ld'),
      delta(300, ' (late piece of the same turn)'),
    ];
    const { client, cursors } = streaming([
      { deltas: [pieces[0]!] },
      { deltas: [pieces[1]!] },
      { events: [said], deltas: [pieces[2]!] },
      { events: [finished(1_000)] },
    ]);
    const io = terminal();
    const code = await followTask(client as TechteamClient, 'tsk_x', io, undefined, 1);
    expect(code).toBe(0);
    expect(io.drawn[0]).toBe('\u001b[2m  dev ┊ Hello wor\u001b[22m');
    expect(io.drawn[1]).toBe('\u001b[2m  dev ┊ Hello world\u001b[22m');
    expect(io.drawn.slice(2).some((l) => l.includes('┊'))).toBe(false);
    expect(io.lines.filter((l) => l.includes('Hello world'))).toHaveLength(1);
    expect(io.lines.join('\n')).not.toContain('late piece');
    // Each poll asks for the deltas after the last one it got, so none arrives twice.
    expect(cursors).toEqual([undefined, ...pieces.map((p) => p.id)]);
  });

  it('keeps the end of a long speech within the terminal’s width', async () => {
    const { client } = streaming([
      { deltas: [delta(100, 'word '.repeat(40))] },
      { events: [finished(1_000)] },
    ]);
    const io = terminal();
    await followTask(client as TechteamClient, 'tsk_x', io, undefined, 1);
    const line = io.drawn[0]!.replace(/\u001b\[\d+m/g, '');
    expect(line.length).toBeLessThanOrEqual(60);
    expect(line).toMatch(/^ {2}dev ┊ …\S.* word$/);
  });
});

describe('teamFromFlags', () => {
  it('reads --team and each --model into the task’s team, and nothing when neither is given', () => {
    expect(teamFromFlags(undefined)).toEqual({});
    expect(teamFromFlags('researcher, dev', ['dev=gpt-5.6-luna'])).toEqual({
      team: { employees: ['researcher', 'dev'], models: { dev: 'gpt-5.6-luna' } },
    });
    expect(teamFromFlags('dev')).toEqual({ team: { employees: ['dev'] } });
  });

  it('keeps the whole roster when only --model is given', () => {
    expect(teamFromFlags(undefined, ['qa=demo-1'], ['researcher', 'dev', 'qa'])).toEqual({
      team: { employees: ['researcher', 'dev', 'qa'], models: { qa: 'demo-1' } },
    });
  });

  it('names the flag that is malformed', () => {
    expect(teamFromFlags(',')).toEqual({
      error: expect.stringMatching(/^--team must name at least one employee/),
    });
    expect(teamFromFlags('dev', ['dev'])).toEqual({
      error: expect.stringMatching(/^--model must be <employee>=<model id>/),
    });
    expect(teamFromFlags('dev', ['dev=a', 'dev=b'])).toEqual({ error: '--model names dev twice' });
    expect(teamFromFlags('Dev!')).toEqual({ error: expect.stringMatching(/^--team: 0: must be lowercase/) });
  });
});
