/**
 * The tenant scope through the real doors, on DynamoDB Local: the API door acts for the
 * authorizer's tenant, a workflow state's door for its payload's, a socket route for its
 * `$connect` authorizer's and the live fan-out for each stream record's, so a request built with
 * another tenant's key is refused before it is sent, as IAM refuses the tenant session on AWS.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type Deps, deps, useDeps } from '@techteam/shared/deps';
import { apiGatewayConnections, liveDeps, type ServerMessage, useLiveDeps } from '@techteam/shared/live';
import { LiveSubscriptions, type Store, TenantScopeViolation } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as getTask } from './api/get-task';
import { handler as listTasks } from './api/list-tasks';
import { apiHandler } from './http';
import { handler as connect } from './live/connect';
import { handler as disconnect } from './live/disconnect';
import { handler as fanOut } from './live/fan-out';
import { handler as message } from './live/message';
import { type SocketEvent, socketDoor } from './live/socket-event';
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

describe("the live doors: a socket route acts for its $connect authorizer's tenant, the fan-out for each record's", () => {
  const management = mockClient(ApiGatewayManagementApiClient);
  let subscriptions: LiveSubscriptions;
  beforeAll(() => {
    subscriptions = new LiveSubscriptions(store.doc, store.tableName);
    useLiveDeps({
      store,
      subscriptions,
      connections: apiGatewayConnections(new ApiGatewayManagementApiClient({ region: 'us-east-1' })),
    });
  });
  afterAll(() => {
    useLiveDeps(undefined);
    management.restore();
  });
  beforeEach(() => management.reset());

  /** What API Gateway hands a socket route: the connection and the context its authorizer returned. */
  const socketEvent = (tenantId: string, connectionId: string, body?: unknown): SocketEvent => ({
    requestContext: { connectionId, routeKey: '$default', authorizer: { tenantId, scopes: 'tasks:read' } },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const posted = () =>
    management.commandCalls(PostToConnectionCommand).map((c) => ({
      to: c.args[0].input.ConnectionId,
      message: JSON.parse(String(c.args[0].input.Data)) as ServerMessage,
    }));
  /** A partition's items as the table's stream carries them. */
  async function records(pk: string, prefix: string) {
    const out = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
      }),
    );
    return (out.Items ?? []).map((item) => ({
      eventName: 'INSERT',
      dynamodb: {
        Keys: marshall({ PK: item['PK'], SK: item['SK'] }),
        NewImage: marshall(item, { removeUndefinedValues: true }),
      },
    }));
  }
  const taskPk = (tenantId: string, taskId: string) => `T#${tenantId}#TASK#${taskId}`;
  /** A connection of `tenantId` subscribed to its task, its (empty) backlog sent and marked ready. */
  async function readySubscriber(tenantId: string, connectionId: string, taskId: string) {
    await connect(socketEvent(tenantId, connectionId));
    await message(socketEvent(tenantId, connectionId, { action: 'subscribe', topic: 'task', taskId }));
    await fanOut({ Records: await records(taskPk(tenantId, taskId), `LIVE#SUB#${connectionId}`) });
  }

  it("takes no tenant from a client frame: one naming a tenant is refused, and B's task reads as unknown to A's connection", async () => {
    await connect(socketEvent('acme', 'a-frame'));
    const subscribe = { action: 'subscribe', topic: 'task', taskId: globexTask };
    await message(socketEvent('acme', 'a-frame', { ...subscribe, tenantId: 'globex' }));
    await message(socketEvent('acme', 'a-frame', subscribe));
    expect(posted()).toEqual([
      {
        to: 'a-frame',
        message: expect.objectContaining({
          type: 'error',
          code: 'InvalidMessage',
          message: expect.stringContaining('tenantId'),
        }),
      },
      { to: 'a-frame', message: expect.objectContaining({ type: 'error', code: 'NotFound' }) },
    ]);
    expect(await subscriptions.subscribersOf('globex', { topic: 'task', taskId: globexTask })).toEqual([]);
    expect(await subscriptions.connectionItems('acme', 'a-frame')).toHaveLength(1);
  });

  it("refuses a socket route's write into B's partition with TenantScopeViolation, and writes nothing", async () => {
    // A route with the bug IAM exists for: it keys the connection with a tenant that is not the authorizer's.
    const confused = socketDoor((_tenantId, event) =>
      liveDeps().subscriptions.putConnection('globex', event.requestContext.connectionId),
    );
    await expect(confused(socketEvent('acme', 'a-confused'))).rejects.toBeInstanceOf(TenantScopeViolation);
    expect(await subscriptions.connectionItems('globex', 'a-confused')).toEqual([]);
  });

  it("refuses a fan-out record under A's partition whose image names B's task: B's subscriber is sent nothing", async () => {
    await readySubscriber('globex', 'g-watch', globexTask);
    const secret = await store.appendEvent('globex', globexTask, {
      type: 'note_added',
      text: 'Globex secret',
    });
    const [genuine] = (await records(taskPk('globex', globexTask), 'EV#')).filter((r) =>
      JSON.stringify(r).includes(secret.id),
    );
    // The same event image, keyed under acme's task: a write acme's code should never make.
    const forged = {
      ...genuine!,
      dynamodb: {
        ...genuine!.dynamodb,
        Keys: marshall({ PK: taskPk('acme', acmeTask), SK: `EV#${secret.id}` }),
      },
    };
    management.reset();
    await expect(fanOut({ Records: [forged] })).rejects.toBeInstanceOf(TenantScopeViolation);
    expect(posted()).toEqual([]);
  });

  it("delivers a batch holding both tenants' events, each to its own tenant's subscribers only", async () => {
    await readySubscriber('acme', 'a-watch', acmeTask);
    await readySubscriber('globex', 'g-both', globexTask);
    const acmeEvent = await store.appendEvent('acme', acmeTask, { type: 'note_added', text: 'acme note' });
    const globexEvent = await store.appendEvent('globex', globexTask, {
      type: 'note_added',
      text: 'globex note',
    });
    const only = (tenantId: string, taskId: string, id: string) =>
      records(taskPk(tenantId, taskId), 'EV#').then((rs) => rs.filter((r) => JSON.stringify(r).includes(id)));
    management.reset();
    await fanOut({
      Records: [
        ...(await only('globex', globexTask, globexEvent.id)),
        ...(await only('acme', acmeTask, acmeEvent.id)),
      ],
    });
    const to = (id: string) =>
      posted()
        .filter((p) => p.to === id)
        .map((p) => p.message);
    expect(to('a-watch')).toEqual([{ type: 'event', taskId: acmeTask, event: acmeEvent }]);
    expect(to('g-both')).toEqual([{ type: 'event', taskId: globexTask, event: globexEvent }]);
    // g-watch (the test above) is subscribed to globex's task too, and gets globex's event only.
    expect(to('g-watch')).toEqual([{ type: 'event', taskId: globexTask, event: globexEvent }]);
  });

  it("lets $disconnect drop its own tenant's connection and subscriptions", async () => {
    await disconnect(socketEvent('acme', 'a-watch'));
    expect(await subscriptions.connectionItems('acme', 'a-watch')).toEqual([]);
    expect(await subscriptions.subscribersOf('acme', { topic: 'task', taskId: acmeTask })).toEqual([]);
    expect(
      (await subscriptions.subscribersOf('globex', { topic: 'task', taskId: globexTask })).map(
        (s) => s.connectionId,
      ),
    ).toEqual(['g-both', 'g-watch']);
  });
});
