import { API_ROUTES } from '@techteam/functions/routes';
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DeployContext } from '../deploy-context';
import { apiAccess, wildcardKindsOf } from '../function-access';
import { acknowledgeWildcards } from '../nag';
import { techteamDashboard, watchApi, watchFunctions } from '../observability';
import { type FunctionNetwork, TechteamFunction } from '../techteam-function';
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
  /**
   * The authorizer slot for the identity work (Clerk JWTs and tt_ API keys
   * turned into a tenant context). When set, every route uses it. Until then
   * no request carries a tenant and every handler answers 401
   * (functions/http.ts), so the API is deployed but closed.
   */
  authorizer?: (scope: Construct) => IHttpRouteAuthorizer;
  alarms: ITopic;
}

/** The public HTTP API: one Lambda per route in functions/routes.ts API_ROUTES. */
export class ApiStack extends Stack {
  readonly httpApi: HttpApi;
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
      throttle: { rateLimit: 50, burstLimit: 100 },
    });

    const authorizer = props.authorizer?.(this);
    this.functions = {};
    for (const route of API_ROUTES) {
      const access = apiAccess(route.name, route.method);
      const fn = new TechteamFunction(this, `${route.name}Function`, {
        handler: { name: route.name, file: route.file, kind: 'api', access },
        mode: context.mode,
        withTokenizer: !!access.models,
        description: `Techteam API ${route.method} ${route.path} (functions/${route.file})`,
        timeout: Duration.seconds(29),
        environment: {
          ...baseEnvironment(context, access, table, artifacts, props.providerKeys, this),
          ...(access.execution ? { TECHTEAM_STATE_MACHINE_ARN: stateMachine.stateMachineArn } : {}),
          ...(access.sandboxRuns && sandbox.hasRunners ? sandbox.functionEnvironment(artifacts) : {}),
        },
        ...(props.network ? { network: props.network } : {}),
      });
      grantDataAccess(fn, access, table, artifacts, props.providerKeys);
      if (access.execution === 'start') stateMachine.grantStartExecution(fn);
      if (access.execution === 'stop') stateMachine.grantExecution(fn, 'states:StopExecution');
      if (access.execution === 'respond') stateMachine.grant(fn, 'states:SendTaskSuccess');
      if (access.sandboxRuns) sandbox.grantRunners(fn);
      acknowledgeWildcards(fn, wildcardKindsOf(access));

      const routes = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
        ...(authorizer && route.auth !== 'signature' ? { authorizer } : {}),
      });
      if (route.auth === 'signature') {
        for (const r of routes) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions::AwsSolutions-APIG4',
            reason: `${route.path} is called by a third party that cannot hold a tenant credential; its handler verifies the signature over the raw body and refuses anything else with 400`,
          });
        }
      } else if (!authorizer) {
        for (const r of routes) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions::AwsSolutions-APIG4',
            reason:
              'The authorizer arrives with the identity work (ApiStackProps.authorizer); until then functions/http.ts refuses every request without an authorized tenant with 401',
          });
        }
      }
      this.functions[route.name] = fn;
    }
    watchFunctions(this, this.functions, props.alarms);
    watchApi(this, this.httpApi, props.alarms);
    techteamDashboard(this, id.split('-')[0] ?? 'Techteam');
  }
}
