import { createServer, type Server } from 'node:http';
import type { WebSocket } from 'ws';

/** A socket the local host holds open, with what API Gateway's GET @connections/{id} reports. */
export interface LocalSocket {
  socket: WebSocket;
  connectedAt: Date;
  lastActiveAt: Date;
  sourceIp: string;
}

export interface ConnectionsEndpoint {
  /** The base URL to give ApiGatewayManagementApiClient as its endpoint. */
  url: string;
  stop(): Promise<void>;
}

const PATH = /^\/@connections\/([^/?]+)$/;

/**
 * API Gateway's `@connections` management endpoint on loopback: POST sends the body to the
 * socket as a text frame, DELETE closes it, GET describes it, and an unknown id is 410 Gone
 * (GoneException), as on AWS. The fan-out's own ApiGatewayManagementApiClient talks to it
 * unchanged, so the Lambda's code path is the one that runs here.
 */
export async function startConnectionsEndpoint(
  sockets: Map<string, LocalSocket>,
): Promise<ConnectionsEndpoint> {
  const server: Server = createServer((req, res) => {
    const match = PATH.exec(req.url ?? '');
    const id = match ? decodeURIComponent(match[1] ?? '') : undefined;
    const gone = () => {
      res.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' });
      res.end(JSON.stringify({ message: `Connection ${id} is gone` }));
    };
    if (!id) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not found' }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const held = sockets.get(id);
      if (!held || held.socket.readyState !== held.socket.OPEN) return gone();
      if (req.method === 'POST') {
        // The body is the frame's UTF-8 already: sent as a text frame without decoding it.
        held.socket.send(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), { binary: false });
        res.writeHead(200);
        res.end();
      } else if (req.method === 'DELETE') {
        held.socket.close(1000, 'closed by the server');
        res.writeHead(204);
        res.end();
      } else if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ConnectedAt: held.connectedAt.toISOString(),
            LastActiveAt: held.lastActiveAt.toISOString(),
            Identity: { SourceIp: held.sourceIp, UserAgent: '' },
          }),
        );
      } else {
        res.writeHead(405);
        res.end();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
