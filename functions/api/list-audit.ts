import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { AuditLog } from '@techteam/shared/store';
import { apiHandler } from '../http';
import { AuditQuery } from './keys-schemas';

/** GET /v1/audit?limit=&cursor=: the tenant's audit records, newest first. */
export const handler = apiHandler(async ({ tenant, query }) => {
  const { limit, cursor } = parseInput(AuditQuery, query, 'query');
  const { store } = deps();
  const page = await new AuditLog(store.doc, store.tableName).list(tenant.tenantId, {
    limit,
    ...(cursor ? { cursor } : {}),
  });
  return { status: 200, body: { records: page.items, ...(page.next ? { next: page.next } : {}) } };
});
