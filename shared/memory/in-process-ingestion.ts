import type { IngestionJob, IngestionQueue } from './team-memory';

/**
 * The local host's ingestion queue: jobs run in this process, one at a time, after the upload
 * has answered (as the SQS-fed Lambda does on AWS). `idle()` resolves when every queued job is done.
 */
export class InProcessIngestion implements IngestionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private run: ((job: IngestionJob) => Promise<unknown>) | undefined;

  /** The worker, set once the memory it feeds exists (the memory needs the queue to be built). */
  attach(run: (job: IngestionJob) => Promise<unknown>): void {
    this.run = run;
  }

  async enqueue(job: IngestionJob): Promise<void> {
    const run = this.run;
    if (!run) throw new Error('InProcessIngestion has no worker attached');
    // A job's own failure is recorded on its document by the worker; the chain must outlive it.
    this.tail = this.tail.then(() => run(job)).catch(() => undefined);
  }

  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
