import type { S3Client } from '@aws-sdk/client-s3';
import { type TeamGateway, teamGateway } from '../gateway/team-gateway';
import type { Workspace } from '../workspace';
import { sandboxFromEnv } from './aws-sandbox';
import { notConfigured, type Runtime, runtime, useRuntime } from './index';

/**
 * The runtime with what the team works with: the model gateway, the task
 * workspaces in S3 and the AWS sandbox. For the handlers that run employees or
 * call models; added to the process's runtime once. The local host installs a
 * whole runtime up front, so there this returns it unchanged.
 */
export function teamRuntime(): Runtime & { gateway: TeamGateway } {
  const base = runtime();
  if (base.gateway) return base as Runtime & { gateway: TeamGateway };
  const { config } = base;
  const region = config.AWS_REGION;
  const bucket = config.TECHTEAM_ARTIFACTS_BUCKET;
  const sandbox = sandboxFromEnv(process.env);
  const gateway = teamGateway(base.store, base.directory);
  let s3: Promise<S3Client> | undefined;
  const s3Client = () => {
    s3 ??= import('@aws-sdk/client-s3').then((m) => new m.S3Client(region ? { region } : {}));
    return s3;
  };
  const full: Runtime & { gateway: TeamGateway } = {
    ...base,
    gateway,
    models: gateway,
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
 * A task's S3 workspace whose SDK is imported on first use: planning, approval
 * and synthesis never touch a workspace, and in a Lambda bundled with code
 * splitting they then never parse the S3 client.
 */
function s3WorkspaceOnFirstUse(open: () => Promise<Workspace>): Workspace {
  let workspace: Promise<Workspace> | undefined;
  const get = () => {
    workspace ??= open().catch((e) => {
      workspace = undefined;
      throw e;
    });
    return workspace;
  };
  return {
    list: async () => (await get()).list(),
    read: async (path) => (await get()).read(path),
    write: async (path, content) => (await get()).write(path, content),
    files: async () => (await get()).files(),
  };
}
