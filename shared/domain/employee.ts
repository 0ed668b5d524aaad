import * as z from '../zod';
import { McpServerUrl } from './mcp-server-url';
import { MEMORY_EMPLOYEE } from './usage-notes';

/** Not an employee: the usage records of team memory's own embeddings (usage-notes.ts). */
const RESERVED_EMPLOYEE_IDS = new Set([MEMORY_EMPLOYEE]);

export const EmployeeId = z.string().check(
  z.regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be lowercase, start with a letter'),
  z.refine((id) => !RESERVED_EMPLOYEE_IDS.has(id), 'is reserved for team memory’s usage; pick another id'),
);

/**
 * Caps on a profile's free text and lists. A profile is one DynamoDB item (at most 400 KB); at
 * these caps the worst case (4 bytes per character) is about 270 KB, so it always fits with room.
 */
export const EMPLOYEE_LIMITS = {
  nameChars: 100,
  rolePromptChars: 32_000,
  listEntries: 50,
  entryChars: 200,
  mcpServers: 10,
} as const;
const L = EMPLOYEE_LIMITS;

const capped = (max: number) =>
  z
    .string()
    .check(z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));
const cappedList = (max: number) =>
  z.array(capped(L.entryChars)).check(z.maxLength(max, `must have at most ${max} entries`));

export const EmployeeProfile = z.object({
  id: EmployeeId,
  name: capped(L.nameChars),
  rolePrompt: capped(L.rolePromptChars),
  allowedModels: cappedList(L.listEntries).check(z.minLength(1, 'must name at least one model')),
  defaultModel: capped(L.entryChars),
  fallbacks: z._default(cappedList(L.listEntries), []),
  tools: z._default(cappedList(L.listEntries), []),
  maxIterations: z._default(z.int().check(z.positive(), z.maximum(100)), 8),
  maxTokensPerStep: z._default(z.int().check(z.positive()), 4096),
  temperature: z._default(z.number().check(z.minimum(0), z.maximum(2)), 0.2),
  /** Share of the task budget this employee may spend, 0..1. */
  budgetShare: z._default(z.number().check(z.minimum(0), z.maximum(1)), 1),
  /** Extra MCP servers mounted for this employee (Streamable HTTP); their tools still need listing in `tools`. */
  mcpServers: z._default(
    z
      .array(z.object({ name: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/)), url: McpServerUrl }))
      .check(z.maxLength(L.mcpServers, `must have at most ${L.mcpServers} entries`)),
    [],
  ),
});

/** The body of `PUT /v1/employees/{id}`: a profile without its id. */
export const EmployeeProfileInput = z.strictObject(z.omit(EmployeeProfile, { id: true }).shape).check(
  z.refine((p) => p.allowedModels.includes(p.defaultModel), {
    message: 'defaultModel must be one of allowedModels',
    path: ['defaultModel'],
  }),
  z.refine((p) => p.fallbacks.every((f) => p.allowedModels.includes(f)), {
    message: 'every fallback must be one of allowedModels',
    path: ['fallbacks'],
  }),
);
export type EmployeeProfile = z.infer<typeof EmployeeProfile>;
