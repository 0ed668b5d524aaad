import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  assertTransition,
  type CreateTaskInput,
  EmployeeProfile,
  isTerminal,
  MAX_TASK_NOTES,
  type NewTaskEvent,
  Plan,
  StepResult,
  Task,
  TaskEvent,
  type TaskFailure,
  type TaskStatus,
  Tenant,
  type TokenTotals,
  UsageRecord,
} from '../domain';
import { ConcurrentUpdate, InvalidInput, NotFound } from '../errors';
import { putEventWhileOpen, reopenEventLog } from './event-log';
import { newTaskId, newUlid } from './ids';
import { keys, stripKeys } from './keys';
import { TTL_ATTRIBUTE } from './table';
import { type TransactWriteItem, transactWithRetry } from './transact';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** The plan and, once a person approved it, when (a plan saved again is unapproved). */
export interface PlanRecord {
  plan: Plan;
  approvedAt?: string;
}

/** What a step state reads before it runs: the task, its plan (once made) and its step results. */
export interface TaskRun {
  task: Task;
  plan?: PlanRecord;
  results: StepResult[];
}

export interface Page<T> {
  items: T[];
  /** Pass back as `after` / `cursor` to get the next page; absent when this is the last page. */
  next?: string;
}

export interface TransitionOptions {
  /** The status the caller believes the task is in; the write is conditional on it. */
  from?: TaskStatus;
  reason?: string;
  failure?: TaskFailure;
  summary?: string;
}

/**
 * A piece of an employee's streamed model text. Transient: kept about an hour
 * (the table's TTL), outside the permanent event log, for clients that follow a
 * task live; the `message` event stays the record of what was said.
 */
export interface TaskDelta {
  id: string;
  at: string;
  taskId: string;
  stepId?: string;
  employee: string;
  text: string;
}

/** How long a delta item lives before the table's TTL removes it. */
export const DELTA_TTL_SECONDS = 60 * 60;

const TOTAL_FIELDS = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'costMicroUsd'] as const;

function isConditionFailure(e: unknown): boolean {
  if ((e as Error)?.name === 'ConditionalCheckFailedException') return true;
  if (e instanceof TransactionCanceledException) {
    return (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
  }
  return false;
}

/**
 * The single-table store. Every method takes the tenant first; every key it
 * builds is tenant-prefixed (see keys.ts and README.md for the access patterns).
 */
export class Store {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  private iso(): string {
    return this.clock.now().toISOString();
  }

  // ---- tenants ---------------------------------------------------------

  async putTenant(tenant: Omit<Tenant, 'createdAt'> & { createdAt?: string }): Promise<Tenant> {
    const value = Tenant.parse({ createdAt: this.iso(), ...tenant });
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.tenant(value.id), entity: 'tenant', ...value },
      }),
    );
    return value;
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.tenant(tenantId) }),
    );
    return out.Item ? Tenant.parse(stripKeys(out.Item)) : undefined;
  }

  // ---- employees -------------------------------------------------------

  async putEmployee(tenantId: string, profile: EmployeeProfile): Promise<EmployeeProfile> {
    const value = EmployeeProfile.parse(profile);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.employee(tenantId, value.id),
          entity: 'employee',
          tenantId,
          ...value,
          updatedAt: this.iso(),
        },
      }),
    );
    return value;
  }

  /** The tenant's own employee profiles (built-in ones live in code, see shared/agents). */
  async listEmployees(tenantId: string): Promise<EmployeeProfile[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)',
        ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).PK, ':e': 'EMP#' },
      }),
    );
    return (out.Items ?? []).map((i) => {
      const { tenantId: _t, updatedAt: _u, ...rest } = stripKeys(i);
      return EmployeeProfile.parse(rest);
    });
  }

  // ---- tasks -----------------------------------------------------------

  async createTask(
    tenantId: string,
    input: CreateTaskInput & { preference: Task['preference'] },
  ): Promise<Task> {
    const now = this.clock.now();
    const at = now.toISOString();
    const id = newTaskId(now.getTime());
    const task = Task.parse({
      tenantId,
      id,
      title: input.title ?? deriveTitle(input.prompt),
      prompt: input.prompt,
      status: 'queued',
      preference: input.preference,
      requireApproval: input.requireApproval ?? false,
      ...(input.budgetUsd ? { budgetMicroUsd: Math.round(input.budgetUsd * 1_000_000) } : {}),
      stepCount: 0,
      stepsDone: 0,
      totals: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costMicroUsd: 0 },
      createdAt: at,
      updatedAt: at,
    });
    const event = this.eventItem(tenantId, id, {
      type: 'task_created',
      prompt: task.prompt,
      title: task.title,
    });
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: this.taskItem(task),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: event.item,
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
    return task;
  }

  private taskItem(task: Task): Record<string, unknown> {
    const { totals, ...rest } = task;
    return {
      ...keys.task(task.tenantId, task.id),
      ...keys.taskListing(task.tenantId, task.id),
      ...(isTerminal(task.status) ? {} : keys.activeTask(task.tenantId, task.id)),
      entity: 'task',
      ...rest,
      ...totals,
    };
  }

  private parseTask(item: Record<string, unknown>): Task {
    const raw = stripKeys(item);
    const totals: Record<string, unknown> = {};
    for (const f of TOTAL_FIELDS) {
      totals[f] = raw[f] ?? 0;
      delete raw[f];
    }
    return Task.parse({ ...raw, totals });
  }

  async findTask(tenantId: string, taskId: string): Promise<Task | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.task(tenantId, taskId), ConsistentRead: true }),
    );
    return out.Item ? this.parseTask(out.Item) : undefined;
  }

  async getTask(tenantId: string, taskId: string): Promise<Task> {
    const task = await this.findTask(tenantId, taskId);
    if (!task) throw new NotFound('task', taskId);
    return task;
  }

  /** Newest first. */
  async listTasks(tenantId: string, opts: { limit?: number; cursor?: string } = {}): Promise<Page<Task>> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.tasksOfTenant(tenantId) },
      ScanIndexForward: false,
      Limit: opts.limit ?? 50,
    };
    if (opts.cursor) {
      input.ExclusiveStartKey = {
        ...keys.task(tenantId, opts.cursor),
        ...keys.taskListing(tenantId, opts.cursor),
      };
    }
    const out = await this.doc.send(new QueryCommand(input));
    const items = (out.Items ?? []).map((i) => this.parseTask(i));
    const last = items.at(-1);
    return { items, ...(out.LastEvaluatedKey && last ? { next: last.id } : {}) };
  }

  /**
   * Moves a task to `to` with one conditional write that also appends the
   * status_changed event. Illegal transitions are refused before writing; of
   * two concurrent writers from the same status exactly one wins, and the
   * other gets ConcurrentUpdate.
   */
  async transitionTask(
    tenantId: string,
    taskId: string,
    to: TaskStatus,
    opts: TransitionOptions = {},
  ): Promise<Task> {
    const current = opts.from ? undefined : await this.getTask(tenantId, taskId);
    const from = opts.from ?? current!.status;
    assertTransition(taskId, from, to);
    const at = this.iso();
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':from': from, ':to': to, ':at': at };
    const sets = ['#status = :to', '#updatedAt = :at'];
    const removes: string[] = [];
    if (isTerminal(to)) {
      sets.push('finishedAt = :at');
      removes.push('GSI2PK', 'GSI2SK');
    } else if (isTerminal(from)) {
      // A resumed task is active again: back in the recovery index, its old ending cleared.
      const active = keys.activeTask(tenantId, taskId);
      sets.push('GSI2PK = :gsi2pk', 'GSI2SK = :gsi2sk');
      values[':gsi2pk'] = active.GSI2PK;
      values[':gsi2sk'] = active.GSI2SK;
      removes.push('finishedAt', 'failure');
    }
    if (opts.failure) {
      sets.push('failure = :failure');
      values[':failure'] = opts.failure;
    }
    if (opts.summary !== undefined) {
      sets.push('summary = :summary');
      values[':summary'] = opts.summary;
    }
    const event = this.eventItem(tenantId, taskId, {
      type: 'status_changed',
      from,
      to,
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.task(tenantId, taskId),
                UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
                ConditionExpression: 'attribute_exists(PK) AND #status = :from',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: event.item,
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            ...(isTerminal(from) && !isTerminal(to)
              ? [reopenEventLog(this.tableName, tenantId, taskId)]
              : []),
          ],
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const now = await this.findTask(tenantId, taskId);
      if (!now) throw new NotFound('task', taskId);
      throw new ConcurrentUpdate(`Task ${taskId} status (now '${now.status}')`, `'${from}'`);
    }
    return this.getTask(tenantId, taskId);
  }

  /** Sets bookkeeping fields that are not part of the lifecycle. */
  async updateTask(
    tenantId: string,
    taskId: string,
    patch: Partial<Pick<Task, 'stepCount' | 'stepsDone' | 'executionId' | 'title' | 'summary'>>,
  ): Promise<void> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':at': this.iso() };
    const sets = ['#updatedAt = :at'];
    for (const [k, v] of entries) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.task(tenantId, taskId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Raises stepsDone to `n` unless it already is at least `n`: parallel steps finish in any
   * order, and a writer that counted fewer never lowers a count another writer made.
   */
  async raiseStepsDone(tenantId: string, taskId: string, n: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.task(tenantId, taskId),
          UpdateExpression: 'SET stepsDone = :n, #updatedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(stepsDone) OR stepsDone < :n)',
          ExpressionAttributeNames: { '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':n': n, ':at': this.iso() },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      if (!(await this.findTask(tenantId, taskId))) throw new NotFound('task', taskId);
    }
  }

  /**
   * Appends a person's note to the task, atomically (two notes at once both land), with its
   * `note_added` event. A task keeps at most MAX_TASK_NOTES (the item must stay far below 400 KB).
   */
  async addTaskNote(tenantId: string, taskId: string, text: string): Promise<void> {
    const at = this.iso();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.task(tenantId, taskId),
          UpdateExpression: 'SET #notes = list_append(if_not_exists(#notes, :none), :note), #updatedAt = :at',
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(#notes) OR size(#notes) < :max)',
          ExpressionAttributeNames: { '#notes': 'notes', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: {
            ':none': [],
            ':note': [{ at, text }],
            ':at': at,
            ':max': MAX_TASK_NOTES,
          },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      if (!(await this.findTask(tenantId, taskId))) throw new NotFound('task', taskId);
      throw new InvalidInput(`Task ${taskId} already holds ${MAX_TASK_NOTES} notes; start a new task`, [
        { path: 'note', message: `at most ${MAX_TASK_NOTES} notes per task` },
      ]);
    }
    await this.appendEvent(tenantId, taskId, { type: 'note_added', text });
  }

  /** Tasks in a non-terminal status, across tenants: what a restarted host must look at. */
  async listActiveTasks(): Promise<Task[]> {
    const tasks: Task[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :a',
          ExpressionAttributeValues: { ':a': 'ACTIVE' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of out.Items ?? []) tasks.push(this.parseTask(i));
      start = out.LastEvaluatedKey;
    } while (start);
    return tasks;
  }

  // ---- events ----------------------------------------------------------

  private eventItem(tenantId: string, taskId: string, event: NewTaskEvent) {
    const now = this.clock.now();
    const id = newUlid(now.getTime());
    const value = TaskEvent.parse({ ...event, id, at: now.toISOString(), tenantId, taskId });
    return { value, item: { ...keys.event(tenantId, taskId, id), entity: 'event', ...value } };
  }

  /** Appends an event; the log is append-only (a put never overwrites). */
  async appendEvent(tenantId: string, taskId: string, event: NewTaskEvent): Promise<TaskEvent> {
    const { value, item } = this.eventItem(tenantId, taskId, event);
    // Refused (TaskLogClosed) once task_finished is written: see event-log.ts.
    await putEventWhileOpen(this.doc, this.tableName, value, item);
    return value;
  }

  /** Events in ULID order, strictly after the `after` cursor. */
  async listEvents(
    tenantId: string,
    taskId: string,
    opts: { after?: string; limit?: number } = {},
  ): Promise<Page<TaskEvent>> {
    const { PK } = keys.task(tenantId, taskId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ev)',
        ExpressionAttributeValues: { ':pk': PK, ':ev': 'EV#' },
        ConsistentRead: true,
        Limit: opts.limit ?? 100,
        ...(opts.after ? { ExclusiveStartKey: keys.event(tenantId, taskId, opts.after) } : {}),
      }),
    );
    const items = (out.Items ?? []).map((i) => TaskEvent.parse(stripKeys(i)));
    const last = items.at(-1);
    return { items, ...(out.LastEvaluatedKey && last ? { next: last.id } : {}) };
  }

  // ---- deltas (streamed text, transient) -------------------------------

  /** Writes one coalesced piece of streamed text; DynamoDB's TTL deletes it after DELTA_TTL_SECONDS. */
  async appendDelta(tenantId: string, delta: Omit<TaskDelta, 'id' | 'at'>): Promise<TaskDelta> {
    const now = this.clock.now();
    const id = newUlid(now.getTime());
    const value: TaskDelta = { id, at: now.toISOString(), ...delta };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.delta(tenantId, delta.taskId, id),
          entity: 'delta',
          ...value,
          [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + DELTA_TTL_SECONDS,
        },
      }),
    );
    return value;
  }

  /**
   * Deltas in ULID order, strictly after the `after` cursor. TTL deletion lags
   * expiry by up to days on AWS, so expired items are filtered out here.
   */
  async listDeltas(
    tenantId: string,
    taskId: string,
    opts: { after?: string; limit?: number } = {},
  ): Promise<Page<TaskDelta>> {
    const { PK } = keys.task(tenantId, taskId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :d)',
        FilterExpression: '#ttl > :now',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':pk': PK,
          ':d': 'DELTA#',
          ':now': Math.floor(this.clock.now().getTime() / 1000),
        },
        ConsistentRead: true,
        Limit: opts.limit ?? 200,
        ...(opts.after ? { ExclusiveStartKey: keys.delta(tenantId, taskId, opts.after) } : {}),
      }),
    );
    const items = (out.Items ?? []).map(
      (i): TaskDelta => ({
        id: String(i['id']),
        at: String(i['at']),
        taskId: String(i['taskId']),
        ...(typeof i['stepId'] === 'string' ? { stepId: i['stepId'] } : {}),
        employee: String(i['employee']),
        text: String(i['text']),
      }),
    );
    const lastKey = out.LastEvaluatedKey?.['SK'];
    // With a filter, a page can end on an expired item: the cursor is the last key read, not returned.
    const next = typeof lastKey === 'string' ? lastKey.slice('DELTA#'.length) : undefined;
    return { items, ...(next ? { next } : {}) };
  }

  // ---- plan and steps ----------------------------------------------------

  async savePlan(tenantId: string, taskId: string, plan: Plan): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.plan(tenantId, taskId), entity: 'plan', plan: Plan.parse(plan) },
      }),
    );
  }

  async getPlan(tenantId: string, taskId: string): Promise<Plan | undefined> {
    return (await this.getPlanRecord(tenantId, taskId))?.plan;
  }

  /** The plan and, once a person approved it, when (a plan saved again is unapproved). */
  async getPlanRecord(tenantId: string, taskId: string): Promise<PlanRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.plan(tenantId, taskId), ConsistentRead: true }),
    );
    return out.Item ? planRecord(out.Item) : undefined;
  }

  /** Records that the plan was approved; with `plan`, the approver's edit replaces the stored one. */
  async approvePlan(tenantId: string, taskId: string, plan?: Plan): Promise<void> {
    if (plan) {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.plan(tenantId, taskId),
            entity: 'plan',
            plan: Plan.parse(plan),
            approvedAt: this.iso(),
          },
        }),
      );
      return;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.plan(tenantId, taskId),
          UpdateExpression: 'SET approvedAt = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': this.iso() },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new NotFound('plan of task', taskId);
      throw e;
    }
  }

  /** The task token a run waits on while its plan awaits approval. */
  async saveApprovalRequest(
    tenantId: string,
    taskId: string,
    request: { token: string; estimateMicroUsd: number },
  ) {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.approval(tenantId, taskId), entity: 'approval', ...request, requestedAt: this.iso() },
      }),
    );
  }

  /**
   * Claims the approval request for one decision: a conditional write on the request, so of
   * concurrent deciders exactly one wins and the rest get ConcurrentUpdate. A new request
   * (the gate asking again) replaces the item and so clears the decision.
   */
  async claimApprovalRequest(
    tenantId: string,
    taskId: string,
    token: string,
    decision: 'approved' | 'rejected',
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.approval(tenantId, taskId),
          UpdateExpression: 'SET decision = :d, decidedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND #token = :token AND attribute_not_exists(decision)',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':d': decision, ':at': this.iso(), ':token': token },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      throw new ConcurrentUpdate(`The approval request of task ${taskId}`, 'no decision yet');
    }
  }

  async getApprovalRequest(
    tenantId: string,
    taskId: string,
  ): Promise<{ token: string; estimateMicroUsd: number; requestedAt: string } | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.approval(tenantId, taskId),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    return {
      token: String(out.Item['token']),
      estimateMicroUsd: Number(out.Item['estimateMicroUsd'] ?? 0),
      requestedAt: String(out.Item['requestedAt']),
    };
  }

  async saveStepResult(tenantId: string, taskId: string, result: StepResult): Promise<void> {
    const value = StepResult.parse(result);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.step(tenantId, taskId, value.stepId), entity: 'step', ...value },
      }),
    );
  }

  /**
   * The task, its plan and its step results in one strongly consistent Query (SK from `PLAN`
   * to `TASK` in the task's partition: nothing else sorts between them), where reading them
   * apart costs three round trips. This is what every step state reads first.
   */
  async getTaskRun(tenantId: string, taskId: string): Promise<TaskRun> {
    const { PK } = keys.task(tenantId, taskId);
    let task: Task | undefined;
    let plan: TaskRun['plan'];
    const results: StepResult[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :plan AND :task',
          ExpressionAttributeValues: { ':pk': PK, ':plan': 'PLAN', ':task': 'TASK' },
          ConsistentRead: true,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const sk = String(item['SK']);
        if (sk === 'TASK') task = this.parseTask(item);
        else if (sk === 'PLAN') plan = planRecord(item);
        else if (sk.startsWith('STEP#')) results.push(StepResult.parse(stripKeys(item)));
      }
      cursor = out.LastEvaluatedKey;
    } while (cursor);
    if (!task) throw new NotFound('task', taskId);
    return { task, ...(plan ? { plan } : {}), results };
  }

  async listStepResults(tenantId: string, taskId: string): Promise<StepResult[]> {
    const { PK } = keys.task(tenantId, taskId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)',
        ExpressionAttributeValues: { ':pk': PK, ':s': 'STEP#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => StepResult.parse(stripKeys(i)));
  }

  // ---- usage -------------------------------------------------------------

  /**
   * Records one model call: the usage record, the task's running totals and a
   * usage event, in one transaction so the totals always equal the records.
   */
  async recordUsage(
    record: Omit<UsageRecord, 'id' | 'at'>,
    /** Writes that must land with the record or not at all (the gateway's budget settlement). */
    alongside: TransactWriteItem[] = [],
  ): Promise<UsageRecord> {
    const now = this.clock.now();
    const id = newUlid(now.getTime());
    const value = UsageRecord.parse({ ...record, id, at: now.toISOString() });
    const month = value.at.slice(0, 7);
    const event = this.eventItem(value.tenantId, value.taskId, {
      type: 'usage',
      ...(value.stepId ? { stepId: value.stepId } : {}),
      employee: value.employeeId,
      provider: value.provider,
      model: value.model,
      inputTokens: value.inputTokens,
      outputTokens: value.outputTokens,
      cachedInputTokens: value.cachedInputTokens,
      costMicroUsd: value.costMicroUsd,
    });
    const totals: TokenTotals = value;
    await transactWithRetry(this.doc, {
      TransactItems: [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.usage(value.tenantId, value.taskId, id),
              ...keys.usageByMonth(value.tenantId, month, id),
              entity: 'usage',
              ...value,
            },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.task(value.tenantId, value.taskId),
            UpdateExpression: `ADD ${TOTAL_FIELDS.map((f) => `${f} :${f}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: Object.fromEntries(TOTAL_FIELDS.map((f) => [`:${f}`, totals[f]])),
          },
        },
        { Put: { TableName: this.tableName, Item: event.item } },
        ...alongside,
      ],
    });
    return value;
  }

  async listUsage(tenantId: string, taskId: string): Promise<UsageRecord[]> {
    const { PK } = keys.task(tenantId, taskId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :u)',
        ExpressionAttributeValues: { ':pk': PK, ':u': 'USAGE#' },
      }),
    );
    return (out.Items ?? []).map((i) => UsageRecord.parse(stripKeys(i)));
  }
}

function planRecord(item: Record<string, unknown>): PlanRecord {
  const approvedAt = item['approvedAt'];
  return { plan: Plan.parse(item['plan']), ...(typeof approvedAt === 'string' ? { approvedAt } : {}) };
}

function deriveTitle(prompt: string): string {
  const line = prompt.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
