import {
  fanOut,
  liveChangeOf,
  liveDeps,
  type StreamRecord,
  streamRecordsByTenant,
} from '@techteam/shared/live';
import { log } from '@techteam/shared/observability';
import { actAsTenant } from '@techteam/shared/store';

/**
 * The table's stream → the subscribed connections (see shared/live/fan-out.ts for the ordering).
 * A batch holds any tenants' records: each tenant's go through the fan-out acting for that tenant
 * (the one their keys name), so its reads and writes are signed with that tenant's session and a
 * record whose image names another tenant is refused (TenantScopeViolation) instead of served.
 * Tenants are taken one after another: a failure fails the batch, which the mapping retries whole.
 */
export async function handler(event: { Records: StreamRecord[] }): Promise<void> {
  const { byTenant, unowned } = streamRecordsByTenant(event.Records);
  // No live change is written outside a tenant's partitions; one there would be a bug, not a message.
  const stray = unowned.filter((record) => liveChangeOf(record) !== undefined).length;
  if (stray) log.warn('live records outside any tenant partition skipped', { records: stray });
  const deps = liveDeps();
  for (const [tenantId, records] of byTenant) await actAsTenant(tenantId, () => fanOut(records, deps));
}
