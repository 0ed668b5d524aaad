import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

const BEDROCK_CALLS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/**
 * What a function that calls models gets: Bedrock Converse (InvokeModel and its
 * streaming form) on foundation models and inference profiles in the stack's
 * region, and on foundation models in other regions only through an inference
 * profile of this account and region. The catalog's Bedrock models are
 * cross-region profiles, and the gateway calls the one of the stack's own
 * geography (`us.`, `eu.`, `jp.`, `au.`, `apac.`; `global.` for the `-global`
 * entries; shared/gateway/catalog/region-groups.ts). Bedrock serves a call in
 * any region of the profile and checks the model's permission there, so a
 * region-only grant fails whenever a call is routed elsewhere; a global
 * profile's destination names no region, which the `*` region also matches
 * (model-access.test.ts checks every profile the catalog picks). Provider keys
 * are granted apart (grantProviderKeys).
 */
export function grantBedrockCalls(scope: Construct, fn: IGrantable): void {
  const stack = Stack.of(scope);
  const profiles = stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: '*' });
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: BEDROCK_CALLS,
      resources: [
        stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: '*' }),
        profiles,
      ],
    }),
  );
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: BEDROCK_CALLS,
      resources: [
        stack.formatArn({
          service: 'bedrock',
          region: '*',
          account: '',
          resource: 'foundation-model',
          resourceName: '*',
        }),
      ],
      conditions: { StringLike: { 'bedrock:InferenceProfileArn': profiles } },
    }),
  );
}

/** Read access to each provider key secret (hosted mode). */
export function grantProviderKeys(fn: IGrantable, providerKeys: readonly ISecret[]): void {
  for (const secret of providerKeys) secret.grantRead(fn);
}

/** TECHTEAM_PROVIDER_SECRETS: env-var name → secret ARN, as JSON, for the runtime to resolve at start. */
export function providerSecretsEnv(scope: Construct, providerKeys: Record<string, ISecret>): string {
  return Stack.of(scope).toJsonString(
    Object.fromEntries(Object.entries(providerKeys).map(([name, secret]) => [name, secret.secretArn])),
  );
}
