import type { CodeSandbox, SandboxRunners } from '../agents/sandbox-port';
import type { EmployeeProfile } from '../domain';
import type { TeamMemory } from '../memory';
import type { Store } from '../store';
import type { Workspace } from '../workspace';
import type { TeamModels } from './models';

/** Abort signals for the work of running tasks in this process (local sandbox jobs, model calls). */
export class TaskSignals {
  private readonly controllers = new Map<string, AbortController>();

  for(taskId: string): AbortSignal {
    let c = this.controllers.get(taskId);
    if (!c || c.signal.aborted) {
      c = new AbortController();
      this.controllers.set(taskId, c);
    }
    return c.signal;
  }

  abort(taskId: string, reason: string): void {
    this.controllers.get(taskId)?.abort(new Error(reason));
    this.controllers.delete(taskId);
  }
}

/** What every Task state implementation is given. */
export interface WorkflowDeps {
  store: Store;
  models: TeamModels;
  workspaceFor(tenantId: string, taskId: string): Workspace;
  sandbox?: CodeSandbox;
  /** Where the sandbox keeps a runner per run (the Fargate tier); absent elsewhere. */
  sandboxRunners?: SandboxRunners;
  signals?: TaskSignals;
  /** With less time left than this between two model calls, a turn pauses (default PAUSE_MARGIN_MS; lower in tests). */
  pauseMarginMs?: number;
  /** Milliseconds between a running step's reads of its task's status (TECHTEAM_CANCEL_POLL_SECONDS). */
  cancelPollMs?: number;
  /**
   * The built-in employees as this host's configuration has them (builtInProfiles, with the
   * operator's models); BUILT_IN_PROFILES when absent.
   */
  builtInEmployees?: readonly EmployeeProfile[];
  /** The tenant's documents and the team's memories (planning recalls them; a finished task is remembered). */
  memory?: TeamMemory;
}

/** Dev/QA rounds a dev step gets before QA's rejection fails the task. */
export const MAX_DEV_ROUNDS = 3;
