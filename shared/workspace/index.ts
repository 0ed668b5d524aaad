export { diffFiles } from './diff';
export { S3Workspace } from './s3-workspace';
export { LocalWorkspace, type Workspace, WorkspacePathInvalid, workspacePath } from './workspace';
