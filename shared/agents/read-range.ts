import { TechteamError } from '../errors';
import { clipOutput } from './clip';

export interface LineRange {
  /** First line to show, 1-based. */
  startLine?: number | undefined;
  /** Last line to show, inclusive. */
  endLine?: number | undefined;
}

/** Why a range cannot be shown; the text says what to ask instead. */
export class LineRangeInvalid extends TechteamError {
  constructor(message: string) {
    super('LineRangeInvalid', 400, message);
  }
}

/**
 * A file's text for the model: a header naming the lines shown and the file's
 * length, then those lines. Lines that do not fit in `budget` characters are
 * left out whole, with a note saying where to read on.
 */
export function readRange(path: string, text: string, range: LineRange, budget: number): string {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  const total = text ? lines.length : 0;
  if (total === 0) return `${path}: empty (0 lines)`;
  const start = range.startLine ?? 1;
  const end = Math.min(range.endLine ?? total, total);
  if (start > total) {
    throw new LineRangeInvalid(`${path} has ${total} lines; startLine ${start} is past its end`);
  }
  if (end < start) throw new LineRangeInvalid(`endLine ${end} is before startLine ${start}`);
  const room = budget - 200;
  let shown = 0;
  let used = 0;
  for (let i = start - 1; i < end; i++) {
    const cost = lines[i]!.length + 1;
    if (shown > 0 && used + cost > room) break;
    used += cost;
    shown++;
  }
  const last = start + shown - 1;
  const body = lines.slice(start - 1, last).join('\n');
  const header = `${path}: lines ${start}-${last} of ${total}`;
  // One line longer than the whole budget (minified code, a data blob) is cut in its middle.
  const shownBody = clipOutput(body, room, { hint: 'the line is too long to show whole; search it instead' });
  const rest =
    last < end
      ? `\n…[lines ${last + 1}-${end} not shown (over the ${budget.toLocaleString('en-US')}-character budget); read on with startLine=${last + 1}]`
      : '';
  return `${header}\n${shownBody}${rest}`;
}
