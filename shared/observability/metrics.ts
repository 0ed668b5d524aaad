import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { isTechteamError } from '../errors';

/**
 * The product's own CloudWatch metrics (namespace `Techteam`, dimension `service`), written
 * as Embedded Metric Format lines by Powertools: CloudWatch turns each line into a data
 * point, so nothing is called at run time. The stack's alarms and dashboard
 * (infra/aws/observability.ts) read these names. Off the Lambda runtime (the local host,
 * tests) nothing is written: the EMF lines would only clutter the terminal.
 */
export const TECHTEAM_METRICS = {
  namespace: 'Techteam',
  service: 'techteam',
  /** A model call refused because a budget (task, employee share, tenant month) had no room. */
  budgetRefusals: 'BudgetRefusals',
  /** What model calls cost, in micro-USD (the ledger's unit), per provider. */
  modelSpend: 'ModelSpendMicroUsd',
} as const;

const metrics = new Metrics({ namespace: TECHTEAM_METRICS.namespace, serviceName: TECHTEAM_METRICS.service });

const onLambda = () => !!process.env['AWS_LAMBDA_FUNCTION_NAME'];

function emit(name: string, value: number, unit: (typeof MetricUnit)[keyof typeof MetricUnit]): void {
  if (!onLambda()) return;
  metrics.addMetric(name, unit, value);
  metrics.publishStoredMetrics();
}

/** Counts a failure the metrics track (a budget refusal), whichever door it left through. */
export function countFailure(error: unknown): void {
  if (isTechteamError(error) && error.code === 'BudgetExceeded')
    emit(TECHTEAM_METRICS.budgetRefusals, 1, MetricUnit.Count);
}

/** Records what a settled model call cost. */
export function recordModelSpend(microUsd: number): void {
  if (microUsd > 0) emit(TECHTEAM_METRICS.modelSpend, microUsd, MetricUnit.Count);
}
