import { TechteamError } from '../errors';

/**
 * No credential, or one that does not prove who is calling (malformed, unknown, revoked,
 * expired, signed for another application). The message names no key, tenant or reason
 * an attacker could use to tell a revoked key from an unknown one.
 */
export class Unauthenticated extends TechteamError {
  /** Why, for the logs only: never sent to the caller. */
  readonly reason: string;
  constructor(reason: string) {
    super(
      'Unauthorized',
      401,
      'A valid credential is required: send `Authorization: Bearer <API key or Clerk session token>`',
    );
    this.reason = reason;
  }
}

/** The caller is known but its credential lacks the scope the route needs. */
export class MissingScope extends TechteamError {
  constructor(required: string, granted: readonly string[]) {
    super(
      'Forbidden',
      403,
      `This request needs the '${required}' scope; the credential has ${granted.length ? granted.map((s) => `'${s}'`).join(', ') : 'none'}`,
      { required, granted: [...granted] },
    );
  }
}

/** Over one of the tenant's limits: `retryAfterSeconds` goes into the `Retry-After` header. */
export class RateLimited extends TechteamError {
  readonly retryAfterSeconds: number;
  /** `plan`: the plan whose entitlement the limit is (named, so the caller knows an upgrade raises it). */
  constructor(
    limit: 'requests_per_minute' | 'running_tasks',
    allowed: number,
    retryAfterSeconds: number,
    plan?: string,
  ) {
    const what =
      limit === 'requests_per_minute'
        ? `more than ${allowed} requests per minute`
        : `more than ${allowed} running tasks at once`;
    const message =
      plan === undefined
        ? `This tenant's limit is ${allowed} (${limit}): it has sent ${what}; retry after ${retryAfterSeconds} s`
        : `The ${plan} plan runs at most ${allowed} task(s) at once (${limit}) and that many are running; retry after ${retryAfterSeconds} s, when one has ended, or upgrade the plan`;
    super('RateLimited', 429, message, {
      limit,
      allowed,
      retryAfterSeconds,
      ...(plan !== undefined ? { plan } : {}),
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An identity setting is missing or unusable (say, a Clerk key that is not a PEM). */
export class IdentityMisconfigured extends TechteamError {
  constructor(variable: string, problem: string) {
    super('IdentityMisconfigured', 500, `${variable} ${problem}`, { variable });
  }
}
