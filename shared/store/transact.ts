import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const MAX_CONFLICT_RETRIES = 12;

/** True when a transaction lost only to another one on the same items: worth retrying as it is. */
export function isConflictOnly(e: unknown): boolean {
  if (!(e instanceof TransactionCanceledException))
    return (e as Error)?.name === 'TransactionConflictException';
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return (
    codes.includes('TransactionConflict') && codes.every((c) => c === 'TransactionConflict' || c === 'None')
  );
}

/**
 * TransactWriteItems, retried while it loses only to another transaction on the
 * same items (TransactionConflict). Many calls of one task settle against the
 * same task and budget items at once; a conflict there is contention, not an
 * error. A failed condition is never retried: the caller decides what it means.
 */
export async function transactWithRetry(
  doc: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await doc.send(new TransactWriteCommand(input));
      return;
    } catch (e) {
      if (!isConflictOnly(e) || attempt >= MAX_CONFLICT_RETRIES) throw e;
      const ceiling = Math.min(200, 5 * 2 ** attempt);
      await new Promise((r) => setTimeout(r, Math.random() * ceiling));
    }
  }
}
