import { RECONCILE_EXECUTION, STATE_LAMBDAS } from '@techteam/functions/manifest';
import { arnVariable, type TaskStateName, workflowDefinition } from '@techteam/shared/workflow';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DeployContext } from '../deploy-context';
import {
  type FunctionAccess,
  readsProviderKeys,
  WORKSPACE_KEYS,
  wildcardKindsOf,
  writesChunks,
} from '../function-access';
import { Memory } from '../memory';
import { grantBedrockCalls, grantProviderKeys, providerSecretsEnv } from '../model-access';
import { acknowledgeWildcards } from '../nag';
import { watchExecutions, watchFunctions } from '../observability';
import { TechteamFunction } from '../techteam-function';
import { grantTenantAccess, TENANT_SERVING } from '../tenant-access';
import type { TenantDataRole } from '../tenant-data-role';
import type { SandboxStack } from './sandbox-stack';

export interface WorkflowStackProps extends StackProps {
  context: DeployContext;
  table: Table;
  artifacts: IBucket;
  sandbox: SandboxStack;
  /** Hosted mode: the provider key secrets by env-var name; absent in byo. */
  providerKeys?: Record<string, ISecret>;
  alarms: ITopic;
  /** The role the states assume per tenant (infra/aws/tenant-data-role.ts), made in the data stack. */
  tenantData: TenantDataRole;
}

/** Model calls and sandbox jobs take minutes; bookkeeping states take seconds. */
const LONG_STATE = Duration.minutes(15);
const SHORT_STATE = Duration.seconds(30);

/**
 * The table actions the store's code calls (shared/store and the ledger: Get, Query, Put,
 * Update, Delete, and TransactWrite, which IAM checks as its parts plus ConditionCheckItem),
 * and nothing else: no Scan, no batch reads, no PartiQL, no table management. Batch writes go
 * only to the functions that need them (CHUNK_BATCH_ACTION; the live items, infra/aws/constructs/live-api.ts).
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
} as const;

/** The batch call of the chunk items (shared/store/chunks.ts), granted apart: see writesChunks. */
export const CHUNK_BATCH_ACTION = 'dynamodb:BatchWriteItem';

/** The object actions the workspace and sandbox adapters call: read and write, never delete or retention. */
export const OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject'] as const;

/** Grants a function exactly its FunctionAccess on the data and model resources (not Step Functions, not the sandbox). */
export function grantDataAccess(
  fn: TechteamFunction,
  access: FunctionAccess,
  table: Table,
  artifacts: IBucket,
  providerKeys: Record<string, ISecret> | undefined,
  tenantData?: { name: string; role: TenantDataRole },
): void {
  if (tenantData && TENANT_SERVING.has(tenantData.name) && access.table !== 'none') {
    // Acts for tenants: their items and workspaces only through the tenant data role (tenant-access.ts).
    grantTenantAccess(fn, tenantData.name, access.table, table, tenantData.role);
  } else {
    // Table.grant covers the table and its indexes (Query on GSI1/GSI2).
    if (access.table === 'readWrite') table.grant(fn, ...TABLE_ACTIONS.read, ...TABLE_ACTIONS.write);
    else if (access.table === 'read') table.grant(fn, ...TABLE_ACTIONS.read);
    if (access.workspace) grantWorkspace(fn, artifacts, access.workspace);
    // On the table alone (no index takes writes), and only to the functions that write chunks.
    // One acting for tenants batches its tenant's chunks under the tenant data role instead.
    if (writesChunks(access))
      fn.addToRolePolicy(new PolicyStatement({ actions: [CHUNK_BATCH_ACTION], resources: [table.tableArn] }));
  }
  if (access.models) grantBedrockCalls(fn, fn);
  if (readsProviderKeys(access)) grantProviderKeys(fn, Object.values(providerKeys ?? {}));
}

/**
 * Workspaces, and nothing more: Bucket.grantRead/grantReadWrite would add s3:GetBucket*,
 * s3:List*, s3:GetObject* (ACLs, versions, tags), s3:DeleteObject* and s3:Abort* on the whole
 * bucket; the workspace adapter reads and writes objects and lists one prefix.
 */
function grantWorkspace(fn: TechteamFunction, artifacts: IBucket, level: 'read' | 'readWrite'): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: level === 'read' ? ['s3:GetObject'] : [...OBJECT_ACTIONS],
      resources: [artifacts.arnForObjects(WORKSPACE_KEYS)],
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [artifacts.bucketArn],
      conditions: { StringLike: { 's3:prefix': [WORKSPACE_KEYS] } },
    }),
  );
}

/** The environment every Lambda shares, from the runtime's contract (shared/config, shared/deps). */
export function baseEnvironment(
  context: DeployContext,
  access: FunctionAccess,
  table: Table,
  artifacts: IBucket,
  providerKeys: Record<string, ISecret> | undefined,
  scope: Construct,
): Record<string, string> {
  return {
    BEDROCK_REGION: Stack.of(scope).region,
    ...(access.table !== 'none' ? { TECHTEAM_TABLE: table.tableName } : {}),
    ...(access.workspace || access.sandbox ? { TECHTEAM_ARTIFACTS_BUCKET: artifacts.bucketName } : {}),
    ...(readsProviderKeys(access) && providerKeys && context.mode === 'hosted'
      ? { TECHTEAM_PROVIDER_SECRETS: providerSecretsEnv(scope, providerKeys) }
      : {}),
  };
}

/**
 * The Super Agent's workflow: one Lambda per Task state (functions/manifest.ts) and the state machine
 * from the one ASL definition in shared/workflow, its `${…FunctionArn}`
 * placeholders filled by DefinitionSubstitutions. Logged and traced.
 */
export class WorkflowStack extends Stack {
  readonly stateMachine: StateMachine;
  readonly functions: Record<TaskStateName, TechteamFunction>;
  /** Settles the task of an execution that failed, timed out or was aborted (an EventBridge rule's target). */
  readonly reconciler: TechteamFunction;
  /** The team's memory: the ingestion queue and Lambda, the vector index's key or bucket (infra/aws/memory.ts). */
  readonly memory: Memory;

  constructor(scope: Construct, id: string, props: WorkflowStackProps) {
    super(scope, id, props);
    const { context, table, artifacts, sandbox, providerKeys } = props;
    const states = STATE_LAMBDAS.map((s) => s.name);
    // Here, beside the states that recall and remember, so that the API stack (which depends on this one) can use it too.
    this.memory = new Memory(this, 'Memory', {
      context,
      table,
      artifacts,
      alarms: props.alarms,
      tenantData: props.tenantData,
      ...(sandbox.functionNetwork ? { network: sandbox.functionNetwork } : {}),
      ...(providerKeys ? { providerKeys } : {}),
    });

    const functions = {} as Record<TaskStateName, TechteamFunction>;
    for (const { name: state, file, access } of STATE_LAMBDAS) {
      // One name: the state's is its Lambda's (construct id `<State>Function`) and its ARN variable's.
      const name = state;
      const fn = new TechteamFunction(this, `${name}Function`, {
        handler: { name, file, kind: 'workflow', access },
        mode: context.mode,
        withTokenizer: !!access.models,
        description: `Techteam workflow state ${state} (functions/${file})`,
        timeout: access.models || access.sandbox ? LONG_STATE : SHORT_STATE,
        memorySize: access.models ? 1024 : 512,
        environment: {
          ...baseEnvironment(context, access, table, artifacts, providerKeys, this),
          ...(access.sandbox || access.sandboxRunners ? sandbox.functionEnvironment(artifacts) : {}),
          ...this.memory.environment(access),
        },
        ...(sandbox.functionNetwork ? { network: sandbox.functionNetwork } : {}),
      });
      grantDataAccess(fn, access, table, artifacts, providerKeys, { name, role: props.tenantData });
      this.memory.grant(fn, access);
      if (access.sandbox) sandbox.grantRunJobs(fn, artifacts);
      else if (access.sandboxRunners) sandbox.grantRunners(fn);
      acknowledgeWildcards(fn, wildcardKindsOf(access, TENANT_SERVING.has(name)));
      functions[state] = fn;
    }
    this.functions = functions;

    const logs = new LogGroup(this, 'StateMachineLogs', { retention: RetentionDays.ONE_MONTH });
    this.stateMachine = new StateMachine(this, 'TaskStateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(workflowDefinition())),
      definitionSubstitutions: Object.fromEntries(
        states.map((state) => [arnVariable(state), functions[state].functionArn]),
      ),
      // Payloads carry ids only, so full logging reveals no content.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    for (const state of states) functions[state].grantInvoke(this.stateMachine);
    acknowledgeWildcards(this.stateMachine, ['FunctionVersions', 'NoResourceLevel']);
    watchFunctions(this, { ...functions, IngestDocument: this.memory.ingestion }, props.alarms);
    watchExecutions(this, this.stateMachine, props.alarms);
    this.reconciler = this.executionReconciler(props);
  }

  /**
   * What Step Functions cannot catch (a path error, an oversized payload, the history limit, a
   * failing MarkTaskFailed, a timeout, a stop from the console) would leave the task running and its
   * runner up: EventBridge hands every such ending of this state machine's executions to the
   * reconciler, which marks the task failed, writes task_finished once and ends the sandbox run.
   */
  private executionReconciler({
    context,
    table,
    artifacts,
    sandbox,
    providerKeys,
    tenantData,
  }: WorkflowStackProps) {
    const { name, file, access } = RECONCILE_EXECUTION;
    const fn = new TechteamFunction(this, `${name}Function`, {
      handler: { name, file, kind: 'workflow', access },
      mode: context.mode,
      description: `Techteam: settles the task of a failed, timed-out or aborted execution (functions/${file})`,
      timeout: SHORT_STATE,
      environment: {
        ...baseEnvironment(context, access, table, artifacts, providerKeys, this),
        ...sandbox.functionEnvironment(artifacts),
      },
      ...(sandbox.functionNetwork ? { network: sandbox.functionNetwork } : {}),
    });
    // The event's execution input names the tenant: the task is read and settled as that tenant.
    grantDataAccess(fn, access, table, artifacts, providerKeys, { name, role: tenantData });
    // It ends runs and never starts one: no RunTask, no PassRole, no CreateQueue.
    sandbox.grantRunners(fn, [], { start: false });
    acknowledgeWildcards(fn, wildcardKindsOf(access, TENANT_SERVING.has(name)));
    new Rule(this, 'ExecutionEndedRule', {
      description: 'A task execution failed, timed out or was aborted: reconcile its task',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [this.stateMachine.stateMachineArn],
        },
      },
      targets: [new LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
    return fn;
  }
}
