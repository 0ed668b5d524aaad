import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { TechteamClient } from './api-client';
import type { CliIo } from './io';
import { printable } from './terminal-text';

const USAGE = 'usage: techteam files <task-id> [--out DIR]';

/** Why a path from the host cannot be written under the output folder, or undefined when it can. */
export function unsafePath(path: string): string | undefined {
  if (!path || path.includes('\0') || path.includes('\\')) return 'is empty or holds a NUL or a backslash';
  if (isAbsolute(path) || posix.isAbsolute(path)) return 'is absolute';
  const norm = posix.normalize(path);
  if (norm === '..' || norm.startsWith('../') || norm !== path)
    return 'leaves the folder or is not normalised';
  return undefined;
}

/**
 * Writes `content` at `path` under `dir`, creating folders as needed, and never
 * through a symlink: each folder on the way must be a real folder (lstat), and
 * the file is opened with O_NOFOLLOW, so a link planted at its name fails.
 */
async function writeUnder(dir: string, path: string, content: Buffer): Promise<void> {
  const segments = path.split('/');
  let at = dir;
  for (const seg of segments.slice(0, -1)) {
    at = join(at, seg);
    const info = await lstat(at).catch(() => undefined);
    if (!info) await mkdir(at);
    else if (!info.isDirectory()) throw new Error(`${at} is not a folder (a symlink or a file)`);
  }
  const target = join(at, segments.at(-1)!);
  if (!resolve(target).startsWith(dir + sep)) throw new Error('leaves the folder');
  const file = await open(
    target,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    await file.writeFile(content);
  } finally {
    await file.close();
  }
}

/**
 * `techteam files <id>`: the task's workspace files with their sizes; with
 * `--out DIR`, each file downloaded into DIR (created if missing). Exit code 1
 * when any file could not be written.
 */
export async function filesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' } },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1 || values.out === '') {
    io.err(USAGE);
    return 2;
  }
  const client = new TechteamClient(io.url);
  const { files } = await client.listFiles(id);
  if (values.out === undefined) {
    if (!files.length) io.out('The workspace has no files.');
    const width = Math.max(5, ...files.map((f) => String(f.bytes).length));
    for (const f of files)
      io.out(
        `${String(f.bytes).padStart(width)}  ${printable(f.path)}${f.problem ? `  (${printable(f.problem)})` : ''}`,
      );
    if (files.length) io.out(`${files.length} file(s), ${files.reduce((sum, f) => sum + f.bytes, 0)} bytes`);
    return 0;
  }
  await mkdir(values.out, { recursive: true });
  const dir = await realpath(values.out);
  let written = 0;
  let bytes = 0;
  let failed = 0;
  for (const f of files) {
    const why = unsafePath(f.path);
    try {
      if (why) throw new Error(why);
      const content = await client.getFile(id, f.path);
      await writeUnder(dir, f.path, content);
      written += 1;
      bytes += content.length;
    } catch (e) {
      failed += 1;
      io.err(`not written: ${printable(f.path)}: ${printable((e as Error).message)}`);
    }
  }
  io.out(`Wrote ${written} file(s), ${bytes} bytes, to ${dir}${failed ? `; ${failed} refused` : ''}`);
  return failed ? 1 : 0;
}
