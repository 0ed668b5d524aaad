import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeSandbox, SandboxRun } from '../agents';
import type { TaskEvent } from '../domain';
import { Catalog } from '../gateway/catalog/catalog';
import { ModelGateway } from '../gateway/gateway';
import { DemoProvider } from '../gateway/providers/demo/demo-provider';
import type { ModelProvider, ModelRequest } from '../gateway/types';
import { type Store, StoreMeter } from '../store';
import { freshStore } from '../testing/dynamo';
import { TASK_STATE_FUNCTIONS } from '../testing/task-state-functions';
import { LocalWorkspace } from '../workspace';
import { TaskSignals, type WorkflowDeps } from './deps';
import { LocalWorkflowEngine } from './engines/local-engine';
import { approveTask, resumeTask, submitTask } from './task-lifecycle';

const SLUGIFY = 'Write a slugify function with tests';
const step = (id: string, employee: string, dependsOn: string[] = []) => ({
  id,
  employee,
  title: `${id} for a slugify function`,
  instructions: `Work on a slugify function.\nThe whole task: ${SLUGIFY}`,
  acceptance: 'The tests pass in the sandbox.',
  dependsOn,
});

const passing: CodeSandbox = {
  describe: 'scripted',
  exec: async () => passed(),
  test: async () => passed(),
};
async function passed(): Promise<SandboxRun> {
  return {
    exitCode: 0,
    stdout: '4 passed',
    stderr: '',
    isolation: 'scripted',
    durationMs: 1,
    changedFiles: {},
    tests: { passed: 4, failed: 0, errors: 0, failing: [] },
  };
}

/**
 * The real gateway over two live providers: `demo` and an `openai` that plays the demo's script
 * (the Super Agent's first plan scripted to name QA). Every request `openai` got is kept.
 */
function team(store: Store, opts: { failOnce?: string } = {}) {
  const demo = new DemoProvider();
  const seen: ModelRequest[] = [];
  let plans = 0;
  const openai: ModelProvider = {
    name: 'openai',
    complete: async (req) => {
      seen.push(req);
      if (req.responseSchema?.name === 'submit_plan' && plans++ === 0) {
        // The first plan names QA, who is not on the team: the repair round sees it.
        const text = JSON.stringify({
          summary: 'research, build, audit',
          steps: [
            step('requirements', 'researcher'),
            step('implement', 'dev', ['requirements']),
            step('audit', 'qa', ['requirements']),
          ],
        });
        return {
          text,
          toolCalls: [],
          stopReason: 'end',
          usage: { inputTokens: 10, outputTokens: 10, cachedInputTokens: 0 },
          provider: 'openai',
          model: req.model,
        };
      }
      return { ...(await demo.complete(req)), provider: 'openai', model: req.model };
    },
  };
  const models = new ModelGateway({
    providers: new Map<string, ModelProvider>([
      ['demo', demo],
      ['openai', openai],
    ]),
    catalog: Catalog.shipped(),
    meter: new StoreMeter(store),
  });
  const root = mkdtempSync(join(tmpdir(), 'team-'));
  const deps: WorkflowDeps = {
    store,
    models,
    workspaceFor: (t, id) => new LocalWorkspace(join(root, t, id)),
    signals: new TaskSignals(),
    sandbox: passing,
  };
  const handlers = Object.fromEntries(
    Object.entries(TASK_STATE_FUNCTIONS).map(([name, fn]) => [
      name,
      (i: unknown) => {
        if (name === opts.failOnce) {
          delete opts.failOnce;
          throw new Error('the host lost this step');
        }
        return fn(deps, i as never);
      },
    ]),
  ) as never;
  const workflow = new LocalWorkflowEngine(handlers, { retryIntervalMs: 0 });
  return { seen, workflow, life: { store, workflow, signals: deps.signals! } };
}

async function events(store: Store, taskId: string): Promise<TaskEvent[]> {
  return (await store.listEvents('local', taskId, { limit: 1000 })).items;
}

describe("a task's chosen team, in the interpreter over the real gateway", () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it('plans no QA step for a team of researcher and dev, and sends Dev’s calls to its chosen model', async () => {
    const { seen, workflow, life } = team(store);
    const choice = { employees: ['researcher', 'dev'], models: { dev: 'gpt-5.6-luna' } };
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'balanced', team: choice });
    await workflow.idle();
    const done = await store.getTask('local', task.id);
    expect(done.status).toBe('succeeded');
    expect(done.team).toEqual(choice);
    const log = await events(store, task.id);
    expect(log[0]).toMatchObject({ type: 'task_created', team: choice });
    // The planner was offered researcher and dev only, told nobody reviews, and its step for QA was refused.
    const planner = seen.find((r) => r.responseSchema?.name === 'submit_plan')!;
    expect(planner.system).toMatch(/^- dev \(Dev\)/m);
    expect(planner.system).not.toMatch(/^- qa /m);
    expect(planner.system).toMatch(/QA is not on this task's team/);
    expect(log.find((e) => e.type === 'plan_invalid')).toMatchObject({
      problems: [
        expect.stringMatching(/step 'audit' names unknown employee 'qa' \(known: researcher, dev\)/),
      ],
    });
    const plan = (await store.getPlan('local', task.id))!;
    expect(plan.steps.map((s) => s.employee)).not.toContain('qa');
    // Nobody but the team worked: no QA call, no verdict; Dev's every call went to its chosen model.
    expect(seen.some((r) => r.context.employeeId === 'qa')).toBe(false);
    expect(log.some((e) => e.type === 'verdict')).toBe(false);
    const dev = seen.filter((r) => r.context.employeeId === 'dev');
    expect(dev.length).toBeGreaterThan(0);
    expect(new Set(dev.map((r) => r.model))).toEqual(new Set(['gpt-5.6-luna']));
    const usage = await store.listUsage('local', task.id);
    const devModels = usage.filter((u) => u.employeeId === 'dev').map((u) => u.model);
    expect(new Set(devModels)).toEqual(new Set(['gpt-5.6-luna']));
  });

  it('keeps the choice through approval and a resume: the run after them still honours it', async () => {
    const { seen, workflow, life } = team(store, { failOnce: 'RunEmployee' });
    const choice = { employees: ['researcher', 'dev'], models: { dev: 'gpt-5.6-luna' } };
    const task = await submitTask(life, 'local', {
      prompt: SLUGIFY,
      preference: 'balanced',
      requireApproval: true,
      team: choice,
    });
    await workflow.idle();
    expect((await store.getTask('local', task.id)).status).toBe('awaiting_approval');
    // An edited plan that gives a step to QA is refused: QA is not on the task's team.
    const withQa = { summary: 's', steps: [step('implement', 'dev'), step('audit', 'qa', ['implement'])] };
    await expect(approveTask(life, 'local', task.id, { plan: withQa })).rejects.toThrow(
      /unknown employee 'qa'/,
    );
    await approveTask(life, 'local', task.id, { plan: { summary: 's', steps: [step('implement', 'dev')] } });
    await workflow.idle();
    // The step was lost once: the task failed, and its resume runs with the same choice.
    const failed = await store.getTask('local', task.id);
    expect(failed.status).toBe('failed');
    expect(failed.team).toEqual(choice);
    await resumeTask(life, 'local', task.id);
    await workflow.idle();
    expect((await store.getTask('local', task.id)).status).toBe('succeeded');
    const dev = seen.filter((r) => r.context.employeeId === 'dev');
    expect(dev.length).toBeGreaterThan(0);
    expect(new Set(dev.map((r) => r.model))).toEqual(new Set(['gpt-5.6-luna']));
    expect(seen.some((r) => r.context.employeeId === 'qa')).toBe(false);
  });

  it('without a choice, Dev’s calls follow its profile’s order and QA reviews', async () => {
    const { seen, workflow, life } = team(store);
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'balanced' });
    await workflow.idle();
    expect((await store.getTask('local', task.id)).team).toBeUndefined();
    const dev = seen.filter((r) => r.context.employeeId === 'dev');
    // claude-sonnet-4-6 and claude-sonnet-5-5 have no live provider here; gpt-5.6-terra is next.
    expect(new Set(dev.map((r) => r.model))).toEqual(new Set(['gpt-5.6-terra']));
    expect(seen.some((r) => r.context.employeeId === 'qa')).toBe(true);
  });
});
