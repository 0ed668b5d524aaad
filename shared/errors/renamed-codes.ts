/**
 * Error codes that were renamed, old name to new. An error's code is stored (a task's `failure`,
 * `task_finished` and `replan` events) and carried in running executions' state, so a read of a
 * code goes through `currentErrorCode` for one release after a rename.
 */
const RENAMED_ERROR_CODES: Readonly<Record<string, string>> = {
  // `ModelsExhausted` reported this code when a later retry could help; no class had the name.
  ProviderUnavailable: 'ModelsExhausted',
};

/** A stored or carried error code under its current name. */
export function currentErrorCode(code: string): string {
  return RENAMED_ERROR_CODES[code] ?? code;
}
