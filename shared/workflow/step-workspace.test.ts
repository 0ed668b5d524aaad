import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalWorkspace } from '../workspace';
import { confineWritesToScratch, hideScratch, probeFiles, stepBaseline } from './step-workspace';

async function workspace() {
  const ws = new LocalWorkspace(mkdtempSync(join(tmpdir(), 'step-ws-')));
  await ws.write('slugify.py', 'def slugify(s): ...\n');
  await ws.write('qa_probes/test_edges.py', 'def test_empty(): ...\n');
  return ws;
}

describe("QA's scratch folder", () => {
  it('is not there for Dev: not listed, not in its files, not readable, not writable', async () => {
    const dev = hideScratch(await workspace());
    expect(await dev.list()).toEqual(['slugify.py']);
    expect(Object.keys(await dev.files())).toEqual(['slugify.py']);
    await expect(dev.read('qa_probes/test_edges.py')).rejects.toMatchObject({ code: 'WorkspacePathInvalid' });
    await expect(dev.write('./qa_probes/x.py', '')).rejects.toThrow(/belongs to QA/);
    await dev.write('slugify.py', 'fixed\n');
    expect(await dev.read('slugify.py')).toBe('fixed\n');
  });

  it('is the only place QA writes, and holds its probes', async () => {
    const ws = await workspace();
    const qa = confineWritesToScratch(ws);
    await expect(qa.write('slugify.py', 'sabotage')).rejects.toThrow(
      /outside qa_probes\/: QA writes probe tests only under qa_probes\//,
    );
    await qa.write('qa_probes/test_more.py', 'def test_more(): ...\n');
    expect(await ws.read('slugify.py')).toBe('def slugify(s): ...\n');
    expect(Object.keys(await probeFiles(ws)).sort()).toEqual([
      'qa_probes/test_edges.py',
      'qa_probes/test_more.py',
    ]);
  });
});

describe("a step's baseline", () => {
  it('is taken once, when the step first asks, and kept through later rounds', async () => {
    const ws = await workspace();
    const scope = { tenantId: 't', taskId: `task-${Math.random()}`, stepId: 'implement' };
    const first = await stepBaseline(ws, scope);
    await ws.write('slugify.py', 'changed\n');
    expect(await stepBaseline(ws, scope)).toEqual(first);
    expect(first['slugify.py']).toBe('def slugify(s): ...\n');
  });
});
