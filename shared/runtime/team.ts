import type { Workspace } from '../workspace';
import { sandboxFromEnv } from './aws-sandbox';
import { onFirstUse } from './first-use';
import { notConfigured, useRuntime } from './index';
import { gatewayOnly, type ModelRuntime, modelRuntime } from './models';

/**
 * The runtime with what the team works with: the model gateway, the task
 * workspaces in S3 and the AWS sandbox. For the handlers that run employees;
 * added to the process's runtime once. The local host installs a whole runtime
 * up front, so there this returns it unchanged.
 */
export function teamRuntime(): ModelRuntime {
  const base = modelRuntime();
  if (!gatewayOnly.has(base)) return base;
  const { config } = base;
  const region = config.AWS_REGION;
  const bucket = config.TECHTEAM_ARTIFACTS_BUCKET;
  const sandbox = sandboxFromEnv(process.env);
  const s3Client = onFirstUse(async () => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    return new S3Client(region ? { region } : {});
  });
  const full: ModelRuntime = {
    ...base,
    ...(sandbox ? { sandbox } : {}),
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
  useRuntime(full);
  return full;
}

/**
 * A task's S3 workspace whose SDK is imported on first use, so that in a Lambda
 * bundled with code splitting the S3 client is parsed on the first step, not at
 * init (where it would count against every cold start, failed ones included).
 */
function s3WorkspaceOnFirstUse(open: () => Promise<Workspace>): Workspace {
  const get = onFirstUse(open);
  return {
    list: async (options) => (await get()).list(options),
    sizes: async (options) => (await get()).sizes(options),
    read: async (path) => (await get()).read(path),
    write: async (path, content) => (await get()).write(path, content),
    files: async (options) => (await get()).files(options),
    snapshot: async (name) => (await get()).snapshot(name),
    snapshotFiles: async (name) => (await get()).snapshotFiles(name),
  };
}
