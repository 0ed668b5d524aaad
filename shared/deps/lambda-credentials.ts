import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Takes the place of `@aws-sdk/credential-provider-node` in the Lambda bundles
 * (an esbuild alias, infra/aws/bundling.ts). Lambda hands every function its
 * role's credentials in the environment, the first link of the SDK's default
 * chain and the only one that ever answers there. The rest of the chain (SSO,
 * ini files, credential_process, web identity, container and instance
 * metadata, and the STS, SSO and sign-in clients they carry) is about 130 KB
 * a bundle parses at every cold start for nothing.
 */
export const defaultProvider: typeof import('@aws-sdk/credential-provider-node').defaultProvider = (
  init = {},
) => fromEnv(init);
