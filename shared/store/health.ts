import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TechteamError } from '../errors';

/**
 * Why the table cannot be reached right now, or undefined when it answers. One DescribeTable,
 * which reads no items, cut off after `timeoutMs` so a hung engine reads as down, not as slow.
 */
export async function storeProblem(
  doc: DynamoDBDocumentClient,
  table: string,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const { Table } = await doc.send(new DescribeTableCommand({ TableName: table }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return Table?.TableStatus === 'ACTIVE'
      ? undefined
      : `table ${table} is ${Table?.TableStatus ?? 'missing'}`;
  } catch (e) {
    const error = e as Error & { code?: string; cause?: { code?: string } };
    if (error.name === 'AbortError' || error.name === 'TimeoutError') {
      return `the store did not answer within ${timeoutMs} ms`;
    }
    const code = error.code ?? error.cause?.code;
    return `the store is unreachable: ${code ? `${code} ` : ''}${error.message}`.trim();
  }
}

/** The store cannot be reached (its engine died or is restarting): a 503, so a client retries later. */
export class StoreUnavailable extends TechteamError {
  constructor(reason: string) {
    super('StoreUnavailable', 503, `The store is unavailable: ${reason}`, { reason });
  }
}
