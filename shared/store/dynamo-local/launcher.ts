import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingDependency } from '../../errors';

const SOURCE = fileURLToPath(new URL('./LoopbackDynamoDBLocal.java', import.meta.url));
export const LAUNCHER_CLASS = 'LoopbackDynamoDBLocal';
export const JDK_INSTALL_HINT = 'sudo apt-get install -y openjdk-17-jdk-headless';

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    child.once('error', (e) => done({ code: null, output: e.message }));
    child.once('exit', (code) => done({ code, output }));
  });
}

/**
 * The folder holding the compiled launcher for this jar, compiled on first use and kept under the
 * system's temp folder (keyed by the source and the jar, so an upgrade of either compiles anew).
 * DynamoDB Local has no flag to choose the address it listens on; the launcher sets it (see the
 * .java file). It is compiled here rather than shipped as a .class so that the repository holds
 * only source; it needs `javac`, which a JDK has and a bare JRE lacks.
 */
export async function launcherClassDir(classpath: string): Promise<string> {
  const source = readFileSync(SOURCE);
  const key = createHash('sha256').update(source).update(classpath).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'techteam-dynamodb-launcher', key);
  if (existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) return dir;
  const building = `${dir}.${process.pid}.${Date.now()}`;
  mkdirSync(building, { recursive: true });
  const { code, output } = await run('javac', [
    '-J-XX:TieredStopAtLevel=1',
    '-nowarn',
    '-cp',
    classpath,
    '-d',
    building,
    SOURCE,
  ]);
  if (code !== 0) {
    rmSync(building, { recursive: true, force: true });
    if (code === null) {
      throw new MissingDependency(
        'A Java compiler (javac, to bind DynamoDB Local to 127.0.0.1)',
        JDK_INSTALL_HINT,
      );
    }
    throw new MissingDependency(
      `A launcher for DynamoDB Local that compiles (javac said: ${output.slice(-400)})`,
      JDK_INSTALL_HINT,
    );
  }
  try {
    renameSync(building, dir);
  } catch {
    // Another process compiled the same launcher at the same time; theirs is as good.
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}
