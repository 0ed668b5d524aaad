import {
  type AuthorizeDeps,
  authorize,
  authorizedParties,
  credentialFrom,
  filePepper,
  loadIdentityConfig,
  type PepperSource,
  type Principal,
  secretsManagerPepper,
  Unauthenticated,
} from '@techteam/shared/identity';
import { runtime } from '@techteam/shared/runtime';
import { log } from '@techteam/shared/runtime/log';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

/** What API Gateway hands the route's handler as `requestContext.authorizer.lambda`. */
export interface AuthorizerContext {
  tenantId: string;
  principal: string;
  /** Space-separated: a simple response's context holds strings. */
  scopes: string;
}

export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context?: AuthorizerContext;
}

const peppers = new Map<string, PepperSource>();

/** Built per call from the runtime and the environment: both are read once and cached below them. */
function deps(env: Record<string, string | undefined> = process.env): AuthorizeDeps {
  const { store, config } = runtime();
  const identity = loadIdentityConfig({ ...env, TECHTEAM_DATA_DIR: config.TECHTEAM_DATA_DIR });
  const arn = identity.TECHTEAM_API_KEY_PEPPER_SECRET_ARN;
  const where = arn ?? identity.TECHTEAM_DATA_DIR;
  let pepper = peppers.get(where);
  if (!pepper) {
    pepper = arn ? secretsManagerPepper(arn) : filePepper(where);
    peppers.set(where, pepper);
  }
  return {
    doc: store.doc,
    tableName: store.tableName,
    pepper,
    ...(identity.CLERK_JWT_KEY
      ? { clerk: { jwtKey: identity.CLERK_JWT_KEY, authorizedParties: authorizedParties(identity) } }
      : {}),
  };
}

export function toContext(principal: Principal): AuthorizerContext {
  return { tenantId: principal.tenantId, principal: principal.principal, scopes: principal.scopes.join(' ') };
}

/** The credential of a request: its Authorization header, the authorizer's identity source. */
export function credentialOf(event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>) {
  return credentialFrom(event.headers?.['authorization']);
}

/**
 * The one authorizer: an API Gateway HTTP API Lambda authorizer with simple responses, cached
 * by the credential. A refused credential throws `Unauthorized`, which API Gateway answers
 * with 401 (a simple `isAuthorized: false` would be a 403). Scopes are checked per route by
 * the handlers' middleware, since the cached answer must hold for every route.
 */
export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<SimpleAuthorizerResult> {
  try {
    const principal = await authorize(credentialOf(event), deps());
    return { isAuthorized: true, context: toContext(principal) };
  } catch (e) {
    if (e instanceof Unauthenticated) {
      log.info('credential refused', { reason: e.reason });
      throw new Error('Unauthorized');
    }
    throw e;
  }
}
