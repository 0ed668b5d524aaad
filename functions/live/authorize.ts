import { type AuthorizeConnect, authorizeLocalTenant, LiveUnauthorized } from '@techteam/shared/live';

interface ConnectAuthorizerEvent {
  methodArn: string;
  queryStringParameters?: Record<string, string | undefined> | null;
}

/**
 * The WebSocket API's `$connect` REQUEST authorizer: the `token` query parameter to a tenant,
 * passed to every route as `requestContext.authorizer`. The identity engineer's
 * `authorize(credential)` replaces `authorizeConnect` here.
 */
export const authorizeConnect: AuthorizeConnect = authorizeLocalTenant;

export async function handler(event: ConnectAuthorizerEvent) {
  try {
    const identity = await authorizeConnect(event.queryStringParameters?.['token'] ?? undefined);
    return {
      principalId: identity.tenantId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: { tenantId: identity.tenantId, scopes: identity.scopes.join(' ') },
    };
  } catch (e) {
    // API Gateway answers 401 to a thrown "Unauthorized"; anything else is a 500.
    if (e instanceof LiveUnauthorized) throw new Error('Unauthorized');
    throw e;
  }
}
