import { type FunctionAccess, type LambdaManifest, LIVE_LAMBDAS } from '@techteam/functions/manifest';
import { FAN_OUT_BATCH_SIZE, FAN_OUT_RETRY_ATTEMPTS, LIVE_STREAM_FILTERS } from '@techteam/shared/live';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { apiGatewayAccountRoleOf, type DeployContext } from '../deploy-context';
import { wildcardKindsOf } from '../function-access';
import { acknowledgeManagedPolicy, acknowledgeWildcards } from '../nag';
import { watchDeadLetters } from '../observability';
import { grantDataAccess } from '../stacks/workflow-stack';
import { type FunctionNetwork, TechteamFunction } from '../techteam-function';
import { TENANT_SERVING } from '../tenant-access';
import type { TenantDataRole } from '../tenant-data-role';

/** The stage the WebSocket API serves: `wss://<api id>.execute-api.<region>.amazonaws.com/live`. */
export const LIVE_STAGE = 'live';

export const FAN_OUT_TIMEOUT = Duration.minutes(1);

export interface LiveApiProps {
  context: DeployContext;
  table: Table;
  artifacts: IBucket;
  alarms: ITopic;
  /** byo: the isolated subnets (see `network` below for which functions run there). */
  network?: FunctionNetwork;
  /** The environment the HTTP API's authorizer reads (pepper, Clerk), and the pepper itself. */
  identityEnvironment: Record<string, string>;
  pepper: ISecret;
  /** The environment every function shares (baseEnvironment of the stack). */
  baseEnvironment: (access: FunctionAccess) => Record<string, string>;
  /** The role the live functions assume per tenant (infra/aws/tenant-data-role.ts): they hold no table grant. */
  tenantData: TenantDataRole;
}

/**
 * Live updates on AWS (shared/live, functions/live): an API Gateway WebSocket API whose
 * `$connect` is authorized from the `token` query parameter by the HTTP API's own `authorize`,
 * its routes to the functions/manifest.ts LIVE_LAMBDAS, a throttled and access-logged stage, and
 * the fan-out fed by the table's stream, posting to this API's `@connections` only.
 */
export class LiveApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly functions: Record<string, TechteamFunction> = {};
  /** Stream batches the fan-out failed after its retries (their shard and sequence numbers). */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: LiveApiProps) {
    super(scope, id);
    const { table } = props;
    this.api = new WebSocketApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-live`,
      description: 'Techteam live updates (the WebSocket protocol of shared/live/protocol.ts)',
      routeSelectionExpression: '$request.body.action',
    });
    const fn = (entry: LambdaManifest, description: string, timeout: Duration) => {
      const { access } = entry;
      const made = new TechteamFunction(this, `${entry.name}Function`, {
        handler: { name: entry.name, file: entry.file, kind: 'api', access },
        mode: props.context.mode,
        description: `Techteam live: ${description} (functions/${entry.file})`,
        timeout,
        environment: {
          ...props.baseEnvironment(access),
          ...(access.apiKeyPepper ? props.identityEnvironment : {}),
          // liveDeps() reads it in every live door; only those that post are granted its use.
          ...(entry.deps === 'live' ? { TECHTEAM_LIVE_ENDPOINT: this.callbackUrl } : {}),
        },
        // The @connections endpoint of a WebSocket API is public only (no private WebSocket APIs,
        // and the execute-api interface endpoint serves private REST APIs alone), so in byo the
        // two functions that post run outside the isolated subnets; see infra/aws/README.md.
        ...(props.network && !access.liveConnections ? { network: props.network } : {}),
      });
      // Each acts for one tenant at a time (tenant-access.ts): the tenant data role's sessions
      // write the live items, BatchWriteItem included, in that tenant's partitions only.
      grantDataAccess(made, access, table, props.artifacts, undefined, {
        name: entry.name,
        role: props.tenantData,
      });
      if (access.apiKeyPepper) props.pepper.grantRead(made);
      if (access.liveConnections) this.grantPostToConnections(made);
      acknowledgeWildcards(made, wildcardKindsOf(access, TENANT_SERVING.has(entry.name)));
      this.functions[entry.name] = made;
      return made;
    };

    const authorizer = new WebSocketLambdaAuthorizer(
      'LiveAuthorizer',
      fn(
        LIVE_LAMBDAS.authorizer,
        '$connect authorizer: the token query parameter → tenant',
        Duration.seconds(10),
      ),
      { identitySource: ['route.request.querystring.token'] },
    );
    const routes = [
      [LIVE_LAMBDAS.connect, 'remembers a connection', Duration.seconds(10)],
      [LIVE_LAMBDAS.disconnect, 'forgets a connection and its subscriptions', Duration.seconds(10)],
      [LIVE_LAMBDAS.message, 'one client frame (subscribe, unsubscribe, ping)', Duration.seconds(29)],
    ] as const;
    for (const [entry, description, timeout] of routes) {
      const integration = new WebSocketLambdaIntegration(
        `${entry.name}Integration`,
        fn(entry, description, timeout),
      );
      for (const key of entry.routeKeys) {
        const route = this.api.addRoute(key, {
          integration,
          ...(key === '$connect' ? { authorizer } : {}),
        });
        if (key !== '$connect')
          Validations.of(route).acknowledge({
            id: 'AwsSolutions::AwsSolutions-APIG4',
            reason:
              'A WebSocket API authorizes at $connect only; this route runs on a connection $connect authorized, and its handler reads the tenant that authorizer returned',
          });
      }
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: LIVE_STAGE,
      autoDeploy: true,
      // Client frames across all connections; the fan-out's posts to @connections are not counted.
      throttle: { rateLimit: 50, burstLimit: 100 },
      // The default format: source IP, event type, route, connection, status, request id; never
      // the query string, which holds the credential.
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    // Only where this deploy owns the account's setting (see DeployContext.apiGatewayAccountRole):
    // otherwise the stage relies on the role the account already names.
    if (apiGatewayAccountRoleOf(props.context) === 'create')
      this.stage.node.addDependency(this.apiGatewayLogging());

    this.deadLetters = new Queue(this, 'FanOutDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: "This queue is itself the dead-letter destination of the fan-out's stream mapping",
    });
    const fanOut = fn(LIVE_LAMBDAS.fanOut, "the table's stream → subscribed connections", FAN_OUT_TIMEOUT);
    fanOut.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: FAN_OUT_BATCH_SIZE,
        // One batch per shard at a time, in order: the fan-out's ordering argument needs it.
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        retryAttempts: FAN_OUT_RETRY_ATTEMPTS,
        // A live update an hour late helps nobody: a client resumes from its last event id.
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.deadLetters),
        filters: LIVE_STREAM_FILTERS.map((pattern) => FilterCriteria.filter(pattern as never)),
      }),
    );
    watchDeadLetters(this, this.deadLetters, props.alarms, {
      id: 'FanOutDeadLettersAlarm',
      description: 'Live fan-out stream batches that failed every retry',
    });
  }

  /** `wss://…/live`: what the dashboard and the CLI connect to (GET /v1/config's `liveUrl`). */
  get url(): string {
    return this.stageUrl('wss');
  }

  /** `https://…/live`: the `@connections` endpoint the live functions post to. */
  get callbackUrl(): string {
    return this.stageUrl('https');
  }

  private stageUrl(scheme: 'wss' | 'https'): string {
    const stack = Stack.of(this);
    return `${scheme}://${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}/${LIVE_STAGE}`;
  }

  /** Post (PostToConnection) and close (DeleteConnection) this stage's connections, and nothing else. */
  private grantPostToConnections(fn: TechteamFunction): void {
    const arn = Stack.of(this).formatArn({ service: 'execute-api', resource: this.api.apiId });
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['execute-api:ManageConnections'],
        resources: ['POST', 'DELETE'].map((method) => `${arn}/${LIVE_STAGE}/${method}/@connections/*`),
      }),
    );
  }

  /**
   * WebSocket (like REST) APIs log through the region's API Gateway account setting: without a
   * CloudWatch role there, a stage with access logging fails to deploy. This sets it (replacing any
   * role the account named before, so only with `apiGatewayAccountRole=create`); the role is
   * retained, so the setting keeps working after the stack is gone.
   */
  private apiGatewayLogging(): CfnAccount {
    const role = new Role(this, 'ApiGatewayLogsRole', {
      description: "API Gateway's account-wide CloudWatch Logs role (the live API's access logs)",
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledgeManagedPolicy(
      role,
      'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      "The AWS-managed policy API Gateway's account setting expects, letting it write the stage's log groups",
    );
    return new CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: role.roleArn });
  }
}
