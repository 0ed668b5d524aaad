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
 * A local Amazon S3 Vectors endpoint speaking the wire protocol the AWS SDK uses (`POST
 * /<Operation>` with a JSON body, errors named in `x-amzn-errortype`): CreateIndex (409 when it
 * exists), PutVectors, QueryVectors and DeleteVectors (404 on a missing index), one partition per
 * `bucket/index`, checking that each request is signed.
 */
export async function fakeS3VectorsServer() {
  const space = new VectorSpace();
  const indexes = new Set<string>();
  const requests: { operation: string; indexName: string | undefined }[] = [];
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, errorType?: string) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (!String(req.headers['authorization'] ?? '').startsWith('AWS4-HMAC-SHA256'))
      return send(403, { message: 'unsigned request' }, 'AccessDeniedException');
    const body = await json(req);
    const operation = (req.url ?? '').slice(1);
    const indexName = body['indexName'] as string | undefined;
    requests.push({ operation, indexName });
    const name = `${body['vectorBucketName']}/${indexName}`;
    if (operation === 'CreateIndex') {
      if (indexes.has(name)) return send(409, { message: `index ${indexName} exists` }, 'ConflictException');
      indexes.add(name);
      space.partition(name);
      return send(200, {});
    }
    if (!indexes.has(name)) return send(404, { message: `no index ${indexName}` }, 'NotFoundException');
    switch (operation) {
      case 'PutVectors': {
        const p = space.partition(name)!;
        for (const v of body['vectors'] as {
          key: string;
          data: { float32: number[] };
          metadata?: Record<string, unknown>;
        }[])
          p.set(v.key, { values: v.data.float32, metadata: v.metadata ?? {} });
        return send(200, {});
      }
      case 'QueryVectors': {
        const query = body['queryVector'] as { float32: number[] };
        const found = space.query(name, query.float32, body['topK'] as number, body['filter'] as never);
        return send(200, {
          distanceMetric: 'cosine',
          vectors: found.map((m) => ({
            key: m.id,
            ...(body['returnDistance'] ? { distance: 1 - m.score } : {}),
            ...(body['returnMetadata'] ? { metadata: m.metadata } : {}),
          })),
        });
      }
      case 'DeleteVectors': {
        const p = space.partition(name, false);
        for (const key of body['keys'] as string[]) p?.delete(key);
        return send(200, {});
      }
      default:
        return send(400, { message: `fake S3 Vectors has no ${operation}` }, 'ValidationException');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, space, indexes, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
