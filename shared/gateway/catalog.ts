import { InvalidInput } from '../errors';
import * as z from '../zod';
import catalogFile from './catalog/models.json' with { type: 'json' };
import { type ModelPrices, usdToMicro } from './cost';

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
      inputPerMTok: usdToMicro(e.prices.input),
      outputPerMTok: usdToMicro(e.prices.output),
      cachedInputPerMTok: usdToMicro(e.prices.cachedInput),
      ...(e.prices.cacheWrite !== undefined ? { cacheWritePerMTok: usdToMicro(e.prices.cacheWrite) } : {}),
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
  checkedAt: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  source: z.string(),
  models: z.array(z.extend(ModelEntryInput, { id: ModelId })),
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
  return new Catalog(
    models.map(({ id, ...entry }) => toCatalogModel(id, entry, 'catalog')),
    { version, checkedAt },
  );
}

const shippedCatalog = loadShipped();
