import { WorkspaceFileBinary } from './errors';

// ignoreBOM keeps a byte-order mark in the text, so a file read and written back is unchanged.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True for content no text editor would write: NUL characters are valid UTF-8 but mark binary data. */
export function looksBinary(content: string): boolean {
  return content.includes('\0');
}

/** The file's bytes as text, or WorkspaceFileBinary when they are not UTF-8 text. */
export function decodeText(path: string, bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new WorkspaceFileBinary(path, bytes.byteLength);
  }
  if (looksBinary(text)) throw new WorkspaceFileBinary(path, bytes.byteLength);
  return text;
}

/** Lines as an editor counts them: a final newline ends the last line, it does not start another. */
export function countLines(text: string): number {
  if (!text) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}
