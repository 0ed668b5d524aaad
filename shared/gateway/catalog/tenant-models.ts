import { parseInput } from '../../domain/parse';
import { type FieldIssue, InvalidInput, NotFound } from '../../errors';
import { usdStringToMicroUsd } from '../../money';
import {
  getTenantModel,
  queryTenantModelAudit,
  queryTenantModels,
  type Store,
  writeTenantModel,
} from '../../store';
import * as z from '../../zod';
import { Catalog, type CatalogModel, ModelEntryInput, ModelId, toCatalogModel } from './catalog';

/** A tenant's entry: a model's fields, and for a rate below the catalog's, the agreement it rests on. */
export const TenantModelInput = z.extend(ModelEntryInput, {
  negotiated: z.optional(
    z.strictObject({ reference: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)) }),
  ),
});
export type TenantModelInput = z.input<typeof TenantModelInput>;

/** Who changed a tenant's models; `now` is injectable so tests pin the audit time. */
export interface ModelChange {
  actor: string;
  now?: () => Date;
  /** Throws to refuse the model before it is written (the tenant's plan does not allow its tier). */
  admit?: (model: CatalogModel) => void;
}

/** One change to a tenant's models, kept in the tenant's partition: who, when, what it replaced. */
export interface ModelAuditRecord {
  modelId: string;
  action: 'put' | 'delete';
  actor: string;
  at: string;
  previous: TenantModelInput | null;
  entry: TenantModelInput | null;
  /** The catalog's prices when the change was made, for a shipped model. */
  catalogPrices?: CatalogModel['listPrices'];
}

const PRICE_FIELDS = ['input', 'output', 'cachedInput', 'cacheWrite'] as const;

/**
 * The prices of a shipped model's override that are below the catalog's list
 * price. A cache write the tenant leaves out is priced as input (cost.ts), so
 * it is compared as such.
 */
function belowCatalog(entry: TenantModelInput, shipped: CatalogModel): FieldIssue[] {
  const listed = shipped.listPrices;
  const issues: FieldIssue[] = [];
  for (const field of PRICE_FIELDS) {
    const catalogUsd = field === 'cacheWrite' ? listed.cacheWrite : listed[field];
    if (catalogUsd === undefined) continue;
    const tenantUsd =
      field === 'cacheWrite' ? (entry.prices.cacheWrite ?? entry.prices.input) : entry.prices[field];
    if (usdStringToMicroUsd(tenantUsd) < usdStringToMicroUsd(catalogUsd)) {
      issues.push({
        path: `prices.${field}`,
        message: `${tenantUsd} is below the catalog's ${catalogUsd} USD per million tokens for ${shipped.id}; a negotiated rate needs negotiated.reference (the agreement it rests on)`,
      });
    }
  }
  return issues;
}

/**
 * A tenant's own models and price overrides, one item each in the tenant's
 * partition. An id that is in the shipped catalog replaces that entry for the
 * tenant (a private deployment, a negotiated rate); a new id adds a model. A
 * shipped model may not be priced below the catalog unless the entry names
 * the agreement (`negotiated.reference`). Every change is audited.
 */
export async function putTenantModel(
  store: Store,
  tenantId: string,
  id: string,
  body: unknown,
  change: ModelChange = { actor: 'unknown' },
): Promise<CatalogModel> {
  parseInput(z.object({ id: ModelId }), { id }, 'path');
  const entry = parseInput(TenantModelInput, body ?? {});
  const shipped = Catalog.shipped().get(id);
  if (shipped && !entry.negotiated) {
    const issues = belowCatalog(entry, shipped);
    if (issues.length) {
      throw new InvalidInput(
        `Invalid body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
  }
  const model = tenantModel(id, entry);
  change.admit?.(model);
  const previous = await getTenantModel<TenantModelInput>(store, tenantId, id);
  const at = (change.now?.() ?? new Date()).toISOString();
  const record: ModelAuditRecord = {
    modelId: id,
    action: 'put',
    actor: change.actor,
    at,
    previous: previous?.entry ?? null,
    entry,
    ...(shipped ? { catalogPrices: shipped.listPrices } : {}),
  };
  await writeTenantModel(store, tenantId, id, { entry, actor: change.actor, at }, previous, { ...record });
  return model;
}

/** Removes a tenant's model or override (the shipped entry applies again); NotFound when there is none. */
export async function deleteTenantModel(
  store: Store,
  tenantId: string,
  id: string,
  change: ModelChange = { actor: 'unknown' },
): Promise<void> {
  parseInput(z.object({ id: ModelId }), { id }, 'path');
  const previous = await getTenantModel<TenantModelInput>(store, tenantId, id);
  if (!previous) throw new NotFound('tenant model', id);
  const shipped = Catalog.shipped().get(id);
  const record: ModelAuditRecord = {
    modelId: id,
    action: 'delete',
    actor: change.actor,
    at: (change.now?.() ?? new Date()).toISOString(),
    previous: previous.entry,
    entry: null,
    ...(shipped ? { catalogPrices: shipped.listPrices } : {}),
  };
  await writeTenantModel(store, tenantId, id, { actor: change.actor, at: record.at }, previous, {
    ...record,
  });
}

/** The audit trail of a tenant's model changes, oldest first (one model's when `id` is given). */
export async function listTenantModelAudit(
  store: Store,
  tenantId: string,
  id?: string,
): Promise<ModelAuditRecord[]> {
  const items = await queryTenantModelAudit<ModelAuditRecord>(store, tenantId, id);
  return items.map(({ modelId, action, actor, at, previous, entry, catalogPrices }) => ({
    modelId,
    action,
    actor,
    at,
    previous,
    entry,
    ...(catalogPrices ? { catalogPrices } : {}),
  }));
}

function tenantModel(id: string, input: TenantModelInput): CatalogModel {
  const { negotiated, ...entry } = input;
  return { ...toCatalogModel(id, entry, 'tenant'), ...(negotiated ? { negotiated } : {}) };
}

export async function listTenantModels(store: Store, tenantId: string): Promise<CatalogModel[]> {
  const items = await queryTenantModels<TenantModelInput>(store, tenantId);
  return items.map((i) => tenantModel(i.id, i.entry));
}

/**
 * An override that calls the same provider model as a shipped entry (a
 * negotiated rate) retires with it: the provider refuses the model, whatever
 * the tenant pays for it.
 */
function withShippedLifecycle(model: CatalogModel, base: Catalog): CatalogModel {
  const shipped = base.get(model.id);
  if (!shipped?.lifecycle || shipped.provider !== model.provider) return model;
  const ids = [shipped.providerModelId, ...Object.values(shipped.regionProfiles ?? {})];
  return ids.includes(model.providerModelId) ? { ...model, lifecycle: shipped.lifecycle } : model;
}

const TENANT_CATALOG_TTL_MS = 30_000;

/**
 * Each tenant's view of the catalog: the base (shipped plus configured models)
 * with the tenant's own entries over it, cached for 30 s per process so the hot
 * path does not read the table on every call.
 */
export class TenantCatalogs {
  private readonly cache = new Map<string, { at: number; catalog: Catalog }>();

  constructor(
    private readonly store: Store,
    readonly base: Catalog,
  ) {}

  async for(tenantId: string): Promise<Catalog> {
    const cached = this.cache.get(tenantId);
    if (cached && Date.now() - cached.at < TENANT_CATALOG_TTL_MS) return cached.catalog;
    const own = (await listTenantModels(this.store, tenantId)).map((m) => withShippedLifecycle(m, this.base));
    const catalog = own.length ? this.base.with(own) : this.base;
    this.cache.set(tenantId, { at: Date.now(), catalog });
    return catalog;
  }

  /** After the tenant's models changed: other processes see the change within the TTL. */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
