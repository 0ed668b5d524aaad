import { z } from 'zod';

export const EmployeeId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be lowercase, start with a letter');

export const EmployeeProfile = z.object({
  id: EmployeeId,
  name: z.string().min(1),
  rolePrompt: z.string().min(1),
  allowedModels: z.array(z.string()).min(1),
  defaultModel: z.string(),
  fallbacks: z.array(z.string()).default([]),
  tools: z.array(z.string()).default([]),
  maxIterations: z.number().int().positive().max(100).default(8),
  maxTokensPerStep: z.number().int().positive().default(4096),
  temperature: z.number().min(0).max(2).default(0.2),
  /** Share of the task budget this employee may spend, 0..1. */
  budgetShare: z.number().min(0).max(1).default(1),
  /** Extra MCP servers mounted for this employee (Streamable HTTP); their tools still need listing in `tools`. */
  mcpServers: z
    .array(z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), url: z.url() }))
    .default([]),
});

/** The body of `PUT /v1/employees/{id}`: a profile without its id. */
export const EmployeeProfileInput = EmployeeProfile.omit({ id: true })
  .strict()
  .refine((p) => p.allowedModels.includes(p.defaultModel), {
    message: 'defaultModel must be one of allowedModels',
    path: ['defaultModel'],
  })
  .refine((p) => p.fallbacks.every((f) => p.allowedModels.includes(f)), {
    message: 'every fallback must be one of allowedModels',
    path: ['fallbacks'],
  });
export type EmployeeProfile = z.infer<typeof EmployeeProfile>;
