import { z } from 'zod';
import { ConfigInvalid } from '../errors';

const port = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, 'must be 1–65535')
  .max(65_535, 'must be 1–65535');

/**
 * Every configuration variable, validated once at start-up. Each is in the
 * README's configuration table; an invalid value stops start-up with a message
 * naming the variable.
 */
export const ConfigSchema = z.object({
  TECHTEAM_PORT: port.default(8787),
  TECHTEAM_HOST: z.string().default('127.0.0.1'),
  TECHTEAM_DATA_DIR: z.string().min(1).default('.techteam'),
  TECHTEAM_TABLE: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3–255 of a-z A-Z 0-9 _ . -)')
    .default('techteam'),
  TECHTEAM_DYNAMO_ENDPOINT: z.url('must be a URL such as http://127.0.0.1:8000').optional(),
  TECHTEAM_STATE_MACHINE_ARN: z.string().startsWith('arn:', 'must be a Step Functions ARN').optional(),
  TECHTEAM_ARTIFACTS_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  TECHTEAM_URL: z.url('must be a URL such as http://127.0.0.1:8787').default('http://127.0.0.1:8787'),
  TECHTEAM_SANDBOX: z.enum(['bwrap', 'gvisor']).default('bwrap'),
  TECHTEAM_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  AWS_REGION: z.string().optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(ConfigSchema.shape)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = ConfigSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0]);
  throw new ConfigInvalid(variable, `is invalid (${JSON.stringify(env[variable])}): ${issue.message}`);
}
