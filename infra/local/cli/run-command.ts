import { parseArgs } from 'node:util';
import { type TaskEvent, TaskPreference, TaskTeam } from '@techteam/shared/domain';
import type { TaskDelta } from '@techteam/shared/store';
import { decodeTime, encodeTime } from 'ulid';
import { TechteamClient } from './api-client';
import { advance, formatEvent, type Progress, progressLine } from './event-format';
import type { CliIo } from './io';
import { followLive, liveUrlOf } from './live-follow';
import { LiveText } from './live-text';
import { dim } from './terminal-text';

const USAGE =
  'usage: techteam run "<prompt>" [--preference quality|balanced|cheap] [--budget <usd>] [--title <title>] [--approve (wait for plan approval)] [--team researcher,dev] [--model dev=<model id>]...';

/**
 * The task's team from `--team a,b` and each `--model employee=model`: undefined when neither is
 * given, an error naming the flag when one is malformed. A `--model` without `--team` keeps the
 * whole `roster` (the tenant's employees) and chooses that employee's model.
 */
export function teamFromFlags(
  team: string | undefined,
  models: readonly string[] = [],
  roster: readonly string[] = [],
): { team?: TaskTeam; error?: string } {
  if (team === undefined && !models.length) return {};
  const employees =
    team === undefined
      ? [...roster]
      : team
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean);
  if (!employees.length)
    return { error: '--team must name at least one employee, such as --team researcher,dev' };
  const chosen: Record<string, string> = {};
  for (const m of models) {
    const at = m.indexOf('=');
    const employee = m.slice(0, at).trim();
    const model = m.slice(at + 1).trim();
    if (at <= 0 || !model)
      return { error: `--model must be <employee>=<model id>, such as dev=gpt-5.6-luna (got '${m}')` };
    if (chosen[employee]) return { error: `--model names ${employee} twice` };
    chosen[employee] = model;
  }
  const parsed = TaskTeam.safeParse({ employees, ...(models.length ? { models: chosen } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path[0] === 'models' ? '--model' : '--team';
    return { error: `${flag}: ${issue.path.slice(1).join('.') || 'value'}: ${issue.message}` };
  }
  return { team: parsed.data };
}

/**
 * Submits a task to the running host and streams its events until it ends.
 * Exit code 0 when the task succeeds, 1 when it fails or is cancelled.
 */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      preference: { type: 'string' },
      budget: { type: 'string' },
      title: { type: 'string' },
      approve: { type: 'boolean', default: false },
      team: { type: 'string' },
      model: { type: 'string', multiple: true },
      'poll-ms': { type: 'string' },
    },
  });
  const prompt = positionals.join(' ').trim();
  if (!prompt) {
    io.err(USAGE);
    return 2;
  }
  if (values.preference && !TaskPreference.safeParse(values.preference).success) {
    io.err(`--preference must be one of ${TaskPreference.options.join(', ')}`);
    return 2;
  }
  const budgetUsd = values.budget === undefined ? undefined : Number(values.budget);
  if (budgetUsd !== undefined && !(budgetUsd > 0)) {
    io.err('--budget must be an amount of USD above 0, such as 2.50');
    return 2;
  }
  const pollMs = Number(values['poll-ms'] ?? 300);
  const client = new TechteamClient(io.url);
  // A --model alone keeps the whole team: the roster is the tenant's, read from the API.
  const roster =
    values.team === undefined && values.model?.length
      ? (await client.listEmployees()).employees.map((e) => e.id).filter((id) => id !== 'super-agent')
      : [];
  const choice = teamFromFlags(values.team, values.model, roster);
  if (choice.error) {
    io.err(choice.error);
    return 2;
  }
  const { task } = await client.createTask({
    prompt,
    ...(values.preference ? { preference: values.preference as TaskPreference } : {}),
    ...(values.title ? { title: values.title } : {}),
    ...(budgetUsd !== undefined ? { budgetUsd } : {}),
    ...(values.approve ? { requireApproval: true } : {}),
    ...(choice.team ? { team: choice.team } : {}),
  });
  io.out(`Task ${task.id} submitted to ${io.url}`);
  return followTask(client, task.id, io, undefined, pollMs, liveUrlOf(io.url));
}

/**
 * Event ids are ULIDs taken when an event is made, and concurrent writers
 * (parallel steps, a usage record retried after a transaction conflict) can
 * commit one after a later one is already visible. So each poll reads from a
 * few seconds before the last event seen and skips what it already showed.
 */
const EVENT_COMMIT_LAG_MS = 5_000;
function lagBehind(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  return encodeTime(Math.max(0, decodeTime(cursor) - EVENT_COMMIT_LAG_MS), 10) + '0'.repeat(16);
}

/**
 * Streams a task's events until it ends or waits for approval. Exit code 0
 * when the task succeeds (or now waits on a person), 1 when it fails or is cancelled.
 * On a terminal, what an employee is saying streams dimmed in the progress line
 * until its message is printed; a log gets the messages alone.
 */
export async function followTask(
  client: Pick<TechteamClient, 'allEvents' | 'eventsWithDeltas'>,
  taskId: string,
  io: CliIo,
  after?: string,
  pollMs = 300,
  /** The host's live socket: events arrive as they are written; without it (or when it fails) the log is polled. */
  liveUrl?: string,
): Promise<number> {
  const started = Date.now();
  let progress: Progress = {
    status: 'queued',
    step: 0,
    totalSteps: 0,
    elapsedMs: 0,
    tokens: 0,
    costMicroUsd: 0,
  };
  let cursor = after;
  let lastStep = -1;
  const seen = new Set<string>();
  const live = io.isTty ? new LiveText(after) : undefined;
  let deltaCursor: string | undefined;
  let socket = liveUrl ? await followLive(liveUrl, taskId, after) : undefined;
  if (liveUrl && !socket)
    io.err(dim('(the live socket could not be opened: polling the events API)', io.isTty));
  try {
    for (;;) {
      let polled: TaskEvent[];
      let deltas: TaskDelta[] = [];
      const batch = await socket?.take(pollMs);
      if (batch?.closed) {
        socket = undefined;
        io.err(dim('(the live socket closed: polling the events API)', io.isTty));
      }
      if (batch) {
        polled = batch.events;
        deltas = batch.deltas;
      } else if (live) {
        const page = await client.eventsWithDeltas(taskId, lagBehind(cursor), deltaCursor);
        polled = page.events;
        deltas = page.deltas;
        deltaCursor = page.deltaCursor ?? deltaCursor;
      } else polled = await client.allEvents(taskId, lagBehind(cursor));
      const events = polled.filter((e) => !seen.has(e.id) && (after === undefined || e.id > after));
      let finished: string | undefined;
      for (const e of events) {
        seen.add(e.id);
        live?.see(e);
        progress = advance(progress, e);
        io.clearProgress();
        io.out(formatEvent(e));
        if (e.type === 'task_finished') finished = e.status;
        if (e.type === 'approval_requested') finished = 'awaiting_approval';
        if (e.type === 'approval_decided' || e.type === 'status_changed') finished = undefined;
        cursor = e.id;
      }
      for (const d of deltas) live?.add(d);
      progress = { ...progress, elapsedMs: Date.now() - started };
      if (finished) {
        io.clearProgress();
        io.out(progressLine(progress));
        if (finished === 'awaiting_approval') {
          io.out(
            `The plan waits for you: npx techteam approve ${taskId}   or   npx techteam reject ${taskId}`,
          );
          return 0;
        }
        return finished === 'succeeded' ? 0 : 1;
      }
      // On a terminal the line redraws in place; in a log it appears when the step changes.
      const speaking = live?.line(io.columns ?? 100);
      if (speaking) io.progress(dim(speaking, io.isTty));
      else if (io.isTty || progress.step !== lastStep) io.progress(progressLine(progress));
      lastStep = progress.step;
      if (!socket) await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    socket?.close();
  }
}
