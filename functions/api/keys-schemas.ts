import { ApiKeyScope } from '@techteam/shared/domain';
import * as z from '@techteam/shared/zod';

export const CreateKeyInput = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  scopes: z.array(ApiKeyScope).check(z.minLength(1)),
  /** ISO 8601 time, in the future; omitted: the key does not expire. */
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
});

export const KeyPath = z.object({ id: z.string().check(z.regex(/^[a-z0-9]{16}$/, 'must be a key id')) });

export const AuditQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50),
  cursor: z.optional(z.string().check(z.regex(/^[0-9A-Z]{26}$/, 'must be an audit record id'))),
});
