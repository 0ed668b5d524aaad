import { hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../host';
import { techteam } from '../testing/techteam-process';

describe('the techteam CLI against a running host', () => {
  let host: Host;
  let env: Record<string, string>;
  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: () => {}, retryIntervalMs: 0 });
    env = { TECHTEAM_URL: host.url };
  });
  afterAll(async () => {
    await host.stop();
  });

  it('runs a task, streaming the plan, the steps and the progress, and exits 0 on success', async () => {
    const { code, out } = await techteam(
      ['run', 'Write a slugify function with tests', '--poll-ms', '50'],
      env,
    );
    expect(code).toBe(0);
    expect(out).toMatch(/Task tsk_\w+ submitted/);
    expect(out).toMatch(/plan by super-agent \(demo\/demo-1 — demo model\): 2 steps/);
    expect(out).toMatch(/▶ step 1\/2 \[researcher\]/);
    expect(out).toMatch(/▶ step 2\/2 \[dev\]/);
    // The conversation: Dev's tool calls, QA's real sandbox run failing, the fix, the run passing.
    expect(out).toMatch(/→ dev calls workspace\.write\(path: "slugify\.py"/);
    // QA's first run holds Dev's tests (one fails) and QA's probe (one of its two fails).
    expect(out).toMatch(/→ qa calls workspace\.write\(path: "qa_probes\/test_slugify_edges\.py"/);
    expect(out).toMatch(/▣ sandbox \(bwrap\) pytest: exit 1, 4 passed, 2 failed, 0 errors/);
    expect(out).toMatch(/✗ QA round 1 rejects/);
    expect(out).toMatch(/▣ sandbox \(bwrap\) pytest: exit 0, 4 passed, 0 failed, 0 errors/); // Dev's run
    expect(out).toMatch(/▣ sandbox \(bwrap\) pytest: exit 0, 6 passed, 0 failed, 0 errors/); // QA's, with the probe
    expect(out).toMatch(/✓ QA round 2 accepts/);
    expect(out).toMatch(/■ task succeeded/);
    // The last line is the final progress: status, step n of m, elapsed, tokens, cost.
    const last = out.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^succeeded · step 2 of 2 · \d+\.\ds · [\d,]+ tokens · \$0\.0000$/);

    const id = /Task (tsk_\w+)/.exec(out)![1]!;
    const tasks = await techteam(['tasks'], env);
    expect(tasks.code).toBe(0);
    expect(tasks.out).toMatch(new RegExp(`${id}\\s+succeeded\\s+2/2`));
    const show = await techteam(['show', id], env);
    expect(show.code).toBe(0);
    expect(show.out).toContain('task created: Write a slugify function with tests');
    expect(show.out).toContain('■ task succeeded');
  });

  it('waits for approval with --approve, then runs after `approve`; lists the samples', async () => {
    const run = await techteam(
      ['run', 'Write a CSV-to-JSON converter with tests', '--approve', '--poll-ms', '50'],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/⏸ the plan awaits approval/);
    const id = /Task (tsk_\w+)/.exec(run.out)![1]!;
    const approve = await techteam(['approve', id, '--note', 'looks right'], env);
    expect(approve.code).toBe(0);
    expect(approve.out).toMatch(/Plan of tsk_\w+ approved\./);
    expect(approve.out).toMatch(/▣ sandbox \(bwrap\) node --test: exit 1, 2 passed, 3 failed/);
    expect(approve.out).toMatch(/■ task succeeded/);
    const samples = await techteam(['samples'], env);
    expect(samples.out).toContain('npx techteam run "Write a slugify function with tests"');
    expect(samples.out).toContain('csv-to-json');
  });

  it('runs a task with --team and --model: no QA works on it, Dev calls the chosen model, the task keeps the choice', async () => {
    const { code, out } = await techteam(
      [
        'run',
        'Write a slugify function with tests',
        '--team',
        'researcher,dev',
        '--model',
        'dev=demo-1',
        '--poll-ms',
        '50',
      ],
      env,
    );
    expect(code).toBe(0);
    expect(out).toMatch(/■ task succeeded/);
    expect(out).toContain('(team: researcher, dev; dev on demo-1)');
    expect(out).not.toMatch(/QA round \d/);
    expect(out).not.toMatch(/\[qa\]/);
    const id = /Task (tsk_\w+)/.exec(out)![1]!;
    const { task } = (await (await fetch(`${host.url}/v1/tasks/${id}`)).json()) as {
      task: { team: unknown };
    };
    expect(task.team).toEqual({ employees: ['researcher', 'dev'], models: { dev: 'demo-1' } });
    // A model whose provider is not live here is refused by the API, naming the field.
    const refused = await techteam(
      ['run', 'Write a slugify function with tests', '--team', 'dev', '--model', 'dev=gpt-5.6-luna'],
      env,
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/team\.models\.dev: 'gpt-5\.6-luna' is not live/);
  });

  it('exits 1 and names the problem for an unknown task', async () => {
    const { code, err } = await techteam(['show', 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV'], env);
    expect(code).toBe(1);
    expect(err).toMatch(/task 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV' was not found/);
  });
});

describe('the techteam CLI without a host', () => {
  it('says where it looked and how to start a host', async () => {
    const { code, err } = await techteam(['tasks'], { TECHTEAM_URL: 'http://127.0.0.1:9' });
    expect(code).toBe(1);
    expect(err).toMatch(/No Techteam host answers at http:\/\/127\.0\.0\.1:9.*npm start/);
  });

  it('names an invalid configuration variable', async () => {
    const { code, err } = await techteam(['up'], { TECHTEAM_PORT: 'eighty' });
    expect(code).toBe(1);
    expect(err).toMatch(/TECHTEAM_PORT is invalid \("eighty"\)/);
  });

  it('prints usage for run without a prompt, and for an unknown command', async () => {
    expect((await techteam(['run'])).code).toBe(2);
    const unknown = await techteam(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown command 'fly'/);
    const unknownOption = await techteam(['run', 'Write a slugify function with tests', '--bogus']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.err).toMatch(/techteam run: Unknown option '--bogus'/);
    const badBudget = await techteam(['run', 'Write a slugify function with tests', '--budget', 'lots']);
    expect(badBudget.code).toBe(2);
    expect(badBudget.err).toMatch(/--budget must be an amount of USD above 0/);
    const badModel = await techteam([
      'run',
      'Write a slugify function with tests',
      '--team',
      'dev',
      '--model',
      'dev',
    ]);
    expect(badModel.code).toBe(2);
    expect(badModel.err).toMatch(/--model must be <employee>=<model id>/);
  });

  it('lists the models and why each provider is or is not live, with no host running', async () => {
    const { code, out } = await techteam(['models', '--json'], {
      TECHTEAM_URL: 'http://127.0.0.1:9',
      ANTHROPIC_API_KEY: 'sk-ant-test-1234',
    });
    expect(code).toBe(0);
    const view = JSON.parse(out) as {
      demo: boolean;
      providers: { name: string; live: boolean; detail: string }[];
    };
    expect(view.demo).toBe(false);
    expect(view.providers.find((p) => p.name === 'anthropic')).toMatchObject({ live: true });
    expect(view.providers.find((p) => p.name === 'openai')?.detail).toBe(
      'no credentials: set OPENAI_API_KEY',
    );
  });
});
