import { InvalidInput, NotFound } from '../errors';
import { type Workspace, WorkspacePathInvalid, workspacePath } from '../workspace';

/** A workspace file as the files API lists it; `problem` says why one could not be read (its bytes are then 0). */
export interface TaskFile {
  path: string;
  bytes: number;
  problem?: string;
}

/** A file's content as an HTTP response carries it. */
export interface FileContent {
  content: Buffer;
  contentType: string;
}

const TEXT = 'text/plain; charset=utf-8';
const BINARY = 'application/octet-stream';
/** Reads at a time when listing: S3 answers each read in its own round trip. */
const READ_CONCURRENCY = 8;

/**
 * The workspace keeps text (read and written as UTF-8): bytes that were not
 * UTF-8 come back as U+FFFD, and a NUL is no text a person reads, so either
 * marks the file as binary. Never text/html or the like: served from the API's
 * origin, a file an employee wrote must not run as a page.
 */
export function contentTypeOf(text: string): string {
  return /[\u0000\uFFFD]/.test(text) ? BINARY : TEXT;
}

/** A request's path as a workspace path, or InvalidInput naming the field. */
export function requestedPath(path: string, field = 'path'): string {
  try {
    return workspacePath(path);
  } catch (e) {
    if (!(e instanceof WorkspacePathInvalid)) throw e;
    throw new InvalidInput(`Invalid ${field}: ${e.message}`, [{ path: field, message: e.message }]);
  }
}

/** Every file of the workspace with its size in bytes, in path order. */
export async function listTaskFiles(workspace: Workspace): Promise<TaskFile[]> {
  const paths = await workspace.list();
  const files: TaskFile[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) {
      const path = paths[i]!;
      try {
        files[i] = { path, bytes: Buffer.byteLength(await workspace.read(path)) };
      } catch (e) {
        if (!(e instanceof WorkspacePathInvalid || e instanceof NotFound)) throw e;
        files[i] = { path, bytes: 0, problem: e.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, paths.length) }, worker));
  return files;
}

/** One file's content and type; NotFound when the workspace has no such file. */
export async function readTaskFile(workspace: Workspace, path: string): Promise<FileContent> {
  const rel = requestedPath(path);
  const text = await workspace.read(rel);
  return { content: Buffer.from(text, 'utf8'), contentType: contentTypeOf(text) };
}
