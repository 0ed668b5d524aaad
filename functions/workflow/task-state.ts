import { parseInput, TaskId, TenantId } from '@techteam/shared/domain';
import { isTechteamError } from '@techteam/shared/errors';
import { log } from '@techteam/shared/runtime/log';
import { countFailure } from '@techteam/shared/runtime/metrics';
import * as z from '@techteam/shared/zod';
import type { Context } from 'aws-lambda';

/**
 * What every state's payload carries (ids only); the rest (round, maxRounds, a caught
 * error, the approval token) is each state's own and passes through untouched.
 */
const StateInput = z.looseObject({
  tenantId: TenantId,
  taskId: TaskId,
  stepId: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
});

/**
 * A Step Functions Task state's Lambda door: its log lines carry the Lambda
 * context, the state and the task; a failure is logged (an expected one, such
 * as QA's final rejection, as a warning) and thrown on for the state machine's
 * Retry and Catch. A payload without valid ids is refused with InvalidInput
 * naming the field, before any state touches the store.
 */
export function taskState<T>(state: string, run: (input: never, context?: Context) => Promise<T>) {
  return async (input: unknown, context?: Context): Promise<T> => {
    log.resetKeys();
    if (context) log.addContext(context);
    log.appendKeys({ state });
    try {
      const ids = parseInput(StateInput, input, `${state} input`);
      log.appendKeys({
        tenantId: ids.tenantId,
        taskId: ids.taskId,
        ...(ids.stepId ? { stepId: ids.stepId } : {}),
      });
      return await run(ids as never, context);
    } catch (e) {
      countFailure(e);
      if (isTechteamError(e)) log.warn(`${state} failed`, { error: e });
      else log.error(`${state} failed`, e as Error);
      throw e;
    }
  };
}
