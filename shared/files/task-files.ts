import { InvalidInput } from '../errors';
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

/**
 * Text only when the bytes are UTF-8 with no NUL; anything else is served as bytes. Never
 * text/html or the like: served from the API's origin, a file an employee wrote must not run as
 * a page.
 */
export function contentTypeOf(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.includes('\u0000') ? BINARY : TEXT;
  } catch {
    return BINARY;
  }
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
  return (await workspace.sizes()).map((f) =>
    f.unreadable && f.unreadable !== 'binary'
      ? { path: f.path, bytes: f.bytes, problem: f.unreadable }
      : { path: f.path, bytes: f.bytes },
  );
}

/** One file's content and type; NotFound when the workspace has no such file. */
export async function readTaskFile(workspace: Workspace, path: string): Promise<FileContent> {
  const bytes = await workspace.readBytes(requestedPath(path));
  return { content: Buffer.from(bytes), contentType: contentTypeOf(bytes) };
}
