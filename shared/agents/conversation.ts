import type { ModelMessage, ToolCall } from '../gateway/types';

/** Tool outputs and call arguments longer than this are elided once they are old. */
const ELIDE_OVER_CHARS = 600;
/** What an elided tool output keeps of its head, so the model remembers what it was. */
const ELIDED_HEAD_CHARS = 240;
/**
 * Old tool outputs are elided in batches, when those still whole pass this many characters: the
 * prefix the provider caches then stays the same from one batch to the next, instead of changing
 * at every turn as a sliding window would.
 */
const WHOLE_OUTPUT_BUDGET_CHARS = 40_000;
/** The latest turns (assistant message and its tool results) whose outputs are never elided. */
const RECENT_TURNS = 3;

function elideArguments(call: ToolCall): ToolCall {
  let changed = false;
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call.arguments)) {
    if (typeof value === 'string' && value.length > ELIDE_OVER_CHARS) {
      args[key] =
        `[${value.length.toLocaleString('en-US')} characters, elided from this log; read the file for its content]`;
      changed = true;
    } else {
      args[key] = value;
    }
  }
  return changed ? { ...call, arguments: args } : call;
}

function elideOutput(message: Extract<ModelMessage, { role: 'tool' }>): ModelMessage {
  if (message.content.length <= ELIDE_OVER_CHARS) return message;
  const cut = message.content.length - ELIDED_HEAD_CHARS;
  return {
    ...message,
    content: `${message.content.slice(0, ELIDED_HEAD_CHARS)}\n…[older output elided: ${cut.toLocaleString('en-US')} more characters; call the tool again if you need them]`,
  };
}

/** What `Conversation.snapshot` saves: the whole log and where the view's elision stands. */
export interface ConversationState {
  log: ModelMessage[];
  elidedBefore: number;
  condensations: number;
}

/**
 * One employee's conversation in its turn, and the view of it the model is sent. The log keeps
 * everything; the view elides what the model no longer needs whole: the arguments it sent (a
 * written file's content: the file is in the workspace) once answered, and old tool outputs in
 * batches as they accumulate. A condensed conversation keeps its first message (the step's prompt)
 * with a summary of the condensed turns, and the latest turns as they were.
 */
export class Conversation {
  private readonly log: ModelMessage[];
  /** Tool outputs before this index are shown elided. */
  private elidedBefore = 0;
  private condensations = 0;

  constructor(prompt: string) {
    this.log = [{ role: 'user', content: prompt }];
  }

  /** The conversation as it stands, to be saved and taken up again by `Conversation.restore`. */
  snapshot(): ConversationState {
    return {
      log: structuredClone(this.log),
      elidedBefore: this.elidedBefore,
      condensations: this.condensations,
    };
  }

  /** A conversation taken up from a snapshot: the same log, the same view, the same elision batches. */
  static restore(state: ConversationState): Conversation {
    const [first, ...rest] = state.log;
    if (first?.role !== 'user') throw new TypeError('a conversation snapshot starts with the step prompt');
    const conversation = new Conversation(first.content);
    conversation.log.push(...rest);
    conversation.elidedBefore = state.elidedBefore;
    conversation.condensations = state.condensations;
    return conversation;
  }

  push(...messages: ModelMessage[]): void {
    this.log.push(...messages);
    this.rebatch();
  }

  get size(): number {
    return this.log.length;
  }

  get timesCondensed(): number {
    return this.condensations;
  }

  /** The messages to send: elided as above, with prompt-cache marks on the stable head and the rolling end. */
  view(): ModelMessage[] {
    const last = this.log.length - 1;
    return this.log.map((m, i) => {
      let shown: ModelMessage = m;
      if (m.role === 'assistant' && m.toolCalls?.length && i < last) {
        shown = { ...m, toolCalls: m.toolCalls.map(elideArguments) };
      } else if (m.role === 'tool' && i < this.elidedBefore) {
        shown = elideOutput(m);
      }
      return i === 0 || i === last ? { ...shown, cache: true } : shown;
    });
  }

  /** Where the latest `turns` turns begin: an assistant message, so a cut there never parts a call from its result. */
  private recentStart(turns: number): number {
    let seen = 0;
    for (let i = this.log.length - 1; i > 0; i--) {
      if (this.log[i]!.role === 'assistant' && ++seen === turns) return i;
    }
    return 1;
  }

  private rebatch(): void {
    const boundary = this.recentStart(RECENT_TURNS);
    let whole = 0;
    for (let i = this.elidedBefore; i < boundary; i++) {
      const m = this.log[i]!;
      if (m.role === 'tool' && m.content.length > ELIDE_OVER_CHARS) whole += m.content.length;
    }
    if (whole > WHOLE_OUTPUT_BUDGET_CHARS) this.elidedBefore = boundary;
  }

  /** Elides every old tool output now (before condensing, the cheaper cut is tried first). */
  elideAllOld(): void {
    this.elidedBefore = Math.max(this.elidedBefore, this.recentStart(1));
  }

  /** The turns a condenser would summarise (all but the prompt and the latest `keepTurns`), as the model saw them. */
  condensable(keepTurns: number): ModelMessage[] {
    return this.view().slice(1, this.recentStart(keepTurns));
  }

  /** Replaces the condensable turns with a summary, kept beside the step's prompt. */
  condense(summary: string, keepTurns: number): number {
    const end = this.recentStart(keepTurns);
    if (end <= 1) return 0;
    const first = this.log[0] as Extract<ModelMessage, { role: 'user' }>;
    const removed = end - 1;
    const marker = '\n\n## Your work so far (older turns condensed)\n';
    const head = first.content.includes(marker)
      ? first.content.slice(0, first.content.indexOf(marker))
      : first.content;
    this.log.splice(0, end, { role: 'user', content: `${head}${marker}${summary}` });
    this.elidedBefore = 0;
    this.condensations++;
    return removed;
  }
}
