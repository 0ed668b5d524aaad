import type { ProblemResult } from './run-eval';

export interface WallTimes {
  p50Ms: number;
  maxMs: number;
}

export interface TeamSummary {
  /** Share of problems whose files pass the hidden tests (one sample each: pass@1). */
  passAt1: number;
  /** Share of tasks the team itself ended as succeeded. */
  doneRate: number;
  solved: number;
  done: number;
  /** The team said done, the hidden tests fail. */
  falseAccepts: number;
  /** The team did not finish, yet its files pass the hidden tests. */
  falseRejects: number;
  timedOut: number;
  tokens: number;
  costUsd: number;
  /** All tokens (and money) spent, over the problems solved; null when none was. */
  tokensPerSolved: number | null;
  costPerSolvedUsd: number | null;
  wall: WallTimes;
}

export interface BaselineSummary {
  model: string | null;
  passAt1: number;
  solved: number;
  tokens: number;
  costUsd: number;
  tokensPerSolved: number | null;
  costPerSolvedUsd: number | null;
  wall: WallTimes;
}

export interface EvalReport {
  benchmark: 'humaneval';
  problems: number;
  team: TeamSummary;
  baseline: BaselineSummary | null;
  results: ProblemResult[];
}

/** The median by nearest rank: a time some problem really took. */
export function wallTimes(ms: number[]): WallTimes {
  if (!ms.length) return { p50Ms: 0, maxMs: 0 };
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50Ms: sorted[Math.ceil(sorted.length / 2) - 1]!, maxMs: sorted.at(-1)! };
}

const per = (total: number, solved: number) => (solved ? total / solved : null);

export function summarize(results: ProblemResult[]): EvalReport {
  const n = results.length;
  const share = (k: number) => (n ? k / n : 0);
  const passed = results.filter((r) => r.hidden.passed).length;
  const done = results.filter((r) => r.teamStatus === 'succeeded').length;
  const tokens = results.reduce((s, r) => s + r.tokens, 0);
  const costUsd = results.reduce((s, r) => s + r.costMicroUsd, 0) / 1e6;
  const team: TeamSummary = {
    passAt1: share(passed),
    doneRate: share(done),
    solved: passed,
    done,
    falseAccepts: results.filter((r) => r.teamStatus === 'succeeded' && !r.hidden.passed).length,
    falseRejects: results.filter((r) => r.teamStatus !== 'succeeded' && r.hidden.passed).length,
    timedOut: results.filter((r) => r.status === 'timed_out').length,
    tokens,
    costUsd,
    tokensPerSolved: per(tokens, passed),
    costPerSolvedUsd: per(costUsd, passed),
    wall: wallTimes(results.map((r) => r.wallMs)),
  };
  const baselines = results.flatMap((r) => (r.baseline ? [r.baseline] : []));
  let baseline: BaselineSummary | null = null;
  if (baselines.length) {
    const solved = baselines.filter((b) => b.passed).length;
    const bTokens = baselines.reduce((s, b) => s + b.tokens, 0);
    const bCost = baselines.reduce((s, b) => s + b.costMicroUsd, 0) / 1e6;
    const models = [...new Set(baselines.flatMap((b) => (b.model ? [b.model] : [])))];
    baseline = {
      model: models.length ? models.join(', ') : null,
      passAt1: baselines.length ? solved / baselines.length : 0,
      solved,
      tokens: bTokens,
      costUsd: bCost,
      tokensPerSolved: per(bTokens, solved),
      costPerSolvedUsd: per(bCost, solved),
      wall: wallTimes(baselines.map((b) => b.wallMs)),
    };
  }
  return { benchmark: 'humaneval', problems: n, team, baseline, results };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const usd = (x: number | null) => (x === null ? '—' : `$${x.toFixed(4)}`);
const count = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

const clip = (s: string, n = 70) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The report for people: one line per problem, then the two summaries side by side. */
export function formatReport(report: EvalReport): string {
  const lines: string[] = [];
  lines.push(
    ...table([
      ['problem', 'team', 'hidden tests', 'baseline', 'tokens', 'cost', 'wall', 'status'],
      ...report.results.map((r) => [
        r.problem,
        r.teamStatus,
        r.hidden.passed ? 'pass' : 'fail',
        r.baseline ? (r.baseline.passed ? 'pass' : 'fail') : '—',
        count(r.tokens),
        usd(r.costMicroUsd / 1e6),
        secs(r.wallMs),
        clip(r.label),
      ]),
    ]),
  );
  const { team, baseline } = report;
  lines.push('');
  lines.push(
    ...table([
      [
        '',
        'team',
        baseline ? `baseline (one call${baseline.model ? `, ${baseline.model}` : ''})` : 'baseline',
      ],
      [
        'pass@1',
        `${pct(team.passAt1)} (${team.solved}/${report.problems})`,
        baseline ? `${pct(baseline.passAt1)} (${baseline.solved}/${report.problems})` : '—',
      ],
      ['done rate', `${pct(team.doneRate)} (${team.done}/${report.problems})`, '—'],
      ['QA false-accepts', String(team.falseAccepts), '—'],
      ['QA false-rejects', String(team.falseRejects), '—'],
      ['timed out', String(team.timedOut), '—'],
      ['tokens / solved', count(team.tokensPerSolved), baseline ? count(baseline.tokensPerSolved) : '—'],
      ['cost / solved', usd(team.costPerSolvedUsd), baseline ? usd(baseline.costPerSolvedUsd) : '—'],
      ['total cost', usd(team.costUsd), baseline ? usd(baseline.costUsd) : '—'],
      [
        'wall p50 / max',
        `${secs(team.wall.p50Ms)} / ${secs(team.wall.maxMs)}`,
        baseline ? `${secs(baseline.wall.p50Ms)} / ${secs(baseline.wall.maxMs)}` : '—',
      ],
    ]),
  );
  return lines.join('\n');
}
