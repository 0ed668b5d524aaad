import middy, { type MiddlewareObj } from '@middy/core';
import { actAsTenant } from '@techteam/shared/deps';
import { parseInput, TaskId, TenantId } from '@techteam/shared/domain';
import { isTechteamError } from '@techteam/shared/errors';
import { log } from '@techteam/shared/observability';
import * as z from '@techteam/shared/zod';
import type { Context } from 'aws-lambda';
import { countedFailures, doorLogging, doorTracing } from '../middleware';

/**
 * What every state's payload carries (ids only); the rest (round, maxRounds, a caught
 * error, the approval token) is each state's own and passes through untouched.
 */
const StateInput = z.looseObject({
  tenantId: TenantId,
  taskId: TaskId,
  stepId: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
});

/** Refuses a payload without valid ids (InvalidInput naming the field); puts the state and its ids on every log line. */
const stateIds = (state: string): MiddlewareObj<unknown, unknown> => ({
  before: (request) => {
    log.appendKeys({ state });
    const ids = parseInput(StateInput, request.event, `${state} input`);
    log.appendKeys({
      tenantId: ids.tenantId,
      taskId: ids.taskId,
      ...(ids.stepId ? { stepId: ids.stepId } : {}),
    });
    request.event = ids;
  },
});

/** Logs a failure (an expected one, such as QA's final rejection, as a warning) and leaves it thrown on. */
const stateFailure = (state: string): MiddlewareObj<unknown, unknown> => ({
  onError: ({ error }) => {
    if (isTechteamError(error)) log.warn(`${state} failed`, { error });
    else log.error(`${state} failed`, error as Error);
  },
});

/**
 * A Step Functions Task state's Lambda door, through the same Middy chain as the API's
 * (../middleware.ts): the Lambda context, the state and the task on its log lines; a payload
 * without valid ids refused before any state touches the store; a failure logged and thrown
 * on for the state machine's Retry and Catch.
 */
export function taskState<T>(state: string, run: (input: never, context?: Context) => Promise<T>) {
  return middy<unknown, T, Error, Context>()
    .use(doorLogging())
    .use(doorTracing())
    .use(countedFailures())
    .use(stateFailure(state))
    .use(stateIds(state))
    .handler((input, context) =>
      // Every store request and object key of the state is held to the payload's tenant (shared/store/acting-tenant.ts).
      actAsTenant((input as { tenantId: string }).tenantId, () =>
        // Middy hands an empty context when none was given; a state reads the time left only from a real one.
        run(input as never, typeof context.getRemainingTimeInMillis === 'function' ? context : undefined),
      ),
    );
}
