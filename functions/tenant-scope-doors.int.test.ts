/**
 * The tenant scope through the real doors, on DynamoDB Local: the API door acts for the
 * authorizer's tenant and a workflow state's door for its payload's, so a request built with
 * another tenant's key is refused before it is sent, as IAM refuses the tenant session on AWS.
 */
import { type Deps, deps, useDeps } from '@techteam/shared/deps';
import { type Store, TenantScopeViolation } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as getTask } from './api/get-task';
import { handler as listTasks } from './api/list-tasks';
import { apiHandler } from './http';
import { callDoor, doorContext, doorEvent } from './testing/door-event';
import { taskState } from './workflow/task-state';

let store: Store;
let acmeTask: string;
let globexTask: string;
beforeAll(async () => {
  store = await freshStore();
  useDeps({ store } as unknown as Deps);
  acmeTask = (await store.createTask('acme', { prompt: 'Acme work', preference: 'balanced' })).id;
  globexTask = (await store.createTask('globex', { prompt: 'Globex secret', preference: 'balanced' })).id;
});
afterAll(() => useDeps(undefined));

const body = (res: { body?: string }) => JSON.parse(res.body!);

describe('an API door acting for tenant A', () => {
  it("serves A's own task and list through the real GetTask and ListTasks doors", async () => {
    const own = await callDoor(getTask, doorEvent('GetTask', { tenantId: 'acme', path: { id: acmeTask } }));
    expect(own.statusCode).toBe(200);
    expect(body(own).task.id).toBe(acmeTask);
    const list = await callDoor(listTasks, doorEvent('ListTasks', { tenantId: 'acme' }));
    expect(body(list).tasks.map((t: { id: string }) => t.id)).toEqual([acmeTask]);
  });

  it("answers 403 when its handler builds tenant B's key, sends nothing, and never names B to the caller", async () => {
    // A handler with the bug IAM exists for: it reads with a tenant id that is not the caller's.
    const confused = apiHandler(async () => ({
      status: 200,
      body: await deps().store.getTask('globex', globexTask),
    }));
    const res = await callDoor(
      confused,
      doorEvent('GetTask', { tenantId: 'acme', path: { id: globexTask } }),
    );
    expect(res.statusCode).toBe(403);
    expect(body(res).error).toMatchObject({ code: 'TenantScopeViolation', details: { actingFor: 'acme' } });
    expect(res.body).not.toContain('globex');
    expect(res.body).not.toContain('Globex secret');
  });

  it("refuses a write into tenant B's partition: B's task is left as it was", async () => {
    const confused = apiHandler(async () => {
      await deps().store.addTaskNote('globex', globexTask, 'written by acme');
      return { status: 204, body: null };
    });
    const res = await callDoor(
      confused,
      doorEvent('GetTask', { tenantId: 'acme', path: { id: globexTask } }),
    );
    expect(res.statusCode).toBe(403);
    const events = await store.listEvents('globex', globexTask);
    expect(JSON.stringify(events)).not.toContain('written by acme');
  });
});

describe('a workflow state door acting for its payload tenant', () => {
  it("refuses the state's read of another tenant's task, failing the state with TenantScopeViolation", async () => {
    const state = taskState('Probe', async (input: { taskId: string }) =>
      deps().store.getTask('globex', input.taskId),
    );
    await expect(
      state({ tenantId: 'acme', taskId: globexTask } as never, doorContext as never),
    ).rejects.toBeInstanceOf(TenantScopeViolation);
  });

  it("reads its own tenant's task through the same door", async () => {
    const state = taskState('Probe', async (input: { tenantId: string; taskId: string }) =>
      deps().store.getTask(input.tenantId, input.taskId),
    );
    const task = await state({ tenantId: 'acme', taskId: acmeTask } as never, doorContext as never);
    expect((task as { id: string }).id).toBe(acmeTask);
  });
});
