import { ConfigInvalid } from '../errors';
import * as z from '../zod';

const port = z.coerce
  .number()
  .check(
    z.int('must be a whole number'),
    z.minimum(1, 'must be 1–65535'),
    z.maximum(65_535, 'must be 1–65535'),
  );

const apiKey = z.string().check(z.regex(/^\S{8,}$/, 'must be a key of at least 8 characters without spaces'));

const ProviderSecrets = z.record(
  z.string().check(z.regex(/^[A-Z_]+$/)),
  z.string().check(z.startsWith('arn:')),
);

/**
 * Every configuration variable, validated once at start-up. Each is in the
 * README's configuration table; an invalid value stops start-up with a message
 * naming the variable.
 */
export const ConfigSchema = z.object({
  TECHTEAM_PORT: z._default(port, 8787),
  TECHTEAM_HOST: z._default(z.string(), '127.0.0.1'),
  TECHTEAM_DATA_DIR: z._default(z.string().check(z.minLength(1)), '.techteam'),
  TECHTEAM_TABLE: z._default(
    z
      .string()
      .check(
        z.regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3–255 of a-z A-Z 0-9 _ . -)'),
      ),
    'techteam',
  ),
  TECHTEAM_DYNAMO_ENDPOINT: z.optional(z.url('must be a URL such as http://127.0.0.1:8000')),
  TECHTEAM_STATE_MACHINE_ARN: z.optional(
    z.string().check(z.startsWith('arn:', 'must be a Step Functions ARN')),
  ),
  TECHTEAM_ARTIFACTS_BUCKET: z.optional(
    z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
  ),
  /**
   * On AWS, for a function that acts for tenants: the tenant data role it assumes per tenant
   * (infra/aws/tenant-data-role.ts). Unset (locally), the same tenant scope check runs without a role.
   */
  TECHTEAM_TENANT_ROLE_ARN: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/,
          'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
        ),
      ),
  ),
  /** What the tenant sessions of this function may do: `read` (GET routes) narrows each session to reads. */
  TECHTEAM_TENANT_ACCESS: z._default(z.enum(['read', 'readWrite']), 'readWrite'),
  TECHTEAM_URL: z._default(z.url('must be a URL such as http://127.0.0.1:8787'), 'http://127.0.0.1:8787'),
  TECHTEAM_SANDBOX: z._default(z.enum(['bwrap', 'gvisor']), 'bwrap'),
  TECHTEAM_LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  AWS_REGION: z.optional(z.string()),

  // ---- model gateway: which providers are live follows from what is set ----
  /** hosted (default): every provider with credentials; byo (deploy-your-own): Bedrock only. */
  TECHTEAM_MODE: z._default(z.enum(['hosted', 'byo']), 'hosted'),
  OPENAI_API_KEY: z.optional(apiKey),
  ANTHROPIC_API_KEY: z.optional(apiKey),
  /** With AWS credentials, makes Bedrock live in this region. */
  BEDROCK_REGION: z.optional(
    z.string().check(z.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as us-east-1')),
  ),
  OPENAI_COMPATIBLE_BASE_URL: z.optional(z.url('must be a URL such as http://127.0.0.1:11434/v1')),
  OPENAI_COMPATIBLE_NAME: z._default(
    z.string().check(z.regex(/^[a-z][a-z0-9-]{1,31}$/, 'must be a lowercase provider name such as ollama')),
    'openai-compatible',
  ),
  OPENAI_COMPATIBLE_API_KEY: z.optional(apiKey),
  /** Comma-separated model ids the OpenAI-compatible server serves; they join the catalog at no cost. */
  OPENAI_COMPATIBLE_MODELS: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[a-z0-9][a-z0-9.:_/-]*(,[a-z0-9][a-z0-9.:_/-]*)*$/,
          'must be comma-separated model ids such as llama3.1:8b',
        ),
      ),
  ),
  OPENAI_COMPATIBLE_CONTEXT_WINDOW: z._default(
    z.coerce.number().check(z.int(), z.minimum(1024, 'must be at least 1024')),
    32_768,
  ),
  HELICONE_API_KEY: z.optional(apiKey),
  /** On AWS: provider key variable → Secrets Manager ARN, as JSON, resolved at cold start. */
  TECHTEAM_PROVIDER_SECRETS: z.optional(
    z.pipe(
      z.string(),
      z.transform((raw: string, ctx) => {
        try {
          return ProviderSecrets.parse(JSON.parse(raw));
        } catch {
          ctx.issues.push({
            code: 'custom',
            message: 'must be a JSON object of VARIABLE_NAME → secret ARN',
            input: raw,
          });
          return z.NEVER;
        }
      }),
    ),
  ),
  /** How often a running step reads its task's status to learn of a cancel made elsewhere (AWS: the API's Lambda). */
  TECHTEAM_CANCEL_POLL_SECONDS: z._default(
    z.coerce
      .number()
      .check(
        z.int('must be a whole number of seconds'),
        z.minimum(1, 'must be 1–60 seconds'),
        z.maximum(60, 'must be 1–60 seconds'),
      ),
    5,
  ),
  TECHTEAM_MODEL_TIMEOUT_MS: z._default(
    z.coerce.number().check(z.int(), z.minimum(1_000, 'must be at least 1000')),
    120_000,
  ),
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
