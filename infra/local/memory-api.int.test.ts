import type { Task, TaskEvent } from '@techteam/shared/domain';
import { eventually, hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from './host';

interface DocumentView {
  id: string;
  name: string;
  status: string;
  chunks?: number;
}

describe('documents and memories over the HTTP API of the local host', () => {
  let host: Host;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${host.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const documents = async () => (await call('GET', '/v1/documents')).json['documents'] as DocumentView[];

  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: () => {}, retryIntervalMs: 0 });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('accepts an upload as queued, indexes it in the host, and says the offline embedder is lexical', async () => {
    const upload = await call('POST', '/v1/documents', {
      name: 'slug-rules.md',
      content:
        '# Slug rules\n\n## Separators\nA slugify function in this company joins words with underscores, never hyphens.\n',
    });
    expect(upload.status).toBe(202);
    expect(upload.json['document']).toMatchObject({ name: 'slug-rules.md', status: 'queued' });
    expect(upload.json['embedder']).toContain('lexical');
    const indexed = await eventually(
      async () => (await documents()).find((d) => d.status === 'indexed'),
      'indexing',
    );
    expect(indexed).toMatchObject({ name: 'slug-rules.md', chunks: 1 });
  });

  it('answers 413 naming the limit for a document over it, and 400 naming the field for a missing name', async () => {
    const big = await call('POST', '/v1/documents', { name: 'big.txt', content: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(413);
    expect(big.json['error']).toMatchObject({
      code: 'DocumentTooLarge',
      details: { field: 'content', limit: 262144 },
    });
    const bad = await call('POST', '/v1/documents', { content: 'text' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('name');
  });

  it("a researcher's memory.search finds the document with its citation, and the finished task is remembered", async () => {
    const created = await call('POST', '/v1/tasks', { prompt: 'Write a slugify function with tests' });
    const task = created.json['task'] as Task;
    await host.engine.idle();
    const events = (await call('GET', `/v1/tasks/${task.id}/events?limit=500`)).json['events'] as TaskEvent[];
    const search = events.find((e) => e.type === 'tool_result' && e.tool === 'memory.search');
    expect(search && 'output' in search ? search.output : '').toContain('underscores');
    expect(search && 'output' in search ? search.output : '').toContain('"name":"slug-rules.md"');

    const memories = (await call('GET', '/v1/memories')).json['memories'] as {
      id: string;
      taskId: string;
      text: string;
    }[];
    expect(memories.map((m) => m.taskId)).toEqual([task.id]);
    expect(memories[0]!.text).toContain('Write a slugify function with tests');
  });

  it('deletes one memory or all (404 for one already gone), and a document', async () => {
    const [memory] = (await call('GET', '/v1/memories')).json['memories'] as { id: string }[];
    expect((await call('DELETE', `/v1/memories/${memory!.id}`)).status).toBe(200);
    expect((await call('DELETE', `/v1/memories/${memory!.id}`)).status).toBe(404);
    expect((await call('DELETE', '/v1/memories')).json).toEqual({ deleted: 0 });

    const [doc] = await documents();
    expect((await call('DELETE', `/v1/documents/${doc!.id}`)).status).toBe(200);
    expect(await documents()).toEqual([]);
    expect((await call('DELETE', `/v1/documents/${doc!.id}`)).status).toBe(404);
  });
});
