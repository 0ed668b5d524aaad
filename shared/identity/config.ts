import { isIP } from 'node:net';
import { ConfigInvalid } from '../errors';
import * as z from '../zod';

/**
 * Identity's settings, read once from the environment. They live apart from shared/config
 * because only the authorizer, the keys routes and the host read them.
 */
export const IdentityConfigSchema = z.object({
  /** `required`: every request needs a credential. Unset on a loopback host: the `local` tenant. */
  TECHTEAM_AUTH: z._default(z.enum(['off', 'required']), 'off'),
  /** Clerk's PEM public key (Dashboard → API keys → JWT public key); without it Clerk sign-in is off. */
  CLERK_JWT_KEY: z.optional(z.string().check(z.includes('BEGIN PUBLIC KEY', 'must be a PEM public key'))),
  /** Comma-separated origins allowed as a session token's `azp` (the dashboard's origin). */
  CLERK_AUTHORIZED_PARTIES: z.optional(z.string()),
  /** On AWS: the Secrets Manager secret holding the API key pepper. */
  TECHTEAM_API_KEY_PEPPER_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** `live` on a deployed stack, `test` locally: the environment part of new keys. */
  TECHTEAM_KEY_ENVIRONMENT: z._default(z.enum(['live', 'test']), 'test'),
  TECHTEAM_DATA_DIR: z._default(z.string().check(z.minLength(1)), '.techteam'),
  TECHTEAM_HOST: z._default(z.string(), '127.0.0.1'),
});
export type IdentityConfig = z.infer<typeof IdentityConfigSchema>;

export function loadIdentityConfig(env: Record<string, string | undefined> = process.env): IdentityConfig {
  const relevant = Object.fromEntries(
    Object.keys(IdentityConfigSchema.shape)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = IdentityConfigSchema.safeParse(relevant);
  if (parsed.success) {
    // Keys pasted from a dashboard into an env file often carry literal `\n`s, which Clerk reads as a bad signature.
    const key = parsed.data.CLERK_JWT_KEY?.replace(/\\n/g, '\n');
    return { ...parsed.data, ...(key ? { CLERK_JWT_KEY: key } : {}) };
  }
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0]);
  throw new ConfigInvalid(variable, `is invalid: ${issue.message}`);
}

export function authorizedParties(config: IdentityConfig): string[] {
  return (config.CLERK_AUTHORIZED_PARTIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const LOOPBACK_NAMES = new Set(['localhost', '::1']);

export function isLoopback(host: string): boolean {
  if (LOOPBACK_NAMES.has(host)) return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Whether the local host checks credentials: asked for, or listening beyond loopback. */
export function authRequired(config: IdentityConfig): boolean {
  return config.TECHTEAM_AUTH === 'required' || !isLoopback(config.TECHTEAM_HOST);
}

/** A non-loopback host without `TECHTEAM_AUTH=required` would serve anyone on the network as `local`. */
export class AuthRequiredOffLoopback extends ConfigInvalid {
  constructor(host: string) {
    super(
      'TECHTEAM_AUTH',
      `must be 'required' when TECHTEAM_HOST is '${host}' (not loopback): set TECHTEAM_AUTH=required and make a key with \`npx techteam keys create --bootstrap\``,
    );
  }
}

export function assertSafeListen(config: IdentityConfig): void {
  if (!isLoopback(config.TECHTEAM_HOST) && config.TECHTEAM_AUTH !== 'required')
    throw new AuthRequiredOffLoopback(config.TECHTEAM_HOST);
}
