import { ROUTE_LAMBDAS } from '@techteam/functions/manifest';
import { RATE_PARTITION_PREFIX } from '@techteam/shared/store';
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { LiveApi } from '../constructs/live-api';
import type { DeployContext } from '../deploy-context';
import { AUTHORIZER, wildcardKindsOf } from '../function-access';
import type { Memory } from '../memory';
import { acknowledgeWildcards } from '../nag';
import { techteamDashboard, watchApi, watchFunctions } from '../observability';
import { type FunctionNetwork, TechteamFunction } from '../techteam-function';
import { TENANT_SERVING } from '../tenant-access';
import type { TenantDataRole } from '../tenant-data-role';
import type { SandboxStack } from './sandbox-stack';
import { baseEnvironment, grantDataAccess } from './workflow-stack';

export interface ApiStackProps extends StackProps {
  context: DeployContext;
  table: Table;
  artifacts: IBucket;
  stateMachine: StateMachine;
  /** The sandbox whose per-run runner a cancel stops (Fargate tier). */
  sandbox: SandboxStack;
  network?: FunctionNetwork;
  providerKeys?: Record<string, ISecret>;
  /** The team's memory (made in the workflow stack): the documents and memories routes use it. */
  memory: Memory;
  /**
   * The authorizer slot for the identity work (Clerk JWTs and tt_ API keys
   * turned into a tenant context). When set, every route uses it. Until then
   * no request carries a tenant and every handler answers 401
   * (functions/http.ts), so the API is deployed but closed.
   */
  authorizer?: (scope: Construct) => IHttpRouteAuthorizer;
  alarms: ITopic;
  /** The role the routes and the authorizer assume per tenant (infra/aws/tenant-data-role.ts). */
  tenantData: TenantDataRole;
}

/** The public HTTP API: one Lambda per route in functions/manifest.ts ROUTE_LAMBDAS. */
export class ApiStack extends Stack {
  readonly httpApi: HttpApi;
  /** The live updates' WebSocket API, its functions and the fan-out on the table's stream. */
  readonly live: LiveApi;
  readonly functions: Record<string, TechteamFunction>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { context, table, artifacts, stateMachine, sandbox } = props;
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Techteam public API',
      createDefaultStage: false,
      // The dashboard's origin only; API keys and Clerk tokens travel in Authorization, never cookies.
      ...(context.dashboardOrigin
        ? {
            corsPreflight: {
              allowOrigins: [context.dashboardOrigin],
              allowMethods: [
                CorsHttpMethod.GET,
                CorsHttpMethod.POST,
                CorsHttpMethod.PUT,
                CorsHttpMethod.DELETE,
              ],
              allowHeaders: ['authorization', 'content-type'],
              allowCredentials: false,
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
      // The whole API's ceiling; each tenant's own limit is its token bucket (shared/identity/limits.ts).
      throttle: { rateLimit: 50, burstLimit: 100 },
    });

    // API key hashes are HMACs under this pepper: the table alone proves no key.
    const pepper = new Secret(this, 'ApiKeyPepper', {
      description:
        'Techteam API key pepper (HMAC-SHA256 key of every API key hash); never rotate without re-issuing keys',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(pepper).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotating the pepper invalidates every API key hash at once; keys are rotated instead, each by revoke and create',
    });
    const clerkJwtKey = this.node.tryGetContext('clerkJwtKey') as string | undefined;
    const clerkParties = this.node.tryGetContext('clerkAuthorizedParties') as string | undefined;
    // The dashboard's sign-in widget: public by design (Clerk's pk_…), so plain in GetConfig's environment.
    const clerkPublishableKey = this.node.tryGetContext('clerkPublishableKey') as string | undefined;
    const identityEnvironment = {
      TECHTEAM_API_KEY_PEPPER_SECRET_ARN: pepper.secretArn,
      TECHTEAM_KEY_ENVIRONMENT: 'live',
      TECHTEAM_AUTH: 'required',
      ...(clerkJwtKey ? { CLERK_JWT_KEY: clerkJwtKey } : {}),
      ...(clerkParties ? { CLERK_AUTHORIZED_PARTIES: clerkParties } : {}),
    };
    this.functions = {};
    const authorizer = props.authorizer?.(this) ?? this.defaultAuthorizer(props, identityEnvironment, pepper);
    this.live = new LiveApi(this, 'Live', {
      context,
      table,
      artifacts,
      alarms: props.alarms,
      ...(props.network ? { network: props.network } : {}),
      identityEnvironment,
      pepper,
      baseEnvironment: (access) => baseEnvironment(context, access, table, artifacts, undefined, this),
      tenantData: props.tenantData,
    });
    Object.assign(this.functions, this.live.functions);
    new CfnOutput(this, 'LiveUrl', {
      description:
        'The live updates WebSocket URL (GET /v1/config answers it as liveUrl); append ?token=<API key or Clerk session>',
      value: this.live.url,
    });
    for (const route of ROUTE_LAMBDAS) {
      const { access } = route;
      const fn = new TechteamFunction(this, `${route.name}Function`, {
        handler: { name: route.name, file: route.file, kind: 'api', access },
        mode: context.mode,
        withTokenizer: !!access.models,
        description: `Techteam API ${route.method} ${route.path} (functions/${route.file})`,
        timeout: Duration.seconds(29),
        environment: {
          ...baseEnvironment(context, access, table, artifacts, props.providerKeys, this),
          ...(access.execution ? { TECHTEAM_STATE_MACHINE_ARN: stateMachine.stateMachineArn } : {}),
          ...(access.sandboxRunners ? sandbox.functionEnvironment(artifacts) : {}),
          ...(access.apiKeyPepper ? identityEnvironment : {}),
          ...props.memory.environment(access),
          // The dashboard's first read says where the live socket is.
          ...(route.file === 'api/get-config.ts'
            ? {
                TECHTEAM_LIVE_URL: this.live.url,
                TECHTEAM_AUTH: 'required',
                ...(clerkPublishableKey ? { CLERK_PUBLISHABLE_KEY: clerkPublishableKey } : {}),
              }
            : {}),
        },
        ...(props.network ? { network: props.network } : {}),
      });
      grantDataAccess(fn, access, table, artifacts, props.providerKeys, {
        name: route.name,
        role: props.tenantData,
      });
      if (access.apiKeyPepper) pepper.grantRead(fn);
      props.memory.grant(fn, access);
      // A tenant-serving route's rate bucket is one of its own partitions (tenant-access.ts).
      if (access.table !== 'none' && !TENANT_SERVING.has(route.name)) grantRateBuckets(fn, table);
      if (access.execution === 'start') stateMachine.grantStartExecution(fn);
      if (access.execution === 'stop') stateMachine.grantExecution(fn, 'states:StopExecution');
      if (access.execution === 'respond') stateMachine.grant(fn, 'states:SendTaskSuccess');
      if (access.sandboxRunners) sandbox.grantRunners(fn);
      acknowledgeWildcards(fn, wildcardKindsOf(access, TENANT_SERVING.has(route.name)));

      const routes = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
        ...(route.auth === undefined ? { authorizer } : {}),
      });
      if (route.auth !== undefined) {
        const reason =
          route.auth === 'signature'
            ? `${route.path} is called by a third party that cannot hold a tenant credential; its handler verifies the signature over the raw body and refuses anything else with 400`
            : `${route.path} is read by the signed-out dashboard to learn how to sign in; it answers no tenant's data`;
        for (const r of routes)
          Validations.of(r).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG4', reason });
      }
      this.functions[route.name] = fn;
    }
    watchFunctions(this, this.functions, props.alarms);
    watchApi(this, this.httpApi, props.alarms);
    techteamDashboard(this, id.split('-')[0] ?? 'Techteam');
  }

  /**
   * The one authorizer (functions/auth/authorizer.ts): simple responses cached by the
   * Authorization header for 5 s, so a revoked key fails everywhere within seconds.
   */
  private defaultAuthorizer(props: ApiStackProps, environment: Record<string, string>, pepper: Secret) {
    const { access } = AUTHORIZER;
    const fn = new TechteamFunction(this, 'AuthorizerFunction', {
      handler: { ...AUTHORIZER, kind: 'api' },
      mode: props.context.mode,
      description:
        'Techteam API authorizer: API keys and Clerk sessions → tenant and scopes (functions/auth/authorizer.ts)',
      timeout: Duration.seconds(10),
      environment: {
        ...baseEnvironment(props.context, access, props.table, props.artifacts, undefined, this),
        ...environment,
      },
      ...(props.network ? { network: props.network } : {}),
    });
    // Reads keys, records their last use, and makes a Clerk caller's tenant on its first request.
    grantDataAccess(fn, access, props.table, props.artifacts, undefined, {
      name: AUTHORIZER.name,
      role: props.tenantData,
    });
    acknowledgeWildcards(fn, wildcardKindsOf(access, TENANT_SERVING.has(AUTHORIZER.name)));
    pepper.grantRead(fn);
    this.functions['Authorizer'] = fn;
    return new HttpLambdaAuthorizer('Authorizer', fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(5),
    });
  }
}

/** The tenant's request bucket (shared/store/rate-limits.ts): read and written by every metered route, and only there. */
function grantRateBuckets(fn: TechteamFunction, table: Table): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RATE_PARTITION_PREFIX}*`] } },
    }),
  );
}
