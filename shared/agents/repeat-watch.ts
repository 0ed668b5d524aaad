import { createHash } from 'node:crypto';
import type { ToolCall } from '../gateway/types';

/** The same call with the same result this many times gets a nudge to change course. */
export const NUDGE_AT = 3;
/** ...and this many times ends the turn: the employee is stuck, and what exists is handed on. */
export const STUCK_AT = 5;

/** JSON with sorted keys, so `{a, b}` and `{b, a}` are the same call. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export type RepeatVerdict =
  | { kind: 'fresh' }
  | { kind: 'nudge'; times: number }
  | { kind: 'stuck'; times: number };

/**
 * Watches an employee's tool calls for loops: the same call (name and arguments) answered with the
 * same result again and again. A model that changes the arguments or gets another result is making
 * progress, however slowly; only the exact repeat is a loop.
 */
export class RepeatWatch {
  private readonly seen: Map<string, number>;

  /** `seen`: what `entries()` gave, when a checkpointed turn is taken up again. */
  constructor(seen: [string, number][] = []) {
    this.seen = new Map(seen);
  }

  entries(): [string, number][] {
    return [...this.seen];
  }

  record(call: ToolCall, ok: boolean, output: string): RepeatVerdict {
    const key = createHash('sha256')
      .update(`${call.name}\n${stable(call.arguments)}\n${ok}\n${output}`)
      .digest('base64url');
    const times = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, times);
    if (times >= STUCK_AT) return { kind: 'stuck', times };
    if (times >= NUDGE_AT) return { kind: 'nudge', times };
    return { kind: 'fresh' };
  }
}

export function nudgeFor(times: number): string {
  return (
    `\n\n[From the team: you have now made exactly this call ${times} times and got exactly this result each time. ` +
    'Repeating it will not change the outcome. Try a different approach, or finish with what you have and say what is missing.]'
  );
}
