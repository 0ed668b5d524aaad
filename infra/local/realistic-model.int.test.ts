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

  it('reads the plan strictly: depends_on is named with a hint and repaired into waves', async () => {
    const first = { ...research('List the rules.'), id: 'rules' };
    const second = { ...research('Write the rules down.'), id: 'write-up', depends_on: ['rules'] };
    team.script(
      'planner',
      planReply([first, second]),
      planReply([first, { ...research('Write the rules down.'), id: 'write-up', dependsOn: ['rules'] }]),
    );
    const { task, events } = await run('Research the slug rules in two steps');
    expect(task.status).toBe('succeeded');
    expect(events.find((e) => e.type === 'plan_invalid')).toMatchObject({
      problems: [expect.stringMatching(/unknown key 'depends_on' \(did you mean 'dependsOn'\?\)/)],
    });
    expect(team.requestsOf('planner')[0]!.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'submit_plan' },
    });
    const started = events.filter((e) => e.type === 'step_started').map((e) => e.stepId);
    expect(started).toEqual(['rules', 'write-up']);
  });

  it('folds a qa step the planner added for a dev step into the dev step', async () => {
    team.script(
      'planner',
      planReply([
        { ...implement, instructions: 'Write big.py with x = 1.' },
        {
          id: 'review',
          employee: 'qa',
          title: 'Review',
          instructions: 'Review big.py.',
          dependsOn: ['implement'],
          acceptance: 'x is 1.',
        },
      ]),
    );
    team.script(
      'dev',
      {
        kind: 'answer',
        toolCalls: [{ id: 'w', name: 'workspace_write', arguments: { path: 'big.py', content: 'x = 1\n' } }],
      },
      openAIReplies.text('Wrote big.py.'),
    );
    const { task, events } = await run('Write big.py and review it');
    expect(task.status).toBe('succeeded');
    expect(events.find((e) => e.type === 'plan_repaired')).toBeDefined();
    const plan = events.find((e) => e.type === 'plan_made');
    expect(plan?.type === 'plan_made' && plan.plan.steps.map((s) => s.id)).toEqual(['implement']);
    expect(plan?.type === 'plan_made' && plan.plan.steps[0]?.acceptance).toMatch(/x is 1/);
  });

  it("takes QA's verdict through submit_verdict in any harmless spelling, and answers a bad one", async () => {
    team.script('planner', planReply([implement]));
    team.script(
      'dev',
      {
        kind: 'answer',
        toolCalls: [{ id: 'w', name: 'workspace_write', arguments: { path: 'big.py', content: 'x = 1\n' } }],
      },
      openAIReplies.text('Wrote big.py.'),
    );
    team.script(
      'qa',
      { kind: 'answer', toolCalls: [{ id: 'd', name: 'workspace_diff', arguments: {} }] },
      {
        kind: 'answer',
        toolCalls: [{ id: 'v1', name: 'submit_verdict', arguments: { verdict: 'maybe', findings: '?' } }],
      },
      {
        kind: 'answer',
        toolCalls: [
          {
            id: 'v2',
            name: 'submit_verdict',
            arguments: { verdict: 'PASS', findings: 'returns {} for empty input' },
          },
        ],
      },
    );
    const { task, events } = await run('Write big.py');
    expect(task.status).toBe('succeeded');
    const asks = team.requestsOf('qa');
    // QA's diff shows the step's change, not "(no changes)".
    expect(asks[1]!.body.messages.at(-1).content).toMatch(/\+x = 1/);
    expect(asks[2]!.body.messages.at(-1).content).toMatch(/verdict/);
    expect(events.find((e) => e.type === 'verdict')).toMatchObject({
      passed: true,
      findings: 'returns {} for empty input',
    });
  });

  it('reads almost-JSON arguments (single quotes, a trailing comma) and braces inside the findings', async () => {
    team.script('planner', planReply([implement]));
    team.script(
      'dev',
      {
        kind: 'answer',
        toolCalls: [
          { id: 'w', name: 'workspace_write', arguments: "{'path': 'big.py', 'content': 'x = 1',}" },
        ],
      },
      openAIReplies.text('Wrote big.py.'),
    );
    team.script('qa', {
      kind: 'answer',
      toolCalls: [
        {
          id: 'v',
          name: 'submit_verdict',
          arguments: "{'verdict': 'passed', 'findings': 'returns {} for empty input',}",
        },
      ],
    });
    const { task, events } = await run('Write big.py');
    expect(task.status).toBe('succeeded');
    expect(await host.store.getTask('local', task.id)).toMatchObject({ status: 'succeeded' });
    const written = await fetch(`${host.url}/v1/tasks/${task.id}/files/big.py`).then((r) => r.text());
    expect(written).toBe('x = 1');
    expect(events.find((e) => e.type === 'verdict')).toMatchObject({
      passed: true,
      findings: 'returns {} for empty input',
    });
  });

  it("rejects a wrong but self-consistent solution through QA's own probe, and Dev's next round sees it", async () => {
    team.script(
      'planner',
      planReply([
        {
          ...implement,
          instructions: 'Write slug.py: slug(s) lowercases s and joins words with -.',
          acceptance: 'slug("A B") == "a-b"',
        },
      ]),
    );
    const wrong = 'def slug(s):\n    return s.replace(" ", "-")\n';
    const selfConsistent = 'from slug import slug\n\ndef test_slug():\n    assert slug("a b") == "a-b"\n';
    const probe = 'from slug import slug\n\ndef test_lowercases():\n    assert slug("A B") == "a-b"\n';
    const write = (id: string, path: string, content: string) => ({
      kind: 'answer' as const,
      toolCalls: [{ id, name: 'workspace_write', arguments: { path, content } }],
    });
    const call = (id: string, name: string, args: Record<string, unknown>) => ({
      kind: 'answer' as const,
      toolCalls: [{ id, name, arguments: args }],
    });
    team.script(
      'dev',
      write('d1', 'slug.py', wrong),
      write('d2', 'test_slug.py', selfConsistent),
      openAIReplies.text('slug.py and its tests are written.'),
      write('d3', 'slug.py', 'def slug(s):\n    return "-".join(s.lower().split())\n'),
      openAIReplies.text('Fixed: slug lowercases now.'),
    );
    team.script(
      'qa',
      write('q1', 'qa_probes/test_probe.py', probe),
      call('q2', 'sandbox_test', { runtime: 'python' }),
      call('q3', 'submit_verdict', {
        verdict: 'fail',
        findings: 'slug("A B") gives "A-B"',
        failingTests: ['test_lowercases'],
      }),
      call('q4', 'sandbox_test', { runtime: 'python' }),
      call('q5', 'submit_verdict', { verdict: 'pass', findings: 'probe and tests pass' }),
    );
    const { task, events } = await run('Write slug.py');
    expect(task.status).toBe('succeeded');
    const verdicts = events.filter((e) => e.type === 'verdict');
    expect(verdicts.map((v) => v.type === 'verdict' && v.passed)).toEqual([false, true]);
    // QA's probe ran in QA's sandbox job and failed there, while Dev's own test passed.
    const qaRuns = events.filter((e) => e.type === 'sandbox_run' && e.employee === 'qa');
    expect(qaRuns[0]).toMatchObject({ tests: { passed: 1, failed: 1 } });
    // Dev's second round is told what failed, with the probe itself.
    const round2 = team
      .requestsOf('dev')[3]!
      .body.messages.find((m: { role: string }) => m.role === 'user').content;
    expect(round2).toMatch(/Round 2/);
    expect(round2).toContain('slug("A B") gives "A-B"');
    expect(round2).toContain('def test_lowercases');
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
