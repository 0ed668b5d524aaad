import { withPart } from './deps';
import { type ModelDeps, modelDeps } from './models';
import { s3Workspaces } from './workspaces';

/**
 * The runtime with the model gateway and the task workspaces in S3, no sandbox: for the states
 * that read what the team made without running code (Replan, Synthesize). The local host installs a whole runtime up front, so there this
 * returns it unchanged.
 */
export function readingDeps(): ModelDeps {
  modelDeps();
  return withPart('workspaces', (base) => {
    const reading = { ...base, workspaceFor: s3Workspaces(base.config) } as ModelDeps;
    // Events these states write (tool calls, answers) may be too large for an item: keep them in the task's files.
    reading.store.keepEventPayloadsIn(reading.workspaceFor);
    return reading;
  });
}
