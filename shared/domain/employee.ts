import * as z from '../zod';

export const EmployeeId = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be lowercase, start with a letter'));

export const EmployeeProfile = z.object({
  id: EmployeeId,
  name: z.string().check(z.minLength(1)),
  rolePrompt: z.string().check(z.minLength(1)),
  allowedModels: z.array(z.string()).check(z.minLength(1)),
  defaultModel: z.string(),
  fallbacks: z._default(z.array(z.string()), []),
  tools: z._default(z.array(z.string()), []),
  maxIterations: z._default(z.int().check(z.positive(), z.maximum(100)), 8),
  maxTokensPerStep: z._default(z.int().check(z.positive()), 4096),
  temperature: z._default(z.number().check(z.minimum(0), z.maximum(2)), 0.2),
  /** Share of the task budget this employee may spend, 0..1. */
  budgetShare: z._default(z.number().check(z.minimum(0), z.maximum(1)), 1),
  /** Extra MCP servers mounted for this employee (Streamable HTTP); their tools still need listing in `tools`. */
  mcpServers: z._default(
    z.array(z.object({ name: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/)), url: z.url() })),
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
