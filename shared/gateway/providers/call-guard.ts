/**
 * One attempt's cancellation: the caller's AbortSignal and the attempt's timeout
 * folded into one signal for the SDK, remembering which of the two fired, so a
 * failure can be told apart as 'cancelled' or 'timeout' whatever the SDK threw.
 */
export class CallGuard {
  /** Aborted when the caller aborts or the timeout fires; undefined when neither can happen. */
  readonly signal: AbortSignal | undefined;
  private readonly controller: AbortController | undefined;
  private readonly callerSignal: AbortSignal | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOutFlag = false;
  private readonly onCallerAbort = () => this.controller?.abort(this.callerSignal?.reason);

  constructor(callerSignal: AbortSignal | undefined, timeoutMs: number | undefined) {
    this.callerSignal = callerSignal;
    if (!callerSignal && timeoutMs === undefined) return;
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    if (callerSignal) {
      if (callerSignal.aborted) this.controller.abort(callerSignal.reason);
      else callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    if (timeoutMs !== undefined && !this.controller.signal.aborted) {
      this.timer = setTimeout(() => {
        this.timedOutFlag = true;
        this.controller?.abort(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    }
  }

  get cancelled(): boolean {
    return this.callerSignal?.aborted === true;
  }

  get timedOut(): boolean {
    return this.timedOutFlag && !this.cancelled;
  }

  /** Stops the timer and forgets the caller's signal; call once the attempt is over. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  /**
   * Settles with `work`, or rejects as soon as the guard's signal fires, for SDKs
   * (or test mocks) that may not honour an AbortSignal promptly.
   */
  race<T>(work: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (!signal) return work;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
