import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalWorkspace } from '../../workspace';
import { stepBaseline } from './step-workspace';

// QA's scratch folder rules (Dev never sees it, QA writes only there) are the tools' and are
// tested through them in shared/agents/tools.int.test.ts.

describe("a step's baseline", () => {
  it('is taken once, when the step first asks, and kept through later rounds and restarts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'step-ws-'));
    const ws = new LocalWorkspace(root);
    await ws.write('slugify.py', 'def slugify(s): ...\n');
    const first = await stepBaseline(ws, 'implement');
    await ws.write('slugify.py', 'changed\n');
    expect(await stepBaseline(ws, 'implement')).toEqual(first);
    expect(first['slugify.py']).toBe('def slugify(s): ...\n');
    // Another process (a resumed host, the next Lambda) finds the same snapshot.
    expect(await stepBaseline(new LocalWorkspace(root), 'implement')).toEqual(first);
    expect(await stepBaseline(ws, 'other-step')).toEqual({ 'slugify.py': 'changed\n' });
  });
});
