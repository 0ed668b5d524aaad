import { Task } from '../domain';
import { stripKeys } from './keys';

/** A task's running totals, kept as top-level numbers on its item so that usage can ADD to them. */
export const TOTAL_FIELDS = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'costMicroUsd'] as const;

/** A task item (read from the table or from its stream image) as the domain's Task. */
export function taskFromItem(item: Record<string, unknown>): Task {
  const raw = stripKeys(item);
  const totals: Record<string, unknown> = {};
  for (const f of TOTAL_FIELDS) {
    totals[f] = raw[f] ?? 0;
    delete raw[f];
  }
  return Task.parse({ ...raw, totals });
}
