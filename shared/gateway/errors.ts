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

/** A provider was asked for but its credentials are not configured. */
export class MissingCredentials extends TechteamError {
  readonly provider: string;
  readonly variable: string;
  constructor(provider: string, variable: string) {
    super('MissingCredentials', 503, `Model provider '${provider}' has no credentials: set ${variable}`, {
      provider,
      variable,
    });
    this.provider = provider;
    this.variable = variable;
  }
}
