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
import { usdToMicroUsd } from '../money';
import { Checkpoints } from './checkpoints';
import { eventLogGuard, reopenEventLog, TaskLogClosed } from './event-log';
import { type EventPayloadFiles, fitEvent } from './event-payloads';
import { newTaskId, newUlid, nextEventId } from './ids';
import { keys, stripKeys } from './keys';
import {
  admitRunningTask,
  RUNNING_COUNTED,
  RunningTaskCapReached,
  refusedByCap,
  releaseRunningTask,
} from './running-task-count';
import { TTL_ATTRIBUTE } from './table';
import { TOTAL_FIELDS, taskFromItem } from './task-item';
import { isConflictOnly, type TransactWriteItem, transactWithRetry } from './transact';

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
  /** Events recorded with the change, after its status_changed (e.g. task_finished): all land or none. */
  events?: NewTaskEvent[];
  /** The approval request claimed for this decision in the same write: of concurrent deciders one wins. */
  claim?: { token: string; decision: 'approved' | 'rejected' };
}

/**
 * A plan, as JSON, holds at most this many bytes: its item (with keys and `approvedAt`) must stay
 * under DynamoDB's 400 KB.
 */
export const MAX_PLAN_BYTES = 256 * 1024;

/** The task item's record of its event log: the last committed event id and how many were written. */
interface EventLogHead {
  lastEventId?: string;
  seq: number;
}

/** What a write changes on the task item besides the event log's head. */
interface TaskItemChange {
  sets?: string[];
  removes?: string[];
  adds?: string[];
  /** The caller's own condition (e.g. on the status), ANDed with the log head's. */
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** One transaction that appends events: the task item and other items written with them. */
interface EventCommit {
  events: NewTaskEvent[];
  task?: TaskItemChange;
  /** Items before the task item, and after the events: a caller reading CancellationReasons knows where. */
  before?: TransactWriteItem[];
  after?: TransactWriteItem[];
  /**
   * The log's closing guard (event-log.ts): 'guard' (default) refuses the write once
   * task_finished is written, and a task_finished closes it; 'reopen' opens it again (a
   * resume); 'unguarded' is for usage records, which are money and booked whatever the status.
   */
  log?: 'guard' | 'reopen' | 'unguarded';
}

/** Writers racing for the task's log head each retry with the new head; this bounds a pathological pile-up. */
const MAX_EVENT_COMMIT_ATTEMPTS = 200;
const HEAD_CACHE_LIMIT = 10_000;

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

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));

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
  /** Each task's event log head as this process last wrote or read it: a guess, checked by the write. */
  private readonly heads = new Map<string, EventLogHead>();
  private payloadFiles: EventPayloadFiles | undefined;

  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Steps' checkpoints (an employee's conversation between invocations), in parts: see checkpoints.ts. */
  get checkpoints(): Checkpoints {
    return new Checkpoints(this.doc, this.tableName);
  }

  /**
   * Where oversized event fields are kept whole (the task's files). Without it they are cut
   * to a preview, still recorded; set by the host that has the workspaces.
   */
  keepEventPayloadsIn(files: EventPayloadFiles): void {
    this.payloadFiles = files;
  }

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

  /**
   * Writes a new task, its first event and one more on the tenant's running-task counter, in one
   * transaction; with `runningTaskCap`, refused (RunningTaskCapReached, nothing written) when the
   * tenant already has that many tasks not ended (running-task-count.ts).
   */
  async createTask(
    tenantId: string,
    input: CreateTaskInput & { preference: Task['preference'] },
    opts: { runningTaskCap?: number } = {},
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
      ...(input.budgetUsd ? { budgetMicroUsd: usdToMicroUsd(input.budgetUsd) } : {}),
      ...(input.team ? { team: input.team } : {}),
      stepCount: 0,
      stepsDone: 0,
      totals: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costMicroUsd: 0 },
      createdAt: at,
      updatedAt: at,
    });
    const eventId = newUlid(now.getTime());
    const event = TaskEvent.parse({
      ...(await this.fit(tenantId, id, {
        type: 'task_created',
        prompt: task.prompt,
        title: task.title,
        ...(task.team ? { team: task.team } : {}),
      })),
      id: eventId,
      seq: 1,
      at,
      tenantId,
      taskId: id,
    });
    try {
      // Concurrent creates of one tenant meet on its counter item: a conflict is retried, a
      // refused condition is the cap.
      await transactWithRetry(this.doc, {
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...this.taskItem(task), lastEventId: eventId, eventSeq: 1 },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.event(tenantId, id, eventId), entity: 'event', ...event },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          admitRunningTask(this.tableName, tenantId, opts.runningTaskCap),
        ],
      });
    } catch (e) {
      if (opts.runningTaskCap !== undefined && refusedByCap(e, 2))
        throw new RunningTaskCapReached(opts.runningTaskCap);
      throw e;
    }
    this.rememberHead(tenantId, id, { lastEventId: eventId, seq: 1 });
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
      // Created with the running-task counter's +1 (see running-task-count.ts): its ending takes one away.
      ...(isTerminal(task.status) ? {} : { [RUNNING_COUNTED]: true }),
    };
  }

  private parseTask(item: Record<string, unknown>): Task {
    return taskFromItem(item);
  }

  private async taskItemNow(tenantId: string, taskId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.task(tenantId, taskId), ConsistentRead: true }),
    );
    return out.Item;
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
   * status_changed event, and `opts.events` after it (and claims the approval
   * request, with `opts.claim`): all of it lands or none. Illegal transitions are
   * refused before writing; of two concurrent writers from the same status exactly
   * one wins, and the other gets ConcurrentUpdate.
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
    const statusChanged: NewTaskEvent = {
      type: 'status_changed',
      from,
      to,
      ...(opts.reason ? { reason: opts.reason } : {}),
    };
    const ends = isTerminal(to) && !isTerminal(from);
    const resumes = isTerminal(from) && !isTerminal(to);
    if (resumes) sets.push(`${RUNNING_COUNTED} = :counted`);
    const commit = (release: boolean) =>
      this.commitEvents(tenantId, taskId, {
        events: [statusChanged, ...(opts.events ?? [])],
        task: {
          sets,
          removes: ends ? [...removes, RUNNING_COUNTED] : removes,
          // Only a task the counter counted gives its place back: one created before the counter
          // existed (an older deploy) never took one, and releasing it would let the tenant past its cap.
          condition: release ? `#status = :from AND ${RUNNING_COUNTED} = :counted` : '#status = :from',
          names,
          values: release || resumes ? { ...values, ':counted': true } : values,
        },
        // A resume opens the finished log again, in the same write (see event-log.ts).
        ...(resumes ? { log: 'reopen' as const } : {}),
        ...(opts.claim ? { before: [this.claimItem(tenantId, taskId, opts.claim)] } : {}),
        // The running-task counter follows the task's ending and its resume, in the same write:
        // the status condition makes each land exactly once.
        ...(release
          ? { after: [releaseRunningTask(this.tableName, tenantId)] }
          : resumes
            ? { after: [admitRunningTask(this.tableName, tenantId)] }
            : {}),
      });
    try {
      try {
        await commit(ends);
      } catch (e) {
        if (!(ends && isConditionFailure(e))) throw e;
        const item = await this.taskItemNow(tenantId, taskId);
        // The status still matches, so the counter flag is what failed: a task from before the counter.
        if (!item || item['status'] !== from || item[RUNNING_COUNTED] === true) throw e;
        await commit(false);
      }
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const now = await this.findTask(tenantId, taskId);
      if (!now) throw new NotFound('task', taskId);
      if (now.status === from && opts.claim) {
        throw new ConcurrentUpdate(`The approval request of task ${taskId}`, 'no decision yet');
      }
      throw new ConcurrentUpdate(`Task ${taskId} status (now '${now.status}')`, `'${from}'`);
    }
    return this.getTask(tenantId, taskId);
  }

  /** How many of the tenant's tasks have not ended, as the running-task counter holds it. */
  async runningTaskCount(tenantId: string): Promise<number> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.runningTasks(tenantId), ConsistentRead: true }),
    );
    return Math.max(0, Number(out.Item?.['running'] ?? 0));
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
   * Appends a person's note to the task with its `note_added` event, in one write (two notes at
   * once both land). A task keeps at most MAX_TASK_NOTES (the item must stay far below 400 KB).
   */
  async addTaskNote(tenantId: string, taskId: string, text: string): Promise<void> {
    try {
      await this.commitEvents(tenantId, taskId, {
        task: {
          sets: ['#notes = list_append(if_not_exists(#notes, :none), :note)', '#updatedAt = :at'],
          condition: '(attribute_not_exists(#notes) OR size(#notes) < :max)',
          names: { '#notes': 'notes', '#updatedAt': 'updatedAt' },
          values: {
            ':none': [],
            ':note': [{ at: this.iso(), text }],
            ':at': this.iso(),
            ':max': MAX_TASK_NOTES,
          },
        },
        events: [{ type: 'note_added', text }],
      });
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      throw new InvalidInput(`Task ${taskId} already holds ${MAX_TASK_NOTES} notes; start a new task`, [
        { path: 'note', message: `at most ${MAX_TASK_NOTES} notes per task` },
      ]);
    }
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

  /** The event as it fits in its item: oversized fields moved to the task's files (event-payloads.ts). */
  private fit(tenantId: string, taskId: string, event: NewTaskEvent) {
    return fitEvent(event, newUlid(this.clock.now().getTime()), this.payloadFiles?.(tenantId, taskId));
  }

  private rememberHead(tenantId: string, taskId: string, head: EventLogHead): void {
    if (this.heads.size >= HEAD_CACHE_LIMIT) this.heads.clear();
    this.heads.set(keys.task(tenantId, taskId).PK, head);
  }

  private async readHead(tenantId: string, taskId: string): Promise<EventLogHead> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.task(tenantId, taskId),
        ConsistentRead: true,
        ProjectionExpression: 'lastEventId, eventSeq',
      }),
    );
    if (!out.Item) throw new NotFound('task', taskId);
    const last = out.Item['lastEventId'];
    const head = {
      ...(typeof last === 'string' ? { lastEventId: last } : {}),
      seq: Number(out.Item['eventSeq'] ?? 0),
    };
    this.rememberHead(tenantId, taskId, head);
    return head;
  }

  /**
   * Appends events in one transaction that also moves the task item's log head (`lastEventId`,
   * `eventSeq`) on, conditional on the head this writer read. So events commit one writer at a
   * time, each id greater than the last committed one, and a reader after a cursor never misses
   * an event that commits later. A writer that lost the head reads it again and retries; a
   * failure of any other condition (the caller's, or another item's) is thrown as it came.
   */
  private async commitEvents(tenantId: string, taskId: string, commit: EventCommit): Promise<TaskEvent[]> {
    const fitted = await Promise.all(commit.events.map((e) => this.fit(tenantId, taskId, e)));
    const before = commit.before ?? [];
    const change = commit.task ?? {};
    let head = this.heads.get(keys.task(tenantId, taskId).PK) ?? (await this.readHead(tenantId, taskId));
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now();
      const at = now.toISOString();
      const values: TaskEvent[] = [];
      let last = head.lastEventId;
      for (const event of fitted) {
        last = nextEventId(last, now.getTime());
        values.push(
          TaskEvent.parse({ ...event, id: last, seq: head.seq + values.length + 1, at, tenantId, taskId }),
        );
      }
      const next: EventLogHead = { ...(last ? { lastEventId: last } : {}), seq: head.seq + values.length };
      const sets = [...(change.sets ?? []), '#lastEventId = :lastEventId', '#eventSeq = :eventSeq'];
      const clauses = [
        `SET ${sets.join(', ')}`,
        change.adds?.length ? `ADD ${change.adds.join(', ')}` : '',
        change.removes?.length ? `REMOVE ${change.removes.join(', ')}` : '',
      ];
      const conditions = [
        'attribute_exists(PK)',
        head.lastEventId ? '#lastEventId = :headEventId' : 'attribute_not_exists(#lastEventId)',
        ...(change.condition ? [change.condition] : []),
      ];
      const logItems: TransactWriteItem[] =
        commit.log === 'unguarded'
          ? []
          : commit.log === 'reopen'
            ? [reopenEventLog(this.tableName, tenantId, taskId)]
            : [
                eventLogGuard(
                  this.tableName,
                  tenantId,
                  taskId,
                  values.find((v) => v.type === 'task_finished')?.id,
                ),
              ];
      const items: TransactWriteItem[] = [
        ...before,
        {
          Update: {
            TableName: this.tableName,
            Key: keys.task(tenantId, taskId),
            UpdateExpression: clauses.filter(Boolean).join(' '),
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: {
              ...change.names,
              '#lastEventId': 'lastEventId',
              '#eventSeq': 'eventSeq',
            },
            ExpressionAttributeValues: {
              ...change.values,
              ':lastEventId': next.lastEventId,
              ':eventSeq': next.seq,
              ...(head.lastEventId ? { ':headEventId': head.lastEventId } : {}),
            },
          },
        },
        ...values.map(
          (value): TransactWriteItem => ({
            Put: {
              TableName: this.tableName,
              Item: { ...keys.event(tenantId, taskId, value.id), entity: 'event', ...value },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          }),
        ),
        ...logItems,
        ...(commit.after ?? []),
      ];
      const guardIndex = before.length + 1 + values.length;
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        this.rememberHead(tenantId, taskId, next);
        return values;
      } catch (e) {
        if (
          logItems.length &&
          commit.log !== 'reopen' &&
          e instanceof TransactionCanceledException &&
          e.CancellationReasons?.[guardIndex]?.Code === 'ConditionalCheckFailed'
        )
          throw new TaskLogClosed(taskId, values.map((v) => v.type).join(', '));
        if (attempt >= MAX_EVENT_COMMIT_ATTEMPTS) throw e;
        if (isConflictOnly(e)) {
          await pause(attempt);
          continue;
        }
        const taskReason =
          e instanceof TransactionCanceledException ? e.CancellationReasons?.[before.length] : undefined;
        if (taskReason?.Code !== 'ConditionalCheckFailed') throw e;
        const fresh = await this.readHead(tenantId, taskId);
        // The head is where this writer saw it: the caller's own condition failed.
        if (fresh.lastEventId === head.lastEventId) throw e;
        head = fresh;
        if (attempt > 3) await pause(attempt);
      }
    }
  }

  /**
   * Appends an event; the log is append-only (a put never overwrites) and in commit order
   * (see commitEvents). NotFound for a task that does not exist.
   */
  async appendEvent(tenantId: string, taskId: string, event: NewTaskEvent): Promise<TaskEvent> {
    const [value] = await this.commitEvents(tenantId, taskId, { events: [event] });
    return value!;
  }

  /** Events in commit order (their ids are increasing ULIDs), strictly after the `after` cursor. */
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

  /**
   * A person's approval of the plan awaiting it, in one transaction: the approval request
   * claimed (of concurrent deciders one wins, the rest get ConcurrentUpdate), the plan marked
   * approved (replaced by the edit, if any, with the task's step count), and the
   * approval_decided event. If any of it fails nothing is written: the request stays undecided
   * and the task can still be approved or rejected.
   */
  async approveAwaitingPlan(
    tenantId: string,
    taskId: string,
    decision: { token: string; plan?: Plan; note?: string },
  ): Promise<void> {
    const at = this.iso();
    const planWrite: TransactWriteItem = decision.plan
      ? {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.plan(tenantId, taskId),
              entity: 'plan',
              plan: Plan.parse(decision.plan),
              approvedAt: at,
            },
          },
        }
      : {
          Update: {
            TableName: this.tableName,
            Key: keys.plan(tenantId, taskId),
            UpdateExpression: 'SET approvedAt = :at',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':at': at },
          },
        };
    try {
      await this.commitEvents(tenantId, taskId, {
        before: [
          this.claimItem(tenantId, taskId, { token: decision.token, decision: 'approved' }),
          planWrite,
        ],
        task: decision.plan
          ? { sets: ['stepCount = :stepCount'], values: { ':stepCount': decision.plan.steps.length } }
          : {},
        events: [
          {
            type: 'approval_decided',
            decision: 'approved',
            edited: decision.plan !== undefined,
            ...(decision.note ? { note: decision.note } : {}),
          },
        ],
      });
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      const [claim, plan] = e.CancellationReasons ?? [];
      if (claim?.Code === 'ConditionalCheckFailed') {
        throw new ConcurrentUpdate(`The approval request of task ${taskId}`, 'no decision yet');
      }
      if (plan?.Code === 'ConditionalCheckFailed') throw new NotFound('plan of task', taskId);
      throw e;
    }
  }

  /** The conditional claim of the approval request, as one item of a transaction. */
  private claimItem(
    tenantId: string,
    taskId: string,
    claim: { token: string; decision: 'approved' | 'rejected' },
  ): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.approval(tenantId, taskId),
        UpdateExpression: 'SET decision = :d, decidedAt = :at',
        ConditionExpression: 'attribute_exists(PK) AND #token = :token AND attribute_not_exists(decision)',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':d': claim.decision, ':at': this.iso(), ':token': claim.token },
      },
    };
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
    /** Events about the same call, appended in the same write (e.g. a budget overrun). */
    events: NewTaskEvent[] = [],
  ): Promise<UsageRecord> {
    const now = this.clock.now();
    const id = newUlid(now.getTime());
    const value = UsageRecord.parse({ ...record, id, at: now.toISOString() });
    const month = value.at.slice(0, 7);
    const event: NewTaskEvent = {
      type: 'usage',
      ...(value.stepId ? { stepId: value.stepId } : {}),
      employee: value.employeeId,
      provider: value.provider,
      model: value.model,
      inputTokens: value.inputTokens,
      outputTokens: value.outputTokens,
      cachedInputTokens: value.cachedInputTokens,
      costMicroUsd: value.costMicroUsd,
    };
    const totals: TokenTotals = value;
    // Item order as before the log head existed: the record, the task, the event, then `alongside`.
    await this.commitEvents(value.tenantId, value.taskId, {
      before: [
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
      ],
      task: {
        adds: TOTAL_FIELDS.map((f) => `${f} :${f}`),
        values: Object.fromEntries(TOTAL_FIELDS.map((f) => [`:${f}`, totals[f]])),
      },
      events: [event, ...events],
      after: alongside,
      // Money is booked whatever the task's status: a call billed before a cancel still counts.
      log: 'unguarded',
    });
    return value;
  }

  /**
   * Writes the usage record of a call that served no task (a document's ingestion): in the
   * partition its `taskId` names (`ingest-<documentId>`) and the month's usage index, with
   * `alongside` (the budget settlement) in the same transaction; no task item, no event log.
   */
  async recordTasklessUsage(
    record: Omit<UsageRecord, 'id' | 'at'>,
    alongside: TransactWriteItem[] = [],
  ): Promise<UsageRecord> {
    const now = this.clock.now();
    const id = newUlid(now.getTime());
    const value = UsageRecord.parse({ ...record, id, at: now.toISOString() });
    const Item = {
      ...keys.usage(value.tenantId, value.taskId, id),
      ...keys.usageByMonth(value.tenantId, value.at.slice(0, 7), id),
      entity: 'usage',
      ...value,
    };
    const put = { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' };
    if (alongside.length === 0) await this.doc.send(new PutCommand(put));
    else await transactWithRetry(this.doc, { TransactItems: [{ Put: put }, ...alongside] });
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
