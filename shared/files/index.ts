export {
  ARCHIVE_FORMATS,
  type Archive,
  type ArchiveFormat,
  ArchiveTooLarge,
  archiveWorkspace,
  MAX_ARCHIVE_BYTES,
} from './archive';
export {
  contentTypeOf,
  type FileContent,
  listTaskFiles,
  readTaskFile,
  requestedPath,
  type TaskFile,
} from './task-files';
