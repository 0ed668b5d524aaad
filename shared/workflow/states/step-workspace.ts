import { inScratch, SCRATCH_FOLDER } from '../../workspace/scratch';
import type { Workspace } from '../../workspace/workspace';

/**
 * The workspace as the employees of a dev step see it: the snapshot its diff is taken against,
 * and QA's scratch folder of probe tests (hidden from Dev by the tools, see ToolContext.scratch).
 */

/** Where QA writes its probe tests, relative to the workspace root. */
export const QA_SCRATCH = SCRATCH_FOLDER;

/** A dev step's baseline snapshot: the workspace when its round one began. */
export const stepSnapshotName = (stepId: string) => `step-${stepId}`;

/**
 * The files a step's diff is taken against. Taken when first asked (round one of the step); a
 * resumed step keeps the one it had, so its diff still shows the whole change of the step.
 */
export async function stepBaseline(ws: Workspace, stepId: string): Promise<Record<string, string>> {
  const name = stepSnapshotName(stepId);
  const held = await ws.snapshotFiles(name);
  if (held) return held;
  await ws.snapshot(name);
  return (await ws.snapshotFiles(name)) ?? {};
}

/** Every file including QA's probes. */
export function filesWithScratch(ws: Workspace): Promise<Record<string, string>> {
  return ws.files({ includeScratch: true });
}

export { inScratch };
