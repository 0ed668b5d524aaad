import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface StoreRequest {
  command: string;
  startMs: number;
  ms: number;
}

/** Records every request the store's client sends (command and round-trip time), for the bench's profile. */
export function recordStoreRequests(doc: DynamoDBDocumentClient): StoreRequest[] {
  const requests: StoreRequest[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        requests.push({
          command: String(context.commandName),
          startMs: started,
          ms: performance.now() - started,
        });
      }
    },
    { step: 'initialize', name: 'benchStoreRequests' },
  );
  return requests;
}
