import './polyfill';
import { StateMachine } from 'aws-local-stepfunctions';
import { TechteamError } from '../../errors';
import { newUlid } from '../../store/ids';
import {
  placeholderArns,
  substituteDefinition,
  TASK_STATES,
  type TaskStateName,
  TOKEN_STATES,
  type WorkflowInput,
} from '../definition';
import {
  DataLimitExceeded,
  ExecutionHistoryLimitExceeded,
  HISTORY_EVENT_LIMIT,
  historyEventsOf,
  type InterpreterEvent,
  InvocationTimedOut,
  PAYLOAD_LIMIT_BYTES,
  payloadBytes,
  TASK_INVOCATION_EVENTS,
  TOKEN_TASK_EXTRA_EVENTS,
} from '../execution-limits';
import { type Invocation, LAMBDA_CEILING_MS } from '../states/invocation';
import type { WorkflowEngine } from './engine';

/** A Task state's handler: its input, and the invocation it runs in (as Lambda's context gives it). */
export type TaskStateHandler = (input: unknown, invocation: Invocation) => Promise<unknown>;

export interface LocalEngineOptions {
  /** Milliseconds between retries of a Task state; default: the definition's own intervals. */
  retryIntervalMs?: number;
  /** Called when an execution ends with an error the definition did not catch. */
  onExecutionError?: (executionId: string, error: unknown) => void;
  /** A Task invocation's ceiling, as a Lambda's timeout; default (and most) 15 minutes. Lower in tests. */
  invocationCeilingMs?: number;
  /**
   * The clock invocations' remaining time is read from (ms). Injected, the ceiling is simulated: an
   * invocation whose clock passed it fails when it returns; with the real clock it is killed at it.
   */
  now?: () => number;
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

/** What an execution has used of Step Functions' limits, and the limit that ended it, if one did. */
interface ExecutionUse {
  historyEvents: number;
  failure?: Error;
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
  /** Each execution's use of the limits, kept after it ends (one small record per execution). */
  private readonly use = new Map<string, ExecutionUse>();

  constructor(
    private readonly handlers: Record<TaskStateName, TaskStateHandler>,
    private readonly options: LocalEngineOptions = {},
  ) {
    // Validated once in the tests (asl-validator); validating here costs 60–180 ms per construction.
    this.machine = new StateMachine(withAwsTaskTimeouts(substituteDefinition(placeholderArns())) as never, {
      validationOptions: { noValidate: true },
    });
  }

  /** History events the execution has used so far (or used, once ended), counted as Step Functions does. */
  historyEvents(executionId: string): number {
    return this.use.get(executionId)?.historyEvents ?? 0;
  }

  /** Counts events and ends the execution as Step Functions would once it passes a limit. */
  private charge(use: ExecutionUse, events: number, abort: () => void): void {
    use.historyEvents += events;
    if (use.historyEvents > HISTORY_EVENT_LIMIT)
      this.fail(use, new ExecutionHistoryLimitExceeded(use.historyEvents), abort);
  }

  private fail(use: ExecutionUse, error: Error, abort: () => void): void {
    if (use.failure) return;
    use.failure = error;
    abort();
  }

  private checkPayload(
    use: ExecutionUse,
    state: string,
    what: 'input' | 'output',
    value: unknown,
    abort: () => void,
  ) {
    const bytes = payloadBytes(value);
    if (bytes > PAYLOAD_LIMIT_BYTES) this.fail(use, new DataLimitExceeded(state, what, bytes), abort);
  }

  /**
   * A Task state's handler as Lambda runs it: counted in the history, its payloads held to 256 KiB,
   * given the remaining time of an invocation with the ceiling, and ended at the ceiling.
   */
  private invoke(name: TaskStateName, use: ExecutionUse, abort: () => void) {
    const handler = this.handlers[name];
    const ceiling = Math.min(this.options.invocationCeilingMs ?? LAMBDA_CEILING_MS, LAMBDA_CEILING_MS);
    const now = this.options.now ?? Date.now;
    return async (input: unknown): Promise<unknown> => {
      if (use.failure) throw use.failure;
      this.charge(
        use,
        TASK_INVOCATION_EVENTS + (TOKEN_STATES.includes(name) ? TOKEN_TASK_EXTRA_EVENTS : 0),
        abort,
      );
      this.checkPayload(use, name, 'input', input, abort);
      if (use.failure) throw use.failure;
      const deadline = now() + ceiling;
      const invocation = { getRemainingTimeInMillis: () => Math.max(0, deadline - now()) };
      let kill: ReturnType<typeof setTimeout> | undefined;
      const killed = new Promise<never>((_, reject) => {
        if (!this.options.now)
          kill = setTimeout(() => reject(new InvocationTimedOut(name, ceiling)), ceiling);
      });
      killed.catch(() => {});
      try {
        const output = await Promise.race([handler(input, invocation), killed]);
        if (now() > deadline) throw new InvocationTimedOut(name, ceiling);
        this.checkPayload(use, name, 'output', output, abort);
        if (use.failure) throw use.failure;
        return output;
      } finally {
        clearTimeout(kill);
      }
    };
  }

  private handlerFor(
    name: TaskStateName,
    executionId: string,
    token: string,
    use: ExecutionUse,
    abort: () => void,
  ) {
    const handler = this.invoke(name, use, abort);
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
    const use: ExecutionUse = { historyEvents: 0 };
    this.use.set(executionId, use);
    let abortExecution = () => {};
    const abort = () => abortExecution();
    const execution = this.machine.run(input as never, {
      noThrowOnAbort: true,
      context: { Task: { Token: token } } as never,
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          stateNames.map((name) => [name, this.handlerFor(name, executionId, token, use, abort)]),
        ),
        ...(retry !== undefined
          ? { retryIntervalOverrides: Object.fromEntries(stateNames.map((n) => [n, retry])) }
          : {}),
      },
    });
    abortExecution = () => execution.abort();
    const counted = this.countHistory(execution.eventLogs as AsyncIterable<InterpreterEvent>, use, abort);
    // What EventBridge hands the reconciler on AWS: a FAILED execution, with its error and cause.
    const reconcile = (failure: { error?: string; cause?: string }) =>
      this.options
        .onExecutionFailed?.(input, failure)
        .catch((e: unknown) => this.options.onExecutionError?.(executionId, e));
    let reconciled = false;
    const done = execution.result
      .then(
        () => undefined,
        async (error: unknown) => {
          // A Fail state (the task already marked failed) also lands here; it is expected.
          if ((error as { name?: string })?.name !== 'ExecutionError' && this.options.onExecutionError) {
            this.options.onExecutionError(executionId, error);
          }
          if (use.failure) return; // A limit ended it: reconciled below, with the limit as the reason.
          reconciled = true;
          const caught = (error as { cause?: { name?: string; message?: string } })?.cause;
          await reconcile({
            ...(caught?.name ? { error: caught.name } : {}),
            ...(caught?.message ? { cause: caught.message } : {}),
          });
        },
      )
      .then(() => counted)
      .then(async () => {
        // A limit ended it: FAILED, as on AWS, where no Catch of the definition runs.
        if (!use.failure) return;
        this.options.onExecutionError?.(executionId, use.failure);
        if (!reconciled) await reconcile({ error: use.failure.name, cause: use.failure.message });
      });
    this.running.set(executionId, { abort: () => execution.abort(), done, token });
    void done.finally(() => {
      this.running.delete(executionId);
      this.waiters.delete(token);
      this.settled();
    });
    return { executionId };
  }

  /** Counts the interpreter's events into Step Functions history events, and checks each state's payloads. */
  private async countHistory(events: AsyncIterable<InterpreterEvent>, use: ExecutionUse, abort: () => void) {
    for await (const event of events) {
      this.charge(use, historyEventsOf(event), abort);
      const state = event.state;
      if (!state) continue;
      if (event.type === 'StateEntered') this.checkPayload(use, state.name, 'input', state.input, abort);
      if (event.type === 'StateExited') this.checkPayload(use, state.name, 'output', state.output, abort);
    }
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

  /** Why a limit ended the execution (States.DataLimitExceeded, the history limit), if one did. */
  limitFailure(executionId: string): Error | undefined {
    return this.use.get(executionId)?.failure;
  }

  /** Stops every execution (host shutdown). */
  stopAll(): void {
    for (const id of [...this.running.keys()]) void this.stop(id);
  }
}

/**
 * Step Functions waits for a Task without `TimeoutSeconds` as long as its Lambda runs (at most its
 * 15 minutes); aws-local-stepfunctions would fail it after 60 s (States.Timeout). Each such Task
 * gets a timeout no state reaches instead, so only the engine's invocation ceiling ends a long state.
 */
function withAwsTaskTimeouts<T>(definition: T): T {
  // AWS's default is 99,999,999 s; the interpreter's timer holds at most 2^31 - 1 ms (~24.8 days).
  const UNBOUNDED_TASK_TIMEOUT_SECONDS = 2_000_000;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const state = node as Record<string, unknown>;
    if (
      state['Type'] === 'Task' &&
      state['TimeoutSeconds'] === undefined &&
      state['TimeoutSecondsPath'] === undefined
    ) {
      state['TimeoutSeconds'] = UNBOUNDED_TASK_TIMEOUT_SECONDS;
    }
    for (const value of Object.values(state)) visit(value);
  };
  visit(definition);
  return definition;
}
