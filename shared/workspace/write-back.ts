import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** A name longer than this is refused by Linux file systems (NAME_MAX). */
export const MAX_NAME_BYTES = 255;
/**
 * The longest path taken back. An S3 key holds at most 1024 bytes and a
 * workspace key starts with `<tenant>/<task>/workspace/`, so a longer path
 * could be kept on one host and not on another.
 */
export const MAX_PATH_BYTES = 900;

/** Folders a workspace never holds: a job's output inside them is not taken back. */
const FOREIGN_FOLDERS = new Set(['.git', 'node_modules']);

export type WriteBackCheck = { ok: true; path: string } | { ok: false; path: string; reason: string };

/** A file the write-back left out, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The path as one printable line: control characters escaped, bytes that are not UTF-8 as `\xNN`. */
export function printablePath(path: string | Uint8Array): string {
  const text = typeof path === 'string' ? path : decodeShowingBadBytes(path);
  return text.replace(/[\u0000-\u001f\u007f]/g, escapeControl);
}

function decodeShowingBadBytes(bytes: Uint8Array): string {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    try {
      text += utf8.decode(bytes.subarray(i, i + length));
      i += length;
    } catch {
      text += `\\x${lead.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return text;
}

function escapeControl(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * The one rule for what a sandbox job's output may be called when it goes back
 * into a workspace: a relative, already-normalised path of UTF-8 names, with no
 * control characters or backslashes, outside `.git` and `node_modules`, each name
 * at most 255 bytes and the whole at most 900. Anything else is refused with the
 * reason, never rewritten into another name (`a\b` is not quietly `a/b`).
 * Accepts the name as the job's bytes, so a name that is not UTF-8 is seen as such.
 */
export function checkWriteBackPath(name: string | Uint8Array): WriteBackCheck {
  let path: string;
  if (typeof name === 'string') path = name;
  else {
    try {
      path = utf8.decode(name);
    } catch {
      return { ok: false, path: printablePath(name), reason: 'its name is not UTF-8' };
    }
  }
  const refuse = (reason: string): WriteBackCheck => ({ ok: false, path: printablePath(path), reason });
  if (!path) return refuse('its name is empty');
  const control = /[\u0000-\u001f\u007f]/.exec(path);
  if (control) return refuse(`its name holds a control character (${escapeControl(control[0])})`);
  if (path.includes('\\'))
    return refuse('its name holds a backslash, which other systems read as a folder separator');
  if (path.startsWith('/')) return refuse('is an absolute path, outside the workspace');
  const segments = path.split('/');
  if (segments.includes('..')) return refuse("goes up with '..', outside the workspace");
  if (segments.some((s) => s === '' || s === '.'))
    return refuse("is not a plain path (an empty or '.' name)");
  const foreign = segments.find((s) => FOREIGN_FOLDERS.has(s));
  if (foreign) return refuse(`is in ${foreign}, which the workspace does not hold`);
  if (segments.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES))
    return refuse(`has a name longer than ${MAX_NAME_BYTES} bytes`);
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return refuse(`is longer than ${MAX_PATH_BYTES} bytes`);
  return { ok: true, path };
}

/** Linux names an open folder `/proc/self/fd/N`, which makes a lookup relative to it (openat). */
const PROC_FD = existsSync('/proc/self/fd');

/** A folder held open: names inside it are looked up in it, whatever its path has become since. */
class HeldFolder {
  private constructor(
    private readonly fd: number,
    private readonly path: string,
  ) {}

  static open(path: string, noFollow: boolean): HeldFolder {
    const flags = constants.O_RDONLY | constants.O_DIRECTORY | (noFollow ? constants.O_NOFOLLOW : 0);
    return new HeldFolder(openSync(path, flags), path);
  }

  child(name: string): string {
    return PROC_FD ? `/proc/self/fd/${this.fd}/${name}` : join(this.path, name);
  }

  close(): void {
    closeSync(this.fd);
  }
}

class Refused extends Error {}

function refusalFor(e: unknown, what: string): Refused {
  const code = (e as NodeJS.ErrnoException).code;
  if (e instanceof Refused) return e;
  if (code === 'ELOOP') return new Refused(`${what} is a symlink (never written through)`);
  if (code === 'ENOTDIR') return new Refused(`${what} is not a folder`);
  if (code === 'EISDIR') return new Refused(`${what} is a folder`);
  if (code === 'ENXIO' || code === 'EAGAIN') return new Refused(`${what} is not a regular file`);
  return new Refused(`${what} cannot be written (${code ?? (e as Error).message})`);
}

/** Opens (creating it when missing) the folder `name` inside `parent`, refusing a symlink. */
function enterFolder(parent: HeldFolder, name: string, shown: string): HeldFolder {
  const at = parent.child(name);
  if (!PROC_FD) {
    // Without openat there is a window between this check and the open; O_NOFOLLOW still
    // refuses a symlink at the last step, and the folder's own parent was checked the same way.
    const info = lstatSync(at, { throwIfNoEntry: false });
    if (info?.isSymbolicLink()) throw new Refused(`${shown} is a symlink (never written through)`);
  }
  try {
    return HeldFolder.open(at, true);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw folderRefusal(e, at, shown);
  }
  try {
    mkdirSync(at, { mode: 0o755 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw refusalFor(e, shown);
  }
  try {
    return HeldFolder.open(at, true);
  } catch (e) {
    throw folderRefusal(e, at, shown);
  }
}

/** O_DIRECTORY answers a symlink with ENOTDIR; say which it was (the refusal stands either way). */
function folderRefusal(e: unknown, at: string, shown: string): Refused {
  if (
    (e as NodeJS.ErrnoException).code === 'ENOTDIR' &&
    lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink()
  )
    return new Refused(`${shown} is a symlink (never written through)`);
  return refusalFor(e, shown);
}

/** Writes `content` to the regular file `name` in `folder`, refusing a symlink, a non-file, or a hard link. */
function writeFileIn(folder: HeldFolder, name: string, content: string, shown: string): void {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted under the name fails the open instead of blocking the host.
    fd = openSync(
      folder.child(name),
      constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      0o644,
    );
  } catch (e) {
    throw refusalFor(e, shown);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new Refused(`${shown} is not a regular file`);
    // Another name of the same file may be outside the folder: writing would change it there too.
    if (info.nlink > 1) throw new Refused(`${shown} has other hard links (never written through)`);
    ftruncateSync(fd, 0);
    const bytes = Buffer.from(content, 'utf8');
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, done);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a job's changed files into a folder on this host (`techteam sandbox run
 * --apply`), as its own files and nowhere else. Each path must pass
 * `checkWriteBackPath`; then every folder on the way is opened with O_NOFOLLOW and
 * the next name looked up inside that open folder, so a symlink anywhere on the
 * path — there before, or swapped in while writing — is refused, never followed,
 * and the file is opened with O_NOFOLLOW too. A refused file is skipped with the
 * reason; the others are written.
 */
export function writeBackFiles(
  folder: string,
  files: Record<string, string>,
): { written: string[]; skipped: SkippedFile[] } {
  const written: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const [raw, content] of Object.entries(files)) {
    const check = checkWriteBackPath(raw);
    if (!check.ok) {
      skipped.push({ path: check.path, reason: check.reason });
      continue;
    }
    const segments = check.path.split('/');
    const name = segments.pop()!;
    const held: HeldFolder[] = [];
    try {
      // The folder the user named may itself be a link they chose; everything under it may not.
      held.push(HeldFolder.open(folder, false));
      segments.forEach((seg, i) => {
        held.push(enterFolder(held.at(-1)!, seg, segments.slice(0, i + 1).join('/')));
      });
      writeFileIn(held.at(-1)!, name, content, check.path);
      written.push(check.path);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      skipped.push({ path: check.path, reason: e.message });
    } finally {
      for (const h of held) h.close();
    }
  }
  return { written, skipped };
}
