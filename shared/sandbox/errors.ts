import { TechteamError } from '../errors';

/** The requested isolation level cannot run on this host; the message says how to fix it. */
export class SandboxUnavailable extends TechteamError {
  constructor(isolation: string, reason: string, install?: string) {
    super(
      'SandboxUnavailable',
      503,
      `Sandbox '${isolation}' is unavailable: ${reason}${install ? `. Install it with: ${install}` : ''}`,
      { isolation, ...(install ? { install } : {}) },
    );
  }
}

/** The job's workspace is larger than its limit; refused before anything runs. */
export class WorkspaceTooLarge extends TechteamError {
  constructor(bytes: number, limit: number) {
    super(
      'WorkspaceTooLarge',
      413,
      `The workspace holds ${bytes} bytes, over the limit of ${limit} bytes (limits.workspaceBytes)`,
      { bytes, limit },
    );
  }
}

/** The sandbox itself failed (not the job): a runtime that would not start, a lost runner. */
export class SandboxFailed extends TechteamError {
  constructor(isolation: string, problem: string) {
    super('SandboxFailed', 502, `Sandbox '${isolation}' failed: ${problem}`, { isolation });
  }
}

/** A remote sandbox gave no result in time (the runner is gone or overloaded). */
export class SandboxResultTimeout extends TechteamError {
  constructor(jobId: string, waitedMs: number) {
    super('SandboxResultTimeout', 504, `No result for sandbox job ${jobId} after ${waitedMs} ms`, {
      jobId,
      waitedMs,
    });
  }
}
