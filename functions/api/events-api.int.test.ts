import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Deps, useDeps } from '@techteam/shared/deps';
import type { Plan } from '@techteam/shared/domain';
import { MAX_PLAN_BYTES, type Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import type { WorkflowEngine } from '@techteam/shared/workflow';
import { LocalWorkspace } from '@techteam/shared/workspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callDoor, doorEvent } from '../testing/door-event';
import { handler as approve } from './approve-task';
import { handler as getFile } from './get-file';
import { handler as listEvents } from './list-events';

const PLAN: Plan = {
  summary: 'one step',
  steps: [
    {
      id: 'build',
      employee: 'dev',
      title: 'Build it',
      instructions: 'Write it.',
      dependsOn: [],
      acceptance: '',
    },
  ],
};

// The handlers as the local host serves them: its runtime (store on DynamoDB Local, task files in
// a folder, a workflow engine that records the approvals it is sent).
describe('the events and approval API', () => {
  let store: Store;
  const sent: unknown[] = [];
  beforeAll(async () => {
    store = await freshStore();
    const root = mkdtempSync(join(tmpdir(), 'events-api-'));
    const workspaceFor = (tenantId: string, taskId: string) =>
      new LocalWorkspace(join(root, tenantId, taskId));
    store.keepEventPayloadsIn(workspaceFor);
    const workflow: WorkflowEngine = {
      kind: 'local',
      start: async () => ({ executionId: 'e' }),
      resume: async () => ({ executionId: 'e' }),
      stop: async () => undefined,
      sendTaskSuccess: async (token, output) => void sent.push({ token, output }),
    };
    // The parts these handlers use; a whole runtime (with its gateway) is what workspaceDeps() keeps.
    useDeps({ store, workflow, workspaceFor, gateway: {} } as unknown as Deps);
  });
  afterAll(() => useDeps(undefined));

  it('answers an oversized edited plan with 400 naming the field and the limit; the task stays approvable', async () => {
    const task = await store.createTask('acme', {
      prompt: 'Parse CSV',
      preference: 'balanced',
      requireApproval: true,
    });
    await store.savePlan('acme', task.id, PLAN);
    await store.transitionTask('acme', task.id, 'planning');
    await store.transitionTask('acme', task.id, 'awaiting_approval', { from: 'planning' });
    await store.saveApprovalRequest('acme', task.id, { token: 'tok', estimateMicroUsd: 0 });
    const huge = { ...PLAN, steps: [{ ...PLAN.steps[0]!, instructions: 'x'.repeat(450_000) }] };

    const refused = await callDoor(
      approve,
      doorEvent('ApproveTask', { path: { id: task.id }, body: { plan: huge } }),
    );
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body!).error).toMatchObject({
      code: 'InvalidInput',
      details: {
        issues: [{ path: 'plan', message: expect.stringContaining(`at most ${MAX_PLAN_BYTES} bytes`) }],
      },
    });
    const approved = await callDoor(
      approve,
      doorEvent('ApproveTask', { path: { id: task.id }, body: { plan: PLAN } }),
    );
    expect(approved.statusCode).toBe(200);
    expect(sent).toEqual([{ token: 'tok', output: { decision: 'approved' } }]);
  });

  it('lists a 500 KB event with the reference to its payload, which the files API serves whole', async () => {
    const task = await store.createTask('acme', { prompt: 'Write a big file', preference: 'balanced' });
    const content = 'line of a large file\n'.repeat(25_000);
    await store.appendEvent('acme', task.id, {
      type: 'tool_call',
      employee: 'dev',
      callId: 'c1',
      tool: 'workspace.write',
      arguments: { path: 'big.txt', content },
    });
    const listed = await callDoor(listEvents, doorEvent('ListEvents', { path: { id: task.id } }));
    expect(listed.statusCode).toBe(200);
    const call1 = JSON.parse(listed.body!).events.find((e: { type: string }) => e.type === 'tool_call');
    expect(call1.payloads).toEqual([
      { field: 'arguments.content', bytes: Buffer.byteLength(content), file: expect.any(String) },
    ]);
    const file = await callDoor(
      getFile,
      doorEvent('GetFile', { path: { id: task.id, path: call1.payloads[0].file } }),
    );
    expect(file.statusCode).toBe(200);
    const body = file.isBase64Encoded ? Buffer.from(file.body!, 'base64').toString('utf8') : file.body;
    expect(body).toBe(content);
  });
});
