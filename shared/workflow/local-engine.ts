import './polyfill';
import { StateMachine } from 'aws-local-stepfunctions';
import { TechteamError } from '../errors';
import { newUlid } from '../store/ids';
import {
  placeholderArns,
  substituteDefinition,
  TASK_STATES,
  type TaskStateName,
  TOKEN_STATES,
  type WorkflowInput,
} from './definition';
import type { WorkflowEngine } from './engine';

export type TaskStateHandler = (input: unknown) => Promise<unknown>;

export interface LocalEngineOptions {
  /** Milliseconds between retries of a Task state; default: the definition's own intervals. */
  retryIntervalMs?: number;
  /** Called when an execution ends with an error the definition did not catch. */
  onExecutionError?: (executionId: string, error: unknown) => void;
  /**
   * Called when an execution fails (its Fail state, or an error no Catch took), as EventBridge
   * reports a FAILED execution on AWS; `idle()` waits for it. The host reconciles the task here.
   */
  onExecutionFailed?: (input: WorkflowInput, failure: { error?: string; cause?: string }) => Promise<unknown>;
}

interface RunningExecution {
  abort: () => void;
  done: Promise<void>;
  token: string;
}

interface Waiter {
  executionId: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

export class TaskTokenUnknown extends TechteamError {
  constructor() {
    super(
      'TaskTokenUnknown',
      404,
      'No run is waiting on that task token (it may have ended or the host restarted)',
    );
  }
}

/**
 * Runs the shared ASL definition in-process with aws-local-stepfunctions, each
 * Task state mapped to the same handler Lambda runs on AWS. The interpreter
 * makes no task tokens, so this engine makes one per execution and holds a
 * `.waitForTaskToken` state until `sendTaskSuccess` is called with it.
 */
export class LocalWorkflowEngine implements WorkflowEngine {
  readonly kind = 'local' as const;
  private readonly machine: StateMachine;
  private readonly running = new Map<string, RunningExecution>();
  private readonly waiters = new Map<string, Waiter>();
  /** Tokens whose Lambda has run: those runs wait on a person, not on work (what `idle` ignores). */
  private readonly parked = new Set<string>();
  /** Callers of `idle()` waiting for a run to end or park. */
  private readonly onSettle: (() => void)[] = [];

  constructor(
    private readonly handlers: Record<TaskStateName, TaskStateHandler>,
    private readonly options: LocalEngineOptions = {},
  ) {
    // Validated once in the tests (asl-validator); validating here costs 60–180 ms per construction.
    this.machine = new StateMachine(substituteDefinition(placeholderArns()) as never, {
      validationOptions: { noValidate: true },
    });
  }

  private handlerFor(name: TaskStateName, executionId: string, token: string) {
    const handler = this.handlers[name];
    if (!TOKEN_STATES.includes(name)) return (input: unknown) => handler(input) as never;
    // lambda:invoke.waitForTaskToken: invoke with the Payload, then wait for the token.
    return async (input: unknown) => {
      const payload = (input as { Payload?: unknown }).Payload ?? input;
      const output = new Promise<unknown>((resolve, reject) =>
        this.waiters.set(token, { executionId, resolve, reject }),
      );
      // A cancel can reject it while the handler still runs, before anything awaits it: marked
      // handled here so that is not an unhandled rejection; `await output` below still throws.
      output.catch(() => {});
      try {
        await handler(payload);
      } catch (e) {
        this.waiters.delete(token);
        throw e;
      }
      this.parked.add(token);
      this.settled();
      try {
        return (await output) as never;
      } finally {
        this.parked.delete(token);
      }
    };
  }

  async start(input: WorkflowInput): Promise<{ executionId: string }> {
    const executionId = `local:${input.taskId}:${newUlid()}`;
    const token = `local-token:${executionId}`;
    const retry = this.options.retryIntervalMs;
    const stateNames = Object.keys(TASK_STATES) as TaskStateName[];
    const execution = this.machine.run(input as never, {
      noThrowOnAbort: true,
      context: { Task: { Token: token } } as never,
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          stateNames.map((name) => [name, this.handlerFor(name, executionId, token)]),
        ),
        ...(retry !== undefined
          ? { retryIntervalOverrides: Object.fromEntries(stateNames.map((n) => [n, retry])) }
          : {}),
      },
    });
    const done = execution.result.then(
      () => undefined,
      async (error: unknown) => {
        // A Fail state (the task already marked failed) also lands here; it is expected.
        if ((error as { name?: string })?.name !== 'ExecutionError' && this.options.onExecutionError) {
          this.options.onExecutionError(executionId, error);
        }
        const caught = (error as { cause?: { name?: string; message?: string } })?.cause;
        await this.options
          .onExecutionFailed?.(input, {
            ...(caught?.name ? { error: caught.name } : {}),
            ...(caught?.message ? { cause: caught.message } : {}),
          })
          .catch((e: unknown) => this.options.onExecutionError?.(executionId, e));
      },
    );
    this.running.set(executionId, { abort: () => execution.abort(), done, token });
    void done.finally(() => {
      this.running.delete(executionId);
      this.waiters.delete(token);
      this.settled();
    });
    return { executionId };
  }

  async resume(input: WorkflowInput): Promise<{ executionId: string }> {
    return this.start(input);
  }

  async sendTaskSuccess(token: string, output: unknown): Promise<void> {
    const waiter = this.waiters.get(token);
    if (!waiter) throw new TaskTokenUnknown();
    this.waiters.delete(token);
    waiter.resolve(output);
  }

  async stop(executionId: string): Promise<void> {
    const run = this.running.get(executionId);
    if (!run) return;
    run.abort();
    const waiter = this.waiters.get(run.token);
    if (waiter) {
      this.waiters.delete(run.token);
      waiter.reject(Object.assign(new Error('execution stopped'), { name: 'ExecutionStopped' }));
    }
  }

  /** Executions still running. */
  get activeCount(): number {
    return this.running.size;
  }

  private settled(): void {
    for (const wake of this.onSettle.splice(0)) wake();
  }

  /** Resolves when every execution started so far has ended, or is waiting on a person. */
  async idle(): Promise<void> {
    // Woken by each run that ends or parks, not by a timer: a poll here cost a timer every 20 ms
    // for as long as anything waited, and up to 20 ms after the last run ended.
    while ([...this.running.values()].some((r) => !this.parked.has(r.token))) {
      await new Promise<void>((wake) => this.onSettle.push(wake));
    }
  }

  /** Stops every execution (host shutdown). */
  stopAll(): void {
    for (const id of [...this.running.keys()]) void this.stop(id);
  }
}
