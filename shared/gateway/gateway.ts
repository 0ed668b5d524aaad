import { BudgetExceeded, type UsageMeter } from '../money';
import { type Catalog, type CatalogModel, unroutableReason } from './catalog/catalog';
import { costMicroUsd, worstCaseMicroUsd } from './catalog/cost';
import { utcDay } from './catalog/model-lifecycle';
import { type ModelAttempt, ModelsCoolingDown, modelsExhausted, ProviderError, timeMayMend } from './errors';
import { reservationMicroUsd } from './providers/overheads';
import { Cooldowns } from './routing/cooldowns';
import { countPromptTokens, promptTokenBound } from './routing/prompt-size';
import { cooldownFor, DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from './routing/retry-policy';
import { rankModels } from './routing/router';
import type { CallCeilingQuery, EmployeeCall, MeteredResponse, TeamModels } from './team-models';
import type { ModelMessage, ModelProvider, ModelRequest, TokenUsage } from './types';

export interface GatewayOptions {
  /** Providers with credentials, by name. */
  providers: ReadonlyMap<string, ModelProvider>;
  /** Providers without, and what would make them live ("set OPENAI_API_KEY"). */
  unavailable?: ReadonlyMap<string, string>;
  catalog: Catalog;
  meter: UsageMeter;
  /** The catalog as one tenant sees it (its own models over `catalog`); default: `catalog` for all. */
  catalogFor?: (tenantId: string) => Promise<Catalog>;
  /**
   * Why a tenant may not call a model (its plan does not allow the model's tier), or undefined
   * when it may: the router skips such a model with that reason, so a task whose employee names
   * only refused models fails saying why rather than calling them. Default: every model allowed.
   */
  refusalFor?: (tenantId: string) => Promise<(model: CatalogModel) => string | undefined>;
  /** The profile for an employee id, for plan estimates. */
  policy?: Partial<RetryPolicy>;
  cooldowns?: Cooldowns;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** The clock call deadlines are read on (epoch ms); default Date.now. Cooldowns keep their own. */
  now?: () => number;
}

/** How long a call may still wait for cooling models: what is left of its allowance, and its deadline (epoch ms). */
interface WaitBudget {
  waitLeftMs: number;
  until: number;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The call makes the model call a tool ('required' or a named one), which not every model can be made to. */
function forcesToolCall(request: Pick<ModelRequest, 'toolChoice'>): boolean {
  return request.toolChoice !== undefined && request.toolChoice !== 'auto';
}

function withoutCacheMarks(messages: ModelMessage[]): ModelMessage[] {
  if (!messages.some((m) => m.cache)) return messages;
  return messages.map((m) => {
    if (!m.cache) return m;
    const { cache: _, ...rest } = m;
    return rest;
  });
}

function consumed(usage: TokenUsage | undefined): usage is TokenUsage {
  return !!usage && usage.inputTokens + usage.outputTokens + usage.cachedInputTokens > 0;
}

/**
 * The model gateway: routes each employee call to a model, retries and falls
 * back, holds the call's worst-case cost against every budget before any
 * provider is contacted, and settles and records what the call really cost.
 */
export class ModelGateway implements TeamModels {
  private readonly policy: RetryPolicy;
  private readonly cooldowns: Cooldowns;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: GatewayOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    this.cooldowns = options.cooldowns ?? new Cooldowns();
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  async complete(call: EmployeeCall): Promise<MeteredResponse> {
    const until = call.deadline ?? Number.POSITIVE_INFINITY;
    return this.route(call, { until, waitLeftMs: this.policy.maxCoolingWaitMs }, 0);
  }

  /**
   * One pass over the employee's models, in the router's order. When no model answered and
   * the ones that could are only cooling down, waits for the first to be free and passes
   * again, within the call's wait allowance and before its deadline; else ModelsCoolingDown,
   * which the workflow retries.
   */
  private async route(call: EmployeeCall, budget: WaitBudget, spentBefore: number): Promise<MeteredResponse> {
    const { profile, preference, model: pinned, preferred, deadline: _, ...request } = call;
    const [catalog, account, refusal] = await Promise.all([
      this.catalogFor(request.context.tenantId),
      this.options.meter.account(request.context, profile),
      this.refusalFor(request.context.tenantId),
    ]);
    const promptBound = promptTokenBound(request);
    const candidates = rankModels(profile, preference, catalog, {
      promptTokens: promptBound,
      maxOutputTokens: request.maxOutputTokens,
      ...(pinned !== undefined ? { pinned } : {}),
      ...(preferred !== undefined ? { preferred } : {}),
    });
    const context = account.heliconeCache ? { ...request.context, heliconeCache: true } : request.context;
    const tried: ModelAttempt[] = [];
    let firstBudgetRefusal: BudgetExceeded | undefined;
    let spent = spentBefore;

    for (const candidate of candidates) {
      if (!('model' in candidate)) {
        tried.push({
          model: candidate.id,
          provider: '?',
          kind: 'skipped',
          reason: 'not in the catalog',
          attempts: 0,
        });
        continue;
      }
      const model = candidate.model;
      const skip = (reason: string) =>
        tried.push({ model: model.id, provider: model.provider, kind: 'skipped', reason, attempts: 0 });
      const unroutable = unroutableReason(model, utcDay(new Date())) ?? refusal(model);
      if (unroutable) {
        skip(unroutable);
        continue;
      }
      const provider = this.options.providers.get(model.provider);
      if (!provider) {
        skip(
          this.options.unavailable?.get(model.provider) ?? `provider '${model.provider}' is not configured`,
        );
        continue;
      }
      const deployment = `${model.provider}/${model.providerModelId}`;
      if (request.tools?.length && !model.capabilities.tools) {
        skip('does not support tools');
        continue;
      }
      if (request.responseFormat === 'json' && !model.capabilities.json) {
        skip('does not support JSON output');
        continue;
      }
      if (request.responseSchema && !model.capabilities.structuredOutput) {
        skip('does not support structured output (a response schema)');
        continue;
      }
      if (forcesToolCall(request) && !model.capabilities.toolChoice) {
        skip('cannot be made to call a tool (tool choice)');
        continue;
      }
      const maxOutputTokens = Math.min(request.maxOutputTokens, model.maxOutputTokens);
      let promptTokens = promptBound;
      if (promptBound + maxOutputTokens > model.contextWindow) {
        // The cheap bound says it may not fit; count for real before giving up on the model.
        promptTokens = await countPromptTokens(request, model.provider);
        if (promptTokens + maxOutputTokens > model.contextWindow) {
          skip(
            `the prompt (~${promptTokens} tokens) plus ${maxOutputTokens} output tokens exceed its ${model.contextWindow}-token context window`,
          );
          continue;
        }
      }
      // Checked after what the call needs of the model: only a model that could answer is worth waiting for.
      const cooling = this.cooldowns.check(deployment);
      if (cooling) {
        tried.push({
          model: model.id,
          provider: model.provider,
          kind: 'skipped',
          reason: `cooling down for ${Math.ceil(cooling.remainingMs / 1000)} s after ${cooling.why}`,
          attempts: 0,
          ...(timeMayMend(cooling.why) ? { availableInMs: cooling.remainingMs } : {}),
        });
        continue;
      }
      // Reserve against the byte bound, never the count: only a true upper bound keeps budgets unbreakable;
      // plus what the provider adds on its side (a tool-use system prompt, output past a soft limit).
      const worstCase = reservationMicroUsd(model, request, promptBound, maxOutputTokens);

      for (let attempt = 1; ; attempt++) {
        let reservation: Awaited<ReturnType<UsageMeter['reserve']>>;
        try {
          reservation = await this.options.meter.reserve(account, worstCase, model.id);
        } catch (e) {
          if (!(e instanceof BudgetExceeded)) throw e;
          firstBudgetRefusal ??= e;
          tried.push({
            model: model.id,
            provider: model.provider,
            kind: 'budget',
            reason: e.message,
            attempts: 0,
          });
          break;
        }
        const started = performance.now();
        const providerRequest: ModelRequest = {
          ...request,
          // Cache marks only reach a model that takes them (Bedrock refuses a cachePoint it cannot use).
          messages: model.capabilities.promptCache ? request.messages : withoutCacheMarks(request.messages),
          context,
          model: model.providerModelId,
          maxOutputTokens,
          timeoutMs: request.timeoutMs ?? this.policy.timeoutMs,
        };
        // Cancelled before it was sent: no provider can have billed it.
        const cancelledBeforeSend = request.signal?.aborted === true;
        try {
          const response = await provider.complete(providerRequest);
          const cost = costMicroUsd(response.usage, model.prices);
          spent += cost;
          await this.options.meter.settle(
            this.record(call, model, response.usage, cost, started, attempt, 'ok'),
            reservation,
          );
          this.cooldowns.clear(deployment);
          return {
            ...response,
            model: model.id,
            costMicroUsd: spent,
            attempts: attempt,
            contextWindow: model.contextWindow,
          };
        } catch (e) {
          const error =
            e instanceof ProviderError
              ? e
              : request.signal?.aborted
                ? new ProviderError({
                    provider: model.provider,
                    model: model.id,
                    kind: 'cancelled',
                    message: 'cancelled',
                    cause: e,
                  })
                : undefined;
          // A call that timed out or was cancelled once sent may have been billed in full (the
          // provider does not stop at our disconnect): it is settled at its reservation, or at what
          // it is known to have consumed if that is more. A retry then reserves against what is left.
          const mayHaveBilled =
            !!error && (error.kind === 'timeout' || (error.kind === 'cancelled' && !cancelledBeforeSend));
          if (error && (mayHaveBilled || consumed(error.usage))) {
            const usage = error.usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
            const counted = costMicroUsd(usage, model.prices);
            const cost = mayHaveBilled ? Math.max(reservation.amountMicroUsd, counted) : counted;
            spent += cost;
            const outcome = error.kind === 'cancelled' ? 'cancelled' : 'error';
            await this.options.meter.settle(
              this.record(call, model, usage, cost, started, attempt, outcome),
              reservation,
            );
          } else {
            await this.options.meter.release(reservation);
          }
          if (!error) throw e;
          // Neither waiting nor another model turns these into a good answer.
          if (error.kind === 'cancelled' || error.kind === 'bad_request') throw error;
          const mayWaitMs = Math.min(budget.waitLeftMs, budget.until - this.now());
          const delay = retryDelayMs(error, attempt, this.policy, this.random, mayWaitMs);
          if (delay === undefined) {
            const cooldown = cooldownFor(error.kind, this.policy, error.retryAfterMs);
            this.cooldowns.cool(deployment, cooldown, error.kind);
            tried.push({
              model: model.id,
              provider: model.provider,
              kind: error.kind,
              reason: `${error.kind}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''} after ${attempt} attempt(s): ${error.message}`,
              attempts: attempt,
              ...(error.retryable && cooldown > 0 ? { availableInMs: cooldown } : {}),
            });
            break;
          }
          await this.sleep(delay, request.signal);
        }
      }
    }
    // Cooling down is a wait, not a failure: the models that could answer will again.
    const waits = tried.flatMap((t) => (t.availableInMs !== undefined ? [t.availableInMs] : []));
    if (waits.length) {
      const wait = Math.min(...waits);
      if (wait > budget.waitLeftMs || this.now() + wait > budget.until) {
        throw new ModelsCoolingDown(profile.id, tried, wait);
      }
      await this.sleep(wait, request.signal);
      return this.route(call, { ...budget, waitLeftMs: budget.waitLeftMs - wait }, spent);
    }
    if (firstBudgetRefusal && tried.every((t) => t.kind === 'budget' || t.kind === 'skipped')) {
      throw firstBudgetRefusal;
    }
    throw modelsExhausted(profile.id, tried);
  }

  /**
   * The most one call of this employee can cost with a prompt of `promptTokens`: its output
   * limit on the first live model the router would pick, at worst-case prices (undefined when no
   * live model could take it). The workflow sums these into a plan's estimate.
   */
  async worstCaseCallMicroUsd(query: CallCeilingQuery): Promise<number | undefined> {
    const { profile, promptTokens } = query;
    const catalog = query.tenantId ? await this.catalogFor(query.tenantId) : this.options.catalog;
    const refusal = query.tenantId ? await this.refusalFor(query.tenantId) : () => undefined;
    const first = rankModels(profile, query.preference, catalog, {
      promptTokens,
      maxOutputTokens: profile.maxTokensPerStep,
      ...(query.preferred !== undefined ? { preferred: query.preferred } : {}),
    }).find((c) => 'model' in c && this.options.providers.has(c.model.provider) && !refusal(c.model));
    if (!first || !('model' in first)) return undefined;
    return worstCaseMicroUsd(
      promptTokens,
      Math.min(profile.maxTokensPerStep, first.model.maxOutputTokens),
      first.model.prices,
    );
  }

  private record(
    call: EmployeeCall,
    model: CatalogModel,
    usage: TokenUsage,
    cost: number,
    started: number,
    attempts: number,
    outcome: 'ok' | 'error' | 'cancelled',
  ) {
    return {
      tenantId: call.context.tenantId,
      taskId: call.context.taskId,
      ...(call.context.stepId ? { stepId: call.context.stepId } : {}),
      employeeId: call.profile.id,
      provider: model.provider,
      model: model.id,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      ...(usage.cacheWriteTokens ? { cacheWriteTokens: usage.cacheWriteTokens } : {}),
      costMicroUsd: cost,
      latencyMs: Math.round(performance.now() - started),
      attempts,
      outcome,
    };
  }

  catalogFor(tenantId: string): Promise<Catalog> {
    return this.options.catalogFor?.(tenantId) ?? Promise.resolve(this.options.catalog);
  }

  private refusalFor(tenantId: string): Promise<(model: CatalogModel) => string | undefined> {
    return this.options.refusalFor?.(tenantId) ?? Promise.resolve(() => undefined);
  }
}
