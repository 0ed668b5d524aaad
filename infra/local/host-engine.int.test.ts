import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalDynamo } from '@techteam/shared/store';
import { eventually, hostTestConfig } from '@techteam/shared/testing/host';
import { describe, expect, it } from 'vitest';
import { startHost } from './host';

const quiet = () => {};
const bin = resolve(dirname(fileURLToPath(import.meta.url)), 'bin/techteam.mjs');

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function health(url: string): Promise<{ status: number; body: { ready: boolean; reason?: string } }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; reason?: string } };
}

/** `techteam up` as a user runs it, in its own process, on a data folder and a port. */
function up(dataDir: string, port: number) {
  const child: ChildProcess = spawn(process.execPath, [bin, 'up'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      TECHTEAM_DATA_DIR: dataDir,
      TECHTEAM_PORT: String(port),
      TECHTEAM_HOST: '127.0.0.1',
      TECHTEAM_LOG_LEVEL: 'warn',
    },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

describe('the host and its store engine', () => {
  it('answers /healthz with 503 and the reason when the store stops answering', async () => {
    const external = await startLocalDynamo();
    const host = await startHost({
      config: hostTestConfig({ TECHTEAM_DYNAMO_ENDPOINT: external.endpoint }),
      log: quiet,
    });
    try {
      expect(await health(host.url)).toEqual({ status: 200, body: { ready: true, store: 'answering' } });
      await external.stop();
      const down = await health(host.url);
      expect(down.status).toBe(503);
      expect(down.body.ready).toBe(false);
      expect(down.body.reason).toMatch(/store is unreachable|did not answer/);
    } finally {
      await host.stop();
    }
  }, 120_000);

  it('restarts a killed engine and resumes the task it left active; stops with a clear message when it dies again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techteam-host-'));
    const config = { ...hostTestConfig({ TECHTEAM_DATA_DIR: dir }), TECHTEAM_DYNAMO_ENDPOINT: undefined };
    const lines: string[] = [];
    const host = await startHost({
      config,
      log: (l) => lines.push(l),
      retryIntervalMs: 0,
      maxEngineRestarts: 1,
    });
    try {
      const dynamo = host.dynamo;
      if (!dynamo) throw new Error('the host should own its engine');
      // What the engine's death leaves: a task mid-planning whose execution can no longer write.
      const task = await host.store.createTask('local', {
        prompt: 'Write a slugify function with tests',
        preference: 'cheap',
      });
      await host.store.transitionTask('local', task.id, 'planning');

      process.kill(dynamo.pid() as number, 'SIGKILL');
      // The probe may see the refused connection before the host hears of the exit; once it has
      // heard, health says what the host is doing about it.
      const down = await eventually(async () => {
        const h = await health(host.url);
        return h.status === 503 && /DynamoDB Local stopped/.test(h.body.reason ?? '') ? h : undefined;
      }, 'health to report the dead engine');
      expect(down.body.reason).toBe('DynamoDB Local stopped (killed by SIGKILL); restarting it');
      const created = await fetch(`${host.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x' }),
      });
      if (created.status !== 201) expect(created.status).toBe(503);

      await eventually(
        async () => ((await health(host.url)).status === 200 ? true : undefined),
        'the restart',
        200_000,
      );
      expect(lines.join('\n')).toMatch(
        /restarting it[\s\S]*DynamoDB Local is back \(pid \d+\); resumed 1 task/,
      );
      await host.engine.idle();
      expect((await host.store.getTask('local', task.id)).status).toBe('succeeded');

      process.kill(dynamo.pid() as number, 'SIGKILL');
      const reason = await host.failed;
      expect(reason.message).toMatch(
        /DynamoDB Local stopped 2 times within 10 minutes .*the host is stopping/,
      );
      await expect(fetch(`${host.url}/healthz`)).rejects.toThrow();
    } finally {
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);

  it('takes its engine down with it on kill -9; the next host takes over the lock and a second one is refused, naming the owner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techteam-host-'));
    const hosts: ReturnType<typeof up>[] = [];
    try {
      const first = up(dir, await freePort());
      hosts.push(first);
      const enginePid = Number(
        await eventually(
          async () => /DynamoDB Local \S+ \(pid (\d+)\)/.exec(first.output())?.[1],
          'the first host',
        ),
      );
      expect(alive(enginePid)).toBe(true);
      first.child.kill('SIGKILL');
      await first.exited;
      await eventually(async () => (alive(enginePid) ? undefined : true), 'the engine to die with its host');

      const second = up(dir, await freePort());
      hosts.push(second);
      await eventually(async () => (/Try it:/.test(second.output()) ? true : undefined), 'the second host');
      expect(second.output()).toMatch(
        new RegExp(
          `Took over .*techteam-engine\\.lock: its owner, process ${first.child.pid} .* is no longer running`,
        ),
      );

      const third = up(dir, await freePort());
      hosts.push(third);
      expect(await third.exited).toBe(1);
      expect(third.output()).toMatch(
        new RegExp(
          `The data folder .* is in use by process ${second.child.pid} on .*, started .*Stop that host first`,
        ),
      );
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      for (const h of hosts) h.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
