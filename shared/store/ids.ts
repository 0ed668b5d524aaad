import { decodeTime, monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** A ULID: sortable by time, strictly increasing within this process. */
export function newUlid(now: number = Date.now()): string {
  return next(now);
}

export function newTaskId(now?: number): string {
  return `tsk_${newUlid(now)}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The ULID one greater than `ulid` (its random part carried over, like a counter). */
function incremented(ulid: string): string {
  const chars = ulid.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const digit = CROCKFORD.indexOf(chars[i]!);
    if (digit < CROCKFORD.length - 1) {
      chars[i] = CROCKFORD[digit + 1]!;
      return chars.join('');
    }
    chars[i] = '0';
  }
  throw new RangeError(`ULID ${ulid} has no successor`);
}

/**
 * The id of a task's next event: a ULID greater than the last one committed, so the log's key
 * order is its commit order even when writers' clocks disagree or share a millisecond. It is
 * a fresh ULID when time moved on, else the last id plus one.
 */
export function nextEventId(last: string | undefined, now: number): string {
  if (!last || decodeTime(last) < now) return newUlid(now);
  return incremented(last);
}
