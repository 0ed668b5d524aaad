import { TechteamError } from '../errors';

/** Step Functions (Standard) caps an execution's history at this many events, then fails it. */
export const HISTORY_EVENT_LIMIT = 25_000;
/** ...and a state's input, output or a task's result at 256 KiB of UTF-8 JSON (States.DataLimitExceeded). */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/**
 * The execution's history passed 25,000 events: Step Functions fails it with a runtime error that
 * no Catch sees (`States.Runtime`), and so does the local engine.
 */
export class ExecutionHistoryLimitExceeded extends TechteamError {
  constructor(events: number) {
    super(
      'States.Runtime',
      500,
      `The execution reached ${events.toLocaleString('en-US')} history events, over Step Functions' limit of ` +
        `${HISTORY_EVENT_LIMIT.toLocaleString('en-US')}; it fails as it would on AWS (plans are sized to fit: see plan validation)`,
      { events, limit: HISTORY_EVENT_LIMIT },
    );
  }
}

/** A state's payload over 256 KiB: `States.DataLimitExceeded`, which no `States.ALL` catches; the execution fails. */
export class DataLimitExceeded extends TechteamError {
  constructor(state: string, what: 'input' | 'output', bytes: number) {
    super(
      'States.DataLimitExceeded',
      500,
      `The ${what} of state '${state}' is ${bytes.toLocaleString('en-US')} bytes, over Step Functions' ` +
        `payload limit of ${PAYLOAD_LIMIT_BYTES.toLocaleString('en-US')}: payloads carry ids, content lives in the store`,
      { state, what, bytes, limit: PAYLOAD_LIMIT_BYTES },
    );
  }
}

/** A handler ran past the Lambda ceiling: killed, as Lambda reports it to Step Functions (retried from the checkpoint). */
export class InvocationTimedOut extends TechteamError {
  constructor(state: string, ceilingMs: number) {
    super('Sandbox.Timedout', 504, `State '${state}' ran past its invocation's ceiling of ${ceilingMs} ms`, {
      state,
      ceilingMs,
    });
  }
}

/** The bytes Step Functions counts for a payload: its JSON as UTF-8. */
export function payloadBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** The slice of aws-local-stepfunctions' event log that history counting reads. */
export interface InterpreterEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
}

/**
 * How many Step Functions history events one interpreter event stands for. The interpreter logs
 * states entered and exited, Map iterations and the execution's start and end; Step Functions
 * also logs, for a Map, MapStateStarted and MapStateSucceeded/Failed (counted here), and for each
 * Task invocation LambdaFunctionScheduled, Started and Succeeded/Failed (+ TaskSubmitted for a
 * `.waitForTaskToken` state), which the engine counts per handler call (`TASK_INVOCATION_EVENTS`).
 * Retries add one more invocation each; a Catch adds no event of its own.
 */
export function historyEventsOf(event: InterpreterEvent): number {
  switch (event.type) {
    case 'ExecutionStarted':
    case 'ExecutionSucceeded':
    case 'ExecutionFailed':
    case 'ExecutionAborted':
    case 'ExecutionTimeout':
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return 1;
    case 'StateEntered':
    case 'StateExited':
      return event.state?.type === 'Map' ? 2 : 1;
    case 'StateFailed':
      return event.state?.type === 'Map' ? 1 : 0;
    default:
      return 0;
  }
}

/** LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded (or Failed / TimedOut). */
export const TASK_INVOCATION_EVENTS = 3;
/** A `.waitForTaskToken` invocation adds TaskSubmitted. */
export const TOKEN_TASK_EXTRA_EVENTS = 1;
