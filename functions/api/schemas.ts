/**
 * The inputs of the API's routes that no `shared/` module owns: paths, queries and small bodies.
 * The handlers validate with these, and the OpenAPI document (../openapi.ts) is generated from
 * the same schemas, so the description cannot drift from what is enforced.
 */
import { EmployeeId, TaskId, TaskNote, usdAmount } from '@techteam/shared/domain';
import { ARCHIVE_FORMATS } from '@techteam/shared/files';
import * as z from '@techteam/shared/zod';

export const TaskPath = z.object({ id: TaskId });
export const EmployeePath = z.object({ id: EmployeeId });
export const FilePath = z.object({ id: TaskId, path: z.string() });

const month = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-11'));
export const MonthQuery = z.object({ month: z.optional(month) });

export const ListTasksQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(TaskId),
});

const Ulid = z
  .string()
  .check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id from an earlier answer (a ULID)'));
export const ListEventsQuery = z.object({
  after: z.optional(Ulid),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 100),
  deltas: z._default(z.enum(['true', 'false']), 'false'),
  deltasAfter: z.optional(Ulid),
});

export const ArchiveQuery = z.object({ format: z._default(z.enum(ARCHIVE_FORMATS), 'zip') });

export const ApproveBody = z.strictObject({
  plan: z.optional(z.unknown()),
  note: z.optional(z.string().check(z.maxLength(2000))),
});
export const RejectBody = z.strictObject({ note: z.optional(z.string().check(z.maxLength(2000))) });
export const ResumeBody = z.strictObject({
  /** Raise the task's budget first: the way on after a task failed with BudgetExceeded. */
  budgetUsd: z.optional(usdAmount(10_000)),
  /** A person's guidance to the team, shown to every employee from now on (at most 4000 characters). */
  note: z.optional(TaskNote),
});

export const AddDocumentBody = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
  content: z.string().check(z.minLength(1)),
});

export const CheckoutBody = z.strictObject({ plan: z.string() });
export const OverageBody = z.strictObject({
  /** USD the tenant allows beyond the plan's monthly credit (0: none). */
  overageCapUsd: z
    .number()
    .check(z.nonnegative('must be 0 or more'), z.maximum(1_000_000, 'must be at most 1000000')),
});
