import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VectorSpace } from './vector-space';

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** An index as the control plane holds it: what `POST /indexes` was sent, and how often it was described. */
interface FakeIndex {
  request: Record<string, unknown>;
  describes: number;
}

/**
 * A local Pinecone speaking the REST API the official SDK (9, API version 2026-07) calls. Data
 * plane: `/vectors/upsert`, `/query`, `/vectors/delete`, with exact cosine search per namespace.
 * Control plane: `GET /indexes/{name}` (404 when missing; `Initializing` for its first
 * `readyAfter` descriptions, then `Ready`, its host this server) and `POST /indexes` (409 when it
 * exists). `indexes` can be seeded to stand for one made by hand. It checks the `Api-Key` header,
 * and records every request for assertions.
 */
export async function fakePineconeServer(apiKey = 'pc-test-key', options: { readyAfter?: number } = {}) {
  const space = new VectorSpace();
  const indexes = new Map<string, FakeIndex>();
  const requests: { method?: string; path: string; namespace: string | undefined }[] = [];
  let url = '';
  const model = (name: string, index: FakeIndex) => {
    const ready = index.describes > (options.readyAfter ?? 1);
    return {
      name,
      host: url,
      status: { ready, state: ready ? 'Ready' : 'Initializing' },
      deployment: index.request['deployment'],
      schema: index.request['schema'],
      deletion_protection: index.request['deletion_protection'] ?? 'disabled',
    };
  };
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['api-key'] !== apiKey)
      return send(401, { error: { code: 'UNAUTHENTICATED', message: 'bad key' } });
    const body = await json(req);
    const namespace = (body['namespace'] as string | undefined) ?? '__default__';
    requests.push({ method: req.method, path: req.url ?? '', namespace });
    const described = req.method === 'GET' && /^\/indexes\/([^/?]+)$/.exec(req.url ?? '');
    if (described) {
      const name = decodeURIComponent(described[1]!);
      const index = indexes.get(name);
      if (!index)
        return send(404, {
          error: { code: 'NOT_FOUND', message: `Resource ${name} not found` },
          status: 404,
        });
      index.describes++;
      return send(200, model(name, index));
    }
    if (req.method === 'POST' && req.url === '/indexes') {
      const name = String(body['name']);
      if (indexes.has(name))
        return send(409, {
          error: { code: 'ALREADY_EXISTS', message: 'Resource already exists' },
          status: 409,
        });
      const index = { request: body, describes: 0 };
      indexes.set(name, index);
      return send(201, model(name, index));
    }
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
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Stands for an index made by hand, with the given dense dimension. */
  const seedIndex = (name: string, dimension: number, metric = 'cosine') =>
    indexes.set(name, {
      request: {
        name,
        schema: { fields: { _values: { type: 'dense_vector', dimension, metric } } },
        deployment: { deployment_type: 'managed', cloud: 'aws', region: 'us-east-1' },
      },
      describes: 1,
    });
  return {
    url,
    apiKey,
    space,
    indexes,
    seedIndex,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
