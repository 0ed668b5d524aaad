import Stripe from 'stripe';
import type { BillingSettings } from './config';

/**
 * The Stripe client. Network retries are on: Stripe answers a request still running
 * under the same idempotency key with 409, which the SDK retries, so two first
 * requests for one tenant's customer both get the one customer.
 */
export function stripeClient(settings: BillingSettings): Stripe {
  const base = settings.stripeApiBase ? new URL(settings.stripeApiBase) : undefined;
  return new Stripe(settings.stripeSecretKey ?? 'sk_off', {
    maxNetworkRetries: 3,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port),
          protocol: base.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  });
}

export type { Stripe };
