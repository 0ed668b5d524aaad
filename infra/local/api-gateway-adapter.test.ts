import type { RouteSpec } from '@techteam/functions/routes';
import { describe, expect, it } from 'vitest';
import { fromApiGatewayResult, matchRoute } from './api-gateway-adapter';

const routes: RouteSpec[] = [
  { method: 'GET', path: '/v1/tasks/{id}/files', name: 'ListFiles', file: 'api/list-files.ts' },
  { method: 'GET', path: '/v1/tasks/{id}/files/{path+}', name: 'GetFile', file: 'api/get-file.ts' },
];

describe('the API Gateway adapter', () => {
  it('gives a greedy {path+} the rest of the path, decoded segment by segment', () => {
    expect(matchRoute(routes, 'GET', '/v1/tasks/t1/files/src/%C3%BC%20x.py')).toMatchObject({
      route: { name: 'GetFile' },
      pathParameters: { id: 't1', path: 'src/ü x.py' },
    });
    expect(matchRoute(routes, 'GET', '/v1/tasks/t1/files')).toMatchObject({ route: { name: 'ListFiles' } });
    // An encoded slash is decoded as API Gateway does; the handler confines the path.
    expect(matchRoute(routes, 'GET', '/v1/tasks/t1/files/..%2F..%2Fetc')).toMatchObject({
      pathParameters: { path: '../../etc' },
    });
    expect(() => matchRoute(routes, 'GET', '/v1/tasks/t1/files/%E0')).toThrow(/path is not a valid/);
  });

  it('turns a base64-encoded answer into the bytes it encodes', () => {
    const bytes = Buffer.from([0, 255, 1, 128, 80, 75]);
    const out = fromApiGatewayResult({
      statusCode: 200,
      headers: { 'content-type': 'application/zip' },
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });
    expect(out.body).toEqual(bytes);
    expect(fromApiGatewayResult({ statusCode: 200, body: '{"a":1}' }).body).toBe('{"a":1}');
  });
});
