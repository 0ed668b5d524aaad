/**
 * Text from models, tools and files is not ours to send to a terminal raw: an
 * escape sequence in it could recolour, move the cursor, retitle the window,
 * write to the clipboard (OSC 52) or hide lines. Whole CSI, OSC and other ESC
 * sequences are removed, then every remaining control character but newline
 * and tab (C0, DEL and C1, which some terminals also obey).
 */
const ESCAPE_SEQUENCE =
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[ -/]*[0-~])|\u009b[0-?]*[ -/]*[@-~]/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

/** Dim on a terminal (SGR 2), plain in a log. */
export function dim(text: string, isTty: boolean): string {
  return isTty ? `\u001b[2m${text}\u001b[22m` : text;
}
