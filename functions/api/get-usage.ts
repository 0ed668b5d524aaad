import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { listTenantUsage } from '@techteam/shared/store';
import { apiHandler } from '../http';
import { MonthQuery } from './schemas';
import { usageReport } from './usage-report';

/** GET /v1/usage?month=yyyy-mm: the month's model cost by day, employee and model, beside the monthly budget. */
export const handler = apiHandler(async ({ tenant, query }) => {
  const { month = new Date().toISOString().slice(0, 7) } = parseInput(MonthQuery, query, 'query');
  const { store } = deps();
  const [records, settings] = await Promise.all([
    listTenantUsage(store, tenant.tenantId, month),
    store.getTenant(tenant.tenantId),
  ]);
  return { status: 200, body: usageReport(month, records, settings) };
});
