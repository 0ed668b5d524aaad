import type { Deps } from '@techteam/shared/deps';
import {
  type AuthorizeDeps,
  authorizedParties,
  filePepper,
  type IdentityConfig,
  loadIdentityConfig,
  type PepperSource,
  secretsManagerPepper,
} from '@techteam/shared/identity';

const peppers = new Map<string, PepperSource>();
let environment: Record<string, string | undefined> | undefined;

/** The local host passes the environment it was started with (tests start hosts with their own). */
export function useIdentityEnvironment(env: Record<string, string | undefined> | undefined): void {
  environment = env;
}

/** The environment identity reads: the local host's own, else the process's. */
export function identityEnvironment(): Record<string, string | undefined> {
  return environment ?? process.env;
}

/**
 * What the authorizer and the keys routes share: the store, the one pepper (per data folder or
 * secret, read once), and Clerk's settings. Built from the runtime, so the local host's store
 * and data folder are the ones used.
 */
export function identityDeps(
  { store, config }: Pick<Deps, 'store' | 'config'>,
  env: Record<string, string | undefined> = environment ?? process.env,
): AuthorizeDeps & { config: IdentityConfig } {
  const identity = loadIdentityConfig({ ...env, TECHTEAM_DATA_DIR: config.TECHTEAM_DATA_DIR });
  const arn = identity.TECHTEAM_API_KEY_PEPPER_SECRET_ARN;
  const where = arn ?? identity.TECHTEAM_DATA_DIR;
  let pepper = peppers.get(where);
  if (!pepper) {
    pepper = arn ? secretsManagerPepper(arn) : filePepper(where);
    peppers.set(where, pepper);
  }
  return {
    config: identity,
    doc: store.doc,
    tableName: store.tableName,
    pepper,
    ...(identity.CLERK_JWT_KEY
      ? { clerk: { jwtKey: identity.CLERK_JWT_KEY, authorizedParties: authorizedParties(identity) } }
      : {}),
  };
}
