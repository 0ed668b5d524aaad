import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { InvalidInput } from '@techteam/shared/errors';
import { createApiKey, keyView } from '@techteam/shared/identity';
import { identityDeps } from '../auth/identity-deps';
import { apiHandler } from '../http';
import { CreateKeyInput } from './keys-schemas';

/** POST /v1/keys {name, scopes, expiresAt?}: a new key, whose whole text is in this answer only. */
export const handler = apiHandler(async ({ tenant, body }) => {
  const input = parseInput(CreateKeyInput, body ?? {});
  const expiresAt = input.expiresAt ? new Date(input.expiresAt).toISOString() : undefined;
  if (expiresAt && expiresAt <= new Date().toISOString())
    throw new InvalidInput('Invalid body: expiresAt: must be in the future', [
      { path: 'expiresAt', message: 'must be in the future' },
    ]);
  const identity = identityDeps(deps());
  const { key, record } = await createApiKey(identity, {
    tenantId: tenant.tenantId,
    name: input.name,
    scopes: input.scopes,
    createdBy: tenant.principal,
    environment: identity.config.TECHTEAM_KEY_ENVIRONMENT,
    ...(expiresAt ? { expiresAt } : {}),
  });
  return { status: 201, body: { key, apiKey: keyView(record) } };
});
