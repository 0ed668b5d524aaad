/**
 * The microVM isolation (the Fargate tier's runner): no namespaces, so the job shares the
 * task's network and its view of /proc, and the task metadata endpoint (169.254.170.2) is
 * reachable. The credentials it serves are at a path only the runner's environment holds
 * (AWS_CONTAINER_CREDENTIALS_*). Here a runner process holds that path for a fake metadata
 * server on loopback, and a job tries every way to it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const asRoot = process.getuid?.() === 0;
const secretPath = `/v2/credentials/${randomUUID()}`;
let server: Server;
let port = 0;
let credentialFetches = 0;
let scratch = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === secretPath) {
      credentialFetches++;
      res.end(JSON.stringify({ AccessKeyId: 'ASIARUNNER', SecretAccessKey: 'runner-secret', Token: 't' }));
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  scratch = mkdtempSync(join(tmpdir(), 'microvm-runner-'));
  chmodSync(scratch, 0o755);
});

afterAll(() => {
  server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** What the job tries: its environment, every process's environ, and the endpoint's likely paths. */
const PROBE = String.raw`
import glob, json, os, urllib.request
found = {k: v for k, v in os.environ.items() if k.startswith(('AWS_', 'ECS_'))}
uris = [v for v in found.values() if v.startswith('http') or v.startswith('/')]
readable = []
for f in glob.glob('/proc/[0-9]*/environ'):
    try:
        text = open(f, 'rb').read().decode('utf8', 'replace')
    except OSError:
        continue
    if 'AWS_CONTAINER' in text:
        readable.append(f)
        for kv in text.split('\0'):
            if kv.startswith('AWS_CONTAINER_CREDENTIALS_FULL_URI='):
                uris.append(kv.split('=', 1)[1])
got = []
for uri in uris + ['http://127.0.0.1:PORT/v2/credentials/', 'http://127.0.0.1:PORT/v2/credentials']:
    try:
        body = urllib.request.urlopen(uri, timeout=3).read().decode()
        if 'AccessKeyId' in body:
            got.append(uri)
    except Exception:
        pass
print(json.dumps({'uid': os.getuid(), 'env': sorted(found), 'environs': readable, 'credentials': got}))
`;

/** A runner process like infra/sandbox/main.ts: the credentials path in its env only. */
function runRunner(opts: { uid?: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = join(scratch, `root-${opts.uid ?? 0}`);
  const script = join(scratch, `runner-${opts.uid ?? 0}.mts`);
  mkdirSync(root, { mode: 0o755 });
  if (opts.uid !== undefined) chownSync(root, opts.uid, opts.uid);
  writeFileSync(
    script,
    `import { LocalSandbox } from ${JSON.stringify(resolve('shared/sandbox/index.ts'))};
let sandbox;
try {
  sandbox = new LocalSandbox({ isolation: 'microvm', root: ${JSON.stringify(root)} });
} catch (e) {
  console.log(JSON.stringify({ refused: e.code, message: e.message }));
  process.exit(0);
}
const r = await sandbox.run({ runtime: 'python', command: ['python', '-c', ${JSON.stringify(PROBE.replaceAll('PORT', String(port)))}] });
sandbox.close();
console.log(JSON.stringify({ job: JSON.parse(r.stdout || 'null'), stderr: r.stderr, isolation: r.isolation }));
`,
  );
  chmodSync(script, 0o644);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: resolve('.'),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: scratch,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}${secretPath}`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'runner-token',
      ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${port}/v4/runner`,
    },
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr })));
}

const lastJson = (text: string) => JSON.parse(text.trim().split('\n').at(-1) ?? 'null');

describe.skipIf(!asRoot)('microvm isolation: a job gets none of the runner credentials', () => {
  it('a job of a root runner runs as a uid of its own, with no AWS_/ECS_ variables, no readable runner /proc, and no credentials', async () => {
    const before = credentialFetches;
    const out = await runRunner({});
    expect(out.code, out.stderr).toBe(0);
    const { job, isolation } = lastJson(out.stdout);
    expect(isolation).toBe('microvm');
    expect(job.uid).not.toBe(0);
    expect(job.env).toEqual([]);
    expect(job.environs).toEqual([]);
    expect(job.credentials).toEqual([]);
    expect(credentialFetches).toBe(before);
  });

  it('a runner that is not root refuses to run jobs (they would share its uid and read its environment)', async () => {
    const before = credentialFetches;
    const out = await runRunner({ uid: 65534 });
    expect(out.code, out.stderr).toBe(0);
    expect(lastJson(out.stdout)).toMatchObject({ refused: 'SandboxUnavailable' });
    expect(credentialFetches).toBe(before);
  });
});
