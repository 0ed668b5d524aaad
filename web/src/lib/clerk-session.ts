import type { Clerk } from '@clerk/clerk-js';
import type { CredentialSource } from './credential';

export type ClerkClient = Clerk;

/** Clerk's SDK could not start: the page says why instead of hanging on a spinner. */
export class ClerkUnavailable extends Error {
  override readonly name = 'ClerkUnavailable';
  constructor(cause: unknown) {
    super(
      `Clerk sign-in could not start (${cause instanceof Error ? cause.message : String(cause)}). Check the publishable key this dashboard was given (CLERK_PUBLISHABLE_KEY) and that Clerk is reachable.`,
      { cause },
    );
  }
}

/**
 * Loads `@clerk/clerk-js` only here, in its own chunk, so a host without Clerk never downloads
 * it. `proxyUrl` points the SDK at a proxy of Clerk's Frontend API (the app's own origin, or a
 * local fake in tests) instead of the instance's domain read from the publishable key.
 */
export async function loadClerk(publishableKey: string, proxyUrl?: string): Promise<Clerk> {
  try {
    const { Clerk: ClerkSdk } = await import('@clerk/clerk-js');
    const clerk = new ClerkSdk(publishableKey, proxyUrl ? { proxyUrl } : {});
    await clerk.load({ telemetry: false });
    return clerk;
  } catch (e) {
    throw new ClerkUnavailable(e);
  }
}

/**
 * A session token per call: the SDK answers from its cache until the token nears its end (they
 * live about a minute), then fetches a new one, so no call carries an expired token.
 */
export function clerkCredential(clerk: Pick<Clerk, 'session'>): CredentialSource {
  return async () => (clerk.session ? await clerk.session.getToken() : null);
}

/** Who is signed in and in which organization, as the account menu shows it. */
export interface ClerkAccount {
  userLabel: string;
  organizationId: string | null;
  organizations: Array<{ id: string; name: string }>;
}

export function clerkAccount(clerk: Pick<Clerk, 'user' | 'organization'>): ClerkAccount | null {
  const user = clerk.user;
  if (!user) return null;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return {
    userLabel: name || user.primaryEmailAddress?.emailAddress || user.username || user.id,
    organizationId: clerk.organization?.id ?? null,
    organizations: (user.organizationMemberships ?? []).map((m) => ({
      id: m.organization.id,
      name: m.organization.name,
    })),
  };
}
