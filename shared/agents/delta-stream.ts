import { log } from '../observability';
import type { Store, TaskDelta } from '../store';

/** Where one employee's streamed text goes, and how eagerly. */
export interface DeltaStreamOptions {
  store: Pick<Store, 'appendDelta'>;
  tenantId: string;
  taskId: string;
  stepId?: string;
  employee: string;
  /** Longest a piece of text waits before it is written (default 250 ms). */
  intervalMs?: number;
  /** Pending text of this many characters is written at once, without waiting (default 2,048). */
  flushChars?: number;
  /** Longest `close()` waits for the last writes before it returns and lets them finish alone (default 2,000 ms). */
  closeWaitMs?: number;
  /** Where a failed write is reported (default: the log, on the first failure and every 20th); it is dropped either way. */
  onWriteError?: (error: unknown, dropped: { chars: number; failures: number }) => void;
}

function logWriteError(error: unknown, dropped: { chars: number; failures: number }): void {
  if (dropped.failures === 1 || dropped.failures % 20 === 0) {
    log.warn('streamed text dropped: a delta write failed', { ...dropped, error: String(error) });
  }
}

/** One item stays far below DynamoDB's 400 KB, whatever one delta of a provider holds. */
const MAX_ITEM_CHARS = 16 * 1024;

/**
 * Coalesces a model's streamed text into transient delta items (see
 * `Store.appendDelta`): one write at most every `intervalMs`, or sooner once
 * `flushChars` are pending, one write in flight at a time so the pieces land in
 * order. `push` is synchronous and never throws, and a failed write is reported
 * and dropped: a client following live may miss words, but the model call is
 * never slowed or failed by them (the `message` event keeps the whole text).
 */
export class DeltaStream {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;
  private failures = 0;
  private readonly intervalMs: number;
  private readonly flushChars: number;

  constructor(private readonly options: DeltaStreamOptions) {
    this.intervalMs = options.intervalMs ?? 250;
    this.flushChars = options.flushChars ?? 2048;
  }

  /** Adds streamed text; it is written within `intervalMs`. Ignored after `close()`. */
  push(text: string): void {
    if (this.closed || !text) return;
    this.pending += text;
    this.schedule();
  }

  /** Writes whatever is pending now and waits until every write has ended (written or dropped). */
  async flush(): Promise<void> {
    for (;;) {
      this.clearTimer();
      if (this.writing) await this.writing;
      else if (this.pending) this.startWrite();
      else return;
    }
  }

  /**
   * Flushes, then ignores any later text. Waits at most `closeWaitMs`: a store that
   * hangs must not hold the end of an employee's turn; the write then ends on its own.
   */
  async close(): Promise<void> {
    this.closed = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((done) => {
      timer = setTimeout(done, this.options.closeWaitMs ?? 2_000);
      timer.unref?.();
    });
    await Promise.race([this.flush(), waited]);
    clearTimeout(timer);
  }

  private schedule(): void {
    if (this.writing) return; // the write's end schedules what accumulated meanwhile
    if (this.pending.length >= this.flushChars) {
      this.clearTimer();
      this.startWrite();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.writing) this.startWrite();
      }, this.intervalMs);
      // A pending write must not keep a finished process (the CLI, a test) alive.
      this.timer.unref?.();
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startWrite(): void {
    const text = this.pending.slice(0, MAX_ITEM_CHARS);
    this.pending = this.pending.slice(text.length);
    if (!text) return;
    const { store, tenantId, taskId, stepId, employee } = this.options;
    const delta: Omit<TaskDelta, 'id' | 'at'> = { taskId, employee, text, ...(stepId ? { stepId } : {}) };
    this.writing = store
      .appendDelta(tenantId, delta)
      .then(
        () => undefined,
        (error: unknown) => {
          this.failures += 1;
          (this.options.onWriteError ?? logWriteError)(error, {
            chars: text.length,
            failures: this.failures,
          });
        },
      )
      .finally(() => {
        this.writing = undefined;
        if (this.pending) this.schedule();
      });
  }
}
