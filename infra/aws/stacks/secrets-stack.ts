import { UNSET_PROVIDER_KEY } from '@techteam/shared/gateway/catalog';
import { CfnOutput, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** Third-party model provider keys, hosted mode only: byo calls Bedrock alone and has none. */
export const PROVIDER_KEY_NAMES = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'HELICONE_API_KEY'] as const;
export type ProviderKeyName = (typeof PROVIDER_KEY_NAMES)[number];

/** The value a key holds until an operator puts the real one (the runtime treats it as not configured). */
export { UNSET_PROVIDER_KEY };

/**
 * One Secrets Manager entry per provider key. The functions that call models get
 * a map of variable → secret ARN (TECHTEAM_PROVIDER_SECRETS) and read permission
 * on these only.
 *
 * CloudFormation names them (`Techteam-Secrets-OPENAI_API_KEY…-<suffix>`; each
 * name is a stack output): a fixed name stays reserved for up to 30 days after a
 * delete, so a redeploy after a destroy failed. They are retained when the stack
 * goes, since they hold what an operator put there. The template's value is the
 * UNSET marker, a constant: CloudFormation writes it only at create or when the
 * template's value changes, so an update never resets an operator's key (the
 * tests hold the marker constant).
 */
export class SecretsStack extends Stack {
  readonly providerKeys: Record<ProviderKeyName, Secret>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const entries = PROVIDER_KEY_NAMES.map((name) => {
      const secret = new Secret(this, name, {
        removalPolicy: RemovalPolicy.RETAIN,
        description: `Techteam provider key ${name}; set it with aws secretsmanager put-secret-value`,
        // A marker, not a key: generating a random value would look like a key and fail at the provider.
        secretStringValue: SecretValue.unsafePlainText(UNSET_PROVIDER_KEY),
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason: `${name} is issued by a third-party provider; it is rotated at the provider and put here by an operator, so there is no rotation Lambda to run`,
      });
      new CfnOutput(this, `${name.replaceAll('_', '')}SecretName`, {
        description: `Put the ${name} here: aws secretsmanager put-secret-value --secret-id <this> --secret-string …`,
        value: secret.secretName,
      });
      return [name, secret] as const;
    });
    this.providerKeys = Object.fromEntries(entries) as Record<ProviderKeyName, Secret>;
  }
}
