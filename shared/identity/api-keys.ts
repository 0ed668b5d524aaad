import type { Store } from '../store';
import { type ApiKeys as ApiKeyStore, ApiKeys, AuditLog, type StoredApiKey } from '../store';

/** The store's document client (DynamoDB requests themselves stay in shared/store). */
type DynamoDBDocumentClient = Store['doc'];

import { hashSecret, type KeyEnvironment, newApiKey } from './api-key-secret';
import type { PepperSource } from './pepper';
import type { Scope } from './scopes';

export interface KeyDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  pepper: PepperSource;
}

export interface NewKeyRequest {
  tenantId: string;
  name: string;
  scopes: Scope[];
  /** ISO time after which the key no longer works. */
  expiresAt?: string;
  /** Who made it (a principal), recorded with the key and in the audit trail. */
  createdBy: string;
  environment: KeyEnvironment;
}

/** A key as the API shows it: never its hash, and its secret only in the answer that creates it. */
export function keyView(key: StoredApiKey) {
  const { hash: _hash, validUntil, ...view } = key;
  return { ...view, ...(validUntil ? { expiresAt: validUntil } : {}) };
}

/** Makes a key, stores only its HMAC, records the creation, and returns the whole key once. */
export async function createApiKey(
  deps: KeyDeps,
  request: NewKeyRequest,
): Promise<{ key: string; record: StoredApiKey }> {
  const made = newApiKey(request.environment);
  const pepper = await deps.pepper();
  const record = await new ApiKeys(deps.doc, deps.tableName).create({
    tenantId: request.tenantId,
    id: made.keyId,
    name: request.name,
    prefix: made.prefix,
    hash: hashSecret(pepper, made.keyId, made.secret),
    scopes: request.scopes,
    environment: request.environment,
    createdBy: request.createdBy,
    createdAt: new Date().toISOString(),
    ...(request.expiresAt ? { validUntil: request.expiresAt } : {}),
  });
  await new AuditLog(deps.doc, deps.tableName).record(request.tenantId, {
    actor: request.createdBy,
    action: 'key_created',
    target: record.id,
    details: { name: record.name, scopes: record.scopes },
  });
  return { key: made.key, record };
}

export async function revokeApiKey(
  deps: Omit<KeyDeps, 'pepper'>,
  tenantId: string,
  keyId: string,
  actor: string,
): Promise<StoredApiKey> {
  const store: ApiKeyStore = new ApiKeys(deps.doc, deps.tableName);
  const record = await store.revoke(tenantId, keyId, new Date().toISOString());
  await new AuditLog(deps.doc, deps.tableName).record(tenantId, {
    actor,
    action: 'key_revoked',
    target: keyId,
  });
  return record;
}
