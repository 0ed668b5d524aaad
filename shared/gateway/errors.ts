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
      'ProviderError',
      init.kind === 'bad_request' || init.kind === 'context_length' ? 400 : 502,
      `${init.provider}/${init.model}: ${init.message}`,
      {
        provider: init.provider,
        model: init.model,
        kind: init.kind,
        ...(init.httpStatus !== undefined ? { httpStatus: init.httpStatus } : {}),
        ...(init.requestId ? { requestId: init.requestId } : {}),
      },
      { cause: init.cause },
    );
    this.provider = init.provider;
    this.model = init.model;
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.usage = init.usage;
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
 * No model answered, and a later retry may succeed (one failed for a reason time may mend):
 * names every model tried or skipped, and why. Step Functions retries it (workflow/definition.ts
 * TRANSIENT_ERRORS). `modelsExhausted` picks this or `NoModelAvailable`.
 */
export class ModelsExhausted extends TechteamError {
  readonly tried: ModelAttempt[];
  constructor(employeeId: string, tried: ModelAttempt[], code = 'ModelsExhausted') {
    super(
      code,
      503,
      `No model answered for employee '${employeeId}': ${tried.map((t) => `${t.model} (${t.reason})`).join('; ')}`,
      { employeeId, tried },
    );
    this.tried = tried;
  }
}

/** No model answered, and none can until the configuration changes: retrying does not help. */
export class NoModelAvailable extends ModelsExhausted {
  constructor(employeeId: string, tried: ModelAttempt[]) {
    super(employeeId, tried, 'NoModelAvailable');
  }
}

/** The error for a call no model answered: `ModelsExhausted` when time may mend a failure, else `NoModelAvailable`. */
export function modelsExhausted(employeeId: string, tried: ModelAttempt[]): ModelsExhausted {
  const transient = tried.some((t) => t.kind !== 'skipped' && t.kind !== 'budget' && RETRYABLE.has(t.kind));
  return transient ? new ModelsExhausted(employeeId, tried) : new NoModelAvailable(employeeId, tried);
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

/** A call pinned a model the employee may not use. */
export class ModelNotAllowed extends TechteamError {
  constructor(model: string, employeeId: string, allowed: readonly string[], code = 'ModelNotAllowed') {
    super(
      code,
      400,
      code === 'UnknownModel'
        ? `Model '${model}' is not in the catalog. Employee '${employeeId}' may use: ${allowed.join(', ')}`
        : `Employee '${employeeId}' may not use model '${model}'. Allowed: ${allowed.join(', ')}`,
      { model, employeeId, allowed },
    );
  }
}

/** A call pinned a model no catalog knows. */
export class UnknownModel extends ModelNotAllowed {
  constructor(model: string, employeeId: string, allowed: readonly string[]) {
    super(model, employeeId, allowed, 'UnknownModel');
  }
}
