import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/**
 * What a function that calls models gets: Bedrock Converse (InvokeModel and its
 * streaming form) on foundation models and inference profiles in the stack's
 * region. Provider keys are granted apart (grantProviderKeys).
 */
export function grantBedrockCalls(scope: Construct, fn: IGrantable): void {
  const stack = Stack.of(scope);
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: [
        stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: '*' }),
        stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: '*' }),
      ],
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
