import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { TenantIdUnscopable } from './tenant-errors';

export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** The characters an IAM session tag value may hold, less the space and `/`: a tenant id is a path segment in S3 keys. */
const SCOPABLE_TENANT = /^[A-Za-z0-9_.:=+@-]{1,128}$/;

/** Whether a tenant id can scope credentials (a session tag value); any other is no tenant's. */
export function isScopableTenant(tenantId: string): boolean {
  return SCOPABLE_TENANT.test(tenantId);
}

/** The session tag the tenant data role's policy reads (`${aws:PrincipalTag/tenant}`). */
export const TENANT_TAG = 'tenant';

export type TenantAccessLevel = 'read' | 'readWrite';

/** What a read-only function's session keeps of the tenant role: reads only (the session policy intersects the role's). */
export const READ_ONLY_SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query', 's3:GetObject', 's3:ListBucket'],
      Resource: '*',
    },
  ],
});

export interface TenantCredentialsOptions {
  sts: STSClient;
  /** The role whose policies admit only `${aws:PrincipalTag/tenant}`'s partitions and objects. */
  roleArn: string;
  /** The function's grant: a read-only function's sessions cannot write even the tenant's own items. */
  access: TenantAccessLevel;
  /** Names the session in CloudTrail: which function acted for which tenant. */
  sessionPrefix: string;
  durationSeconds?: number;
}

/**
 * Credentials that act as one tenant: sts:AssumeRole of the tenant data role with the tenant as
 * a session tag, so IAM (dynamodb:LeadingKeys, the S3 key prefix) refuses any other tenant's data
 * whatever the code asks. The SDK reuses them until they near expiry.
 */
export function tenantCredentials(
  tenantId: string,
  options: TenantCredentialsOptions,
): AwsCredentialIdentityProvider {
  if (!isScopableTenant(tenantId)) throw new TenantIdUnscopable(tenantId);
  return async (): Promise<AwsCredentialIdentity> => {
    const out = await options.sts.send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: `${options.sessionPrefix}-${tenantId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64),
        DurationSeconds: options.durationSeconds ?? 3600,
        Tags: [{ Key: TENANT_TAG, Value: tenantId }],
        ...(options.access === 'read' ? { Policy: READ_ONLY_SESSION_POLICY } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new Error(`sts:AssumeRole of ${options.roleArn} returned no credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  };
}

/** Keeps one value per tenant, the least recently used dropped past `max` (a Lambda serves few tenants at once). */
export class PerTenant<T> {
  private readonly items = new Map<string, T>();
  constructor(
    private readonly make: (tenantId: string) => T,
    private readonly max = 64,
  ) {}

  get(tenantId: string): T {
    const found = this.items.get(tenantId);
    if (found !== undefined) {
      this.items.delete(tenantId);
      this.items.set(tenantId, found);
      return found;
    }
    const made = this.make(tenantId);
    this.items.set(tenantId, made);
    if (this.items.size > this.max) {
      const oldest = this.items.keys().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
    return made;
  }

  get size(): number {
    return this.items.size;
  }
}
