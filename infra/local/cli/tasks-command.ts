import { isTerminal } from '@techteam/shared/domain';
import { TechteamClient } from './api-client';
import { formatEvent, formatUsd } from './event-format';
import type { CliIo } from './io';
import { liveUrlOf } from './live-follow';
import { followTask } from './run-command';

function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}

/** `techteam tasks`: the newest tasks, one line each. */
export async function tasksCommand(argv: string[], io: CliIo): Promise<number> {
  const limit = Number(argv[argv.indexOf('--limit') + 1] ?? 20) || 20;
  const { tasks } = await new TechteamClient(io.url).listTasks(argv.includes('--limit') ? limit : 20);
  if (!tasks.length) {
    io.out('No tasks yet. Start one with: techteam run "Write a slugify function with tests"');
    return 0;
  }
  io.out(
    `${pad('ID', 31)} ${pad('STATUS', 17)} ${pad('STEPS', 6)} ${pad('COST', 10)} ${pad('CREATED', 20)} TITLE`,
  );
  for (const t of tasks) {
    io.out(
      `${pad(t.id, 31)} ${pad(t.status, 17)} ${pad(`${t.stepsDone}/${t.stepCount}`, 6)} ${pad(formatUsd(t.totals.costMicroUsd), 10)} ${pad(t.createdAt.slice(0, 19).replace('T', ' '), 20)} ${t.title}`,
    );
  }
  return 0;
}

/** `techteam show <id> [--follow]`: one task, its plan, and its whole event log; with --follow, then live. */
export async function showCommand(argv: string[], io: CliIo): Promise<number> {
  const follow = argv.includes('--follow');
  const id = argv.find((a) => !a.startsWith('--'));
  if (!id) {
    io.err('usage: techteam show <task-id> [--follow]');
    return 2;
  }
  const client = new TechteamClient(io.url);
  const { task } = await client.getTask(id);
  io.out(`${task.id}  ${task.status}  ${task.title}`);
  io.out(
    `created ${task.createdAt}${task.finishedAt ? `, finished ${task.finishedAt}` : ''}; steps ${task.stepsDone}/${task.stepCount}; ` +
      `tokens ${task.totals.inputTokens} in / ${task.totals.outputTokens} out; cost ${formatUsd(task.totals.costMicroUsd)}`,
  );
  if (task.failure) io.out(`failed: ${task.failure.code}: ${task.failure.message}`);
  io.out('');
  const events = await client.allEvents(id);
  for (const e of events) io.out(`${e.at.slice(11, 23)} ${formatEvent(e)}`);
  if (!follow || isTerminal(task.status)) return 0;
  return followTask(client, id, io, events.at(-1)?.id, undefined, liveUrlOf(io.url));
}
