import { isTechteamError } from '@techteam/shared/errors';
import { log } from '@techteam/shared/runtime/log';
import type { Context } from 'aws-lambda';

/**
 * A Step Functions Task state's Lambda door: its log lines carry the Lambda
 * context, the state and the task; a failure is logged (an expected one, such
 * as QA's final rejection, as a warning) and thrown on for the state machine's
 * Retry and Catch.
 */
export function taskState<T>(state: string, run: (input: never) => Promise<T>) {
  return async (input: unknown, context?: Context): Promise<T> => {
    log.resetKeys();
    if (context) log.addContext(context);
    const { tenantId, taskId, stepId } = (input ?? {}) as Record<string, unknown>;
    log.appendKeys({ state, tenantId, taskId, ...(stepId ? { stepId } : {}) });
    try {
      return await run(input as never);
    } catch (e) {
      if (isTechteamError(e)) log.warn(`${state} failed`, { error: e });
      else log.error(`${state} failed`, e as Error);
      throw e;
    }
  };
}
