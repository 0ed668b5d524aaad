import type { EmployeeProfile, Task } from '../domain';
import { TechteamError } from '../errors';
import type { ModelMessage, ToolSpec } from '../gateway/types';
import type { Store } from '../store';
import type { TeamModels } from '../workflow/models';
import type { Toolbox } from './toolbox';

export class IterationsExhausted extends TechteamError {
  constructor(employee: string, max: number, stepId?: string) {
    super(
      'IterationsExhausted',
      422,
      `${employee} used all ${max} iterations${stepId ? ` on step '${stepId}'` : ''} without finishing`,
      { employee, max },
    );
  }
}

export class TaskStopped extends TechteamError {
  constructor(taskId: string, status: string) {
    super('TaskStopped', 409, `Task ${taskId} is ${status}; its employees stop`, { taskId, status });
  }
}

/**
 * A tool that ends the turn with a structured answer (QA's `submit_verdict`): when the model
 * calls it with arguments that `accept` takes, the loop ends and returns them as `submitted`;
 * arguments it refuses are answered to the model as a tool error naming the problem.
 */
export interface FinishTool {
  spec: ToolSpec;
  accept(args: Record<string, unknown>): { ok: true; value: unknown } | { ok: false; problem: string };
}

export interface AgentTurn {
  store: Store;
  models: TeamModels;
  task: Task;
  stepId?: string;
  profile: EmployeeProfile;
  prompt: string;
  toolbox: Toolbox;
  signal?: AbortSignal;
  /** When set, the turn ends only through this tool (or by giving up, see AgentOutcome.stuck). */
  finish?: FinishTool;
  /** Each text delta as the model streams it (transient: shown live, not stored one per token). */
  onDelta?: (text: string) => void;
}

/** How an employee's turn ended. */
export interface AgentOutcome {
  /** The final answer (for a finish tool, the model's last words beside the call). */
  text: string;
  /** What the finish tool accepted, when the turn has one and it was called. */
  submitted?: unknown;
  /**
   * Set when the loop gave up instead of finishing (stuck repeating itself, out of iterations):
   * the reason, for the next stage to act on. What exists in the workspace is handed over as is.
   */
  stuck?: string;
  iterations: number;
}

/**
 * One employee's agent loop: call the model, run the tool calls it asks for,
 * give it the results, until it answers without a tool call or runs out of
 * iterations. Every message and tool call is an event.
 */
export async function runAgent(turn: AgentTurn): Promise<AgentOutcome> {
  const { store, models, task, profile, toolbox, stepId } = turn;
  const messages: ModelMessage[] = [{ role: 'user', content: turn.prompt }];
  for (let i = 0; i < profile.maxIterations; i++) {
    const now = await store.getTask(task.tenantId, task.id);
    if (now.status !== 'running') throw new TaskStopped(task.id, now.status);
    const answer = await models.complete({
      profile,
      preference: task.preference,
      system: profile.rolePrompt,
      messages,
      tools: toolbox.specs,
      maxOutputTokens: profile.maxTokensPerStep,
      temperature: profile.temperature,
      context: {
        tenantId: task.tenantId,
        taskId: task.id,
        employeeId: profile.id,
        ...(stepId ? { stepId } : {}),
      },
      ...(turn.signal ? { signal: turn.signal } : {}),
    });
    if (answer.text.trim()) {
      await store.appendEvent(task.tenantId, task.id, {
        type: 'message',
        ...(stepId ? { stepId } : {}),
        employee: profile.id,
        text: answer.text,
        provider: answer.provider,
        model: answer.model,
      });
    }
    if (!answer.toolCalls.length) return { text: answer.text, iterations: i + 1 };
    messages.push({ role: 'assistant', content: answer.text, toolCalls: answer.toolCalls });
    for (const call of answer.toolCalls) {
      const outcome = await toolbox.call(call);
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content: outcome.output,
        isError: !outcome.ok,
      });
    }
  }
  throw new IterationsExhausted(profile.id, profile.maxIterations, stepId);
}
