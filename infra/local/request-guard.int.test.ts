import { request } from 'node:http';
import { hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from './host';

// What a web page could make the user's browser send to the local host: a forged Host (DNS
// rebinding), a foreign Origin, a form's text/plain body, a huge body. Raw HTTP, since fetch
// will not forge a Host header.

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('the local host refuses what a web page could send it', () => {
  let host: Host;
  let port: number;

  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: () => {}, retryIntervalMs: 0 });
    port = Number(new URL(host.url).port);
  });
  afterAll(async () => {
    await host.stop();
  });

  function send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer) {
    return new Promise<Answer>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const own = () => ({ host: `127.0.0.1:${port}` });
  const task = JSON.stringify({ prompt: 'Write a slugify function with tests' });

  it('answers only requests addressed to its own names', async () => {
    const rebound = await send('GET', '/v1/tasks', { host: 'attacker.example' });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.code).toBe('HostNotAllowed');
    const foreignPort = await send('GET', '/v1/tasks', { host: `127.0.0.1:${port + 1}` });
    expect(foreignPort.status).toBe(403);
    for (const name of ['127.0.0.1', 'localhost']) {
      expect((await send('GET', '/v1/tasks', { host: `${name}:${port}` })).status).toBe(200);
    }
  });

  it('refuses a form-style text/plain write, and creates nothing', async () => {
    const before = JSON.parse((await send('GET', '/v1/tasks', own())).body).tasks.length;
    const form = await send('POST', '/v1/tasks', { ...own(), 'content-type': 'text/plain' }, task);
    expect(form.status).toBe(415);
    expect(JSON.parse(form.body).error.code).toBe('UnsupportedMediaType');
    const noType = await send('POST', '/v1/tasks', own(), task);
    expect(noType.status).toBe(415);
    expect(JSON.parse((await send('GET', '/v1/tasks', own())).body).tasks.length).toBe(before);
  });

  it('refuses another web origin, and lets its own dashboard origin through with CORS', async () => {
    const evil = await send(
      'POST',
      '/v1/tasks',
      { ...own(), origin: 'https://evil.example', 'content-type': 'application/json' },
      task,
    );
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.code).toBe('OriginNotAllowed');
    const preflightEvil = await send('OPTIONS', '/v1/tasks', { ...own(), origin: 'https://evil.example' });
    expect(preflightEvil.status).toBe(403);
    expect(preflightEvil.headers['access-control-allow-origin']).toBeUndefined();

    const dashboard = `http://127.0.0.1:${port}`;
    const preflight = await send('OPTIONS', '/v1/tasks', {
      ...own(),
      origin: dashboard,
      'access-control-request-method': 'POST',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(dashboard);
    const list = await send('GET', '/v1/tasks', { ...own(), origin: dashboard });
    expect(list.status).toBe(200);
    expect(list.headers['access-control-allow-origin']).toBe(dashboard);
  });

  it('answers a body over 1 MB with 413 instead of dropping the connection', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const res = await send('POST', '/v1/tasks', { ...own(), 'content-type': 'application/json' }, big);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('PayloadTooLarge');
  });
});
