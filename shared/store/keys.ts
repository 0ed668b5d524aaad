/**
 * Every key of the single table, in one file. Every partition key starts with
 * the tenant (`T#<tenant>`), so no query can reach across tenants by accident.
 * The one exception is GSI2's partition key, a sparse "active tasks" index the
 * host sweeps after a crash; its sort key is still tenant-prefixed.
 */
export const keys = {
  tenant: (tenantId: string) => ({ PK: `T#${tenantId}`, SK: 'TENANT' }),
  employee: (tenantId: string, employeeId: string) => ({ PK: `T#${tenantId}`, SK: `EMP#${employeeId}` }),
  task: (tenantId: string, taskId: string) => ({ PK: `T#${tenantId}#TASK#${taskId}`, SK: 'TASK' }),
  taskListing: (tenantId: string, taskId: string) => ({ GSI1PK: `T#${tenantId}#TASKS`, GSI1SK: taskId }),
  tasksOfTenant: (tenantId: string) => `T#${tenantId}#TASKS`,
  activeTask: (tenantId: string, taskId: string) => ({
    GSI2PK: 'ACTIVE',
    GSI2SK: `T#${tenantId}#TASK#${taskId}`,
  }),
  plan: (tenantId: string, taskId: string) => ({ PK: `T#${tenantId}#TASK#${taskId}`, SK: 'PLAN' }),
  approval: (tenantId: string, taskId: string) => ({ PK: `T#${tenantId}#TASK#${taskId}`, SK: 'APPROVAL' }),
  step: (tenantId: string, taskId: string, stepId: string) => ({
    PK: `T#${tenantId}#TASK#${taskId}`,
    SK: `STEP#${stepId}`,
  }),
  event: (tenantId: string, taskId: string, eventId: string) => ({
    PK: `T#${tenantId}#TASK#${taskId}`,
    SK: `EV#${eventId}`,
  }),
  /** Streamed model text: transient (TTL), beside the event log but never in it. */
  delta: (tenantId: string, taskId: string, deltaId: string) => ({
    PK: `T#${tenantId}#TASK#${taskId}`,
    SK: `DELTA#${deltaId}`,
  }),
  usage: (tenantId: string, taskId: string, usageId: string) => ({
    PK: `T#${tenantId}#TASK#${taskId}`,
    SK: `USAGE#${usageId}`,
  }),
  usageByMonth: (tenantId: string, month: string, usageId: string) => ({
    GSI1PK: `T#${tenantId}#USAGE#${month}`,
    GSI1SK: usageId,
  }),
  /** A task's budget, and each employee's share of it, live in the task's partition. */
  taskBudget: (tenantId: string, taskId: string) => ({
    PK: `T#${tenantId}#TASK#${taskId}`,
    SK: 'BUDGET#TASK',
  }),
  employeeBudget: (tenantId: string, taskId: string, employeeId: string) => ({
    PK: `T#${tenantId}#TASK#${taskId}`,
    SK: `BUDGET#EMP#${employeeId}`,
  }),
  tenantBudget: (tenantId: string, month: string) => ({ PK: `T#${tenantId}`, SK: `BUDGET#${month}` }),
  /** A step's checkpoint (head: the current version) and its parts; `CKPT#` sorts before `PLAN`, outside getTaskRun's range. */
  checkpoint: (tenantId: string, taskId: string, scope: string) => ({
    PK: `T#${tenantId}#TASK#${taskId}`,
    SK: `CKPT#${scope}`,
  }),
  checkpointPart: (tenantId: string, taskId: string, scope: string, version: string, part: number) => ({
    PK: `T#${tenantId}#TASK#${taskId}`,
    SK: `CKPT#${scope}#${version}#${String(part).padStart(3, '0')}`,
  }),
  /** A tenant's catalog additions and overrides. */
  tenantModel: (tenantId: string, modelId: string) => ({ PK: `T#${tenantId}`, SK: `MODEL#${modelId}` }),
  /** How many of the tenant's tasks have not ended: the running-task cap's counter (running-task-count.ts). */
  runningTasks: (tenantId: string) => ({ PK: `T#${tenantId}`, SK: 'RUNNING_TASKS' }),
} as const;

export const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'] as const;

/** Removes the table's key attributes from an item before it is parsed as a domain object. */
export function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  delete copy['entity'];
  delete copy['expiresAt'];
  return copy;
}
