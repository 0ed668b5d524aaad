import { deps } from '@techteam/shared/deps';
import { authorize, credentialFrom, type Principal, Unauthenticated } from '@techteam/shared/identity';
import { log } from '@techteam/shared/observability';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { identityDeps } from './identity-deps';

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
    const principal = await authorize(credentialOf(event), identityDeps(deps()));
    return { isAuthorized: true, context: toContext(principal) };
  } catch (e) {
    if (e instanceof Unauthenticated) {
      log.debug('credential refused', { reason: e.reason });
      throw new Error('Unauthorized');
    }
    throw e;
  }
}
