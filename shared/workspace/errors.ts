import { TechteamError } from '../errors';

export class WorkspacePathInvalid extends TechteamError {
  constructor(path: string, why: string) {
    super('WorkspacePathInvalid', 400, `Workspace path '${path}' ${why}`, { path });
  }
}

/**
 * A file that is not UTF-8 text. The workspace tools speak text, so such a file
 * is refused whole rather than handed out (or written back) with its bytes mangled.
 */
export class WorkspaceFileBinary extends TechteamError {
  constructor(path: string, bytes: number) {
    super(
      'WorkspaceFileBinary',
      415,
      `Workspace file '${path}' is binary (${bytes.toLocaleString('en-US')} bytes, not UTF-8 text): ` +
        'it cannot be read or edited as text; use a program in the sandbox to inspect it',
      { path, bytes },
    );
  }
}
