import { type AgentOutcome, runAgent } from '../agents/agent-loop';
import { DeltaStream } from '../agents/delta-stream';
import { MAX_DEV_ROUNDS, type WorkflowDeps } from './deps';
import {
  finishStep,
  loadStep,
  profileFor,
  type StepContext,
  type StepInput,
  stepPrompt,
} from './step-context';

/** One employee works on the step in its agent loop, with its tools, and gives its answer. */
async function employeeAnswer(
  deps: WorkflowDeps,
  ctx: StepContext,
  employee: string,
  prompt: string,
): Promise<AgentOutcome> {
  const { tenantId, id: taskId } = ctx.task;
  const workspace = deps.workspaceFor(tenantId, taskId);
  const signal = deps.signals?.for(taskId);
  const profile = profileFor(ctx, employee);
  // The MCP SDK (client, server and the tools' schemas) is imported here, not at module load:
  // its parse then counts against the first step a container runs, not against its init.
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
  // The employee's words reach followers as they come (transient, coalesced delta items).
  const deltas = new DeltaStream({ store: deps.store, tenantId, taskId, stepId: ctx.step.id, employee });
  try {
    const outcome = await runAgent({
      store: deps.store,
      models: deps.models,
      task: ctx.task,
      stepId: ctx.step.id,
      profile,
      prompt,
      toolbox,
      ...(signal ? { signal } : {}),
      onDelta: (text) => deltas.push(text),
      flushDeltas: () => deltas.flush(),
    });
    return outcome;
  } finally {
    await deltas.close();
    await toolbox.close();
  }
}

/**
 * What a turn hands to the next stage. A turn that gave up (stuck in a loop, out of iterations)
 * hands on what it has, saying why, instead of failing the task: the next stage (QA, the steps
 * that depend on it, the synthesis) decides what that is worth.
 */
export function handedOver(outcome: AgentOutcome): string {
  if (!outcome.stuck) return outcome.text;
  return `${outcome.text}${outcome.text ? '\n\n' : ''}(gave up: ${outcome.stuck})`;
}

/** RunEmployee: a non-dev employee does the step in its agent loop. */
export async function runEmployee(deps: WorkflowDeps, input: StepInput): Promise<{ stepId: string }> {
  const ctx = await loadStep(deps, input, `run step '${input.stepId}'`);
  const outcome = await employeeAnswer(deps, ctx, ctx.step.employee, stepPrompt(ctx));
  await finishStep(deps, ctx, { status: 'succeeded', output: handedOver(outcome) });
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
  const output = handedOver(await employeeAnswer(deps, ctx, 'dev', stepPrompt(ctx, extra)));
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
  const answer = (await employeeAnswer(deps, ctx, 'qa', prompt)).text;
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
