import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { LIVE_FUNCTIONS, LIVE_ROUTES, loadHandler } from '@techteam/functions/routes';
import {
  type AuthorizeConnect,
  apiGatewayConnections,
  LIVE_PATH,
  LiveUnauthorized,
  managementClient,
  useLiveDeps,
} from '@techteam/shared/live';
import { LiveSubscriptions, type Store } from '@techteam/shared/store';
import { WebSocketServer } from 'ws';
import { type LocalSocket, startConnectionsEndpoint } from './live-connections-endpoint';
import { readTableStream } from './live-stream';
import type { RequestGuard } from './request-guard';
import { deliverStreamRecords } from './stream-delivery';

export interface LiveGatewayOptions {
  server: Server;
  guard: () => RequestGuard | undefined;
  store: Store;
  /** DynamoDB Local's endpoint, whose stream feeds the fan-out. */
  dynamoEndpoint: string;
  authorize: AuthorizeConnect;
  onError?: (e: unknown) => void;
}

export interface LiveGateway {
  /** The loopback `@connections` endpoint the fan-out posts to. */
  connectionsUrl: string;
  /** How the fan-out is fed, for the start-up lines. */
  feed: string;
  stop(): Promise<void>;
}

type SocketHandler = (event: unknown) => Promise<unknown>;

function refuse(socket: Duplex, status: number, code: string, message: string) {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The WebSocket API of the local host, as API Gateway runs it on AWS: `ws://host:port/v1/live`
 * (Host and Origin checked like the HTTP API's), `$connect` authorized from the `token` query
 * parameter, each frame handed to the same functions/live handlers, and the fan-out handler fed
 * from DynamoDB Local's stream, posting through the loopback `@connections` endpoint.
 */
export async function startLiveGateway(options: LiveGatewayOptions): Promise<LiveGateway> {
  const onError = options.onError ?? ((e: unknown) => console.error('live:', e));
  const sockets = new Map<string, LocalSocket>();
  const endpoint = await startConnectionsEndpoint(sockets);
  const client = managementClient(endpoint.url);
  useLiveDeps({
    store: options.store,
    subscriptions: new LiveSubscriptions(options.store.doc, options.store.tableName),
    connections: apiGatewayConnections(client),
  });
  const load = async (file: string) => (await loadHandler(file)) as unknown as SocketHandler;
  const connect = await load(LIVE_ROUTES.$connect);
  const disconnect = await load(LIVE_ROUTES.$disconnect);
  const message = await load(LIVE_ROUTES.$default);
  const fanOut = await load(LIVE_FUNCTIONS.fanOut);

  let stopping = false;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== LIVE_PATH)
      return refuse(socket, 404, 'RouteNotFound', `No WebSocket at ${url.pathname}`);
    const problem = options.guard()?.check(req);
    if (problem) return refuse(socket, problem.status, problem.code, problem.message);
    void (async () => {
      let identity: Awaited<ReturnType<AuthorizeConnect>>;
      try {
        identity = await options.authorize(url.searchParams.get('token') ?? undefined);
      } catch (e) {
        if (e instanceof LiveUnauthorized) return refuse(socket, 401, e.code, e.message);
        throw e;
      }
      const connectionId = randomBytes(12).toString('base64url');
      const authorizer = { tenantId: identity.tenantId, scopes: identity.scopes.join(' ') };
      const event = (routeKey: string, body?: string) => ({
        requestContext: { connectionId, routeKey, authorizer },
        ...(body !== undefined ? { body } : {}),
      });
      await connect(event('$connect'));
      wss.handleUpgrade(req, socket, head, (ws) => {
        const now = new Date();
        const held: LocalSocket = {
          socket: ws,
          connectedAt: now,
          lastActiveAt: now,
          sourceIp: req.socket.remoteAddress ?? '',
        };
        sockets.set(connectionId, held);
        // Frames of one connection are handled one after another, as they arrived.
        let queue = Promise.resolve();
        ws.on('message', (data, isBinary) => {
          held.lastActiveAt = new Date();
          const text = isBinary ? '' : data.toString();
          queue = queue.then(() => message(event('$default', text)).then(() => undefined)).catch(onError);
        });
        ws.on('close', () => {
          sockets.delete(connectionId);
          if (stopping) return; // the table's items expire by TTL, as a lost $disconnect's do on AWS
          void queue.then(() => disconnect(event('$disconnect'))).catch(onError);
        });
      });
    })().catch((e: unknown) => {
      onError(e);
      refuse(socket, 500, 'Internal', 'The live connection could not be opened');
    });
  };
  options.server.on('upgrade', onUpgrade);

  let fanOutChain = Promise.resolve();
  const reader = await readTableStream(
    options.dynamoEndpoint,
    options.store.tableName,
    (page) => {
      fanOutChain = fanOutChain
        .then(() =>
          deliverStreamRecords(page, {
            invoke: (Records) => fanOut({ Records }).then(() => undefined),
            deadLetter: (records, error) =>
              onError(
                new Error(
                  `live: ${records.length} stream record(s) failed every retry and were dropped (on AWS: the fan-out's dead-letter queue): ${(error as Error)?.message ?? String(error)}`,
                  { cause: error },
                ),
              ),
          }),
        )
        .catch(onError);
      return fanOutChain;
    },
    onError,
  );
  return {
    connectionsUrl: endpoint.url,
    feed: reader.missing
      ? `off (${reader.missing})`
      : `DynamoDB Local's stream of ${options.store.tableName}`,
    async stop() {
      stopping = true;
      options.server.off('upgrade', onUpgrade);
      await reader.stop();
      for (const { socket } of sockets.values()) socket.terminate();
      wss.close();
      useLiveDeps(undefined);
      client.destroy();
      await endpoint.stop();
    },
  };
}
