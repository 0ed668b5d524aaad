import { parseArgs } from 'node:util';
import { type TaskEvent, TaskPreference } from '@techteam/shared/domain';
import type { TaskDelta } from '@techteam/shared/store';
import { decodeTime, encodeTime } from 'ulid';
import { TechteamClient } from './api-client';
import { advance, formatEvent, type Progress, progressLine } from './event-format';
import type { CliIo } from './io';
import { followLive, liveUrlOf } from './live-follow';
import { LiveText } from './live-text';
import { dim } from './terminal-text';

const USAGE =
  'usage: techteam run "<prompt>" [--preference quality|balanced|cheap] [--budget <usd>] [--title <title>] [--approve (wait for plan approval)]';

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
  const { task } = await client.createTask({
    prompt,
    ...(values.preference ? { preference: values.preference as TaskPreference } : {}),
    ...(values.title ? { title: values.title } : {}),
    ...(budgetUsd !== undefined ? { budgetUsd } : {}),
    ...(values.approve ? { requireApproval: true } : {}),
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
