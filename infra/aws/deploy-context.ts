import { TechteamError } from '@techteam/shared/errors';
import { AWS_SANDBOX_TIERS, type AwsSandboxTier } from '@techteam/shared/sandbox';

/** `hosted`: the SaaS, any configured provider. `byo`: deploy-your-own, Bedrock only, nothing leaves the account. */
export const DEPLOY_MODES = ['hosted', 'byo'] as const;
export type DeployMode = (typeof DEPLOY_MODES)[number];

/** What one synth is for, from the CDK context (`-c mode=… -c sandbox=…`; defaults in cdk.json). */
export interface DeployContext {
  mode: DeployMode;
  sandbox: AwsSandboxTier;
}

/** A CDK context value that is missing or not one of the values the app knows; stops the synth. */
export class ContextInvalid extends TechteamError {
  constructor(key: string, value: unknown, valid: readonly string[]) {
    const got = value === undefined ? 'is missing' : `is ${JSON.stringify(value)}`;
    super(
      'ContextInvalid',
      400,
      `CDK context '${key}' ${got}; valid values: ${valid.join(', ')} (pass -c ${key}=${valid[0]})`,
      { key, valid: [...valid] },
    );
  }
}

function pick<T extends string>(key: string, value: unknown, valid: readonly T[]): T {
  if (typeof value === 'string' && (valid as readonly string[]).includes(value)) return value as T;
  throw new ContextInvalid(key, value, valid);
}

/** Reads and checks the deploy context; `get` is `app.node.tryGetContext`. */
export function readDeployContext(get: (key: string) => unknown): DeployContext {
  return {
    mode: pick('mode', get('mode'), DEPLOY_MODES),
    sandbox: pick('sandbox', get('sandbox'), AWS_SANDBOX_TIERS),
  };
}
