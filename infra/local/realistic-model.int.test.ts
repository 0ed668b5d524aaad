import { loadConfig } from '@techteam/shared/config';
import type { Task, TaskEvent } from '@techteam/shared/domain';
import { openAIReplies } from '@techteam/shared/testing/fake-openai-server';
import { hostTestConfig } from '@techteam/shared/testing/host';
import { planReply, startScriptedTeam, type TeamServer } from '@techteam/shared/testing/scripted-team-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Host, startHost } from './host';

// The team through the real host, the real `openai` SDK and the gateway, against a server that
// answers as real models do on a bad day: cut-off tool calls, empty and half answers, loops,
// wrong field names, huge outputs. The demo model never does any of this; real ones do daily.

const quiet = () => {};
const research = (instructions = 'Find out what slugify must do.') => ({
  id: 'research',
  employee: 'researcher',
  title: 'Research',
  instructions,
  dependsOn: [],
  acceptance: 'The requirements are listed.',
});
const implement = {
  id: 'implement',
  employee: 'dev',
  title: 'Implement',
  instructions: 'Write big.py.',
  dependsOn: [],
  acceptance: 'big.py exists.',
};

describe('the team with a model that misbehaves as real ones do', () => {
  let team: TeamServer;
  let host: Host;

  beforeAll(async () => {
    team = await startScriptedTeam();
    const provider = loadConfig({
      OPENAI_COMPATIBLE_BASE_URL: team.url,
      OPENAI_COMPATIBLE_NAME: 'scripted',
      OPENAI_COMPATIBLE_MODELS: 'scripted-1',
      OPENAI_COMPATIBLE_CONTEXT_WINDOW: '32768',
      TECHTEAM_MODEL_TIMEOUT_MS: '20000',
    });
    host = await startHost({
      config: { ...hostTestConfig(), ...pick(provider) },
      log: quiet,
      retryIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await host?.stop();
    await team?.close();
  });
  beforeEach(() => team.clear());

  async function run(prompt: string): Promise<{ task: Task; events: TaskEvent[] }> {
    const res = await fetch(`${host.url}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt }),
    });
    expect(res.status).toBe(201);
    const { task } = (await res.json()) as { task: Task };
    await host.engine.idle();
    const events: TaskEvent[] = [];
    let after = '';
    for (;;) {
      const page = (await (
        await fetch(`${host.url}/v1/tasks/${task.id}/events?limit=200${after ? `&after=${after}` : ''}`)
      ).json()) as { events: TaskEvent[]; next?: string };
      events.push(...page.events);
      if (!page.next) break;
      after = page.next;
    }
    return { task: await host.store.getTask('local', task.id), events };
  }

  it('answers a tool call cut off at max_tokens once, meters it, and cools nothing down', async () => {
    team.script('planner', planReply([research()]));
    team.script(
      'researcher',
      {
        kind: 'answer',
        toolCalls: [{ id: 'call_cut', name: 'workspace_read', arguments: '{"path": "requirem' }],
        finishReason: 'length',
        usage: { promptTokens: 1_000, completionTokens: 4_096 },
      },
      openAIReplies.text('Slugs are lowercase.', { usage: { promptTokens: 1_200, completionTokens: 10 } }),
    );
    const { task, events } = await run('Research slugify');
    expect(task.status).toBe('succeeded');
    const asks = team.requestsOf('researcher');
    expect(asks).toHaveLength(2);
    const answer = asks[1]!.body.messages.at(-1);
    expect(answer).toMatchObject({ role: 'tool', tool_call_id: 'call_cut' });
    expect(answer.content).toMatch(/was not run.*cut at \d+ tokens/s);
    expect(events.find((e) => e.type === 'tool_call' && e.invalid)).toBeDefined();

    const usage = (await host.store.listUsage('local', task.id)).filter((u) => u.employeeId === 'researcher');
    expect(usage.reduce((n, u) => n + u.inputTokens + u.cachedInputTokens, 0)).toBe(2_200);
    expect(usage.reduce((n, u) => n + u.outputTokens, 0)).toBe(4_106);

    // Nothing the model wrote cooled the model down: the next task plans and runs at once.
    const next = await run('Research slugify again');
    expect(next.task.status).toBe('succeeded');
  });

  it('nudges an empty answer and continues half a sentence cut at the limit', async () => {
    team.script('planner', planReply([research()]));
    team.script(
      'researcher',
      openAIReplies.text(''),
      openAIReplies.text('A slug is lowercase and', { finishReason: 'length' }),
      openAIReplies.text(' uses dashes.'),
    );
    const { task } = await run('Research slugs');
    expect(task.status).toBe('succeeded');
    const results = await host.store.listStepResults('local', task.id);
    expect(results.find((r) => r.stepId === 'research')?.output).toContain(
      'A slug is lowercase and uses dashes.',
    );
    const asks = team.requestsOf('researcher');
    expect(asks[1]!.body.messages.at(-1).content).toMatch(/answer was empty/);
    // The words were streamed, and reached API clients as transient deltas beside the events.
    expect(asks.every((a) => a.body.stream === true)).toBe(true);
    const live = (await (await fetch(`${host.url}/v1/tasks/${task.id}/events?deltas=true`)).json()) as {
      deltas: { employee: string; text: string }[];
    };
    const streamed = live.deltas
      .filter((d) => d.employee === 'researcher')
      .map((d) => d.text)
      .join('');
    expect(streamed).toBe('A slug is lowercase and uses dashes.');
    expect(asks[2]!.body.messages.at(-1).content).toMatch(/cut off at the output limit/);
  });

  it('stops a loop of identical calls after a nudge, and hands on what it has instead of failing', async () => {
    team.script('planner', planReply([research()]));
    const loop = {
      kind: 'answer' as const,
      text: 'Found nothing yet; slugs are lowercase.',
      toolCalls: [{ name: 'workspace_read', arguments: { path: 'missing.md' } }],
    };
    team.script('researcher', ...Array.from({ length: 12 }, () => loop));
    const { task, events } = await run('Research the slug rules');
    expect(task.status).toBe('succeeded');
    expect(team.requestsOf('researcher')).toHaveLength(5);
    expect(events.find((e) => e.type === 'employee_stuck')).toMatchObject({ employee: 'researcher' });
    const nudged = team.requestsOf('researcher')[3]!.body.messages.at(-1).content;
    expect(nudged).toMatch(/this call 3 times/);
    const output = (await host.store.listStepResults('local', task.id)).find(
      (r) => r.stepId === 'research',
    )?.output;
    expect(output).toMatch(/gave up: it made the same workspace_read call 5 times/);
  });

  it('names the fields of a call with wrong field names, and does not resend a 143 KB file', async () => {
    team.script('planner', planReply([implement]));
    const big = `${'x = 1  # filler line of a generated module\n'.repeat(3_300)}`;
    team.script(
      'dev',
      {
        kind: 'answer',
        toolCalls: [{ id: 'w1', name: 'workspace_write', arguments: { file_path: 'big.py', text: 'x' } }],
      },
      {
        kind: 'answer',
        toolCalls: [{ id: 'w2', name: 'workspace_write', arguments: { path: 'big.py', content: big } }],
      },
      openAIReplies.text('Wrote big.py.'),
    );
    const { task } = await run('Write big.py');
    expect(task.status).toBe('succeeded');
    const asks = team.requestsOf('dev');
    expect(asks[1]!.body.messages.at(-1).content).toMatch(/path.*content|content.*path/s);
    expect(big.length).toBeGreaterThan(140_000);
    expect(JSON.stringify(asks[2]!.body).length).toBeLessThan(20_000);
  });
});

/** The provider settings of a parsed config, to lay over the host's test config. */
function pick(config: ReturnType<typeof loadConfig>) {
  const keys = [
    'OPENAI_COMPATIBLE_BASE_URL',
    'OPENAI_COMPATIBLE_NAME',
    'OPENAI_COMPATIBLE_MODELS',
    'OPENAI_COMPATIBLE_CONTEXT_WINDOW',
    'TECHTEAM_MODEL_TIMEOUT_MS',
  ] as const;
  return Object.fromEntries(keys.map((k) => [k, config[k]]));
}
