import { type Plan, PlanDraft, type PlanStep, ReplanDraft } from '../../domain';
import { planProblems } from '../plan-waves';

/** A model's plan, read strictly: the plan when it can run, else every problem, each named for the repair round. */
export interface DraftReading {
  plan?: Plan;
  problems: string[];
  /** What was mended without asking the model (a QA step that only reviewed a dev step was folded into it). */
  repairs: string[];
  /** A re-plan the Super Agent declined, with its reason. */
  declined?: string;
  /** A re-plan's reason (declined or not). */
  reason?: string;
}

const PLAN_KEYS = ['summary', 'steps'];
const REPLAN_KEYS = ['replan', 'reason', 'summary', 'steps'];
const STEP_KEYS = ['id', 'employee', 'title', 'instructions', 'dependsOn', 'acceptance'];

const squash = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** `unknown key 'depends_on' (did you mean 'dependsOn'?)`, or the allowed keys when nothing is close. */
export function unknownKeyProblem(key: string, allowed: readonly string[]): string {
  const near =
    allowed.find((k) => squash(k) === squash(key)) ??
    allowed.find((k) => editDistance(squash(k), squash(key)) <= 2);
  return near
    ? `unknown key '${key}' (did you mean '${near}'?)`
    : `unknown key '${key}' (allowed: ${allowed.join(', ')})`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A model without structured output may wrap the object in prose or a code fence.
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end <= start) throw new SyntaxError('no JSON object');
    return JSON.parse(text.slice(start, end + 1));
  }
}

function issueProblems(
  issues: readonly { code: string; path: PropertyKey[]; message: string; keys?: string[] }[],
  topKeys: readonly string[],
): string[] {
  return issues.flatMap((issue) => {
    const where = issue.path.map(String).join('.') || 'plan';
    if (issue.code === 'unrecognized_keys') {
      const allowed = issue.path.length ? STEP_KEYS : topKeys;
      return (issue.keys ?? []).map((k) => `${where}: ${unknownKeyProblem(k, allowed)}`);
    }
    return [`${where}: ${issue.message}`];
  });
}

/** An answer as the draft its schema reads, or every problem with it, named for the repair round. */
function readDraft<T>(
  text: string,
  schema: {
    safeParse(
      raw: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Parameters<typeof issueProblems>[0] } };
  },
  topKeys: readonly string[],
): { value: T } | { problems: string[]; repairs: [] } {
  let raw: unknown;
  try {
    raw = parseJson(text);
  } catch {
    return { problems: ['the answer is not a JSON object'], repairs: [] };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? { value: parsed.data }
    : { problems: issueProblems(parsed.error.issues, topKeys), repairs: [] };
}

/** Every step a step depends on, directly or through others. */
function ancestorsOf(steps: readonly PlanStep[], id: string): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const visit = (sid: string) => {
    for (const d of byId.get(sid)?.dependsOn ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        visit(d);
      }
    }
  };
  visit(id);
  return seen;
}

/**
 * Every dev step gets QA's review in its Dev/QA rounds, so a qa step that only reviews one
 * dev step (it depends on that step and at most on what that step already depends on) is
 * folded into it: its acceptance joins the dev step's, and its dependents depend on the dev step.
 */
export function foldReviewSteps(steps: readonly PlanStep[]): { steps: PlanStep[]; repairs: string[] } {
  let out = steps.map((s) => ({ ...s, dependsOn: [...s.dependsOn] }));
  const repairs: string[] = [];
  for (const review of steps.filter((s) => s.employee === 'qa')) {
    const devDeps = review.dependsOn.filter((d) => out.find((s) => s.id === d)?.employee === 'dev');
    if (devDeps.length !== 1) continue;
    const devId = devDeps[0]!;
    const devAncestors = ancestorsOf(out, devId);
    if (!review.dependsOn.every((d) => d === devId || devAncestors.has(d))) continue;
    out = out
      .filter((s) => s.id !== review.id)
      .map((s) => {
        if (s.id === devId) {
          const extra = review.acceptance || review.instructions;
          return { ...s, acceptance: [s.acceptance, extra].filter(Boolean).join('\n') };
        }
        if (!s.dependsOn.includes(review.id)) return s;
        const dependsOn = [...new Set(s.dependsOn.map((d) => (d === review.id ? devId : d)))].filter(
          (d) => d !== s.id,
        );
        return { ...s, dependsOn };
      });
    repairs.push(
      `qa step '${review.id}' only reviewed dev step '${devId}', which QA reviews in its own rounds: ` +
        `its criteria joined '${devId}''s acceptance and its dependents now depend on '${devId}'`,
    );
  }
  return { steps: out, repairs };
}

/**
 * Reads a plan the Super Agent answered: strict schema (unknown keys named with a hint), QA
 * review steps folded into their dev steps, then the structural checks (employees, ids,
 * dependencies, cycles). `kept` are steps already done (a re-plan): they stay as they are,
 * new steps may depend on them, and may not reuse their ids.
 */
export function readPlanDraft(
  text: string,
  employees: readonly string[],
  kept: readonly PlanStep[] = [],
): DraftReading {
  const read = readDraft(text, PlanDraft, PLAN_KEYS);
  return 'problems' in read ? read : checkSteps(read.value, employees, kept);
}

function checkSteps(
  draft: PlanDraft,
  employees: readonly string[],
  kept: readonly PlanStep[],
  spentEvents = 0,
): DraftReading {
  const keptIds = new Set(kept.map((s) => s.id));
  const reused = draft.steps.filter((s) => keptIds.has(s.id));
  if (reused.length) {
    return {
      problems: reused.map(
        (s) => `step id '${s.id}' belongs to a step already done; give the new step a new id`,
      ),
      repairs: [],
    };
  }
  const folded = foldReviewSteps([...kept, ...draft.steps]);
  const plan: Plan = { summary: draft.summary, steps: folded.steps };
  const structural = planProblems(plan, employees, spentEvents).map((p) => p.message);
  return structural.length
    ? { problems: structural, repairs: folded.repairs }
    : { plan, problems: [], repairs: folded.repairs };
}

/**
 * Reads a re-plan answer (`submit_replan`): declined with its reason, or the new steps read
 * like a plan's, with `kept` (the steps already done) in front of them. `spentEvents`: the
 * history events the execution may have used before the re-plan (history-budget.ts).
 */
export function readReplanDraft(
  text: string,
  employees: readonly string[],
  kept: readonly PlanStep[],
  spentEvents = 0,
): DraftReading {
  const read = readDraft(text, ReplanDraft, REPLAN_KEYS);
  if ('problems' in read) return read;
  const { replan, reason, summary, steps } = read.value;
  if (!replan) return { declined: reason, reason, problems: [], repairs: [] };
  if (!steps.length) return { problems: ['steps: a re-plan needs at least one new step'], repairs: [] };
  return { ...checkSteps({ summary, steps }, employees, kept, spentEvents), reason };
}
