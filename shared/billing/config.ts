import { ConfigInvalid } from '../errors';
import { PlanId } from './plans';

/** Billing's settings, read once from the environment (the README's configuration table lists them). */
export interface BillingSettings {
  /** Off in deploy-your-own mode and without a Stripe key; `offReason` says which. */
  enabled: boolean;
  offReason?: string;
  stripeSecretKey?: string;
  webhookSecret?: string;
  /** The plan a tenant has while billing is off (the local tenant). */
  planWhenOff: PlanId;
  /** Days after a failed invoice payment before the plan falls back to Free. */
  graceDays: number;
  /** Where Checkout and the portal send the user back (the dashboard). */
  appUrl: string;
  /** Points the Stripe SDK elsewhere (a local fake in tests), e.g. http://127.0.0.1:12111. */
  stripeApiBase?: string;
}

export function loadBillingSettings(env: Record<string, string | undefined>): BillingSettings {
  const planWhenOff = env['TECHTEAM_PLAN_WHEN_BILLING_OFF'] ?? 'business';
  if (!PlanId.safeParse(planWhenOff).success)
    throw new ConfigInvalid('TECHTEAM_PLAN_WHEN_BILLING_OFF', 'must be free, team or business');
  const graceDays = Number(env['TECHTEAM_BILLING_GRACE_DAYS'] ?? '7');
  if (!Number.isInteger(graceDays) || graceDays < 0)
    throw new ConfigInvalid('TECHTEAM_BILLING_GRACE_DAYS', 'must be a whole number of days');
  const base = {
    planWhenOff: planWhenOff as PlanId,
    graceDays,
    appUrl: env['TECHTEAM_APP_URL'] ?? 'http://127.0.0.1:8787',
    ...(env['TECHTEAM_STRIPE_API_BASE'] ? { stripeApiBase: env['TECHTEAM_STRIPE_API_BASE'] } : {}),
  };
  if (env['TECHTEAM_MODE'] === 'byo')
    return { ...base, enabled: false, offReason: 'deploy-your-own mode has no Stripe billing' };
  const key = env['STRIPE_SECRET_KEY'];
  if (!key) return { ...base, enabled: false, offReason: 'STRIPE_SECRET_KEY is not set' };
  return {
    ...base,
    enabled: true,
    stripeSecretKey: key,
    ...(env['STRIPE_WEBHOOK_SECRET'] ? { webhookSecret: env['STRIPE_WEBHOOK_SECRET'] } : {}),
  };
}

type SecretsClient = Pick<import('@aws-sdk/client-secrets-manager').SecretsManagerClient, 'send'>;

/**
 * On AWS the Stripe keys live in Secrets Manager: TECHTEAM_STRIPE_SECRETS maps
 * STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to their secrets' ARNs, read once per
 * container, so no key is ever in a Lambda's environment. Elsewhere the variables are read as they are.
 */
export async function resolveBillingSettings(
  env: Record<string, string | undefined>,
  given?: SecretsClient,
): Promise<BillingSettings> {
  const raw = env['TECHTEAM_STRIPE_SECRETS'];
  if (!raw || env['TECHTEAM_MODE'] === 'byo') return loadBillingSettings(env);
  let arns: Record<string, string>;
  try {
    arns = JSON.parse(raw) as Record<string, string>;
  } catch {
    throw new ConfigInvalid('TECHTEAM_STRIPE_SECRETS', 'must be a JSON object of VARIABLE_NAME → secret ARN');
  }
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = given ?? new SecretsManagerClient({});
  const resolved: Record<string, string> = {};
  for (const variable of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']) {
    const arn = arns[variable];
    if (!arn) continue;
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const value = out.SecretString?.trim();
    // The stack's placeholder: the operator has not put the key in yet, so billing stays off.
    if (value && value !== 'UNSET') resolved[variable] = value;
  }
  return loadBillingSettings({ ...env, ...resolved });
}
