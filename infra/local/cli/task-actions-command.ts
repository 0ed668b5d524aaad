import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TechteamClient } from './api-client';
import type { CliIo } from './io';
import { followTask } from './run-command';

const USAGE_OPTIONS: Record<string, string> = {
  approve: ' [--plan edited-plan.json] [--note text]',
  reject: ' [--note text]',
  resume: ' [--budget USD] [--note "guidance for the team"]',
};

/** `techteam cancel | approve | reject | resume <id>`: act on one task, then follow it where it goes on. */
export async function taskActionCommand(action: string, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      plan: { type: 'string' },
      note: { type: 'string' },
      budget: { type: 'string' },
      // Node 20's parseArgs has no --no-<flag> negation, so the opt-out is its own flag.
      'no-follow': { type: 'boolean', default: false },
    },
  });
  const id = positionals[0];
  if (!id) {
    io.err(`usage: techteam ${action} <task-id>${USAGE_OPTIONS[action] ?? ''}`);
    return 2;
  }
  const client = new TechteamClient(io.url);
  // The cursor is taken before acting, so following shows everything the action sets off.
  const before = values['no-follow'] ? undefined : (await client.allEvents(id)).at(-1)?.id;
  const note = values.note ? { note: values.note } : {};
  switch (action) {
    case 'cancel':
      io.out(`Task ${(await client.cancelTask(id)).task.id} cancelled.`);
      return 0;
    case 'reject':
      io.out(`Plan of ${(await client.rejectTask(id, note)).task.id} rejected; the task is cancelled.`);
      return 0;
    case 'approve': {
      let plan: unknown;
      if (values.plan) {
        try {
          plan = JSON.parse(await readFile(values.plan, 'utf8'));
        } catch (e) {
          io.err(`--plan ${values.plan}: ${(e as Error).message}`);
          return 2;
        }
      }
      await client.approveTask(id, { ...note, ...(plan !== undefined ? { plan } : {}) });
      io.out(`Plan of ${id} approved${plan !== undefined ? ' (edited)' : ''}.`);
      break;
    }
    case 'resume': {
      const budgetUsd = values.budget === undefined ? undefined : Number(values.budget);
      if (budgetUsd !== undefined && !(budgetUsd > 0)) {
        io.err('--budget must be an amount of USD above 0, such as 5');
        return 2;
      }
      await client.resumeTask(id, { ...(budgetUsd !== undefined ? { budgetUsd } : {}), ...note });
      io.out(
        `Task ${id} resumed from its last completed step${budgetUsd !== undefined ? `, with a budget of $${budgetUsd}` : ''}${values.note ? ', with your note to the team' : ''}.`,
      );
      break;
    }
  }
  return values['no-follow'] ? 0 : followTask(client, id, io, before);
}

/** `techteam samples`: the built-in tasks the demo model plays end to end. */
export async function samplesCommand(io: CliIo): Promise<number> {
  const { samples } = await new TechteamClient(io.url).listSamples();
  io.out('Built-in samples (the demo model plays these end to end; a real provider takes any task):');
  for (const s of samples)
    io.out(`  ${s.id.padEnd(12)} ${s.runtime.padEnd(7)} npx techteam run "${s.prompt}"`);
  return 0;
}
