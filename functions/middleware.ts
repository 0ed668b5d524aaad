import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import { startTracing } from '@techteam/shared/deps';
import { countFailure, log } from '@techteam/shared/observability';

/**
 * The middlewares every door kind shares (the API's, http.ts; a workflow state's,
 * workflow/task-state.ts): the Lambda context on every log line, keys reset between
 * invocations of a warm container, and each failure counted (budget refusals as a metric).
 */
export const doorLogging = () => injectLambdaContext(log, { resetKeys: true });

/**
 * X-Ray on Lambda: the tracer is a chunk loaded before the first invocation's handler runs (never
 * at init, never off Lambda), so every AWS SDK client the runtime built is captured from the first call.
 */
export const doorTracing = (): MiddlewareObj<unknown, unknown> => ({
  before: async () => {
    await startTracing();
  },
});

export const countedFailures = (): MiddlewareObj<unknown, unknown> => ({
  onError: ({ error }) => {
    countFailure(error);
  },
});
