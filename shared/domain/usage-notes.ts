/**
 * What the usage report (GET /v1/usage, the dashboard's Usage page) says about memory's lines.
 * Domain, not memory: the usage route reads it without bundling memory's SDKs.
 */

/**
 * Who the usage records of embeddings no employee asked for are written under: a document's
 * ingestion and a finished task's memory. No employee may take the id (shared/domain/employee.ts),
 * so the report's line for it is team memory's alone.
 */
export const MEMORY_EMPLOYEE = 'memory';

/** The offline embedder's provider: lexical hashing, no model, no price. */
export const OFFLINE_EMBEDDING_PROVIDER = 'offline';

/** A line's explanation in the usage report, when its key is not an employee or a billed model. */
export function usageNote(by: 'employee' | 'model', key: string): string | undefined {
  if (by === 'employee' && key === MEMORY_EMPLOYEE)
    return 'team memory: embeddings of uploaded documents and of finished tasks’ memories (no employee)';
  if (by === 'model' && key.startsWith(`${OFFLINE_EMBEDDING_PROVIDER}/`))
    return 'offline lexical embedder: matches words, not meaning; no model is called, so it costs $0';
  return undefined;
}
