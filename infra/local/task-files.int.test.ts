import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deps } from '@techteam/shared/deps';
import type { Task } from '@techteam/shared/domain';
import type { TaskDelta } from '@techteam/shared/store';
import { hostTestConfig } from '@techteam/shared/testing/host';
import type { LocalWorkspace } from '@techteam/shared/workspace';
import { unzipSync } from 'fflate';
import { unpackTar } from 'modern-tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaStream } from '../../shared/agents/delta-stream';
import { type Host, startHost } from './host';

const MISSING = 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV';

describe('a task’s files and streamed text over the HTTP API', () => {
  let host: Host;
  let task: Task;
  const api = (path: string) => fetch(`${host.url}${path}`);
  const errorOf = async (res: Response) =>
    (
      (await res.json()) as {
        error: { code: string; message: string; details?: { issues?: { path: string }[] } };
      }
    ).error;

  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: () => {}, retryIntervalMs: 0 });
    const res = await fetch(`${host.url}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Write a slugify function with tests' }),
    });
    task = ((await res.json()) as { task: Task }).task;
    await host.engine.idle();
    const workspace = deps().workspaceFor('local', task.id) as LocalWorkspace;
    await workspace.write('notes/ünïcode.md', '# Notes\nnaïve café\n');
    // The tools never write binary files (they refuse NUL), but a workspace can hold one (a
    // person's upload, a file left in the folder): the API must serve it byte for byte.
    mkdirSync(join(workspace.root, 'data'), { recursive: true });
    writeFileSync(join(workspace.root, 'data/blob.bin'), Buffer.from('PK\u0000\u0001binary', 'latin1'));
  });
  afterAll(async () => {
    await host.stop();
  });

  /** Every file of the task's workspace as stored (base64, binary ones included). */
  async function storedFiles(): Promise<Record<string, string>> {
    const ws = deps().workspaceFor('local', task.id);
    const paths = await ws.list();
    return Object.fromEntries(
      await Promise.all(paths.map(async (p) => [p, Buffer.from(await ws.readBytes(p)).toString('base64')])),
    );
  }

  it('lists every file the team wrote, with its size in bytes', async () => {
    const res = await api(`/v1/tasks/${task.id}/files`);
    expect(res.status).toBe(200);
    const { files } = (await res.json()) as { files: { path: string; bytes: number }[] };
    const expected = await storedFiles();
    expect(files.map((f) => f.path)).toEqual(Object.keys(expected).sort());
    expect(files.some((f) => f.path.endsWith('.py'))).toBe(true);
    for (const f of files) expect(f.bytes).toBe(Buffer.from(expected[f.path]!, 'base64').byteLength);
    expect(files.find((f) => f.path === 'notes/ünïcode.md')?.bytes).toBe(21);
  });

  it('serves a file’s content as UTF-8 text, and bytes that are not text as octet-stream', async () => {
    const text = await api(`/v1/tasks/${task.id}/files/${encodeURIComponent('notes/ünïcode.md')}`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await text.text()).toBe('# Notes\nnaïve café\n');
    const nested = await api(`/v1/tasks/${task.id}/files/notes/${encodeURIComponent('ünïcode.md')}`);
    expect(await nested.text()).toBe('# Notes\nnaïve café\n');
    const blob = await api(`/v1/tasks/${task.id}/files/data/blob.bin`);
    expect(blob.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(Buffer.from('PK\u0000\u0001binary'));
  });

  it('answers 404 for a file or a task that does not exist', async () => {
    const file = await api(`/v1/tasks/${task.id}/files/no/such.py`);
    expect(file.status).toBe(404);
    expect((await errorOf(file)).message).toMatch(/no\/such\.py/);
    for (const path of [
      `/v1/tasks/${MISSING}/files`,
      `/v1/tasks/${MISSING}/files/a.py`,
      `/v1/tasks/${MISSING}/archive`,
    ]) {
      const res = await api(path);
      expect(res.status, path).toBe(404);
      expect((await errorOf(res)).code).toBe('NotFound');
    }
  });

  it('refuses a path that leaves the workspace with 400 naming the field', async () => {
    for (const outside of [
      '..%2F..%2Fetc%2Fpasswd',
      '%2Fetc%2Fpasswd',
      'src%2F..%2F..%2Fx',
      '.git%2Fconfig',
    ]) {
      const res = await api(`/v1/tasks/${task.id}/files/${outside}`);
      expect(res.status, outside).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('InvalidInput');
      expect(error.details?.issues?.[0]?.path).toBe('path');
    }
  });

  it('serves the whole workspace as a zip and as a tar holding every file byte for byte', async () => {
    const expected = await storedFiles();
    const zip = await api(`/v1/tasks/${task.id}/archive`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('content-disposition')).toBe(`attachment; filename="${task.id}.zip"`);
    const unzipped = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(
      Object.fromEntries(Object.entries(unzipped).map(([p, b]) => [p, Buffer.from(b).toString('base64')])),
    ).toEqual(expected);

    const tar = await api(`/v1/tasks/${task.id}/archive?format=tar`);
    expect(tar.headers.get('content-type')).toBe('application/x-tar');
    const entries = await unpackTar(new Uint8Array(await tar.arrayBuffer()));
    expect(
      Object.fromEntries(
        entries.map((e) => [e.header.name, Buffer.from(e.data ?? new Uint8Array()).toString('base64')]),
      ),
    ).toEqual(expected);

    const bad = await api(`/v1/tasks/${task.id}/archive?format=rar`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/^Invalid query: format/);
  });

  it('serves streamed text beside the events, after its own cursor, each piece once', async () => {
    const stream = new DeltaStream({
      store: host.store,
      tenantId: 'local',
      taskId: task.id,
      stepId: 's1',
      employee: 'dev',
      flushChars: 1,
    });
    type Page = { events: unknown[]; deltas?: TaskDelta[]; deltaCursor?: string };
    const read = async (cursor?: string) =>
      (await (
        await api(`/v1/tasks/${task.id}/events?limit=1&deltas=true${cursor ? `&deltasAfter=${cursor}` : ''}`)
      ).json()) as Page;
    const before = await read();
    stream.push('Writing ');
    await stream.flush();
    stream.push('slugify');
    await stream.close();

    const first = await read(before.deltaCursor);
    expect(first.events).toHaveLength(1);
    expect(first.deltas?.map((d) => [d.employee, d.stepId, d.text])).toEqual([
      ['dev', 's1', 'Writing '],
      ['dev', 's1', 'slugify'],
    ]);
    const again = await read(first.deltaCursor);
    expect(again.deltas).toEqual([]);
    expect(again.deltaCursor).toBe(first.deltaCursor);

    const plain = (await (await api(`/v1/tasks/${task.id}/events`)).json()) as Page;
    expect(plain.deltas).toBeUndefined();
    const bad = await api(`/v1/tasks/${task.id}/events?deltas=true&deltasAfter=nope`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/deltasAfter/);
  });
});
