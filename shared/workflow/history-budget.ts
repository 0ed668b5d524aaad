import { MAX_TURN_INVOCATIONS } from '../agents/turn-limits';
import type { Plan, PlanStep } from '../domain';
import { MAX_DEV_ROUNDS } from './deps';
import { HISTORY_EVENT_LIMIT, TASK_INVOCATION_EVENTS, TOKEN_TASK_EXTRA_EVENTS } from './execution-limits';

/**
 * The history events an execution of the definition (definition.ts) writes, per state kind, as
 * Step Functions counts them and the local engine counts them too (execution-limits.ts):
 * a Task is entered, scheduled, started, succeeded, exited (5; a retry adds 3); a Choice, Pass or
 * Succeed is entered and exited (2); a Map is entered, started, succeeded, exited (4) and each
 * iteration started and succeeded (2).
 */
const TASK = 2 + TASK_INVOCATION_EVENTS;
const PASS = 2;
const MAP = 4;
const ITERATION = 2;

/** What the budget assumes of a run; the defaults are the worst the definition and the loop allow. */
export interface BudgetAssumptions {
  /** Dev/QA rounds of a dev step (MAX_DEV_ROUNDS). */
  rounds: number;
  /** Invocations of a turn's state, each followed by its continue Choice (MAX_TURN_INVOCATIONS). */
  invocations: number;
  /** Retries budgeted per Task state entered (transient errors; the definition allows up to 3). */
  retries: number;
  /** Whether the plan goes through the approval gate. */
  approval: boolean;
}

export const WORST_CASE: BudgetAssumptions = {
  rounds: MAX_DEV_ROUNDS,
  invocations: MAX_TURN_INVOCATIONS,
  retries: 1,
  approval: true,
};

/** A Task state entered once, with its budgeted retries. */
const task = (a: BudgetAssumptions) => TASK + a.retries * TASK_INVOCATION_EVENTS;
/** A turn's state (RunEmployee, DevAttempt, QAReview): each invocation, then its continue Choice. */
const turn = (a: BudgetAssumptions) => a.invocations * (task(a) + PASS);

/** The events of one step of a wave, from its Map iteration to StepDone, by the loop StartStep picks. */
export function stepEvents(step: Pick<PlanStep, 'employee'>, a: BudgetAssumptions = WORST_CASE): number {
  const around = ITERATION + task(a) + PASS + PASS; // iteration, StartStep, RouteStep, ..., StepDone
  if (step.employee === 'dev') {
    // Each round: DevAttempt, QAReview, QADecision; NextRound between rounds.
    return around + a.rounds * (2 * turn(a) + PASS) + (a.rounds - 1) * PASS;
  }
  if (step.employee === 'qa') return around + turn(a) + PASS; // one review round and QADecision
  return around + turn(a);
}

/** Execution started and ended, Plan, NeedsApproval, (RequestApproval, ApprovalDecision,) StartRun, Execute, Synthesize, FinalizeTask. */
export function fixedEvents(a: BudgetAssumptions = WORST_CASE): number {
  const gate = a.approval ? task(a) + TOKEN_TASK_EXTRA_EVENTS + PASS : 0;
  return 2 + task(a) + PASS + gate + task(a) + MAP + task(a) + task(a);
}

/** What a re-plan adds before its new steps: CanReplan, Replan, ReplanDecision and Execute again. */
export function replanEvents(a: BudgetAssumptions = WORST_CASE): number {
  return PASS + task(a) + PASS + MAP;
}

/** The plan's waves (topological layers), for a plan whose dependencies are known to be sound. */
function waves(steps: readonly PlanStep[]): PlanStep[][] {
  const placed = new Set<string>();
  const out: PlanStep[][] = [];
  let remaining = [...steps];
  while (remaining.length) {
    const wave = remaining.filter((s) => s.dependsOn.every((d) => placed.has(d)));
    if (!wave.length) break;
    for (const s of wave) placed.add(s.id);
    out.push(wave);
    remaining = remaining.filter((s) => !placed.has(s.id));
  }
  return out;
}

/** The events the plan's Execute writes: per wave its iteration and RunWave, then its steps. */
export function executeEvents(plan: Pick<Plan, 'steps'>, a: BudgetAssumptions = WORST_CASE): number {
  return waves(plan.steps).reduce(
    (sum, wave) => sum + ITERATION + MAP + wave.reduce((n, s) => n + stepEvents(s, a), 0),
    0,
  );
}

/** The most history events a run of the plan writes: what must stay under HISTORY_EVENT_LIMIT. */
export function planHistoryEvents(plan: Pick<Plan, 'steps'>, a: BudgetAssumptions = WORST_CASE): number {
  return fixedEvents(a) + executeEvents(plan, a);
}

/**
 * Why the plan cannot run within Step Functions' history limit, or undefined when it can.
 * `spent`: events an execution already used before this plan runs (a re-plan's first Execute).
 */
export function historyProblem(plan: Pick<Plan, 'steps'>, spent = 0): string | undefined {
  const events = spent + planHistoryEvents(plan);
  if (events <= HISTORY_EVENT_LIMIT) return undefined;
  const perDevStep = stepEvents({ employee: 'dev' }) + ITERATION + MAP;
  return (
    `the plan may need ${events.toLocaleString('en-US')} workflow history events${spent ? ` (${spent.toLocaleString('en-US')} of them already used before the re-plan)` : ''}, ` +
    `over Step Functions' limit of ${HISTORY_EVENT_LIMIT.toLocaleString('en-US')} per execution ` +
    `(a dev step in a wave of its own may use ${perDevStep}: ${WORST_CASE.rounds} Dev/QA rounds, each turn up to ` +
    `${WORST_CASE.invocations} invocations): use fewer, larger steps`
  );
}
