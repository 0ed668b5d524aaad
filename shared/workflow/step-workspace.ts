import { type Workspace, WorkspacePathInvalid, workspacePath } from '../workspace/workspace';

/**
 * The workspace as the employees of a dev step see it: the snapshot its diff is taken
 * against, and QA's scratch folder of probe tests, which Dev never sees.
 *
 * Stand-ins, marked below, cover what the workspace and the tools take over (Workspace.snapshot /
 * snapshotFiles, ToolContext.scratch, files({ includeScratch })): each checks for the real thing
 * first, so they fall away without a change here once it is there.
 */

/** Where QA writes its probe tests, relative to the workspace root. */
export const QA_SCRATCH = 'qa_probes/';

/** A dev step's baseline snapshot: the workspace when its round one began. */
export const stepSnapshotName = (stepId: string) => `step-${stepId}`;

interface Snapshots {
  snapshot(name: string): Promise<void>;
  snapshotFiles(name: string): Promise<Record<string, string> | undefined>;
}

const canSnapshot = (ws: Workspace): ws is Workspace & Snapshots =>
  typeof (ws as Partial<Snapshots>).snapshot === 'function' &&
  typeof (ws as Partial<Snapshots>).snapshotFiles === 'function';

// Stand-in for Workspace.snapshot: held in this process only, keyed by tenant/task/name.
const heldSnapshots = new Map<string, Record<string, string>>();

export interface SnapshotScope {
  tenantId: string;
  taskId: string;
  stepId: string;
}

const heldKey = (s: SnapshotScope) => `${s.tenantId}/${s.taskId}/${stepSnapshotName(s.stepId)}`;

async function storedBaseline(ws: Workspace, scope: SnapshotScope) {
  return canSnapshot(ws)
    ? ws.snapshotFiles(stepSnapshotName(scope.stepId))
    : heldSnapshots.get(heldKey(scope));
}

/**
 * The files a step's diff is taken against. Taken when first asked (round one of the step); a
 * resumed step keeps the one it had, so its diff still shows the whole change of the step.
 */
export async function stepBaseline(ws: Workspace, scope: SnapshotScope): Promise<Record<string, string>> {
  const held = await storedBaseline(ws, scope);
  if (held) return held;
  if (canSnapshot(ws)) {
    await ws.snapshot(stepSnapshotName(scope.stepId));
    return (await ws.snapshotFiles(stepSnapshotName(scope.stepId))) ?? {};
  }
  const files = await ws.files();
  heldSnapshots.set(heldKey(scope), files);
  return files;
}

export const inScratch = (path: string) => workspacePath(path).startsWith(QA_SCRATCH);

type FilesWithScratch = (opts?: { includeScratch?: boolean }) => Promise<Record<string, string>>;

/** Every file including QA's probes (the workspace hides them from files() once it knows the scratch). */
export function filesWithScratch(ws: Workspace): Promise<Record<string, string>> {
  return (ws.files as FilesWithScratch).call(ws, { includeScratch: true });
}

/** QA's probe files, path → content. */
export async function probeFiles(ws: Workspace): Promise<Record<string, string>> {
  const all = await filesWithScratch(ws);
  return Object.fromEntries(Object.entries(all).filter(([path]) => inScratch(path)));
}

const withoutProbes = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).filter(([path]) => !inScratch(path)));

/** Dev's view: QA's scratch folder is not there (stand-in for ToolContext.scratch on Dev's side). */
export function hideScratch(ws: Workspace): Workspace {
  const view = Object.create(ws) as Workspace;
  return Object.assign(view, {
    list: async () => (await ws.list()).filter((p) => !inScratch(p)),
    files: async () => withoutProbes(await ws.files()),
    read: async (path: string) => {
      if (inScratch(path)) throw new WorkspacePathInvalid(path, 'is not in the workspace');
      return ws.read(path);
    },
    write: async (path: string, content: string) => {
      if (inScratch(path)) throw new WorkspacePathInvalid(path, `is in ${QA_SCRATCH}, which belongs to QA`);
      return ws.write(path, content);
    },
  });
}

/** QA's view: it writes only under its scratch folder (stand-in for ToolContext.scratch on QA's side). */
export function confineWritesToScratch(ws: Workspace): Workspace {
  const view = Object.create(ws) as Workspace;
  return Object.assign(view, {
    write: async (path: string, content: string) => {
      if (!inScratch(path)) {
        throw new WorkspacePathInvalid(
          path,
          `is outside ${QA_SCRATCH}: QA writes probe tests only under ${QA_SCRATCH} (e.g. ${QA_SCRATCH}test_edges.py)`,
        );
      }
      return ws.write(path, content);
    },
  });
}
