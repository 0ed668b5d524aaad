export { diffFiles } from './diff';
export { WorkspaceFileBinary, WorkspacePathInvalid } from './errors';
export { S3Workspace } from './s3-workspace';
export { inScratch, SCRATCH_FOLDER } from './scratch';
export { countLines, looksBinary } from './text';
export {
  type FilesOptions,
  LocalWorkspace,
  MAX_FILE_BYTES,
  type Workspace,
  type WorkspaceFileInfo,
  workspacePath,
} from './workspace';
export {
  checkWriteBackPath,
  MAX_NAME_BYTES,
  MAX_PATH_BYTES,
  printablePath,
  type SkippedFile,
  type WriteBackCheck,
  writeBackFiles,
} from './write-back';
