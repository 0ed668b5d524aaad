import { API_ROUTES, SCHEDULED_HANDLERS } from '@techteam/functions/routes';
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DeployContext } from './deploy-context';
import { apiAccess, type FunctionAccess, SCHEDULED_ACCESS, wildcardKindsOf } from './function-access';
import { acknowledgeWildcards } from './nag';
import type { ApiStack } from './stacks/api-stack';
import { baseEnvironment, grantDataAccess } from './stacks/workflow-stack';
import { type FunctionNetwork, TechteamFunction } from './techteam-function';
import { TENANT_SERVING } from './tenant-access';
import type { TenantDataRole } from './tenant-data-role';

/** The value a Stripe secret holds until an operator puts the real one (billing stays off). */
export const UNSET_STRIPE_SECRET = 'UNSET';

export interface BillingProps {
  context: DeployContext;
  api: ApiStack;
  table: Table;
  artifacts: IBucket;
  /** The usage reporter acts as each tenant it reports (tenant-access.ts). */
  tenantData: TenantDataRole;
  network?: FunctionNetwork;
}

const REPORTER_ACCESS = SCHEDULED_ACCESS['ReportUsage'] as FunctionAccess;

/**
 * Stripe billing, hosted mode only (deploy-your-own has none): the Stripe secret key and
 * the webhook signing secret in Secrets Manager (read at cold start by the billing
 * functions, never in their environment), and the usage reporter on an EventBridge
 * schedule. The webhook route itself is in the API stack, without the tenant authorizer
 * (`auth: 'signature'` in functions/routes.ts): its handler verifies Stripe's signature.
 */
export class Billing extends Construct {
  readonly stripeSecretKey: Secret;
  readonly webhookSecret: Secret;
  readonly reporter: TechteamFunction;

  constructor(scope: ApiStack, id: string, props: BillingProps) {
    super(scope, id);
    const secret = (name: string, what: string) => {
      const s = new Secret(this, name, {
        removalPolicy: RemovalPolicy.RETAIN,
        description: `Techteam ${what}; set it with aws secretsmanager put-secret-value`,
        // A marker, not a key: written only at create, so an update never resets the operator's value.
        secretStringValue: SecretValue.unsafePlainText(UNSET_STRIPE_SECRET),
      });
      Validations.of(s).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason: `${name} is issued by Stripe; it is rolled in the Stripe dashboard and put here by an operator, so there is no rotation Lambda to run`,
      });
      new CfnOutput(this, `${name.replaceAll('_', '')}SecretName`, {
        description: `Put the ${what} here: aws secretsmanager put-secret-value --secret-id <this> --secret-string …`,
        value: s.secretName,
      });
      return s;
    };
    this.stripeSecretKey = secret('STRIPE_SECRET_KEY', 'Stripe secret key');
    this.webhookSecret = secret('STRIPE_WEBHOOK_SECRET', 'Stripe webhook signing secret');
    const secretsEnv = JSON.stringify({
      STRIPE_SECRET_KEY: this.stripeSecretKey.secretArn,
      STRIPE_WEBHOOK_SECRET: this.webhookSecret.secretArn,
    });

    for (const route of API_ROUTES.filter((r) => apiAccess(r.name, r.method).stripeKeys)) {
      const fn = props.api.functions[route.name];
      if (!fn) continue;
      fn.addEnvironment('TECHTEAM_STRIPE_SECRETS', secretsEnv);
      this.stripeSecretKey.grantRead(fn);
      this.webhookSecret.grantRead(fn);
    }

    const reporter = SCHEDULED_HANDLERS['ReportUsage'];
    if (!reporter) throw new Error('functions/manifest.ts has no ReportUsage scheduled handler');
    const { file, everyMinutes } = reporter;
    this.reporter = new TechteamFunction(this, 'ReportUsageFunction', {
      handler: { name: 'ReportUsage', file, kind: 'api', access: REPORTER_ACCESS },
      mode: props.context.mode,
      description: `Techteam: reports model spend beyond each plan's credit to Stripe's meter (functions/${file})`,
      timeout: Duration.minutes(5),
      environment: {
        ...baseEnvironment(props.context, REPORTER_ACCESS, props.table, props.artifacts, undefined, this),
        TECHTEAM_STRIPE_SECRETS: secretsEnv,
      },
      ...(props.network ? { network: props.network } : {}),
    });
    // Lists the accounts with its own grant; each tenant's items only through the tenant data role.
    grantDataAccess(this.reporter, REPORTER_ACCESS, props.table, props.artifacts, undefined, {
      name: 'ReportUsage',
      role: props.tenantData,
    });
    acknowledgeWildcards(this.reporter, wildcardKindsOf(REPORTER_ACCESS, TENANT_SERVING.has('ReportUsage')));
    this.stripeSecretKey.grantRead(this.reporter);
    this.webhookSecret.grantRead(this.reporter);
    new Rule(this, 'ReportUsageSchedule', {
      description: 'Report model spend beyond the plan credit to Stripe, and end lapsed grace periods',
      schedule: Schedule.rate(Duration.minutes(everyMinutes)),
      targets: [new LambdaFunction(this.reporter, { retryAttempts: 2 })],
    });
  }
}
