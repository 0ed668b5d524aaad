import type { Workspace } from '../workspace';
import { onFirstUse } from './first-use';
import { notConfigured, useRuntime } from './index';
import { gatewayOnly, type ModelRuntime, modelRuntime } from './models';

/** Runtimes built here: the gateway and the workspaces, no sandbox (see teamRuntime). */
export const withoutSandbox = new WeakSet<ModelRuntime>();

/**
 * The runtime with the model gateway and the task workspaces in S3, no sandbox: for the
 * handlers that read what the team made without running code (Replan, Synthesize), so their
 * Lambdas never bundle the ECS or SQS SDKs. The local host installs a whole runtime up front,
 * so there this returns it unchanged.
 */
export function workspaceRuntime(): ModelRuntime {
  const base = modelRuntime();
  if (!gatewayOnly.has(base)) return base;
  const region = base.config.AWS_REGION;
  const bucket = base.config.TECHTEAM_ARTIFACTS_BUCKET;
  const s3Client = onFirstUse(async () => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    return new S3Client(region ? { region } : {});
  });
  const withWorkspace: ModelRuntime = {
    ...base,
    workspaceFor: (tenantId, taskId) =>
      s3WorkspaceOnFirstUse(async () =>
        (await import('../workspace/s3-workspace')).S3Workspace.forTask(
          await s3Client(),
          bucket ?? notConfigured('TECHTEAM_ARTIFACTS_BUCKET'),
          tenantId,
          taskId,
        ),
      ),
  };
  withoutSandbox.add(withWorkspace);
  useRuntime(withWorkspace);
  return withWorkspace;
}

/**
 * A task's S3 workspace whose SDK is imported on first use, so that in a Lambda
 * bundled with code splitting the S3 client is parsed on the first step, not at
 * init (where it would count against every cold start, failed ones included).
 */
function s3WorkspaceOnFirstUse(open: () => Promise<Workspace>): Workspace {
  const get = onFirstUse(open);
  return {
    list: async () => (await get()).list(),
    read: async (path) => (await get()).read(path),
    write: async (path, content) => (await get()).write(path, content),
    files: async () => (await get()).files(),
  };
}
