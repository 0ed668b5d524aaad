/**
 * The Super Agent's workflow as one Amazon States Language definition. CDK
 * deploys this object with DefinitionSubstitutions for the `${...}` resources;
 * the local host runs the same JSON in aws-local-stepfunctions with each Task
 * state mapped to its handler in functions/. State payloads carry ids only.
 *
 *   Plan ─► NeedsApproval? ─► RequestApproval (task token) ─► ApprovalDecision ─► StartRun
 *   StartRun ─► Execute: Map over waves (one at a time)
 *                 └ RunWave: Map over the wave's steps (bounded parallelism)
 *                     └ StartStep ─► RouteStep: done? / dev? / review? / other
 *                          other ─► RunEmployee
 *                          review (a qa step of its own) ─► QAReview, one round: a fail ─► RejectStep
 *                          dev ───► DevAttempt ─► QAReview ─► QADecision
 *                          (RunEmployee, DevAttempt, QAReview: a turn that paused near the Lambda
 *                           ceiling, `{continue: true}`, runs its state again from its checkpoint)
 *                                      ▲   passed ─► StepPassed              │
 *                                      └── NextRound (round + 1) ◄── not yet, rounds left
 *                                          no rounds left ─► RejectStep (fails the run)
 *   Execute fails with a REPLANNABLE_ERROR, no re-plan yet ─► Replan ─► Execute (the new waves)
 *                                                            └ declined ─► MarkTaskFailed
 *   ─► Synthesize ─► FinalizeTask;  any other failure ─Catch─► MarkTaskFailed ─► Failed
 */

/**
 * The Task states of the definition, each by its one name: the ASL state, its Lambda
 * (functions/manifest.ts), its handler file (`functions/workflow/<kebab-name>.ts`), the core
 * function it calls (`<camelName>` in ./states) and its ARN variable (`<Name>FunctionArn`).
 */
export const TASK_STATE_NAMES = [
  'PlanTask',
  'RequestApproval',
  'StartRun',
  'StartStep',
  'RunEmployee',
  'DevAttempt',
  'QAReview',
  'RejectStep',
  'Replan',
  'Synthesize',
  'FinalizeTask',
  'MarkTaskFailed',
] as const;
export type TaskStateName = (typeof TASK_STATE_NAMES)[number];

/** A Task state's DefinitionSubstitutions variable: the state's name and `FunctionArn`. */
export const arnVariable = <S extends TaskStateName>(state: S): `${S}FunctionArn` => `${state}FunctionArn`;

/** Task state name → the substitution variable that holds its Lambda ARN. */
export const TASK_STATES = Object.fromEntries(TASK_STATE_NAMES.map((s) => [s, arnVariable(s)])) as {
  readonly [S in TaskStateName]: `${S}FunctionArn`;
};

/** Task states that wait for a person: their Lambda is invoked with a task token, and the run waits for it. */
export const TOKEN_STATES: readonly TaskStateName[] = ['RequestApproval'];

/** How many steps of one wave run at once. */
export const WAVE_CONCURRENCY = 3;
/** How long a plan may wait for approval before the run fails. */
export const APPROVAL_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** Errors worth retrying: provider throttling and outages, Lambda hiccups. */
export const TRANSIENT_ERRORS = [
  'ModelsExhausted',
  'ModelsCoolingDown',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  // The invoke itself timed out on the way (not the function's own timeout): safe to try again.
  'Lambda.ClientExecutionTimeoutException',
];

/**
 * Failures a new plan may mend: QA rejected every round, the employee got stuck or ran out
 * of iterations, no model could answer. Anything else (BudgetExceeded, a cancel, a bug)
 * fails the task at once; a task re-plans once.
 */
export const REPLANNABLE_ERRORS = [
  'StepRejected',
  'StepStuck',
  'IterationsExhausted',
  'ModelsExhausted',
  'NoModelAvailable',
] as const;

const retry = [
  {
    ErrorEquals: TRANSIENT_ERRORS,
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];
/**
 * A Lambda killed at its ceiling mid-turn: run again, the turn goes on from its last checkpoint
 * (the states whose employee's turn can outlive an invocation).
 */
const retryKilled = {
  ErrorEquals: ['Sandbox.Timedout'],
  IntervalSeconds: 1,
  MaxAttempts: 2,
  BackoffRate: 1,
};
/**
 * After a Task whose turn may pause (`{continue: true}`, its conversation checkpointed), the
 * state runs again; `Default` is where the state goes once its turn ended.
 */
function continues(at: string, resultPath: string, then: string) {
  return {
    Type: 'Choice',
    Choices: [
      {
        And: [
          { Variable: `${resultPath}.continue`, IsPresent: true },
          { Variable: `${resultPath}.continue`, BooleanEquals: true },
        ],
        Next: at,
      },
    ],
    Default: then,
  };
}
const toMarkFailed = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkTaskFailed' }];
const ids = { 'tenantId.$': '$.tenantId', 'taskId.$': '$.taskId' };
const stepIds = { ...ids, 'stepId.$': '$.stepId' };
const lambda = (state: TaskStateName) => `\${${TASK_STATES[state]}}`;

export interface WorkflowInput {
  tenantId: string;
  taskId: string;
}

function stepMachine() {
  return {
    StartAt: 'StartStep',
    States: {
      StartStep: {
        Type: 'Task',
        Resource: lambda('StartStep'),
        Parameters: stepIds,
        ResultPath: '$.step',
        Retry: retry,
        Next: 'RouteStep',
      },
      RouteStep: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.step.done', BooleanEquals: true, Next: 'StepDone' },
          { Variable: '$.step.loop', StringEquals: 'dev', Next: 'DevAttempt' },
          { Variable: '$.step.loop', StringEquals: 'review', Next: 'QAReview' },
        ],
        Default: 'RunEmployee',
      },
      RunEmployee: {
        Type: 'Task',
        Resource: lambda('RunEmployee'),
        Parameters: stepIds,
        ResultPath: '$.turn',
        Retry: [...retry, retryKilled],
        Next: 'RunEmployeeContinues',
      },
      RunEmployeeContinues: continues('RunEmployee', '$.turn', 'StepDone'),
      DevAttempt: {
        Type: 'Task',
        Resource: lambda('DevAttempt'),
        Parameters: { ...stepIds, 'round.$': '$.step.round' },
        ResultPath: '$.turn',
        Retry: [...retry, retryKilled],
        Next: 'DevAttemptContinues',
      },
      DevAttemptContinues: continues('DevAttempt', '$.turn', 'QAReview'),
      QAReview: {
        Type: 'Task',
        Resource: lambda('QAReview'),
        Parameters: { ...stepIds, 'round.$': '$.step.round', 'maxRounds.$': '$.step.maxRounds' },
        ResultPath: '$.review',
        Retry: [...retry, retryKilled],
        Next: 'QAReviewContinues',
      },
      QAReviewContinues: continues('QAReview', '$.review', 'QADecision'),
      QADecision: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.review.passed', BooleanEquals: true, Next: 'StepDone' },
          { Variable: '$.step.round', NumericGreaterThanEqualsPath: '$.step.maxRounds', Next: 'RejectStep' },
        ],
        Default: 'NextRound',
      },
      NextRound: {
        Type: 'Pass',
        Parameters: {
          'done.$': '$.step.done',
          'loop.$': '$.step.loop',
          'maxRounds.$': '$.step.maxRounds',
          'round.$': 'States.MathAdd($.step.round, 1)',
        },
        ResultPath: '$.step',
        Next: 'DevAttempt',
      },
      RejectStep: {
        Type: 'Task',
        Resource: lambda('RejectStep'),
        Parameters: { ...stepIds, 'round.$': '$.step.round' },
        ResultPath: null,
        End: true,
      },
      StepDone: { Type: 'Succeed' },
    },
  };
}

export function workflowDefinition() {
  return {
    Comment: 'Techteam task: plan, approve, run the plan in waves with the Dev/QA loop, synthesize',
    StartAt: 'PlanTask',
    States: {
      PlanTask: {
        Type: 'Task',
        Resource: lambda('PlanTask'),
        Parameters: ids,
        ResultPath: '$.plan',
        Retry: retry,
        Catch: toMarkFailed,
        Next: 'NeedsApproval',
      },
      NeedsApproval: {
        Type: 'Choice',
        Choices: [{ Variable: '$.plan.needsApproval', BooleanEquals: true, Next: 'RequestApproval' }],
        Default: 'StartRun',
      },
      RequestApproval: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: lambda('RequestApproval'),
          Payload: { ...ids, 'taskToken.$': '$$.Task.Token' },
        },
        TimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
        ResultPath: '$.approval',
        Retry: retry,
        Catch: toMarkFailed,
        Next: 'ApprovalDecision',
      },
      ApprovalDecision: {
        Type: 'Choice',
        Choices: [{ Variable: '$.approval.decision', StringEquals: 'approved', Next: 'StartRun' }],
        Default: 'PlanRejected',
      },
      // The reject request has already cancelled the task; the run just ends.
      PlanRejected: { Type: 'Succeed' },
      StartRun: {
        Type: 'Task',
        Resource: lambda('StartRun'),
        Parameters: ids,
        ResultPath: '$.run',
        Retry: retry,
        Catch: toMarkFailed,
        Next: 'Execute',
      },
      Execute: {
        Type: 'Map',
        ItemsPath: '$.run.waves',
        MaxConcurrency: 1,
        ItemSelector: { ...ids, 'stepIds.$': '$$.Map.Item.Value' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'RunWave',
          States: {
            RunWave: {
              Type: 'Map',
              ItemsPath: '$.stepIds',
              MaxConcurrency: WAVE_CONCURRENCY,
              ItemSelector: { ...ids, 'stepId.$': '$$.Map.Item.Value' },
              ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...stepMachine() },
              ResultPath: null,
              End: true,
            },
          },
        },
        ResultPath: null,
        Catch: [
          { ErrorEquals: [...REPLANNABLE_ERRORS], ResultPath: '$.error', Next: 'CanReplan' },
          ...toMarkFailed,
        ],
        Next: 'Synthesize',
      },
      // A run re-plans once: Replan's outcome replaces $.run and carries `replanned`.
      CanReplan: {
        Type: 'Choice',
        Choices: [{ Variable: '$.run.replanned', IsPresent: true, Next: 'MarkTaskFailed' }],
        Default: 'Replan',
      },
      Replan: {
        Type: 'Task',
        Resource: lambda('Replan'),
        Parameters: { ...ids, 'error.$': '$.error' },
        ResultPath: '$.run',
        Retry: retry,
        // Keeps $.error, the step's failure, for MarkTaskFailed: that is what the task failed of.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.replanError', Next: 'MarkTaskFailed' }],
        Next: 'ReplanDecision',
      },
      ReplanDecision: {
        Type: 'Choice',
        Choices: [{ Variable: '$.run.replanned', BooleanEquals: true, Next: 'Execute' }],
        Default: 'MarkTaskFailed',
      },
      Synthesize: {
        Type: 'Task',
        Resource: lambda('Synthesize'),
        Parameters: ids,
        ResultPath: null,
        Retry: retry,
        Catch: toMarkFailed,
        Next: 'FinalizeTask',
      },
      FinalizeTask: {
        Type: 'Task',
        Resource: lambda('FinalizeTask'),
        Parameters: ids,
        ResultPath: null,
        Retry: retry,
        Catch: toMarkFailed,
        End: true,
      },
      MarkTaskFailed: {
        Type: 'Task',
        Resource: lambda('MarkTaskFailed'),
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
