import { accessSync, constants } from 'node:fs';
import { posix } from 'node:path';
import type { Runtime } from '../job';
import { RUNTIME_PROFILES } from '../runtimes';

const SANDBOX_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The argv the sandbox runs for a job's command, or null when the program does
 * not exist there: a runtime alias (`python` → /usr/bin/python3), a program on
 * the sandbox's PATH (only /usr is visible inside), or a workspace file.
 */
export function resolveCommand(
  runtime: Runtime,
  command: string[],
  files: Record<string, string>,
): string[] | null {
  const [program, ...rest] = command;
  if (!program) return null;
  const alias = RUNTIME_PROFILES[runtime].aliases[program];
  if (alias) return [...alias, ...rest];
  if (program.includes('/')) {
    if (program.startsWith('/work/')) return program.slice(6) in files ? command : null;
    if (program.startsWith('/')) {
      const inSystem = program.startsWith('/usr/') || program.startsWith('/bin/');
      return inSystem && executable(program) ? command : null;
    }
    return posix.normalize(program) in files ? command : null;
  }
  for (const dir of SANDBOX_PATH) {
    if (executable(`${dir}/${program}`)) return [`${dir}/${program}`, ...rest];
  }
  return null;
}

/** Finds a host program on `searchPath` (the host's PATH by default). */
export function findProgram(name: string, searchPath = process.env.PATH ?? '/usr/bin:/bin'): string | null {
  for (const dir of searchPath.split(':')) {
    if (dir && executable(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return null;
}
