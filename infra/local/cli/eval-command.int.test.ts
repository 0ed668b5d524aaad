import { type EvalReport, HumanEvalDataMissing, loadHumanEval, resolveDataPath } from '@techteam/shared/eval';
import {
  halfWrongMisses,
  startScriptedTeam,
  type TeamPersonality,
} from '@techteam/shared/testing/humaneval-team-server';
import { describe, expect, inject, it } from 'vitest';
import { EvalNeedsModel, evalCommand } from './eval-command';
import type { CliIo } from './io';

const problems = (await loadHumanEval(resolveDataPath())).slice(0, 4);

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    url: 'http://127.0.0.1:9',
    isTty: false,
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    progress: (l) => stderr.push(l),
    clearProgress: () => {},
  };
}

/** The whole command against a host whose only model is the scripted team. */
async function evalWith(personality: TeamPersonality, extra: string[] = []) {
  const server = await startScriptedTeam(problems, personality);
  try {
    const io = capture();
    const env = {
      OPENAI_COMPATIBLE_BASE_URL: server.url,
      OPENAI_COMPATIBLE_MODELS: 'scripted-team',
      TECHTEAM_DYNAMO_ENDPOINT: inject('dynamoEndpoint'),
      TECHTEAM_LOG_LEVEL: 'warn',
    };
    const args = ['humaneval', '--limit', '4', '--concurrency', '2', '--timeout', '90', '--json', ...extra];
    const code = await evalCommand(args, io, env, { retryIntervalMs: 0 });
    const report = JSON.parse(io.stdout.join('\n')) as EvalReport & { data: string };
    return { code, report, io, requests: server.requests };
  } finally {
    await server.close();
  }
}

// Four problems through the whole team take 20-60 s on a loaded 2-core box; the guard is for hangs.
const WHOLE_RUN = { timeout: 300_000 };

describe('techteam eval humaneval, with the whole team played by a scripted OpenAI-compatible model', () => {
  it(
    'an oracle team solves every problem: pass@1 and done rate 1.0, no false accepts, baseline 1.0',
    WHOLE_RUN,
    async () => {
      const { code, report, io, requests } = await evalWith('oracle');
      expect(code).toBe(0);
      expect(report.problems).toBe(4);
      expect(report.results.map((r) => [r.problem, r.status])).toEqual(
        problems.map((p) => [p.task_id, 'solved']),
      );
      expect(report.team).toMatchObject({
        passAt1: 1,
        doneRate: 1,
        falseAccepts: 0,
        falseRejects: 0,
        timedOut: 0,
      });
      expect(report.team.tokensPerSolved).toBeGreaterThan(0);
      expect(report.team.wall.maxMs).toBeGreaterThanOrEqual(report.team.wall.p50Ms);
      expect(report.baseline).toMatchObject({
        passAt1: 1,
        solved: 4,
        model: 'openai-compatible/scripted-team',
      });
      // Progress went to stderr, one line per problem, so stdout stayed one JSON document.
      expect(io.stderr.filter((l) => / HumanEval\/\d+ solved /.test(l))).toHaveLength(4);
      // The hidden tests never reached a model: no request quotes any of them.
      for (const p of problems) {
        expect(requests.some((r) => JSON.stringify(r.body).includes(p.test.trim().slice(0, 200)))).toBe(
          false,
        );
      }
    },
  );

  it(
    'a half-wrong team: the wrong ones are graded wrong, and those the team called done are false accepts',
    WHOLE_RUN,
    async () => {
      const { report } = await evalWith('half-wrong');
      for (const [i, r] of report.results.entries()) {
        const wrong = halfWrongMisses(problems[i]!);
        expect(r.hidden.passed).toBe(!wrong);
        // QA can only re-run Dev's own tests, which pass against the wrong solution: it accepts.
        if (wrong) expect(r).toMatchObject({ status: 'wrong', teamStatus: 'succeeded' });
        else expect(r.status).toBe('solved');
      }
      const misses = report.results.filter((r) => r.teamStatus === 'succeeded' && !r.hidden.passed).length;
      expect(misses).toBe(2);
      expect(report.team).toMatchObject({ passAt1: 0.5, doneRate: 1, falseAccepts: 2 });
      expect(report.baseline?.passAt1).toBe(0.5);
    },
  );

  it(
    'a misbehaving team: the run ends and every problem has a clear status, none a false success',
    WHOLE_RUN,
    async () => {
      const { code, report } = await evalWith('misbehaving');
      expect(code).toBe(0);
      expect(report.results).toHaveLength(4);
      for (const r of report.results) {
        expect(['wrong', 'failed', 'timed_out']).toContain(r.status);
        expect(r.label).toMatch(/^(wrong: .+|failed: .+|timed out after [\d.]+ s)$/);
        expect(r.hidden.passed).toBe(false);
        expect(r.baseline?.passed).toBe(false);
      }
      expect(report.team.passAt1).toBe(0);
      expect(report.baseline?.passAt1).toBe(0);
    },
  );

  it('names the data file when it is missing, and refuses to run on the demo model', async () => {
    await expect(
      evalCommand(['humaneval', '--data', '/nowhere/HumanEval.jsonl.gz'], capture(), {}),
    ).rejects.toThrow(HumanEvalDataMissing);
    await expect(
      evalCommand(['humaneval', '--data', '/nowhere/HumanEval.jsonl.gz'], capture(), {}),
    ).rejects.toThrow(/\/nowhere\/HumanEval\.jsonl\.gz/);
    await expect(evalCommand(['humaneval', '--limit', '1'], capture(), {})).rejects.toThrow(EvalNeedsModel);
  });
});
