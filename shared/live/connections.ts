import { Agent } from 'node:http';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { POST_CONCURRENCY } from './fan-out';
import type { ServerMessage } from './protocol';

/** Where messages to connections go: API Gateway's `@connections` endpoint (or the local host's copy of it). */
export interface LiveConnections {
  /** Sends one message; false when the connection is gone (410), which the caller drops. */
  post(connectionId: string, message: ServerMessage): Promise<boolean>;
  close(connectionId: string): Promise<void>;
}

/**
 * The management API client for an endpoint: `https://{api}.execute-api.{region}.amazonaws.com/{stage}`
 * on AWS, the host's loopback emulation locally (which accepts any signature).
 */
export function managementClient(endpoint: string, region?: string): ApiGatewayManagementApiClient {
  const local = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpoint);
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: region ?? process.env['AWS_REGION'] ?? 'us-east-1',
    // The loopback emulation checks no signature; never send the machine's real credentials to it.
    // Locally one client serves the fan-out (POST_CONCURRENCY posts at once) and the message
    // door's replies; on AWS the SDK's default pool (keep-alive, 50 sockets) holds the fan-out's.
    ...(local
      ? {
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 2 * POST_CONCURRENCY }) },
        }
      : {}),
    maxAttempts: 2,
    // The fan-out sends one command per subscriber per event, and no command adds middleware of
    // its own: the resolved middleware stack is built once per command class, not on every send
    // (profiled: resolving it was a third of a post's cost).
    cacheMiddleware: true,
  });
}

export function apiGatewayConnections(client: ApiGatewayManagementApiClient): LiveConnections {
  // The fan-out posts one message object to every subscriber: it is serialized once.
  const serialized = new WeakMap<ServerMessage, string>();
  const dataOf = (message: ServerMessage) => {
    let data = serialized.get(message);
    if (data === undefined) {
      data = JSON.stringify(message);
      serialized.set(message, data);
    }
    return data;
  };
  return {
    async post(connectionId, message) {
      try {
        await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: dataOf(message) }));
        return true;
      } catch (e) {
        if (
          e instanceof GoneException ||
          (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410
        )
          return false;
        throw e;
      }
    },
    async close(connectionId) {
      try {
        await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      } catch (e) {
        if (!(e instanceof GoneException)) throw e;
      }
    },
  };
}
