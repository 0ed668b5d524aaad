/** What one tool result may put into the model's context, in characters (~2,000 tokens). */
export const TOOL_OUTPUT_CHARS = 8_000;

export interface ClipOptions {
  /**
   * Share of the kept characters taken from the start; the rest comes from the end.
   * 0.5 for files and diffs; a program's output keeps mostly its tail, where the errors are.
   */
  headShare?: number;
  /** What the reader can do to see the part that was cut. */
  hint?: string;
}

const DEFAULT_HINT = 'read a smaller range or search';

/**
 * `text` if it fits in `maxChars`, else its head and tail with a visible marker
 * in the middle saying how much was cut: a model never mistakes a cut output
 * for a whole one. Cuts fall on line ends when that loses little.
 */
export function clipOutput(
  text: string,
  maxChars: number = TOOL_OUTPUT_CHARS,
  options: ClipOptions = {},
): string {
  if (text.length <= maxChars) return text;
  const hint = options.hint ?? DEFAULT_HINT;
  const headShare = Math.min(1, Math.max(0, options.headShare ?? 0.5));
  // The marker's own length depends on the count it prints; the longest count is the whole text.
  const markerRoom = marker(text.length, hint).length;
  const room = Math.max(0, maxChars - markerRoom);
  let head = text.slice(0, Math.floor(room * headShare));
  let tail = text.slice(text.length - (room - head.length));
  const headBreak = head.lastIndexOf('\n');
  if (headBreak >= head.length * 0.6) head = head.slice(0, headBreak + 1);
  const tailBreak = tail.indexOf('\n');
  if (tailBreak >= 0 && tailBreak <= tail.length * 0.4) tail = tail.slice(tailBreak + 1);
  if (room === 0) {
    head = '';
    tail = '';
  }
  const cut = text.length - head.length - tail.length;
  return `${head}${marker(cut, hint)}${tail}`;
}

function marker(cut: number, hint: string): string {
  return `\n…[${cut.toLocaleString('en-US')} characters cut; ${hint}]\n`;
}
