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
});
export type EmployeeProfile = z.infer<typeof EmployeeProfile>;
