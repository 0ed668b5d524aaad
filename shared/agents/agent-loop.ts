import { type EmployeeProfile, modelChoice, type Task } from '../domain';
import { TechteamError } from '../errors';
import { countPromptTokens, promptTokenBound } from '../gateway/routing/prompt-size';
import type { TeamModels } from '../gateway/team-models';
import type { ToolCall, ToolSpec } from '../gateway/types';
import type { Store } from '../store';
import { summariseTurns } from './condenser';
import { Conversation, type ConversationState } from './conversation';
import { nudgeFor, RepeatWatch } from './repeat-watch';
import type { Toolbox, ToolOutcome } from './toolbox';
import { MAX_TURN_INVOCATIONS, PAUSE_MARGIN_MS } from './turn-limits';

export class IterationsExhausted extends TechteamError {
  constructor(employee: string, max: number, stepId?: string) {
    super(
      'IterationsExhausted',
      422,
      `${employee} used all ${max} iterations${stepId ? ` on step '${stepId}'` : ''} without finishing`,
      { employee, max },
    );
  }
}

export class TaskStopped extends TechteamError {
  constructor(taskId: string, status: string) {
    super('TaskStopped', 409, `Task ${taskId} is ${status}; its employees stop`, { taskId, status });
  }
}

/**
 * A tool that ends the turn with a structured answer (QA's `submit_verdict`): when the model
 * calls it with arguments that `accept` takes, the loop ends and returns them as `submitted`;
 * arguments it refuses are answered to the model as a tool error naming the problem.
 */
export interface FinishTool {
  spec: ToolSpec;
  accept(args: Record<string, unknown>): { ok: true; value: unknown } | { ok: false; problem: string };
}

export interface AgentTurn {
  store: Store;
  models: TeamModels;
  task: Task;
  stepId?: string;
  profile: EmployeeProfile;
  prompt: string;
  toolbox: Toolbox;
  signal?: AbortSignal;
  /** When set, the turn ends only through this tool (or by giving up, see AgentOutcome.stuck). */
  finish?: FinishTool;
  /** Each text delta as the model streams it (transient: shown live, not stored one per token). */
  onDelta?: (text: string) => void;
  /** Waits until the deltas pushed so far are written, so followers see them before the whole message. */
  flushDeltas?: () => Promise<void>;
  /** How long the invocation running the turn has left (Lambda's `getRemainingTimeInMillis`); absent: no ceiling. */
  remainingMs?: () => number;
  /** Between two model calls, with less than this left, the loop saves where it stands and pauses. */
  pauseMarginMs?: number;
  /** Where the loop saves itself after each model call and answered tools, and takes itself up again. */
  checkpoints?: TurnCheckpoints;
  /** What the caller keeps of the turn beside the loop (the last test output), saved and restored with it. */
  carried?: { get(): unknown; set(value: unknown): void };
}

/** Where a turn stands between two model calls: what a checkpoint holds, to go on in another invocation. */
export interface LoopState {
  conversation: ConversationState;
  repeats: [string, number][];
  iteration: number;
  window: number;
  partial: string;
  continuations: number;
  emptyAnswers: number;
  finishNudges: number;
  lastWords: string;
  /** The invocations the turn has run in, this one included. */
  invocations: number;
  /** `AgentTurn.carried` as it stood. */
  carried?: unknown;
}

/** A turn's checkpoint in the store: loaded when the turn starts, saved after each model call, cleared when it ends. */
export interface TurnCheckpoints {
  load(): Promise<LoopState | undefined>;
  save(state: LoopState): Promise<void>;
  clear(): Promise<void>;
}

// In a file of their own: the plan validator counts with them, without loading the loop.
export { MAX_TURN_INVOCATIONS, PAUSE_MARGIN_MS } from './turn-limits';

/** How an employee's turn ended. */
export interface AgentOutcome {
  /** The final answer (for a finish tool, the model's last words beside the call). */
  text: string;
  /** What the finish tool accepted, when the turn has one and it was called. */
  submitted?: unknown;
  /**
   * Set when the loop gave up instead of finishing (stuck repeating itself, out of iterations):
   * the reason, for the next stage to act on. What exists in the workspace is handed over as is.
   */
  stuck?: string;
  iterations: number;
  /**
   * Set when the invocation ran short of time between two model calls: the turn is saved in its
   * checkpoint and goes on when the state runs again; `text` is empty, nothing is handed on yet.
   */
  paused?: true;
}

/** Used until a model has answered and told us its window. */
const DEFAULT_CONTEXT_WINDOW = 128_000;
/** Old tool outputs are elided once the prompt passes this share of what the window leaves for it... */
const ELIDE_AT = 0.6;
/** ...and the older turns condensed into a summary past this share. */
const CONDENSE_AT = 0.75;
/** Turns a condensation keeps whole. */
const KEEP_TURNS = 2;
/** An answer cut at the output limit is continued at most this many times. */
const MAX_CONTINUATIONS = 3;
/** A turn with a finish tool that answers in prose instead is reminded this many times. */
const MAX_FINISH_NUDGES = 2;

const CONTINUE =
  'Your answer was cut off at the output limit. Continue exactly where it stopped, without repeating what you wrote.';
const EMPTY_NUDGE =
  'Your answer was empty. Either call one of your tools, or give your final answer for this step.';

function finishNudge(name: string): string {
  return `You have not finished: end your turn by calling ${name} with your answer. Call your other tools first if you still need them.`;
}

/** What the model is told about a call that was not run because its arguments were not JSON. */
export function invalidCallAnswer(call: ToolCall, cutAt?: number): string {
  const why = `Your call to ${call.name} was not run: ${call.invalid?.reason ?? 'its arguments were not a JSON object'}.`;
  return cutAt !== undefined
    ? `${why} Your output was cut at ${cutAt} tokens (the output limit), so the arguments were incomplete. ` +
        'Write smaller pieces: split a large file into several files, or write the first part and add the rest with further calls, keeping each call well under the limit.'
    : `${why} Send the arguments as one JSON object that matches the tool's schema.`;
}

/** Ids the loop can answer: models sometimes repeat an id or send none, and every call needs its own answer. */
function withUniqueIds(calls: ToolCall[], iteration: number): ToolCall[] {
  const seen = new Set<string>();
  return calls.map((call, n) => {
    if (call.id && !seen.has(call.id)) {
      seen.add(call.id);
      return call;
    }
    const id = `call_${iteration}_${n}`;
    seen.add(id);
    return { ...call, id };
  });
}

/**
 * Ends the turn once its signal is aborted (a cancel, seen in this process or by the step's poll
 * of the task's status): checked before each model call and each tool call, and when a model
 * call comes back, so nothing the model said after the cancel is recorded or run.
 */
function throwIfStopped(turn: AgentTurn): void {
  const { signal } = turn;
  if (!signal?.aborted) return;
  throw signal.reason instanceof TaskStopped ? signal.reason : new TaskStopped(turn.task.id, 'cancelled');
}

/** Time a paused turn keeps for itself after a model call: saving its checkpoint and returning. */
export const CHECKPOINT_RESERVE_MS = 60_000;

/**
 * The model call; one aborted by a cancel fails as TaskStopped, however its provider reported the
 * abort. With the invocation's remaining time known, the call carries a deadline, so the gateway
 * never waits for a cooling model past what the invocation can spend (it throws ModelsCoolingDown,
 * which the state machine retries, instead of being killed at the Lambda's limit).
 */
async function completeUnlessStopped(turn: AgentTurn, call: Parameters<TeamModels['complete']>[0]) {
  const left = turn.remainingMs?.();
  // The task's model choice for this employee goes first; the router's order follows it.
  const chosen =
    call.preferred === undefined ? { ...call, ...modelChoice(turn.task, call.profile.id) } : call;
  const timed =
    left === undefined || chosen.deadline !== undefined
      ? chosen
      : { ...chosen, deadline: Date.now() + Math.max(0, left - CHECKPOINT_RESERVE_MS) };
  const answer = await turn.models.complete(timed).catch((e: unknown) => {
    throwIfStopped(turn);
    throw e;
  });
  throwIfStopped(turn);
  return answer;
}

async function assertRunning(turn: AgentTurn): Promise<void> {
  const now = await turn.store.getTask(turn.task.tenantId, turn.task.id);
  if (now.status !== 'running') throw new TaskStopped(turn.task.id, now.status);
}

/**
 * Keeps the prompt inside the model's window: first the cheap cut (old tool outputs elided), then
 * a summary of the older turns. Measured with the gateway's token counter, against the window of
 * the model that answered last (the router skips models too small for what is sent).
 */
async function fitWindow(
  turn: AgentTurn,
  conversation: Conversation,
  request: { system: string; tools: ToolSpec[] },
  window: number,
): Promise<void> {
  const room = Math.max(1_000, window - turn.profile.maxTokensPerStep);
  const measure = async () => {
    const prompt = { system: request.system, tools: request.tools, messages: conversation.view() };
    // The byte bound is free and never below the count: only a prompt that may be large is counted.
    const bound = promptTokenBound(prompt);
    return bound <= room * ELIDE_AT ? bound : countPromptTokens(prompt, 'anthropic');
  };
  let tokens = await measure();
  if (tokens <= room * ELIDE_AT) return;
  conversation.elideAllOld();
  tokens = await measure();
  if (tokens <= room * CONDENSE_AT) return;
  for (const keep of [KEEP_TURNS, 1]) {
    const older = conversation.condensable(keep);
    if (!older.length) continue;
    const summary = await summariseTurns(turn.models, turn, older);
    const before = tokens;
    const removed = conversation.condense(summary, keep);
    tokens = await measure();
    await turn.store.appendEvent(turn.task.tenantId, turn.task.id, {
      type: 'context_condensed',
      ...(turn.stepId ? { stepId: turn.stepId } : {}),
      employee: turn.profile.id,
      messages: removed,
      tokensBefore: before,
      tokensAfter: tokens,
    });
    if (tokens <= room * CONDENSE_AT) return;
  }
}

/**
 * One employee's agent loop: call the model, run the tool calls it asks for, give it the results,
 * until it gives a real final answer (or calls the turn's finish tool). Built for how real models
 * behave, not for the happy script:
 * - a call whose arguments are not JSON, fail the tool's schema, or name an unknown tool is
 *   answered to the model as a tool error saying what was wrong (never retried blindly);
 * - an answer cut at the output limit is continued; an empty answer gets one nudge;
 * - the same call with the same result gets a nudge, and a loop that goes on ends the turn with
 *   the reason (`stuck`), handing what exists to the next stage instead of failing the task;
 * - the prompt is kept inside the model's window (elision, then a summary), with prompt-cache
 *   marks on its stable head and rolling end.
 * Every message and tool call is an event.
 */
export async function runAgent(turn: AgentTurn): Promise<AgentOutcome> {
  const saved = await turn.checkpoints?.load();
  if (saved && saved.carried !== undefined) turn.carried?.set(saved.carried);
  const outcome = await loop(turn, saved);
  if (!outcome.paused) await turn.checkpoints?.clear();
  return outcome;
}

async function loop(turn: AgentTurn, saved: LoopState | undefined): Promise<AgentOutcome> {
  const { store, task, profile, toolbox, stepId, finish } = turn;
  const step = stepId ? { stepId } : {};
  const conversation = saved ? Conversation.restore(saved.conversation) : new Conversation(turn.prompt);
  const repeats = new RepeatWatch(saved?.repeats);
  const tools = finish ? [...toolbox.specs, finish.spec] : toolbox.specs;
  const system = profile.rolePrompt;
  const start = saved?.iteration ?? 0;
  const invocations = (saved?.invocations ?? 0) + 1;
  let window = saved?.window ?? DEFAULT_CONTEXT_WINDOW;
  let partial = saved?.partial ?? '';
  let continuations = saved?.continuations ?? 0;
  let emptyAnswers = saved?.emptyAnswers ?? 0;
  let finishNudges = saved?.finishNudges ?? 0;
  let lastWords = saved?.lastWords ?? '';
  const stateAt = (iteration: number): LoopState => ({
    conversation: conversation.snapshot(),
    repeats: repeats.entries(),
    iteration,
    window,
    partial,
    continuations,
    emptyAnswers,
    finishNudges,
    lastWords,
    invocations,
    ...(turn.carried ? { carried: turn.carried.get() } : {}),
  });

  const giveUp = async (reason: string, iterations: number): Promise<AgentOutcome> => {
    await store.appendEvent(task.tenantId, task.id, {
      type: 'employee_stuck',
      ...step,
      employee: profile.id,
      reason,
    });
    return { text: lastWords, stuck: reason, iterations };
  };

  for (let i = start; i < profile.maxIterations; i++) {
    throwIfStopped(turn);
    // Between two model calls the turn is whole: saved here, a crash or the ceiling loses no more
    // than the call in flight. An invocation makes at least one call, so every one moves on.
    if (i > start && turn.checkpoints) {
      await turn.checkpoints.save(stateAt(i));
      const left = turn.remainingMs?.();
      if (left !== undefined && left < (turn.pauseMarginMs ?? PAUSE_MARGIN_MS)) {
        if (invocations >= MAX_TURN_INVOCATIONS) {
          return giveUp(`it ran out of time: ${MAX_TURN_INVOCATIONS} invocations without finishing`, i);
        }
        return { text: '', iterations: i, paused: true };
      }
    }
    await assertRunning(turn);
    await fitWindow(turn, conversation, { system, tools }, window);
    const answer = await completeUnlessStopped(turn, {
      profile,
      preference: task.preference,
      system,
      messages: conversation.view(),
      tools,
      maxOutputTokens: profile.maxTokensPerStep,
      temperature: profile.temperature,
      context: { tenantId: task.tenantId, taskId: task.id, employeeId: profile.id, ...step },
      ...(turn.signal ? { signal: turn.signal } : {}),
      ...(turn.onDelta ? { onDelta: turn.onDelta } : {}),
    });
    if (answer.contextWindow) window = answer.contextWindow;
    const text = answer.text;
    await turn.flushDeltas?.();
    if (text.trim()) {
      lastWords = partial + text;
      await store.appendEvent(task.tenantId, task.id, {
        type: 'message',
        ...step,
        employee: profile.id,
        text,
        provider: answer.provider,
        model: answer.model,
      });
    }

    if (!answer.toolCalls.length) {
      if (answer.stopReason === 'max_tokens' && text.trim() && continuations < MAX_CONTINUATIONS) {
        continuations++;
        partial += text;
        conversation.push({ role: 'assistant', content: text }, { role: 'user', content: CONTINUE });
        continue;
      }
      const whole = partial + text;
      partial = '';
      continuations = 0;
      if (!whole.trim()) {
        if (emptyAnswers++ === 0) {
          conversation.push(
            { role: 'assistant', content: '(no answer)' },
            { role: 'user', content: EMPTY_NUDGE },
          );
          continue;
        }
        return giveUp('the model answered with nothing, twice', i + 1);
      }
      if (answer.stopReason === 'content_filter') {
        return giveUp("the provider's content filter stopped the answer", i + 1);
      }
      if (finish) {
        if (finishNudges++ < MAX_FINISH_NUDGES) {
          conversation.push(
            { role: 'assistant', content: text },
            { role: 'user', content: finishNudge(finish.spec.name) },
          );
          continue;
        }
        return giveUp(`it ended its turn without calling ${finish.spec.name}`, i + 1);
      }
      return { text: whole, iterations: i + 1 };
    }

    partial = '';
    continuations = 0;
    const calls = withUniqueIds(answer.toolCalls, i);
    conversation.push({ role: 'assistant', content: text, toolCalls: calls });
    const cutAt = answer.stopReason === 'max_tokens' ? profile.maxTokensPerStep : undefined;
    let finishCall: ToolCall | undefined;
    let stuck: string | undefined;
    for (const call of calls) {
      if (finish && call.name === finish.spec.name && !call.invalid) {
        finishCall = call;
        continue;
      }
      throwIfStopped(turn);
      let outcome: ToolOutcome;
      if (call.invalid) {
        outcome = { ok: false, output: invalidCallAnswer(call, cutAt) };
        await toolbox.answer(call, outcome);
      } else {
        outcome = await toolbox.call(call);
      }
      const repeat = repeats.record(call, outcome.ok, outcome.output);
      let content = outcome.output;
      if (repeat.kind === 'nudge') content += nudgeFor(repeat.times);
      if (repeat.kind === 'stuck') {
        stuck ??= `it made the same ${call.name} call ${repeat.times} times with the same result`;
      }
      conversation.push({
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content,
        isError: !outcome.ok,
      });
    }
    if (finishCall && finish) {
      const accepted = finish.accept(finishCall.arguments);
      await toolbox.answer(finishCall, {
        ok: accepted.ok,
        output: accepted.ok ? 'accepted' : `Not accepted: ${accepted.problem}`,
      });
      if (accepted.ok) return { text: lastWords, submitted: accepted.value, iterations: i + 1 };
      conversation.push({
        role: 'tool',
        toolCallId: finishCall.id,
        name: finishCall.name,
        content: `Not accepted: ${accepted.problem}. Call ${finish.spec.name} again with corrected arguments.`,
        isError: true,
      });
    }
    if (stuck) return giveUp(stuck, i + 1);
  }
  return giveUp(`it used all ${profile.maxIterations} iterations without finishing`, profile.maxIterations);
}
