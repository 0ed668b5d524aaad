import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, DemoProvider } from '../gateway/demo-provider';
import type { ModelProvider } from '../gateway/types';
import type { Store } from '../store';
import { freshStore } from '../testing/dynamo';
import { placeholderArns, substituteDefinition, TASK_STATES, workflowDefinition } from './definition';
import { directModels } from './direct-models';
import { LocalWorkflowEngine } from './local-engine';
import { cancelTask, submitTask } from './task-lifecycle';
import { finalizeTask, markTaskFailed, planTask, runStep, type WorkflowDeps } from './task-states';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (
  def: unknown,
  opts: { checkArn: boolean; checkPaths: boolean },
) => { isValid: boolean; errorsText: (sep?: string) => string };

function engineFor(deps: WorkflowDeps) {
  return new LocalWorkflowEngine(
    {
      Plan: (i) => planTask(deps, i as never),
      RunStep: (i) => runStep(deps, i as never),
      Finalize: (i) => finalizeTask(deps, i as never),
      MarkFailed: (i) => markTaskFailed(deps, i as never),
    },
    { retryIntervalMs: 0 },
  );
}

describe('the ASL definition', () => {
  it('passes asl-validator once its resources are substituted', () => {
    const { isValid, errorsText } = aslValidator(substituteDefinition(placeholderArns()), {
      checkArn: true,
      checkPaths: true,
    });
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('names a substitution variable for every Task state, and nothing else', () => {
    const text = JSON.stringify(workflowDefinition());
    const vars = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(vars)).toEqual(new Set(Object.values(TASK_STATES)));
  });
});

describe('a task run in the interpreter', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it('plans, runs every step in order, and succeeds, writing events at every state', async () => {
    const deps = { store, models: directModels(new DemoProvider(), DEMO_MODEL, store) };
    const engine = engineFor(deps);
    const task = await submitTask({ store, workflow: engine }, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
    });
    await engine.idle();
    const done = await store.getTask('local', task.id);
    expect(done.status).toBe('succeeded');
    expect(done.stepCount).toBe(3);
    expect(done.stepsDone).toBe(3);
    expect(done.totals.inputTokens).toBeGreaterThan(0);
    expect(done.summary).toContain('Implement a slugify function');

    const events = (await store.listEvents('local', task.id, { limit: 500 })).items;
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('task_created');
    expect(types).toContain('plan_made');
    expect(types.at(-1)).toBe('task_finished');
    const started = events.flatMap((e) => (e.type === 'step_started' ? [e.stepId] : []));
    expect(started).toEqual(['research', 'implement', 'review']);
    const statuses = events.flatMap((e) => (e.type === 'status_changed' ? [e.to] : []));
    expect(statuses).toEqual(['planning', 'running', 'succeeded']);
    const messages = events.flatMap((e) => (e.type === 'message' ? [e] : []));
    expect(messages).toHaveLength(3);
    for (const m of messages) {
      expect(m.provider).toBe('demo');
      expect(m.text.startsWith('[demo]')).toBe(true);
    }
    expect(await store.listUsage('local', task.id)).toHaveLength(4);
  });

  it('fails the task with the reason when the model returns an unusable plan', async () => {
    const broken: ModelProvider = {
      name: 'broken',
      complete: async () => ({
        text: 'not json at all',
        toolCalls: [],
        stopReason: 'end',
        usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0 },
        provider: 'broken',
        model: 'b-1',
      }),
    };
    const engine = engineFor({ store, models: directModels(broken, 'b-1', store) });
    const task = await submitTask({ store, workflow: engine }, 'local', {
      prompt: 'anything',
      preference: 'cheap',
    });
    await engine.idle();
    const failed = await store.getTask('local', task.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.code).toBe('ModelOutputInvalid');
    expect(failed.failure?.message).toMatch(/broken\/b-1.*not JSON/);
    const types = (await store.listEvents('local', task.id)).items.map((e) => e.type);
    expect(types).toContain('error');
    expect(types.at(-1)).toBe('task_finished');
  });

  it('stops at a cancel: the task stays cancelled and no later step runs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const demo = new DemoProvider();
    let calls = 0;
    const slow: ModelProvider = {
      name: 'demo',
      complete: async (req) => {
        calls++;
        if (req.context.stepId === 'research') await gate;
        return demo.complete(req);
      },
    };
    const engine = engineFor({ store, models: directModels(slow, DEMO_MODEL, store) });
    const task = await submitTask({ store, workflow: engine }, 'local', {
      prompt: 'Write a parser',
      preference: 'cheap',
    });
    // Wait (with a deadline) until the research step is running.
    const deadline = Date.now() + 10_000;
    while (!(await store.listEvents('local', task.id)).items.some((e) => e.type === 'step_started')) {
      if (Date.now() > deadline) throw new Error('research never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    const cancelled = await cancelTask({ store, workflow: engine }, 'local', task.id);
    expect(cancelled.status).toBe('cancelled');
    release();
    await engine.idle();
    const final = await store.getTask('local', task.id);
    expect(final.status).toBe('cancelled');
    const started = (await store.listEvents('local', task.id, { limit: 500 })).items.filter(
      (e) => e.type === 'step_started',
    );
    expect(started).toHaveLength(1);
    expect(calls).toBe(2); // the plan and the research step, nothing after the cancel
  });
});
