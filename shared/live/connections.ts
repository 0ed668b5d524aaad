import { Agent } from 'node:http';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
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
    // A fan-out posts to every subscriber at once: the SDK's default of 50 sockets would queue them.
    ...(local
      ? {
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 512 }) },
        }
      : {}),
    maxAttempts: 2,
  });
}

export function apiGatewayConnections(client: ApiGatewayManagementApiClient): LiveConnections {
  return {
    async post(connectionId, message) {
      try {
        await client.send(
          new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(message) }),
        );
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
