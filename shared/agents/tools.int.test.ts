import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalSandbox } from '../sandbox';
import type { Store } from '../store';
import { freshStore } from '../testing/dynamo';
import { inMemoryBucket } from '../testing/s3-bucket';
import { LocalWorkspace, S3Workspace, SCRATCH_FOLDER, type Workspace } from '../workspace';
import type { CodeSandbox, SandboxRun } from './sandbox-port';
import { teamSandbox } from './team-sandbox';
import { BUILT_IN_TOOLS } from './tool-names';
import { Toolbox } from './toolbox';
import type { ToolContext } from './tools';

const s3 = mockClient(S3Client);
const localWorkspace = () => new LocalWorkspace(mkdtempSync(join(tmpdir(), 'tools-')));
let s3Tasks = 0;
const s3Workspace = () =>
  S3Workspace.forTask(new S3Client({ region: 'us-east-1' }), 'artifacts', 'acme', `tsk_${++s3Tasks}`);

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

async function toolbox(
  workspace: Workspace,
  extra: Partial<ToolContext> = {},
  tools: readonly string[] = BUILT_IN_TOOLS,
): Promise<
  Toolbox & { run(name: string, args?: Record<string, unknown>): Promise<{ ok: boolean; output: string }> }
> {
  const task = await store.createTask('acme', { prompt: 'tools', preference: 'cheap' });
  const box = await Toolbox.open(
    {
      store,
      tenantId: 'acme',
      taskId: task.id,
      stepId: 'build',
      employee: 'dev',
      workspace,
      baseline: {},
      ...extra,
    },
    tools,
  );
  let n = 0;
  return Object.assign(box, {
    run: (name: string, args: Record<string, unknown> = {}) =>
      box.call({ id: `c${++n}`, name: name.replace('.', '_'), arguments: args }),
  });
}

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe.each([
  ['a local folder', localWorkspace],
  ['S3', s3Workspace],
])('the workspace tools on %s', (_, makeWorkspace) => {
  beforeEach(() => {
    s3.reset();
    inMemoryBucket(s3);
  });

  it('reads a line range under a header, and a 200 KB file only as far as the budget, saying how to go on', async () => {
    const ws = makeWorkspace();
    const box = await toolbox(ws);
    try {
      await ws.write('big.txt', numbered(20_000));
      const range = await box.run('workspace.read', { path: 'big.txt', startLine: 100, endLine: 102 });
      expect(range).toEqual({
        ok: true,
        output: 'big.txt: lines 100-102 of 20000\nline 100\nline 101\nline 102',
      });
      const whole = await box.run('workspace.read', { path: 'big.txt' });
      expect(whole.output.length).toBeLessThanOrEqual(8_000);
      const shown = Number(/^big.txt: lines 1-(\d+) of 20000/.exec(whole.output)![1]);
      expect(whole.output).toContain(`read on with startLine=${shown + 1}]`);
      const past = await box.run('workspace.read', { path: 'big.txt', startLine: 30_000 });
      expect(past).toEqual({ ok: false, output: expect.stringContaining('big.txt has 20000 lines') });
    } finally {
      await box.close();
    }
  });

  it('edits exactly one occurrence, and changes nothing when the text is missing or repeated', async () => {
    const ws = makeWorkspace();
    const src = 'def slugify(s):\n    return s.lower()\n\ndef shout(s):\n    return s.upper()\n';
    await ws.write('slug.py', src);
    const box = await toolbox(ws);
    try {
      const edited = await box.run('workspace.edit', {
        path: 'slug.py',
        old: '    return s.lower()',
        new: "    return '-'.join(s.lower().split())",
      });
      expect(edited).toEqual({
        ok: true,
        output: 'edited slug.py: lines 2-2 replaced by 1 line (now lines 2-2)',
      });
      expect(await ws.read('slug.py')).toContain("return '-'.join(s.lower().split())");
      const repeated = await box.run('workspace.edit', { path: 'slug.py', old: '(s):', new: '(text):' });
      expect(repeated.ok).toBe(false);
      expect(repeated.output).toContain('occurs 2 times in slug.py (at lines 1, 4)');
      const missing = await box.run('workspace.edit', {
        path: 'slug.py',
        old: 'def shout(s):\n  return s.upper()',
        new: 'x',
      });
      expect(missing.ok).toBe(false);
      expect(missing.output).toContain('It matches lines 4-5 if whitespace is ignored');
      expect(await ws.read('slug.py')).toBe(
        src.replace('    return s.lower()', "    return '-'.join(s.lower().split())"),
      );
    } finally {
      await box.close();
    }
  });

  it('searches the files and lists them with sizes', async () => {
    const ws = makeWorkspace();
    await ws.write('src/slug.py', 'def slugify(s):\n    return s\n');
    await ws.write('tests/test_slug.py', 'from src.slug import slugify\n');
    const box = await toolbox(ws);
    try {
      expect(await box.run('workspace.search', { pattern: 'slugify' })).toEqual({
        ok: true,
        output: 'src/slug.py:1: def slugify(s):\ntests/test_slug.py:1: from src.slug import slugify',
      });
      expect((await box.run('workspace.list', { path: 'src/' })).output).toBe(
        '1 file, 29 bytes\nsrc/slug.py  29 bytes, 2 lines',
      );
      expect((await box.run('workspace.search', { pattern: 'slugify', path: 'tests' })).output).toBe(
        'tests/test_slug.py:1: from src.slug import slugify',
      );
      expect((await box.run('workspace.list')).output).toBe(
        [
          '2 files, 58 bytes',
          'src/slug.py         29 bytes, 2 lines',
          'tests/test_slug.py  29 bytes, 1 line',
        ].join('\n'),
      );
    } finally {
      await box.close();
    }
  });

  it('diffs against the snapshot taken when the step began, in hunks', async () => {
    const ws = makeWorkspace();
    await ws.write('app.py', numbered(50));
    await ws.snapshot('step-build');
    await ws.write('app.py', numbered(50).replace('line 25\n', 'line twenty-five\n'));
    const box = await toolbox(ws, { baseline: (await ws.snapshotFiles('step-build'))! });
    try {
      const diff = await box.run('workspace.diff');
      expect(diff.output).toBe(
        '--- a/app.py\n+++ b/app.py\n@@ -22,7 +22,7 @@\n line 22\n line 23\n line 24\n-line 25\n+line twenty-five\n line 26\n line 27\n line 28',
      );
    } finally {
      await box.close();
    }
  });

  it("keeps QA's writes inside its scratch folder and hides that folder from Dev", async () => {
    const ws = makeWorkspace();
    await ws.write('calc.py', 'def add(a, b):\n    return a + b\n');
    const qa = await toolbox(ws, { employee: 'qa', scratch: SCRATCH_FOLDER });
    const dev = await toolbox(ws);
    try {
      const outside = await qa.run('workspace.write', {
        path: 'calc.py',
        content: 'def add(a, b): return 0\n',
      });
      expect(outside).toEqual({
        ok: false,
        output: expect.stringContaining('qa writes probe tests only under qa_probes/'),
      });
      const edit = await qa.run('workspace.edit', { path: 'calc.py', old: 'a + b', new: 'a - b' });
      expect(edit.ok).toBe(false);
      expect(await ws.read('calc.py')).toBe('def add(a, b):\n    return a + b\n');
      expect(
        (
          await qa.run('workspace.write', {
            path: 'qa_probes/test_probe_add.py',
            content: 'from calc import add\n',
          })
        ).ok,
      ).toBe(true);
      expect((await qa.run('workspace.list')).output).toContain('qa_probes/test_probe_add.py');

      expect((await dev.run('workspace.list')).output).not.toContain('qa_probes');
      expect((await dev.run('workspace.search', { pattern: 'import' })).output).not.toContain('qa_probes');
      expect(await dev.run('workspace.read', { path: 'qa_probes/test_probe_add.py' })).toEqual({
        ok: false,
        output: expect.stringContaining("'qa_probes/test_probe_add.py' was not found"),
      });
      expect((await dev.run('workspace.diff')).output).not.toContain('qa_probes');
      const devWrite = await dev.run('workspace.write', { path: 'qa_probes/x.py', content: 'x' });
      expect(devWrite).toEqual({ ok: false, output: expect.stringContaining('reserved for QA') });
    } finally {
      await qa.close();
      await dev.close();
    }
  });
});

describe('the workspace tools and binary files', () => {
  it('refuses to read a binary file, naming its size, and lists it as binary', async () => {
    const ws = localWorkspace();
    writeFileSync(
      join(ws.root, 'logo.png'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]),
    );
    const box = await toolbox(ws);
    try {
      const read = await box.run('workspace.read', { path: 'logo.png' });
      expect(read.ok).toBe(false);
      expect(read.output).toContain("'logo.png' is binary (10 bytes");
      expect((await box.run('workspace.list')).output).toContain(
        'logo.png  10 bytes, binary (not readable as text)',
      );
    } finally {
      await box.close();
    }
  });
});

/** A sandbox that records the files each job got and answers with the given run. */
function recordingSandbox(answer: Partial<SandboxRun>): CodeSandbox & { jobs: Record<string, string>[] } {
  const jobs: Record<string, string>[] = [];
  const run = async ({ files }: { files: Record<string, string> }): Promise<SandboxRun> => {
    jobs.push(files);
    return {
      exitCode: 0,
      stdout: '',
      stderr: '',
      isolation: 'none',
      durationMs: 1,
      changedFiles: {},
      ...answer,
    };
  };
  return { describe: 'recording', jobs, exec: run, test: run };
}

describe('the sandbox tools', () => {
  it("give QA's jobs Dev's files and the probes, and keep only the probes' output", async () => {
    const ws = localWorkspace();
    await ws.write('calc.py', 'x');
    await ws.write('qa_probes/test_probe.py', 'p');
    const sandbox = recordingSandbox({
      changedFiles: { 'calc.py': 'rewritten', 'qa_probes/report.txt': 'ok\n' },
    });
    const qa = await toolbox(ws, { employee: 'qa', scratch: 'qa_probes', sandbox }); // the folder named without its slash
    try {
      const out = await qa.run('sandbox.exec', { runtime: 'python', command: ['python', '-c', 'pass'] });
      expect(sandbox.jobs[0]).toEqual({
        'calc.py': 'x',
        'qa_probes/__init__.py': '',
        'qa_probes/test_probe.py': 'p',
      });
      expect(out.output).toContain('calc.py: not kept (your jobs keep only files under qa_probes/)');
      expect(await ws.read('calc.py')).toBe('x');
      expect(await ws.read('qa_probes/report.txt')).toBe('ok\n');
    } finally {
      await qa.close();
    }
  });

  it("give Dev's jobs no probes, and never write binary output back as text", async () => {
    const ws = localWorkspace();
    await ws.write('calc.py', 'x');
    await ws.write('qa_probes/test_probe.py', 'p');
    const sandbox = recordingSandbox({
      changedFiles: { 'out.bin': 'PK\u0003\u0004\u0000\u0000', 'out.txt': 'text\n' },
      skippedFiles: [{ path: 'image.png', reason: 'not UTF-8 text' }],
      stdout: `${'progress\n'.repeat(3_000)}FAILED test_calc.py::test_add - AssertionError\n`,
    });
    const dev = await toolbox(ws, { sandbox });
    try {
      const out = await dev.run('sandbox.test', { runtime: 'python' });
      expect(sandbox.jobs[0]).toEqual({ 'calc.py': 'x' });
      expect(out.output).toContain('out.bin: not kept (binary, 6 bytes)');
      expect(out.output).toContain('image.png: not kept (not UTF-8 text)');
      expect(out.output).toContain('FAILED test_calc.py::test_add - AssertionError');
      expect(out.output).toMatch(/characters cut; the end is kept/);
      expect(out.output.length).toBeLessThanOrEqual(8_000);
      expect(await ws.list()).toEqual(['calc.py', 'out.txt']);
    } finally {
      await dev.close();
    }
  });
});

describe('QA probes in the bwrap sandbox', () => {
  const local = new LocalSandbox({ isolation: 'bwrap' });
  afterAll(() => local.close());

  it("pytest collects QA's qa_probes/test_*.py beside Dev's tests, and Dev's run does not", async () => {
    const ws = localWorkspace();
    await ws.write('slug.py', 'def slugify(s):\n    return s.lower().replace(" ", "-")\n');
    await ws.write(
      'tests/test_slug.py',
      'from slug import slugify\n\ndef test_simple():\n    assert slugify("A B") == "a-b"\n',
    );
    await ws.write(
      // Named like Dev's test file on purpose: the two must not clash in pytest's collection.
      'qa_probes/test_slug.py',
      'from slug import slugify\n\ndef test_probe_collapses_spaces():\n    assert slugify("A  B") == "a-b"\n',
    );
    const sandbox = teamSandbox(local, 'bwrap');
    const qa = await toolbox(ws, { employee: 'qa', scratch: SCRATCH_FOLDER, sandbox });
    const dev = await toolbox(ws, { sandbox });
    try {
      const qaRun = await qa.run('sandbox.test', { runtime: 'python' });
      expect(qaRun.ok).toBe(false);
      expect(qaRun.output).toContain('tests: 1 passed, 1 failed, 0 errors');
      expect(qaRun.output).toContain('failing: qa_probes/test_slug.py::test_probe_collapses_spaces');
      const devRun = await dev.run('sandbox.test', { runtime: 'python' });
      expect(devRun.ok).toBe(true);
      expect(devRun.output).toContain('tests: 1 passed, 0 failed, 0 errors');
    } finally {
      await qa.close();
      await dev.close();
    }
  });
});

describe('the tool specs a model is given', () => {
  it('describe every tool and every input field, with limits and an example', async () => {
    const box = await toolbox(localWorkspace(), { scratch: SCRATCH_FOLDER });
    try {
      expect(box.specs.map((s) => s.name).sort()).toEqual(
        BUILT_IN_TOOLS.map((t) => t.replace('.', '_')).sort(),
      );
      for (const spec of box.specs) {
        expect(spec.description.length, spec.name).toBeGreaterThan(40);
        const props = (spec.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
        for (const [field, schema] of Object.entries(props))
          expect(schema.description, `${spec.name}.${field}`).toBeTruthy();
      }
      const read = box.specs.find((s) => s.name === 'workspace_read')!;
      expect(read.description).toContain('8,000 characters');
      expect(read.inputSchema).toMatchObject({
        properties: { startLine: { type: 'integer', minimum: 1 }, endLine: { type: 'integer', minimum: 1 } },
        required: ['path'],
      });
      expect(box.specs.find((s) => s.name === 'sandbox_test')!.description).toContain(
        'qa_probes/test_probe_',
      );
    } finally {
      await box.close();
    }
  });
});
