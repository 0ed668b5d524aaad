import { deps } from '@techteam/shared/deps';
import { authorize, credentialFrom, Unauthenticated } from '@techteam/shared/identity';
import { log } from '@techteam/shared/observability';
import { identityDeps } from '../auth/identity-deps';

interface ConnectAuthorizerEvent {
  methodArn: string;
  queryStringParameters?: Record<string, string | undefined> | null;
}

/**
 * The WebSocket API's `$connect` REQUEST authorizer: the `token` query parameter (a browser cannot
 * set headers on a WebSocket) through the HTTP API authorizer's own `authorize` (API keys, Clerk
 * sessions), answered as a WebSocket authorizer must: an IAM policy, with the tenant and scopes
 * as the context every route of the connection receives as `requestContext.authorizer`.
 */
export async function handler(event: ConnectAuthorizerEvent) {
  try {
    const principal = await authorize(
      credentialFrom(event.queryStringParameters?.['token'] ?? undefined),
      identityDeps(deps()),
    );
    return {
      principalId: principal.tenantId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: {
        tenantId: principal.tenantId,
        principal: principal.principal,
        scopes: principal.scopes.join(' '),
      },
    };
  } catch (e) {
    // API Gateway answers 401 to a thrown "Unauthorized"; anything else is a 500.
    if (e instanceof Unauthenticated) {
      log.debug('live credential refused', { reason: e.reason });
      throw new Error('Unauthorized');
    }
    throw e;
  }
}
