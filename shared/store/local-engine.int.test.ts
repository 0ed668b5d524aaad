import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFolderInUse } from './data-folder-lock';
import { type LocalDynamo, startLocalDynamo } from './local-engine';

/** Whether a TCP connection to host:port is accepted (true) or refused (the error code). */
function tryConnect(host: string, port: number): Promise<true | string> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

const nonLoopback = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === 'IPv4')?.address;

describe('DynamoDB Local as the host starts it', () => {
  let engine: LocalDynamo;
  const dataDir = mkdtempSync(join(tmpdir(), 'engine-'));
  beforeAll(async () => {
    engine = await startLocalDynamo({ path: dataDir });
  });
  afterAll(async () => {
    await engine.stop();
  });

  it.skipIf(!nonLoopback)(
    'listens on 127.0.0.1 only: a non-loopback address of this machine is refused',
    async () => {
      expect(await tryConnect('127.0.0.1', engine.port)).toBe(true);
      expect(await tryConnect(nonLoopback as string, engine.port)).toBe('ECONNREFUSED');
    },
  );

  it('refuses a second engine on a data folder in use, naming the owner', async () => {
    await expect(startLocalDynamo({ path: dataDir })).rejects.toThrow(DataFolderInUse);
    await expect(startLocalDynamo({ path: dataDir })).rejects.toThrow(
      new RegExp(`in use by process ${process.pid}`),
    );
  });

  it('tells of an unexpected exit, and answers again on the same endpoint after a restart', async () => {
    const exits: unknown[] = [];
    engine.onUnexpectedExit((exit) => exits.push(exit));
    const before = engine.pid();
    process.kill(before as number, 'SIGKILL');
    await expect.poll(() => exits.length, { timeout: 10_000 }).toBe(1);
    expect(exits[0]).toMatchObject({ signal: 'SIGKILL' });
    await engine.restart();
    expect(engine.pid()).not.toBe(before);
    expect(await tryConnect('127.0.0.1', engine.port)).toBe(true);
    expect(exits).toHaveLength(1);
  });
});
