import { InvalidInput } from '../../errors';
import { usdStringToMicroUsd } from '../../money';
import * as z from '../../zod';
import type { ModelPrices } from './cost';
import { type LifecycleState, lifecycleState, type ModelLifecycle } from './model-lifecycle';
import catalogFile from './models.json' with { type: 'json' };
import { profileFor, REGION_GROUPS, type RegionGroup, regionGroupsOf } from './region-groups';

const UsdPerMTok = z
  .string()
  .check(z.regex(/^\d+(\.\d{1,6})?$/, 'must be USD per million tokens, e.g. "3.00"'));

/** One model as the catalog file and a tenant's overrides write it. */
export const ModelEntryInput = z.strictObject({
  provider: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,31}$/, 'must be a provider name such as openai')),
  providerModelId: z.string().check(z.minLength(1), z.maxLength(200)),
  contextWindow: z.int().check(z.positive()),
  maxOutputTokens: z.int().check(z.positive()),
  prices: z.strictObject({
    input: UsdPerMTok,
    output: UsdPerMTok,
    cachedInput: UsdPerMTok,
    cacheWrite: z.optional(UsdPerMTok),
  }),
  capabilities: z._default(
    z.strictObject({
      tools: z.boolean(),
      json: z.boolean(),
      vision: z.boolean(),
      /** Answers to a response schema (OpenAI json_schema; a forced tool on Anthropic and Bedrock). Default: `json`. */
      structuredOutput: z.optional(z.boolean()),
      /** Can be made to call a tool ('required' or a named one). Default: `tools`. */
      toolChoice: z.optional(z.boolean()),
      /** Takes prompt-cache breakpoints (Anthropic cache_control, Bedrock cachePoint). Default: Anthropic only. */
      promptCache: z.optional(z.boolean()),
    }),
    { tools: true, json: true, vision: false },
  ),
  /** 1 (basic) to 5 (best): how the `quality` and `cheap` preferences rank models. */
  quality: z._default(z.int().check(z.minimum(1), z.maximum(5)), 3),
});
export type ModelEntryInput = z.input<typeof ModelEntryInput>;

export const ModelId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9.:_/-]{0,99}$/, 'must be a model id such as gpt-4.1'));

/** What a model can be asked for; the router skips a model that cannot do what a call needs. */
export interface ModelCapabilities {
  tools: boolean;
  json: boolean;
  vision: boolean;
  structuredOutput: boolean;
  toolChoice: boolean;
  promptCache: boolean;
}

export interface CatalogModel {
  id: string;
  /** The provider's id for the model; for Bedrock, the inference profile of the deployment's geography. */
  provider: string;
  providerModelId: string;
  contextWindow: number;
  maxOutputTokens: number;
  /** Integer micro-USD per million tokens. */
  prices: ModelPrices;
  /** The prices as written, USD per million tokens, for display. */
  listPrices: { input: string; output: string; cachedInput: string; cacheWrite?: string };
  capabilities: ModelCapabilities;
  quality: number;
  /** Where the entry comes from: the shipped price file or a tenant's override. */
  source: 'catalog' | 'tenant' | 'config';
  /** Shipped entries: where the price was read and when. */
  priceSource?: PriceSource;
  /** The price could not be re-checked since `priceSource.readOn`. */
  unverified?: boolean;
  lifecycle?: ModelLifecycle;
  /** Bedrock: the inference profile id per geography (`us`, `eu`, `jp`, `au`, `apac`, `global`). */
  regionProfiles?: Partial<Record<RegionGroup, string>>;
  /** Why no call may be routed to it in this deployment (no inference profile in its geography). */
  unavailable?: string;
  note?: string;
  /** A tenant's rate below the catalog's, with the agreement it rests on. */
  negotiated?: { reference: string };
}

export interface PriceSource {
  url: string;
  /** The day the source was read, or the day it states its prices for. */
  readOn: string;
  note?: string;
}

const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD'));

/** What only the shipped price file says about a model: its sources, its lifecycle, its Bedrock profiles. */
const ShippedEntry = z.extend(ModelEntryInput, {
  id: ModelId,
  priceSource: z.optional(z.strictObject({ url: z.string(), readOn: Day, note: z.optional(z.string()) })),
  unverified: z.optional(z.boolean()),
  deprecatedOn: z.optional(Day),
  retiresOn: z.optional(Day),
  retired: z.optional(z.boolean()),
  lifecycleSource: z.optional(z.string()),
  regionProfiles: z.optional(z.partialRecord(z.enum(REGION_GROUPS), z.string())),
  profilesSource: z.optional(z.string()),
  note: z.optional(z.string()),
});
type ShippedEntry = z.output<typeof ShippedEntry>;

function shippedModel(entry: ShippedEntry): CatalogModel {
  const {
    id,
    priceSource,
    unverified,
    deprecatedOn,
    retiresOn,
    retired,
    lifecycleSource,
    regionProfiles,
    profilesSource: _documentedInTheFile,
    note,
    ...base
  } = entry;
  const lifecycle: ModelLifecycle = {
    ...(deprecatedOn ? { deprecatedOn } : {}),
    ...(retiresOn ? { retiresOn } : {}),
    ...(retired ? { retired } : {}),
    ...(lifecycleSource ? { source: lifecycleSource } : {}),
  };
  return {
    ...toCatalogModel(id, base, 'catalog'),
    ...(priceSource ? { priceSource } : {}),
    ...(unverified ? { unverified } : {}),
    ...(deprecatedOn || retiresOn || retired ? { lifecycle } : {}),
    ...(regionProfiles ? { regionProfiles } : {}),
    ...(note ? { note } : {}),
  };
}

/** Where a model stands today: active, deprecated (still answers) or retired (refuses calls). */
export function modelLifecycle(model: CatalogModel, today: string): LifecycleState {
  return lifecycleState(model.lifecycle, today);
}

/** Why the gateway must not route a call to this model today, or undefined when it may. */
export function unroutableReason(model: CatalogModel, today: string): string | undefined {
  const life = modelLifecycle(model, today);
  if (life.state === 'retired') return `${life.detail}: its provider refuses calls to it`;
  return model.unavailable;
}

export function toCatalogModel(
  id: string,
  input: ModelEntryInput,
  source: CatalogModel['source'],
): CatalogModel {
  const e = ModelEntryInput.parse(input);
  return {
    id,
    provider: e.provider,
    providerModelId: e.providerModelId,
    contextWindow: e.contextWindow,
    maxOutputTokens: e.maxOutputTokens,
    prices: {
      inputPerMTok: usdStringToMicroUsd(e.prices.input),
      outputPerMTok: usdStringToMicroUsd(e.prices.output),
      cachedInputPerMTok: usdStringToMicroUsd(e.prices.cachedInput),
      ...(e.prices.cacheWrite !== undefined
        ? { cacheWritePerMTok: usdStringToMicroUsd(e.prices.cacheWrite) }
        : {}),
    },
    listPrices: e.prices,
    capabilities: {
      tools: e.capabilities.tools,
      json: e.capabilities.json,
      vision: e.capabilities.vision,
      structuredOutput: e.capabilities.structuredOutput ?? e.capabilities.json,
      toolChoice: e.capabilities.toolChoice ?? e.capabilities.tools,
      promptCache: e.capabilities.promptCache ?? e.provider === 'anthropic',
    },
    quality: e.quality,
    source,
  };
}

const CatalogFile = z.object({
  version: z.string(),
  checkedAt: Day,
  source: z.string(),
  models: z.array(ShippedEntry),
});

/** The models a call can be routed to: the shipped price file, then config, then a tenant's overrides. */
export class Catalog {
  readonly version: string;
  readonly checkedAt: string;
  private readonly models: ReadonlyMap<string, CatalogModel>;

  constructor(models: Iterable<CatalogModel>, meta: { version: string; checkedAt: string }) {
    this.models = new Map([...models].map((m) => [m.id, m]));
    this.version = meta.version;
    this.checkedAt = meta.checkedAt;
  }

  /** The catalog shipped in `catalog/models.json`. */
  static shipped(): Catalog {
    return shippedCatalog;
  }

  get(id: string): CatalogModel | undefined {
    return this.models.get(id);
  }

  list(): CatalogModel[] {
    return [...this.models.values()];
  }

  /** A catalog with these entries added or replacing same-id ones (a tenant's overrides, config models). */
  with(entries: Iterable<CatalogModel>): Catalog {
    return new Catalog([...this.models.values(), ...entries], this);
  }

  /**
   * The catalog as a stack in this AWS region calls it: each Bedrock model's
   * id becomes the inference profile of the region's geography; a model with
   * no profile there stays listed but unavailable, saying why.
   */
  inRegion(region: string | undefined): Catalog {
    if (!region) return this;
    return new Catalog(
      this.list().map((m) => {
        if (!m.regionProfiles) return m;
        const profile = profileFor(m.regionProfiles, region);
        if (profile) return { ...m, providerModelId: profile.id };
        const has = Object.keys(m.regionProfiles).join(', ');
        const groups = regionGroupsOf(region).join(', ') || 'none';
        return {
          ...m,
          unavailable: `no Bedrock inference profile for ${region} (its geographies: ${groups}; this model has: ${has})`,
        };
      }),
      this,
    );
  }
}

function loadShipped(): Catalog {
  const parsed = CatalogFile.safeParse(catalogFile);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(
      `shared/gateway/catalog/models.json is invalid at ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const { models, version, checkedAt } = parsed.data;
  return new Catalog(models.map(shippedModel), { version, checkedAt });
}

const shippedCatalog = loadShipped();
