import type { Config } from '../config';
import type { Workspace } from '../workspace';
import { type Deps, notConfigured, tenantScopeOf, withPart } from './deps';
import { onFirstUse } from './first-use';
import { tenantS3Clients } from './tenant-objects';
import { traceAwsClient } from './tracing';

/**
 * Each task's workspace in the artifacts bucket, through the tenant's own S3 client
 * (tenant-objects.ts: its assumed-role session on AWS; another tenant's keys refused), the S3 SDK imported on first
 * use: in a Lambda bundled with code splitting the S3 client is parsed on the
 * first read, not at init (where it would count against every cold start).
 */
export function s3Workspaces(
  config: Config,
  env: Record<string, string | undefined> = process.env,
): Deps['workspaceFor'] {
  const scope = tenantScopeOf(config, env);
  const clientsFor = onFirstUse(async () => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    return tenantS3Clients(config, scope, (options) => traceAwsClient(new S3Client(options ?? {})));
  });
  return (tenantId, taskId) => {
    const get = onFirstUse(async () =>
      (await import('../workspace/s3-workspace')).S3Workspace.forTask(
        (await clientsFor())(tenantId),
        config.TECHTEAM_ARTIFACTS_BUCKET ?? notConfigured('TECHTEAM_ARTIFACTS_BUCKET'),
        tenantId,
        taskId,
      ),
    );
    const workspace: Workspace = {
      list: async (options) => (await get()).list(options),
      sizes: async (options) => (await get()).sizes(options),
      read: async (path) => (await get()).read(path),
      readBytes: async (path) => (await get()).readBytes(path),
      write: async (path, content) => (await get()).write(path, content),
      files: async (options) => (await get()).files(options),
      snapshot: async (name) => (await get()).snapshot(name),
      snapshotFiles: async (name) => (await get()).snapshotFiles(name),
    };
    return workspace;
  };
}

/**
 * The runtime with the task workspaces and nothing else added: no model
 * gateway, no sandbox. For the handlers that serve a task's files; their
 * Lambdas get read access to the workspaces alone. The local host installs a
 * whole runtime up front, so there this returns it.
 */
export function workspaceDeps(): Deps {
  return withPart('workspaces', (base) => ({ ...base, workspaceFor: s3Workspaces(base.config) }));
}
