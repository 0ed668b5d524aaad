import { inject } from 'vitest';
import { createDocumentClient, ensureTable } from '../store/client';
import { newUlid } from '../store/ids';
import { type Clock, Store, systemClock } from '../store/store';

/** A Store on a fresh table of the run's shared DynamoDB Local. */
export async function freshStore(clock: Clock = systemClock): Promise<Store> {
  const doc = createDocumentClient({ endpoint: inject('dynamoEndpoint') });
  const table = `test-${newUlid().toLowerCase()}`;
  await ensureTable(doc, table);
  return new Store(doc, table, clock);
}
