import { reportUsage } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { log } from '@techteam/shared/observability';
import { billing } from './billing';

/**
 * The usage reporter, on a schedule (EventBridge on AWS, a timer on the local host):
 * ends grace periods that ran out and sends the overage beyond each plan's credit to
 * Stripe's meter. With billing off it does nothing and says so.
 */
export async function handler(): Promise<unknown> {
  const { settings, deps: billingDeps } = await billing(deps().store);
  if (!settings.enabled) return { skipped: `billing is off: ${settings.offReason}` };
  const run = await reportUsage(billingDeps);
  if (run.failures.length) log.warn('usage report failures', { failures: run.failures });
  return run;
}
