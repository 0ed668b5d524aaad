import './polyfill';
import { StateMachine } from 'aws-local-stepfunctions';
import { newUlid } from '../store/ids';
import {
  placeholderArns,
  substituteDefinition,
  TASK_STATES,
  type TaskStateName,
  type WorkflowInput,
} from './definition';
import type { WorkflowEngine } from './engine';

export type TaskStateHandler = (input: unknown) => Promise<unknown>;

export interface LocalEngineOptions {
  /** Milliseconds between retries of a Task state; default: the definition's own intervals. */
  retryIntervalMs?: number;
  /** Called when an execution ends with an error the definition did not catch. */
  onExecutionError?: (executionId: string, error: unknown) => void;
}

interface RunningExecution {
  abort: () => void;
  done: Promise<void>;
}

/**
 * Runs the shared ASL definition in-process with aws-local-stepfunctions, each
 * Task state mapped to the same handler Lambda runs on AWS.
 */
export class LocalWorkflowEngine implements WorkflowEngine {
  readonly kind = 'local' as const;
  private readonly machine: StateMachine;
  private readonly running = new Map<string, RunningExecution>();

  constructor(
    private readonly handlers: Record<TaskStateName, TaskStateHandler>,
    private readonly options: LocalEngineOptions = {},
  ) {
    // Validated once in the tests (asl-validator); validating here costs 60–180 ms per construction.
    this.machine = new StateMachine(substituteDefinition(placeholderArns()) as never, {
      validationOptions: { noValidate: true },
    });
  }

  async start(input: WorkflowInput): Promise<{ executionId: string }> {
    const executionId = `local:${input.taskId}:${newUlid()}`;
    const retry = this.options.retryIntervalMs;
    const stateNames = Object.keys(TASK_STATES) as TaskStateName[];
    const execution = this.machine.run(input as never, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          stateNames.map((name) => [name, (i: unknown) => this.handlers[name](i) as never]),
        ),
        ...(retry !== undefined
          ? { retryIntervalOverrides: Object.fromEntries(stateNames.map((n) => [n, retry])) }
          : {}),
      },
    });
    const done = execution.result.then(
      () => undefined,
      (error: unknown) => {
        // A Fail state (the task already marked failed) also lands here; it is expected.
        if ((error as { name?: string })?.name !== 'ExecutionError' && this.options.onExecutionError) {
          this.options.onExecutionError(executionId, error);
        }
      },
    );
    this.running.set(executionId, { abort: () => execution.abort(), done });
    void done.finally(() => this.running.delete(executionId));
    return { executionId };
  }

  async stop(executionId: string): Promise<void> {
    this.running.get(executionId)?.abort();
  }

  /** Executions still running. */
  get activeCount(): number {
    return this.running.size;
  }

  /** Resolves when every execution started so far has ended. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Stops every execution (host shutdown). */
  stopAll(): void {
    for (const r of this.running.values()) r.abort();
  }
}
