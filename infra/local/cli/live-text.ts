import type { TaskEvent } from '@techteam/shared/domain';
import type { TaskDelta } from '@techteam/shared/store';
import { printable } from './terminal-text';

const key = (stepId: string | undefined, employee: string) => `${stepId ?? ''}\u0000${employee}`;

/**
 * What each employee is saying right now, from the streamed deltas, shown as one
 * line redrawn in place. An employee's words end when its `message` event comes
 * (printed whole, as the record): deltas of that turn arriving later are dropped,
 * so nothing is shown twice.
 */
export class LiveText {
  private readonly speaking = new Map<string, { employee: string; text: string }>();
  /** Per speaker, the id of the event that ended its words: older deltas belong to that turn. */
  private readonly endedAt = new Map<string, string>();
  private latest: string | undefined;

  constructor(
    /** Deltas at or before this id are from before the client looked (`show --follow`). */
    private readonly since?: string,
  ) {}

  add(delta: TaskDelta): void {
    if (this.since && delta.id <= this.since) return;
    const k = key(delta.stepId, delta.employee);
    const ended = this.endedAt.get(k);
    if (ended && delta.id < ended) return;
    const current = this.speaking.get(k) ?? { employee: delta.employee, text: '' };
    current.text += delta.text;
    this.speaking.set(k, current);
    this.latest = k;
  }

  /** Folds in an event: a message ends its speaker's words, a tool call separates them, a step's end ends its speakers. */
  see(event: TaskEvent): void {
    if (event.type === 'message') this.end(key(event.stepId, event.employee), event.id);
    else if (event.type === 'tool_call') {
      const current = this.speaking.get(key(event.stepId, event.employee));
      if (current) current.text += ' · ';
    } else if (event.type === 'step_finished') {
      for (const k of [...this.speaking.keys()])
        if (k.startsWith(`${event.stepId}\u0000`)) this.end(k, event.id);
    } else if (event.type === 'task_finished') {
      for (const k of [...this.speaking.keys()]) this.end(k, event.id);
    }
  }

  private end(k: string, eventId: string): void {
    this.speaking.delete(k);
    this.endedAt.set(k, eventId);
    if (this.latest === k) this.latest = [...this.speaking.keys()].at(-1);
  }

  /** The latest speaker and the end of its words that fits `width` columns; none when nobody speaks. */
  line(width: number): string | undefined {
    const current = this.latest ? this.speaking.get(this.latest) : undefined;
    if (!current) return undefined;
    const prefix = `  ${current.employee} ┊ `;
    const words = printable(current.text).replace(/\s+/g, ' ').trim();
    if (!words) return undefined;
    const room = Math.max(10, width - prefix.length - 1);
    return prefix + (words.length > room ? `…${words.slice(-(room - 1)).trimStart()}` : words);
  }
}
