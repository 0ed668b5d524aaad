import { teamOf } from '../agents';
import { runAgent } from '../agents/agent-loop';
import type { Toolbox } from '../agents/toolbox';
import type { EmployeeProfile, PlanStep, StepResult, Task } from '../domain';
import { NotFound, TechteamError } from '../errors';
import type { WorkflowInput } from './definition';
import { MAX_DEV_ROUNDS, type WorkflowDeps } from './deps';
import { TaskNotRunnable } from './errors';
import { planWaves } from './plan-waves';

export interface StepInput extends WorkflowInput {
  stepId: string;
}

export class StepRejected extends TechteamError {
  constructor(stepId: string, rounds: number, findings: string) {
    super('StepRejected', 422, `QA rejected step '${stepId}' after ${rounds} round(s): ${findings}`, {
      stepId,
      rounds,
    });
  }
}

interface StepContext {
  team: EmployeeProfile[];
  task: Task;
  step: PlanStep;
  results: StepResult[];
  order: string[];
}

async function loadStep({ store }: WorkflowDeps, input: StepInput, action: string): Promise<StepContext> {
  const { tenantId, taskId, stepId } = input;
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'running') throw new TaskNotRunnable(taskId, task.status, action);
  const plan = await store.getPlan(tenantId, taskId);
  if (!plan) throw new NotFound('plan of task', taskId);
  const step = plan.steps.find((s) => s.id === stepId);
  if (!step) throw new NotFound('plan step', stepId);
  const results = await store.listStepResults(tenantId, taskId);
  const team = await teamOf(store, tenantId);
  return {
    team,
    task,
    step,
    results,
    order: planWaves(
      plan,
      team.map((p) => p.id),
    ).flat(),
  };
}

function profileFor(ctx: StepContext, employee: string): EmployeeProfile {
  const profile = ctx.team.find((p) => p.id === employee);
  if (!profile) throw new NotFound('employee', employee);
  return profile;
}

function stepPrompt(ctx: StepContext, extra: string[] = []): string {
  const { task, step, results } = ctx;
  const parts = [
    step.instructions,
    '',
    `Step: ${step.title}`,
    `Acceptance: ${step.acceptance || 'the step is done as instructed'}`,
    `The whole task: ${task.prompt}`,
    ...extra,
  ];
  const inputs = step.dependsOn
    .map((d) => results.find((r) => r.stepId === d))
    .filter(Boolean) as StepResult[];
  if (inputs.length) {
    parts.push('', 'Results of the steps this one depends on:');
    for (const r of inputs) parts.push(`## ${r.stepId}`, r.output);
  }
  return parts.join('\n');
}

async function withToolbox<T>(
  deps: WorkflowDeps,
  ctx: StepContext,
  employee: string,
  fn: (toolbox: Toolbox, signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  const { tenantId, id: taskId } = ctx.task;
  const workspace = deps.workspaceFor(tenantId, taskId);
  const signal = deps.signals?.for(taskId);
  const profile = profileFor(ctx, employee);
  // The MCP SDK (client, server and the tools' schemas) is imported on the first step
  // an employee runs: the Lambdas that only plan, approve or finish never load it.
  const [{ Toolbox }, { StreamableHTTPClientTransport }] = await Promise.all([
    import('../agents/toolbox'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);
  const toolbox = await Toolbox.open(
    {
      store: deps.store,
      tenantId,
      taskId,
      stepId: ctx.step.id,
      employee,
      workspace,
      ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
      baseline: await workspace.files(),
      ...(signal ? { signal } : {}),
    },
    profile.tools,
    profile.mcpServers.map((m) => ({
      name: m.name,
      transport: new StreamableHTTPClientTransport(new URL(m.url)),
    })),
  );
  try {
    return await fn(toolbox, signal);
  } finally {
    await toolbox.close();
  }
}

async function finishStep(
  deps: WorkflowDeps,
  ctx: StepContext,
  result: Omit<StepResult, 'stepId'>,
): Promise<void> {
  const { store } = deps;
  const { tenantId, id: taskId } = ctx.task;
  await store.saveStepResult(tenantId, taskId, {
    ...result,
    stepId: ctx.step.id,
    finishedAt: new Date().toISOString(),
  });
  if (result.status === 'succeeded') {
    // Counted after our own save, from the results as they are now (steps of a wave finish in
    // parallel): of the writers, the last to save counts every step, and no count lowers another.
    const steps = new Set(ctx.order);
    const done = (await store.listStepResults(tenantId, taskId)).filter(
      (r) => r.status === 'succeeded' && steps.has(r.stepId),
    ).length;
    await store.raiseStepsDone(tenantId, taskId, done);
  }
  await store.appendEvent(tenantId, taskId, {
    type: 'step_finished',
    stepId: ctx.step.id,
    employee: ctx.step.employee,
    outcome: result.status === 'succeeded' ? 'succeeded' : 'failed',
    summary: (result.findings ?? result.output).split('\n')[0] ?? '',
  });
}

/** StartStep: announces the step and says how it runs; a step already done is skipped (resume). */
export async function startStep(
  deps: WorkflowDeps,
  input: StepInput,
): Promise<{ done: boolean; loop: 'dev' | 'single'; round: number; maxRounds: number }> {
  const ctx = await loadStep(deps, input, `start step '${input.stepId}'`);
  const loop = ctx.step.employee === 'dev' ? 'dev' : 'single';
  if (ctx.results.some((r) => r.stepId === input.stepId && r.status === 'succeeded')) {
    return { done: true, loop, round: 1, maxRounds: MAX_DEV_ROUNDS };
  }
  await deps.store.appendEvent(input.tenantId, input.taskId, {
    type: 'step_started',
    stepId: ctx.step.id,
    employee: ctx.step.employee,
    title: ctx.step.title,
    index: ctx.order.indexOf(ctx.step.id),
    total: ctx.order.length,
  });
  await deps.store.saveStepResult(input.tenantId, input.taskId, {
    stepId: ctx.step.id,
    status: 'running',
    output: '',
    startedAt: new Date().toISOString(),
  });
  return { done: false, loop, round: 1, maxRounds: MAX_DEV_ROUNDS };
}

/** RunEmployee: a non-dev employee does the step in its agent loop. */
export async function runEmployee(deps: WorkflowDeps, input: StepInput): Promise<{ stepId: string }> {
  const ctx = await loadStep(deps, input, `run step '${input.stepId}'`);
  const output = await withToolbox(deps, ctx, ctx.step.employee, (toolbox, signal) =>
    runAgent({
      store: deps.store,
      models: deps.models,
      task: ctx.task,
      stepId: ctx.step.id,
      profile: profileFor(ctx, ctx.step.employee),
      prompt: stepPrompt(ctx),
      toolbox,
      ...(signal ? { signal } : {}),
    }),
  );
  await finishStep(deps, ctx, { status: 'succeeded', output });
  return { stepId: ctx.step.id };
}

/** DevAttempt: Dev works on the step; from round two on, with QA's findings on the last attempt. */
export async function devAttempt(
  deps: WorkflowDeps,
  input: StepInput & { round: number },
): Promise<{ round: number }> {
  const ctx = await loadStep(deps, input, `run step '${input.stepId}'`);
  const previous = ctx.results.find((r) => r.stepId === input.stepId);
  const extra =
    input.round > 1
      ? [
          '',
          `Round ${input.round} of ${MAX_DEV_ROUNDS}. QA rejected your last attempt. QA's findings:`,
          previous?.findings ?? '',
        ]
      : ['', `Round 1 of ${MAX_DEV_ROUNDS}.`];
  const output = await withToolbox(deps, ctx, 'dev', (toolbox, signal) =>
    runAgent({
      store: deps.store,
      models: deps.models,
      task: ctx.task,
      stepId: ctx.step.id,
      profile: profileFor(ctx, 'dev'),
      prompt: stepPrompt(ctx, extra),
      toolbox,
      ...(signal ? { signal } : {}),
    }),
  );
  await deps.store.saveStepResult(input.tenantId, input.taskId, {
    stepId: ctx.step.id,
    status: 'running',
    output,
    round: input.round,
    ...(previous?.startedAt ? { startedAt: previous.startedAt } : {}),
  });
  await deps.store.appendEvent(input.tenantId, input.taskId, {
    type: 'handoff',
    stepId: ctx.step.id,
    from: 'dev',
    to: 'qa',
    note: `round ${input.round}: ${output.split('\n')[0] ?? ''}`,
  });
  return { round: input.round };
}

/** QA's answer ends with {"verdict": "pass" | "fail", "findings": "..."}; anything else is a fail. */
export function parseVerdict(text: string): { passed: boolean; findings: string } {
  const matches = [...text.matchAll(/\{[^{}]*"verdict"[^{}]*\}/g)];
  const last = matches.at(-1)?.[0];
  if (last) {
    try {
      const v = JSON.parse(last) as { verdict?: string; findings?: string };
      return { passed: v.verdict === 'pass', findings: String(v.findings ?? '') };
    } catch {
      // fall through
    }
  }
  return { passed: false, findings: `QA gave no verdict JSON: ${text.slice(0, 300)}` };
}

/** QAReview: QA checks Dev's attempt (running the tests) and gives a verdict. */
export async function qaReview(
  deps: WorkflowDeps,
  input: StepInput & { round: number; maxRounds: number },
): Promise<{ passed: boolean }> {
  const ctx = await loadStep(deps, input, `review step '${input.stepId}'`);
  const attempt = ctx.results.find((r) => r.stepId === input.stepId);
  const prompt = stepPrompt(ctx, [
    '',
    `Review round ${input.round} of ${input.maxRounds}. Dev's report:`,
    attempt?.output ?? '(none)',
    '',
    'Check the workspace against the acceptance criteria and run the tests. End your answer with one JSON object:',
    '{"verdict": "pass" | "fail", "findings": "what is wrong, or why it passes"}',
  ]);
  const answer = await withToolbox(deps, ctx, 'qa', (toolbox, signal) =>
    runAgent({
      store: deps.store,
      models: deps.models,
      task: ctx.task,
      stepId: ctx.step.id,
      profile: profileFor(ctx, 'qa'),
      prompt,
      toolbox,
      ...(signal ? { signal } : {}),
    }),
  );
  const verdict = parseVerdict(answer);
  await deps.store.appendEvent(input.tenantId, input.taskId, {
    type: 'verdict',
    stepId: ctx.step.id,
    employee: 'qa',
    round: input.round,
    passed: verdict.passed,
    findings: verdict.findings,
  });
  const base = {
    output: attempt?.output ?? '',
    round: input.round,
    findings: verdict.findings,
    ...(attempt?.startedAt ? { startedAt: attempt.startedAt } : {}),
  };
  if (verdict.passed) {
    await finishStep(deps, ctx, { ...base, status: 'succeeded' });
  } else {
    await deps.store.saveStepResult(input.tenantId, input.taskId, {
      ...base,
      stepId: ctx.step.id,
      status: 'running',
    });
    if (input.round < input.maxRounds) {
      await deps.store.appendEvent(input.tenantId, input.taskId, {
        type: 'handoff',
        stepId: ctx.step.id,
        from: 'qa',
        to: 'dev',
        note: verdict.findings,
      });
    }
  }
  return { passed: verdict.passed };
}

/** RejectStep: QA rejected the last round; the step fails and, with it, the run. */
export async function rejectStep(deps: WorkflowDeps, input: StepInput & { round: number }): Promise<never> {
  const ctx = await loadStep(deps, input, `reject step '${input.stepId}'`);
  const last = ctx.results.find((r) => r.stepId === input.stepId);
  const findings = last?.findings ?? 'no findings recorded';
  await finishStep(deps, ctx, { status: 'failed', output: last?.output ?? '', round: input.round, findings });
  throw new StepRejected(ctx.step.id, input.round, findings);
}
