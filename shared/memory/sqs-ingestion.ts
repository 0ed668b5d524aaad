import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { IngestionJob, IngestionQueue } from './team-memory';

export { IngestionJobSchema } from './ingestion-batch';

/** Uploads wait on SQS for the ingestion Lambda (functions/memory/ingest-document.ts). */
export class SqsIngestionQueue implements IngestionQueue {
  private readonly client: SQSClient;

  constructor(
    private readonly queueUrl: string,
    region?: string,
  ) {
    this.client = new SQSClient(region ? { region } : {});
  }

  async enqueue(job: IngestionJob): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }),
    );
  }
}
