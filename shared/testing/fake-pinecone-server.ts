import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VectorSpace } from './vector-space';

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * A local Pinecone index data plane speaking the REST API the official SDK calls
 * (`/vectors/upsert`, `/query`, `/vectors/delete`), with exact cosine search per namespace.
 * It checks the `Api-Key` header, and records every request for assertions.
 */
export async function fakePineconeServer(apiKey = 'pc-test-key') {
  const space = new VectorSpace();
  const requests: { path: string; namespace: string | undefined }[] = [];
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['api-key'] !== apiKey)
      return send(401, { error: { code: 'UNAUTHENTICATED', message: 'bad key' } });
    const body = await json(req);
    const namespace = (body['namespace'] as string | undefined) ?? '__default__';
    requests.push({ path: req.url ?? '', namespace });
    switch (req.url) {
      case '/vectors/upsert': {
        const vectors = body['vectors'] as {
          id: string;
          values: number[];
          metadata?: Record<string, unknown>;
        }[];
        const p = space.partition(namespace)!;
        for (const v of vectors) p.set(v.id, { values: v.values, metadata: v.metadata ?? {} });
        return send(200, { upsertedCount: vectors.length });
      }
      case '/query': {
        const matches = space
          .query(namespace, body['vector'] as number[], body['topK'] as number, body['filter'] as never)
          .map((m) => ({
            id: m.id,
            score: m.score,
            ...(body['includeMetadata'] ? { metadata: m.metadata } : {}),
          }));
        return send(200, { matches, namespace, usage: { readUnits: 1 } });
      }
      case '/vectors/delete': {
        const p = space.partition(namespace, false);
        for (const id of (body['ids'] as string[] | undefined) ?? []) p?.delete(id);
        return send(200, {});
      }
      default:
        return send(404, {
          error: { code: 'NOT_FOUND', message: `fake Pinecone has no ${req.method} ${req.url}` },
        });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, apiKey, space, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
