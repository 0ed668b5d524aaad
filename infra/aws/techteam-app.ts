import { type App, Validations } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { Billing } from './billing';
import type { DeployContext } from './deploy-context';
import { TechteamNagChecks } from './nag';
import { ApiStack } from './stacks/api-stack';
import { DataStack } from './stacks/data-stack';
import { SandboxStack } from './stacks/sandbox-stack';
import { SecretsStack } from './stacks/secrets-stack';
import { WebStack } from './stacks/web-stack';
import { WorkflowStack } from './stacks/workflow-stack';

/** CDK feature flags the stacks rely on. */
const FEATURE_FLAGS = {
  // Server access logs delivered under a bucket policy, not the legacy LogDeliveryWrite ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // Exports stay protected while a consumer stack still imports them (CDK's current default, made explicit).
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

export interface TechteamStacks {
  data: DataStack;
  secrets: SecretsStack | undefined;
  sandbox: SandboxStack;
  workflow: WorkflowStack;
  api: ApiStack;
  web: WebStack;
}

/**
 * Every Techteam stack for one deploy context, with the AWS Solutions checks
 * (cdk-nag) run on the whole app: an unacknowledged finding fails the synth.
 * Stacks are environment-agnostic, so synth needs no account or credentials.
 */
export interface TechteamAppOptions {
  /**
   * The HTTP API's authorizer, made in the API stack's scope (the identity work
   * plugs in here); without it every route is open at the gateway and closed
   * by the handlers (401 without a tenant).
   */
  authorizer?: (scope: Construct) => IHttpRouteAuthorizer;
  /** Rebuilds the sandbox runner image without a source change (`-c runnerImageRevision=…`). */
  runnerImageRevision?: string;
}

export function buildTechteamApp(
  app: App,
  context: DeployContext,
  options: TechteamAppOptions = {},
): TechteamStacks {
  // Here rather than in cdk.json so the tests' Apps build exactly what `cdk synth` builds.
  for (const [flag, value] of Object.entries(FEATURE_FLAGS)) app.node.setContext(flag, value);
  const prefix = 'Techteam';
  const data = new DataStack(app, `${prefix}-Data`, {
    description: 'Techteam data: the single DynamoDB table and the artifacts bucket',
  });
  const secrets =
    context.mode === 'hosted'
      ? new SecretsStack(app, `${prefix}-Secrets`, { description: 'Techteam model provider keys' })
      : undefined;
  const sandbox = new SandboxStack(app, `${prefix}-Sandbox`, {
    description: `Techteam sandbox (${context.sandbox}): isolated VPC, ECS cluster and runner`,
    context,
    artifacts: data.artifacts,
    ...(options.runnerImageRevision ? { runnerImageRevision: options.runnerImageRevision } : {}),
  });
  const providerKeys = secrets ? { providerKeys: secrets.providerKeys } : {};
  const workflow = new WorkflowStack(app, `${prefix}-Workflow`, {
    description: 'Techteam workflow: the task state machine and its Lambdas',
    context,
    table: data.table,
    artifacts: data.artifacts,
    sandbox,
    alarms: data.alarms,
    tenantData: data.tenantData,
    ...providerKeys,
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    description: 'Techteam HTTP API and its Lambdas',
    context,
    table: data.table,
    artifacts: data.artifacts,
    stateMachine: workflow.stateMachine,
    memory: workflow.memory,
    sandbox,
    alarms: data.alarms,
    tenantData: data.tenantData,
    ...(sandbox.functionNetwork ? { network: sandbox.functionNetwork } : {}),
    ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    ...providerKeys,
  });
  const web = new WebStack(app, `${prefix}-Web`, {
    description: 'Techteam dashboard: the static export on S3 behind CloudFront',
    httpApi: api.httpApi,
  });
  // Stripe billing, hosted mode only: a construct in the API stack beside the routes it serves.
  if (context.mode === 'hosted')
    new Billing(api, 'Billing', {
      context,
      api,
      table: data.table,
      artifacts: data.artifacts,
      tenantData: data.tenantData,
      ...(sandbox.functionNetwork ? { network: sandbox.functionNetwork } : {}),
    });
  Validations.of(app).addPlugins(new TechteamNagChecks(app));
  return { data, secrets, sandbox, workflow, api, web };
}
