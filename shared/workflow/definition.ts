/**
 * The Super Agent's workflow as one Amazon States Language definition. CDK
 * deploys this object with DefinitionSubstitutions for the `${...}` resources;
 * the local host runs the same JSON in aws-local-stepfunctions with each Task
 * state mapped to its handler in functions/. State payloads carry ids only.
 */

/** Task state name → the substitution variable that holds its Lambda ARN. */
export const TASK_STATES = {
  Plan: 'PlanTaskFunctionArn',
  RunStep: 'RunStepFunctionArn',
  Finalize: 'FinalizeTaskFunctionArn',
  MarkFailed: 'MarkTaskFailedFunctionArn',
} as const;
export type TaskStateName = keyof typeof TASK_STATES;

/** Errors worth retrying: provider throttling and outages, Lambda hiccups. */
export const TRANSIENT_ERRORS = [
  'ProviderUnavailable',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

const retry = [
  {
    ErrorEquals: TRANSIENT_ERRORS,
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];
const toMarkFailed = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkFailed' }];
const ids = { 'tenantId.$': '$.tenantId', 'taskId.$': '$.taskId' };

export interface WorkflowInput {
  tenantId: string;
  taskId: string;
}

export function workflowDefinition() {
  return {
    Comment: 'Techteam task: Plan → Execute each plan step → Finalize; any failure → MarkFailed',
    StartAt: 'Plan',
    States: {
      Plan: {
        Type: 'Task',
        Resource: `\${${TASK_STATES.Plan}}`,
        Parameters: ids,
        ResultPath: '$.plan',
        Retry: retry,
        Catch: toMarkFailed,
        Next: 'Execute',
      },
      Execute: {
        Type: 'Map',
        ItemsPath: '$.plan.stepIds',
        MaxConcurrency: 1,
        ItemSelector: { ...ids, 'stepId.$': '$$.Map.Item.Value' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'RunStep',
          States: {
            RunStep: {
              Type: 'Task',
              Resource: `\${${TASK_STATES.RunStep}}`,
              Retry: retry,
              End: true,
            },
          },
        },
        ResultPath: null,
        Catch: toMarkFailed,
        Next: 'Finalize',
      },
      Finalize: {
        Type: 'Task',
        Resource: `\${${TASK_STATES.Finalize}}`,
        Parameters: ids,
        ResultPath: null,
        Retry: retry,
        Catch: toMarkFailed,
        End: true,
      },
      MarkFailed: {
        Type: 'Task',
        Resource: `\${${TASK_STATES.MarkFailed}}`,
        Parameters: { ...ids, 'error.$': '$.error' },
        ResultPath: null,
        Retry: retry,
        Next: 'Failed',
      },
      Failed: { Type: 'Fail', Error: 'TaskFailed', Cause: 'The task failed; its events say why.' },
    },
  };
}

/** The definition with every `${Var}` replaced, as Step Functions sees it after DefinitionSubstitutions. */
export function substituteDefinition(
  substitutions: Record<string, string>,
): ReturnType<typeof workflowDefinition> {
  const text = JSON.stringify(workflowDefinition()).replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`No substitution for ${whole}`);
    return value;
  });
  return JSON.parse(text);
}

/** Example Lambda ARNs for validation and local runs, where no real ARN exists. */
export function placeholderArns(region = 'us-east-1', account = '123456789012'): Record<string, string> {
  return Object.fromEntries(
    Object.entries(TASK_STATES).map(([state, variable]) => [
      variable,
      `arn:aws:lambda:${region}:${account}:function:techteam-${state}`,
    ]),
  );
}
