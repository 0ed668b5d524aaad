import { Validator } from '@seriousme/openapi-schema-validator';
import { requiredScope } from '@techteam/shared/identity';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS, openApiDocument, openApiPath } from './openapi';
import { API_ROUTES } from './routes';

type Operations = Record<
  string,
  Record<string, { operationId: string; 'x-required-scope'?: string; security?: unknown[] }>
>;
const paths = () => openApiDocument()['paths'] as Operations;

describe('the OpenAPI document', () => {
  it('documents every route of the manifest, and nothing that is not a route', () => {
    const routes = API_ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).sort();
    const documented = Object.entries(paths())
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(routes);
    expect(Object.keys(API_OPERATIONS).sort()).toEqual(API_ROUTES.map((r) => r.name).sort());
  });

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(openApiDocument() as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator does check: a parameter with no `in` is refused.
    const broken = structuredClone(openApiDocument()) as {
      paths: Record<string, Record<string, { parameters: { in?: string }[] }>>;
    };
    delete broken.paths['/v1/tasks']!['get']!.parameters[0]!.in;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it("names each operation's scope; only the signed webhook and the public config go without the bearer credential", () => {
    for (const route of API_ROUTES) {
      const op = paths()[openApiPath(route.path)]![route.method.toLowerCase()]!;
      expect(op.operationId).toBe(route.name);
      if (route.auth) expect(op.security).toEqual([]);
      else expect(op['x-required-scope']).toBe(requiredScope(route.method, route.path));
    }
    expect(API_ROUTES.filter((r) => r.auth).map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      'GET /v1/config public',
      'POST /v1/billing/webhook signature',
    ]);
    expect(openApiDocument()['security']).toEqual([{ bearer: [] }]);
  });

  it('describes bodies, parameters and answers from the schemas the handlers validate with', () => {
    const create = paths()['/v1/tasks']!['post'] as unknown as {
      requestBody: {
        content: { 'application/json': { schema: { required: string[]; properties: object } } };
      };
      responses: Record<string, unknown>;
    };
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['prompt']);
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['prompt', 'title', 'preference', 'requireApproval', 'budgetUsd']),
    );
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '429']),
    );
    const events = paths()['/v1/tasks/{id}/events']!['get'] as unknown as {
      parameters: { name: string; in: string }[];
    };
    expect(events.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'query:after',
      'query:limit',
      'query:deltas',
      'query:deltasAfter',
    ]);
    expect(paths()['/v1/tasks/{id}/files/{path}']?.['get']).toBeDefined();
  });
});
