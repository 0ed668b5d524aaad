import { TechteamError } from '../errors';
import type { TokenUsage } from './types';

/**
 * Why a provider call failed, as the router needs to know it: whether a retry
 * can help, and whether the next model might.
 */
export type ProviderFailureKind =
  /** 429 or a provider's rate-limit error; honour retryAfterMs. */
  | 'rate_limited'
  /** 529 / "overloaded" / Bedrock ThrottlingException-class capacity errors. */
  | 'overloaded'
  /** 5xx. */
  | 'server'
  /** No complete answer within the call's timeout. */
  | 'timeout'
  /** Connection refused, reset, DNS. */
  | 'network'
  /** A 2xx whose body could not be understood. */
  | 'malformed'
  /** 400-class input the provider rejected; retrying the same request cannot help. */
  | 'bad_request'
  /** The prompt does not fit the model's context window. Another (bigger) model might. */
  | 'context_length'
  /** 401/403: bad or missing key. The deployment is unusable until reconfigured. */
  | 'auth'
  /** 404: the provider does not know this model id. */
  | 'not_found'
  /** The caller's AbortSignal fired. Never retried. */
  | 'cancelled';

const RETRYABLE: ReadonlySet<ProviderFailureKind> = new Set([
  'rate_limited',
  'overloaded',
  'server',
  'timeout',
  'network',
  'malformed',
]);

/** A failure (kind) that time may mend: the same model, tried later, may answer. */
export function timeMayMend(kind: string): boolean {
  return RETRYABLE.has(kind as ProviderFailureKind);
}

/** Failures after which another model may still succeed (but this one, as called, will not). */
const NEXT_MODEL_MAY_HELP: ReadonlySet<ProviderFailureKind> = new Set([
  ...RETRYABLE,
  'context_length',
  'auth',
  'not_found',
]);

export interface ProviderErrorInit {
  provider: string;
  model: string;
  kind: ProviderFailureKind;
  message: string;
  httpStatus?: number;
  /** From a Retry-After / retry-after-ms header, when the provider sent one. */
  retryAfterMs?: number;
  requestId?: string;
  /** Tokens the failed call consumed, when known (e.g. a stream cut off mid-answer). */
  usage?: TokenUsage;
  cause?: unknown;
}

/** One provider call failed. Thrown by every provider adapter; nothing provider-specific escapes. */
export class ProviderError extends TechteamError {
  readonly provider: string;
  readonly model: string;
  readonly kind: ProviderFailureKind;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly usage: TokenUsage | undefined;

  constructor(init: ProviderErrorInit) {
    super(
      init.kind === 'cancelled' ? 'Cancelled' : 'ProviderError',
      init.kind === 'bad_request' || init.kind === 'context_length' ? 400 : 502,
      `${init.provider}/${init.model}: ${init.message}`,
      {
        provider: init.provider,
        model: init.model,
        kind: init.kind,
        ...(init.httpStatus !== undefined ? { httpStatus: init.httpStatus } : {}),
        ...(init.requestId ? { requestId: init.requestId } : {}),
      },
    );
    this.provider = init.provider;
    this.model = init.model;
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.usage = init.usage;
    if (init.cause !== undefined) this.cause = init.cause;
  }

  /** Retrying the same model later may succeed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** Falling back to another model may succeed. */
  get nextModelMayHelp(): boolean {
    return NEXT_MODEL_MAY_HELP.has(this.kind);
  }
}

export type BudgetScope = 'task' | 'employee' | 'tenant';

/** A call's worst-case cost does not fit a budget; no provider was contacted. */
export class BudgetExceeded extends TechteamError {
  readonly scope: BudgetScope;
  readonly remainingMicroUsd: number;
  readonly neededMicroUsd: number;
  constructor(scope: BudgetScope, remainingMicroUsd: number, neededMicroUsd: number, model: string) {
    const usd = (micro: number) => `$${(micro / 1_000_000).toFixed(6)}`;
    super(
      'BudgetExceeded',
      402,
      `The ${scope} budget has ${usd(Math.max(0, remainingMicroUsd))} left, and a call to ${model} may cost up to ${usd(neededMicroUsd)}. ` +
        (scope === 'tenant'
          ? "Raise the tenant's monthly budget or wait for next month."
          : 'Raise the task budget (budgetUsd) or give the employee a larger budgetShare.'),
      { scope, remainingMicroUsd, neededMicroUsd, model },
    );
    this.scope = scope;
    this.remainingMicroUsd = remainingMicroUsd;
    this.neededMicroUsd = neededMicroUsd;
  }
}

/** Why one model was not used or did not answer. */
export interface ModelAttempt {
  model: string;
  provider: string;
  reason: string;
  /** The failure kind when a provider was contacted, or why it was skipped. */
  kind: ProviderFailureKind | 'skipped' | 'budget';
  attempts: number;
  /**
   * Set when the model is only cooling down after failures time may mend (429, 5xx, overload,
   * timeout, network): it may be tried again this many milliseconds from now.
   */
  availableInMs?: number;
}

/**
 * No model answered: names every model tried or skipped, and why. Its code is
 * ProviderUnavailable when a later retry may succeed (Step Functions retries
 * that), NoModelAvailable when none can until the configuration changes.
 */
export class ModelsExhausted extends TechteamError {
  readonly tried: ModelAttempt[];
  constructor(employeeId: string, tried: ModelAttempt[]) {
    const transient = tried.some((t) => t.kind !== 'skipped' && t.kind !== 'budget' && RETRYABLE.has(t.kind));
    super(
      transient ? 'ProviderUnavailable' : 'NoModelAvailable',
      503,
      `No model answered for employee '${employeeId}': ${tried.map((t) => `${t.model} (${t.reason})`).join('; ')}`,
      { employeeId, tried },
    );
    this.tried = tried;
  }
}

/**
 * Every model that could answer is cooling down, and the earliest is free again only after the
 * call's deadline (the step's remaining time): a wait, not a failure. Step Functions retries it
 * (workflow/definition.ts TRANSIENT_ERRORS); `retryInMs` says when a model is free again.
 */
export class ModelsCoolingDown extends TechteamError {
  readonly tried: ModelAttempt[];
  readonly retryInMs: number;
  constructor(employeeId: string, tried: ModelAttempt[], retryInMs: number) {
    super(
      'ModelsCoolingDown',
      503,
      `Every model employee '${employeeId}' may use is cooling down; the first is free again in ${Math.ceil(retryInMs / 1000)} s, after this step may wait: ${tried.map((t) => `${t.model} (${t.reason})`).join('; ')}`,
      { employeeId, tried, retryInMs },
    );
    this.tried = tried;
    this.retryInMs = retryInMs;
  }
}

/** A call pinned a model the employee may not use, or that no catalog knows. */
export class ModelNotAllowed extends TechteamError {
  constructor(model: string, employeeId: string, allowed: readonly string[], why: 'not allowed' | 'unknown') {
    super(
      why === 'unknown' ? 'UnknownModel' : 'ModelNotAllowed',
      400,
      why === 'unknown'
        ? `Model '${model}' is not in the catalog. Employee '${employeeId}' may use: ${allowed.join(', ')}`
        : `Employee '${employeeId}' may not use model '${model}'. Allowed: ${allowed.join(', ')}`,
      { model, employeeId, allowed },
    );
  }
}
