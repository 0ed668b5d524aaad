import { z } from 'zod';
import { ConfigInvalid } from '../errors';

const port = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, 'must be 1–65535')
  .max(65_535, 'must be 1–65535');

const apiKey = z.string().regex(/^\S{8,}$/, 'must be a key of at least 8 characters without spaces');

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

  // ---- model gateway: which providers are live follows from what is set ----
  /** hosted (default): every provider with credentials; byo (deploy-your-own): Bedrock only. */
  TECHTEAM_MODE: z.enum(['hosted', 'byo']).default('hosted'),
  OPENAI_API_KEY: apiKey.optional(),
  ANTHROPIC_API_KEY: apiKey.optional(),
  /** With AWS credentials, makes Bedrock live in this region. */
  BEDROCK_REGION: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as us-east-1')
    .optional(),
  OPENAI_COMPATIBLE_BASE_URL: z.url('must be a URL such as http://127.0.0.1:11434/v1').optional(),
  OPENAI_COMPATIBLE_NAME: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,31}$/, 'must be a lowercase provider name such as ollama')
    .default('openai-compatible'),
  OPENAI_COMPATIBLE_API_KEY: apiKey.optional(),
  /** Comma-separated model ids the OpenAI-compatible server serves; they join the catalog at no cost. */
  OPENAI_COMPATIBLE_MODELS: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.:_/-]*(,[a-z0-9][a-z0-9.:_/-]*)*$/,
      'must be comma-separated model ids such as llama3.1:8b',
    )
    .optional(),
  OPENAI_COMPATIBLE_CONTEXT_WINDOW: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024')
    .default(32_768),
  HELICONE_API_KEY: apiKey.optional(),
  /** On AWS: provider key variable → Secrets Manager ARN, as JSON, resolved at cold start. */
  TECHTEAM_PROVIDER_SECRETS: z
    .string()
    .transform((raw, ctx) => {
      try {
        const parsed = z
          .record(z.string().regex(/^[A-Z_]+$/), z.string().startsWith('arn:'))
          .parse(JSON.parse(raw));
        return parsed;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of VARIABLE_NAME → secret ARN' });
        return z.NEVER;
      }
    })
    .optional(),
  TECHTEAM_MODEL_TIMEOUT_MS: z.coerce.number().int().min(1_000, 'must be at least 1000').default(120_000),
});
export type Config = z.infer<typeof ConfigSchema>;

const SECRET_VARIABLES = new Set([
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'OPENAI_COMPATIBLE_API_KEY',
  'HELICONE_API_KEY',
]);

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
  // A key's value never goes into a message: messages end up in logs.
  const shown = SECRET_VARIABLES.has(variable) ? 'value hidden' : JSON.stringify(env[variable]);
  throw new ConfigInvalid(variable, `is invalid (${shown}): ${issue.message}`);
}
