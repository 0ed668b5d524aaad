import { parseInput } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import { listTenantUsage } from '@techteam/shared/store';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';
import { usageReport } from './usage-report';

const Query = z.object({
  month: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-11'))),
});

/** GET /v1/usage?month=yyyy-mm: the month's model cost by day, employee and model, beside the monthly budget. */
export const handler = apiHandler(async ({ tenant, query }) => {
  const { month = new Date().toISOString().slice(0, 7) } = parseInput(Query, query, 'query');
  const { store } = runtime();
  const [records, settings] = await Promise.all([
    listTenantUsage(store, tenant.tenantId, month),
    store.getTenant(tenant.tenantId),
  ]);
  return { status: 200, body: usageReport(month, records, settings) };
});
