import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JobResult, Sandbox, SandboxJobInput } from '../sandbox/job';

/**
 * Hostile jobs and the protection each must meet, run by the bwrap and gVisor
 * integration tests. Every script carries MARKER so a test can prove that no
 * process of it survives its job. Only loopback is ever addressed.
 */
export const MARKER = 'techteam-hostile-marker';

export interface HostileContext {
  /** A TCP port listening on the host's 127.0.0.1, and how many connections it got. */
  hostPort: number;
  connections(): number;
  /** A file another job owns, by its host path, holding `secret`. */
  otherJobFile: string;
  /** A host file holding `secret`, outside every job. */
  hostSecretFile: string;
  secret: string;
  /** A host path a job must not be able to create. */
  hostWriteTarget: string;
  /** Values put in the test process's environment that must never reach a job. */
  envSecrets: Record<string, string>;
}

export interface HostileCase {
  name: string;
  job(ctx: HostileContext): SandboxJobInput;
  check(result: JobResult, ctx: HostileContext): void;
}

const py = (code: string, limits: SandboxJobInput['limits'] = {}): SandboxJobInput => ({
  runtime: 'python',
  command: ['python3', '-c', `# ${MARKER}\n${code}`],
  limits: { wallMs: 10_000, ...limits },
});

export const HOSTILE_CASES: HostileCase[] = [
  {
    name: "cannot connect to a port listening on the host's loopback",
    job: (ctx) =>
      py(`
import socket
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", ${ctx.hostPort}))
    print("CONNECTED")
except OSError as e:
    print("blocked", type(e).__name__)
`),
    check: (r, ctx) => {
      expect(r.stdout).toMatch(/^blocked/);
      expect(r.stdout).not.toContain('CONNECTED');
      expect(ctx.connections()).toBe(0);
    },
  },
  {
    name: 'sees no network interface but its own loopback',
    job: () =>
      py(`
import socket, os
print(",".join(name for _, name in socket.if_nameindex()))
`),
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.stdout.trim()).toBe('lo');
    },
  },
  {
    name: 'cannot read /etc/shadow or list /root',
    job: () =>
      py(`
for action in (lambda: open("/etc/shadow").read(), lambda: __import__("os").listdir("/root")):
    try:
        print("READ", action())
    except OSError as e:
        print("denied", type(e).__name__)
`),
    check: (r) => {
      expect(r.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(/^denied/),
        expect.stringMatching(/^denied/),
      ]);
      expect(r.stdout).not.toContain('READ');
    },
  },
  {
    name: "cannot read another job's folder",
    job: (ctx) =>
      py(`
try:
    print("READ", open(${JSON.stringify(ctx.otherJobFile)}).read())
except OSError as e:
    print("denied", type(e).__name__)
`),
    check: (r, ctx) => {
      expect(r.stdout).toMatch(/^denied/);
      expect(r.stdout).not.toContain(ctx.secret);
    },
  },
  {
    name: "gets none of the host's environment, not even through /proc/1/environ",
    job: () =>
      py(`
import os
print(sorted(os.environ))
print(open("/proc/1/environ").read().replace("\\0", " "))
print(open("/proc/self/environ").read().replace("\\0", " "))
`),
    check: (r, ctx) => {
      expect(r.exitCode).toBe(0);
      for (const [name, value] of Object.entries(ctx.envSecrets)) {
        expect(r.stdout).not.toContain(name);
        expect(r.stdout).not.toContain(value);
      }
      expect(r.stdout).not.toMatch(/AWS_|OPENAI|ANTHROPIC|API_KEY/);
    },
  },
  {
    name: 'cannot write outside its folder',
    job: (ctx) =>
      py(`
import os
for path in ("/usr/techteam-pwned", "/etc/techteam-pwned", "/techteam-pwned", ${JSON.stringify(ctx.hostWriteTarget)}):
    try:
        open(path, "w").write("pwned")
        print("WROTE", path, os.path.exists(path))
    except OSError as e:
        print("denied", type(e).__name__)
open("inside.txt", "w").write("fine")
`),
    check: (r, ctx) => {
      const lines = r.stdout.trim().split('\n');
      // The last target is a /tmp path: inside the job it is the private /tmp, which may take it.
      expect(lines.slice(0, 3).every((l) => l.startsWith('denied'))).toBe(true);
      expect(() => readFileSync(ctx.hostWriteTarget)).toThrow();
      for (const p of ['/usr/techteam-pwned', '/etc/techteam-pwned', '/techteam-pwned']) {
        expect(() => readFileSync(p)).toThrow();
      }
      expect(r.files.changed).toEqual({ 'inside.txt': 'fine' });
    },
  },
  {
    name: 'a symlink to a host file is neither read through nor copied back',
    job: (ctx) =>
      py(`
import os
os.symlink(${JSON.stringify(ctx.hostSecretFile)}, "leak.txt")
os.symlink("/etc/passwd", "passwd.txt")
try:
    print("READ", open("leak.txt").read())
except OSError as e:
    print("denied", type(e).__name__)
`),
    check: (r, ctx) => {
      expect(r.stdout).toMatch(/^denied/);
      expect(r.files.changed).toEqual({});
      expect(r.files.skipped).toEqual(
        expect.arrayContaining([
          { path: 'leak.txt', reason: 'symlink (never followed)' },
          { path: 'passwd.txt', reason: 'symlink (never followed)' },
        ]),
      );
      expect(JSON.stringify(r)).not.toContain(ctx.secret);
    },
  },
  {
    name: 'files with odd names are each skipped with the reason, and the rest of the result is kept',
    job: (ctx) =>
      py(`
import os
os.makedirs("sub", exist_ok=True)
open("sub/.git", "w").write("gitdir: /")
os.makedirs(".git/hooks", exist_ok=True)
open(".git/hooks/post-checkout", "w").write("#!/bin/sh")
open("a\\\\b.txt", "w").write("b")
open("new\\nline.txt", "w").write("n")
open(b"bad\\xff.txt", "w").write("x")
os.symlink(${JSON.stringify(join(ctx.hostSecretFile, '..'))}, "host-dir")
open("good.txt", "w").write("kept")
`),
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.files.changed).toEqual({ 'good.txt': 'kept' });
      expect(Object.fromEntries(r.files.skipped.map((s) => [s.path, s.reason]))).toEqual({
        'sub/.git': 'is in .git, which the workspace does not hold',
        '.git': 'is in .git, which the workspace does not hold',
        'a\\b.txt': 'its name holds a backslash, which other systems read as a folder separator',
        'new\\nline.txt': 'its name holds a control character (\\n)',
        'bad\\xff.txt': 'its name is not UTF-8',
        'host-dir': 'symlink (never followed)',
      });
    },
  },
  {
    name: 'runs as a uid of its own with no groups and no capabilities',
    job: () =>
      py(`
import re
print("".join(l for l in open("/proc/self/status") if re.match(r"(Uid|Groups|Cap(Inh|Prm|Eff|Amb)):", l)))
`),
    check: (r) => {
      expect(r.exitCode).toBe(0);
      const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(r.stdout)?.[1]?.trim();
      expect(field('Uid')?.split(/\s+/)).not.toContain('0');
      expect(field('Groups')).toBe('');
      expect(field('CapEff')).toMatch(/^0+$/);
      // gVisor's /proc shows no CapAmb: check each set the kernel reports.
      for (const caps of ['CapInh', 'CapPrm', 'CapAmb']) expect(field(caps) ?? '0').toMatch(/^0+$/);
    },
  },
  {
    name: 'a fork bomb runs into the process limit',
    job: () =>
      py(
        `
import os, time
n = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
except OSError as e:
    print("fork refused after", n, type(e).__name__)
`,
        { processes: 24, wallMs: 8_000 },
      ),
    check: (r) => {
      expect(r.stdout).toMatch(/fork refused after (\d+) BlockingIOError/);
      const forks = Number(/after (\d+)/.exec(r.stdout)?.[1]);
      expect(forks).toBeLessThan(24);
    },
  },
  {
    name: 'a memory bomb is killed at the memory limit',
    job: () => py('x = b"x" * (600 * 1024 * 1024)\nprint("ALLOCATED")', { memoryBytes: 128 * 1024 * 1024 }),
    check: (r) => {
      expect(r.stdout).not.toContain('ALLOCATED');
      expect(r.limit).toBe('memoryBytes');
      expect(r.exitCode).toBe(137);
    },
  },
  {
    name: 'a disk-filling write stops at the written-bytes limit',
    job: () =>
      py(
        `
chunk = b"x" * (1024 * 1024)
n = 0
try:
    with open("fill.bin", "wb") as f:
        while True:
            f.write(chunk)
            f.flush()
            n += 1
except OSError as e:
    print("stopped after", n, "MiB:", e.strerror)
`,
        { writtenBytes: 8 * 1024 * 1024, fileBytes: 64 * 1024 * 1024 },
      ),
    check: (r) => {
      expect(r.stdout).toMatch(/stopped after \d MiB: No space left on device/);
      expect(r.limitsReached).toContain('writtenBytes');
      expect(r.files.skipped.some((s) => s.path === 'fill.bin')).toBe(true);
    },
  },
  {
    name: 'an infinite loop is stopped at the CPU limit',
    job: () => py('while True:\n    pass', { cpuSeconds: 1, wallMs: 15_000 }),
    check: (r) => {
      // The wall limit is 15 s: a CPU limit that did not bite would show as 'wallMs'.
      expect(r.limit).toBe('cpuSeconds');
    },
  },
  {
    name: 'a child that calls setsid and sleeps past the wall limit is killed with the job',
    job: () =>
      py(
        `
import os, time
if os.fork() == 0:
    os.setsid()
    os.execv("/usr/bin/sleep", ["${MARKER}-sleep", "313.37"])
print("detached", flush=True)
time.sleep(60)
`,
        // Roomy enough for python to start under gVisor on a loaded CI machine; the
        // sleep below still outlasts it by far.
        { wallMs: 6_000 },
      ),
    check: (r) => {
      expect(r.stdout).toContain('detached');
      expect(r.limit).toBe('wallMs');
      // The detached sleep carries the job's marker as its argv[0]: the check after every
      // case proves it is gone.
    },
  },
  {
    name: '100 MB of stdout is cut at the output limit with a visible marker',
    job: () =>
      py(
        `
import sys
line = "y" * 1023 + "\\n"
for _ in range(100 * 1024):
    sys.stdout.write(line)
`,
        { stdoutBytes: 64 * 1024 },
      ),
    check: (r) => {
      expect(r.limit).toBe('stdoutBytes');
      expect(r.stdoutTruncated).toBe(true);
      expect(r.stdout.length).toBeLessThan(64 * 1024 + 200);
      expect(r.stdout).toMatch(/stdout truncated: the job wrote more than the limit of 65536 bytes/);
    },
  },
];

/** Host processes whose command line contains `needle` (excluding this test process). */
export function hostProcessesMatching(needle: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) out.push(`${pid}: ${cmd.slice(0, 120)}`);
    } catch {}
  }
  return out;
}

/**
 * The corpus as a test suite for one isolation level: each case in parallel
 * (a few at a time), each followed by the proof that nothing of it survives.
 */
export function describeHostileCorpus(makeSandbox: () => Sandbox & { close?(): void }): void {
  const ctx = {} as HostileContext;
  let sandbox: Sandbox & { close?(): void };
  let server: Server;
  let connections = 0;
  let scratch: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    sandbox = makeSandbox();
    server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    scratch = mkdtempSync(join(tmpdir(), 'techteam-hostile-'));
    chmodSync(scratch, 0o755);
    const secret = `s3cr3t-${Math.random().toString(36).slice(2)}`;
    const other = join(scratch, 'other-job', 'work');
    mkdirSync(other, { recursive: true, mode: 0o700 });
    writeFileSync(join(other, 'secret.txt'), secret);
    writeFileSync(join(scratch, 'host-secret.txt'), secret, { mode: 0o644 });
    Object.assign(ctx, {
      hostPort: (server.address() as AddressInfo).port,
      connections: () => connections,
      otherJobFile: join(other, 'secret.txt'),
      hostSecretFile: join(scratch, 'host-secret.txt'),
      secret,
      hostWriteTarget: join(scratch, 'written-from-a-job'),
      envSecrets: {
        OPENAI_API_KEY: `sk-fake-${secret}`,
        AWS_SECRET_ACCESS_KEY: `aws-fake-${secret}`,
        TECHTEAM_TEST_TOKEN: `tt-fake-${secret}`,
      },
    } satisfies HostileContext);
    for (const [k, v] of Object.entries(ctx.envSecrets)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(scratch, { recursive: true, force: true });
    sandbox.close?.();
  });

  // The bwrap and gVisor suites run at once in separate workers: markers unique to this
  // suite keep one from counting the other's processes as survivors of its own.
  const suite = randomUUID().slice(0, 8);
  const marked = (job: SandboxJobInput, marker: string): SandboxJobInput => ({
    ...job,
    command: job.command.map((a) => a.replaceAll(MARKER, marker)),
  });

  HOSTILE_CASES.forEach((c, i) => {
    it.concurrent(c.name, async () => {
      const marker = `${MARKER}-${suite}-${i}-`;
      const result = await sandbox.run(marked(c.job(ctx), marker));
      c.check(result, ctx);
      expect(hostProcessesMatching(marker)).toEqual([]);
      expect(hostProcessesMatching(result.jobId)).toEqual([]);
    });
  });

  it('keeps the host responsive while a fork bomb and a busy loop run', async () => {
    // Behaviour, not wall-clock (that is bench/sandbox's job): once both bombs are running,
    // the host can still start a process, again and again, until both have finished.
    const runscBefore = new Set(hostProcessesMatching('runsc'));
    // Both stay alive until a limit stops them, so the probes overlap them: the fork bomb
    // keeps its children (and itself) sleeping until the wall limit, the loop spins until
    // its CPU limit.
    const forkBomb = py(
      `
import os, time
try:
    while True:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
except OSError:
    pass
time.sleep(60)
`,
      { processes: 24, wallMs: 4_000 },
    );
    const busyLoop = py('while True:\n    pass', { cpuSeconds: 3, wallMs: 15_000 });
    const bombs = [forkBomb, busyLoop].map((job, i) => {
      const marker = `${MARKER}-${suite}-responsive-${i}-`;
      const state = { marker, seen: false, done: false };
      const settled = sandbox.run(marked(job, marker)).finally(() => {
        state.done = true;
      });
      return { state, settled };
    });
    // Under bwrap a bomb's processes carry its marker; under gVisor they live inside the
    // sandbox, and what the host sees of a running job is its runsc processes.
    const visible = (marker: string) =>
      hostProcessesMatching(marker).length > 0 ||
      hostProcessesMatching('runsc').some((p) => !runscBefore.has(p));
    const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 20));
    while (!bombs.every((b) => b.state.seen)) {
      for (const b of bombs) {
        if (!b.state.seen && visible(b.state.marker)) b.state.seen = true;
        if (!b.state.seen && b.state.done)
          throw new Error(`${b.state.marker} finished before its processes were ever seen on the host`);
      }
      await turn();
    }
    let probes = 0;
    while (!bombs.every((b) => b.state.done)) {
      const probe = spawnSync('/usr/bin/true', { timeout: 30_000 });
      expect(probe.error).toBeUndefined();
      expect(probe.status).toBe(0);
      probes++;
      await turn();
    }
    expect(probes).toBeGreaterThan(0);
    await Promise.all(bombs.map((b) => b.settled));
    for (const b of bombs) expect(hostProcessesMatching(b.state.marker)).toEqual([]);
  });
}
