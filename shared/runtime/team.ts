import { S3Client } from '@aws-sdk/client-s3';
import { type TeamGateway, teamGateway } from '../gateway/team-gateway';
import { S3Workspace } from '../workspace';
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
  const s3 = new S3Client(region ? { region } : {});
  const bucket = config.TECHTEAM_ARTIFACTS_BUCKET;
  const sandbox = sandboxFromEnv(process.env);
  const gateway = teamGateway(base.store, base.directory);
  const full: Runtime & { gateway: TeamGateway } = {
    ...base,
    gateway,
    models: gateway,
    ...(sandbox ? { sandbox } : {}),
    workspaceFor: (tenantId, taskId) =>
      S3Workspace.forTask(s3, bucket ?? notConfigured('TECHTEAM_ARTIFACTS_BUCKET'), tenantId, taskId),
  };
  useRuntime(full);
  return full;
}
