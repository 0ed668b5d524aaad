/**
 * One model call (120 s per attempt, three attempts) and its tools fit in this: with less left, the
 * turn pauses rather than risk being killed at the Lambda's 15-minute ceiling mid-call. A kill still
 * loses only the turn in flight: the next invocation starts from the last checkpoint.
 */
export const PAUSE_MARGIN_MS = 6 * 60_000;
/**
 * A turn runs in at most this many invocations (an hour at 15 minutes each), then gives up
 * (`stuck`), handing on what it has. The plan validator counts the history events of that many
 * continue loops per state (shared/workflow/history-budget.ts), so this bound is what keeps an
 * accepted plan under Step Functions' 25,000 events.
 */
export const MAX_TURN_INVOCATIONS = 4;
