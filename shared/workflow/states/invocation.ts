import type { LoopState, TurnCheckpoints } from '../../agents/agent-loop';
import type { CodeSandbox } from '../../agents/sandbox-port';
import type { Store } from '../../store';

/** A Lambda invocation ends within 15 minutes; the local engine holds its states to the same. */
export const LAMBDA_CEILING_MS = 15 * 60_000;

/**
 * What a state knows of the invocation it runs in: the part of Lambda's `Context` it reads. The
 * local engine gives its handlers the same, counted against its own ceiling.
 */
export interface Invocation {
  getRemainingTimeInMillis(): number;
}

/**
 * What a state whose employee's turn may outlive one invocation answers: `continue` sends the state
 * machine back to the same state (a Choice loop), which takes the turn up from its checkpoint.
 */
export interface Continuation {
  continue: boolean;
  /** The checkpoint's scope, when the turn paused. */
  checkpoint?: string;
}

/** Where a turn of `state` on a step (in a Dev/QA round) keeps its checkpoint. */
export function checkpointScope(stepId: string, state: string, round = 1): string {
  return `${stepId}#${state}#${round}`;
}

/** The turn's checkpoints in the task's store items. */
export function storedCheckpoints(
  store: Store,
  tenantId: string,
  taskId: string,
  scope: string,
): TurnCheckpoints {
  const items = store.checkpoints;
  return {
    load: () => items.load<LoopState>(tenantId, taskId, scope),
    save: async (state) => void (await items.save(tenantId, taskId, scope, state)),
    clear: () => items.delete(tenantId, taskId, scope),
  };
}

/**
 * The sandbox as a turn with a ceiling uses it: a job may run only until the invocation's margin,
 * however long it asked for (a killed job is answered to the model like any other limit).
 */
export function sandboxWithin(sandbox: CodeSandbox, invocation: Invocation, marginMs: number): CodeSandbox {
  const capped = (signal?: AbortSignal) => {
    const until = AbortSignal.timeout(Math.max(1_000, invocation.getRemainingTimeInMillis() - marginMs));
    return signal ? AbortSignal.any([signal, until]) : until;
  };
  return {
    describe: sandbox.describe,
    exec: (job) => sandbox.exec({ ...job, signal: capped(job.signal) }),
    test: (job) => sandbox.test({ ...job, signal: capped(job.signal) }),
  };
}
