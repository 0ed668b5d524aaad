/**
 * What tells an operator that something is wrong: CloudWatch alarms on the signals
 * that matter (each with what it means and what to do in infra/aws/README.md), all
 * sent to one SNS topic, and one dashboard. Alarms live in the stack that owns what
 * they watch, so no alarm adds a cross-stack reference; the dashboard finds the
 * functions by SEARCH on the app's name prefix, for the same reason.
 */
import { TECHTEAM_METRICS } from '@techteam/shared/observability';
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** The thresholds, in one place, as the README's alarm table states them. */
export const ALARM_THRESHOLDS = {
  /** Unhandled errors of one function in 5 minutes (typed errors are answers, not errors). */
  functionErrors: 3,
  /** Throttled invocations of one function in 5 minutes: any means lost concurrency. */
  functionThrottles: 1,
  /** Executions that ended FAILED, TIMED_OUT or ABORTED (outside a cancel) in 5 minutes. */
  failedExecutions: 1,
  /** Share of API responses that are 5xx over 5 minutes, in percent, once 20 requests came. */
  api5xxPercent: 5,
  /** Messages in a dead-letter queue (the live fan-out's): anything there failed every retry. */
  deadLetters: 1,
  /** Budget refusals in an hour: tenants or tasks running into their caps. */
  budgetRefusalsPerHour: 25,
  /** Model spend in an hour, USD, across every tenant. */
  modelSpendUsdPerHour: 100,
} as const;

const FIVE_MINUTES = Duration.minutes(5);

function alarm(
  scope: Construct,
  id: string,
  topic: ITopic,
  props: ConstructorParameters<typeof Alarm>[2],
): Alarm {
  const a = new Alarm(scope, id, { treatMissingData: TreatMissingData.NOT_BREACHING, ...props });
  a.addAlarmAction(new SnsAction(topic));
  return a;
}

/** Errors and throttles of each function. */
export function watchFunctions(scope: Construct, functions: Record<string, IFunction>, topic: ITopic): void {
  for (const [name, fn] of Object.entries(functions)) {
    alarm(scope, `${name}Errors`, topic, {
      alarmDescription: `${name}: unhandled errors (see infra/aws/README.md, Alarms)`,
      metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: ALARM_THRESHOLDS.functionErrors,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm(scope, `${name}Throttles`, topic, {
      alarmDescription: `${name}: throttled invocations (see infra/aws/README.md, Alarms)`,
      metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: ALARM_THRESHOLDS.functionThrottles,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
  }
}

/** Executions that ended in a failure the workflow did not turn into a failed task itself. */
export function watchExecutions(scope: Construct, stateMachine: StateMachine, topic: ITopic): void {
  const failed = new MathExpression({
    label: 'failed + timed out + aborted executions',
    expression: 'failed + timedOut + aborted',
    usingMetrics: {
      failed: stateMachine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
      timedOut: stateMachine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
      aborted: stateMachine.metricAborted({ period: FIVE_MINUTES, statistic: 'Sum' }),
    },
    period: FIVE_MINUTES,
  });
  alarm(scope, 'FailedExecutions', topic, {
    alarmDescription: 'Task executions failed, timed out or were aborted (see infra/aws/README.md, Alarms)',
    metric: failed,
    threshold: ALARM_THRESHOLDS.failedExecutions,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
}

/** The API's 5xx rate, and the product's own metrics: budget refusals and model spend. */
export function watchApi(scope: Construct, api: HttpApi, topic: ITopic): void {
  const rate = new MathExpression({
    label: '5xx %',
    expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
    usingMetrics: {
      errors: api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      requests: api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' }),
    },
    period: FIVE_MINUTES,
  });
  alarm(scope, 'Api5xxRate', topic, {
    alarmDescription: 'The API answers 5xx to more than 5 % of requests (see infra/aws/README.md, Alarms)',
    metric: rate,
    threshold: ALARM_THRESHOLDS.api5xxPercent,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
  });
  alarm(scope, 'BudgetRefusals', topic, {
    alarmDescription: 'Many model calls refused for budget in an hour (see infra/aws/README.md, Alarms)',
    metric: techteamMetric(TECHTEAM_METRICS.budgetRefusals, Duration.hours(1)),
    threshold: ALARM_THRESHOLDS.budgetRefusalsPerHour,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  alarm(scope, 'ModelSpend', topic, {
    alarmDescription: 'Model spend over the hourly threshold (see infra/aws/README.md, Alarms)',
    metric: techteamMetric(TECHTEAM_METRICS.modelSpend, Duration.hours(1)),
    threshold: ALARM_THRESHOLDS.modelSpendUsdPerHour * 1_000_000,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
  });
}

/** Any message in a dead-letter queue: what failed every retry and needs a person. */
export function watchDeadLetters(
  scope: Construct,
  deadLetters: IQueue,
  topic: ITopic,
  what: { id: string; description: string },
): void {
  alarm(scope, what.id, topic, {
    alarmDescription: `${what.description} (see infra/aws/README.md, Alarms)`,
    metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Max' }),
    threshold: ALARM_THRESHOLDS.deadLetters,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
}

function techteamMetric(name: string, period: Duration): Metric {
  return new Metric({
    namespace: TECHTEAM_METRICS.namespace,
    metricName: name,
    dimensionsMap: { service: TECHTEAM_METRICS.service },
    statistic: 'Sum',
    period,
  });
}

const search = (label: string, query: string, stat: string) =>
  new MathExpression({
    label,
    expression: `SEARCH('${query}', '${stat}', 300)`,
    usingMetrics: {},
    period: FIVE_MINUTES,
  });

/** One dashboard for the app, by name prefix: function errors, throttles and duration, executions, API, money. */
export function techteamDashboard(scope: Construct, prefix: string): Dashboard {
  const fnQuery = (metric: string) =>
    `{AWS/Lambda,FunctionName} MetricName="${metric}" FunctionName="${prefix}-"`;
  const dashboard = new Dashboard(scope, 'Dashboard', {
    dashboardName: `${Stack.of(scope).stackName}-overview`,
  });
  dashboard.addWidgets(
    new GraphWidget({ title: 'Lambda errors', left: [search('errors', fnQuery('Errors'), 'Sum')], width: 8 }),
    new GraphWidget({
      title: 'Lambda throttles',
      left: [search('throttles', fnQuery('Throttles'), 'Sum')],
      width: 8,
    }),
    new GraphWidget({
      title: 'Lambda duration p95',
      left: [search('p95', fnQuery('Duration'), 'p95')],
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new GraphWidget({
      title: 'Executions',
      left: ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((m) =>
        search(m, `{AWS/States,StateMachineArn} MetricName="${m}"`, 'Sum'),
      ),
      width: 8,
    }),
    new GraphWidget({
      title: 'API requests and 5xx',
      left: [search('requests', '{AWS/ApiGateway,ApiId,Stage} MetricName="Count"', 'Sum')],
      right: [search('5xx', '{AWS/ApiGateway,ApiId,Stage} MetricName="5xx"', 'Sum')],
      width: 8,
    }),
    new GraphWidget({
      title: 'Model spend (micro-USD per hour) and budget refusals',
      left: [techteamMetric(TECHTEAM_METRICS.modelSpend, Duration.hours(1))],
      right: [techteamMetric(TECHTEAM_METRICS.budgetRefusals, Duration.hours(1))],
      width: 8,
    }),
  );
  return dashboard;
}
