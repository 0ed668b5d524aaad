import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** A ULID: sortable by time, strictly increasing within this process. */
export function newUlid(now: number = Date.now()): string {
  return next(now);
}

export function newTaskId(now?: number): string {
  return `tsk_${newUlid(now)}`;
}
