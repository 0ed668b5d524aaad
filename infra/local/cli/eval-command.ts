import { parseArgs } from 'node:util';
import { loadConfig } from '@techteam/shared/config';
import { InvalidInput, TechteamError } from '@techteam/shared/errors';
import { formatReport, loadHumanEval, resolveDataPath, runHumanEval, summarize } from '@techteam/shared/eval';
import { lineUpProviders } from '@techteam/shared/gateway/providers';
import { LocalSandbox } from '@techteam/shared/sandbox';
import { startEvalHost } from '../eval/host-team';
import type { CliIo } from './io';

export class EvalNeedsModel extends TechteamError {
  constructor() {
    super(
      'EvalNeedsModel',
      400,
      'The eval needs a real model provider: the demo model only plays its built-in samples. ' +
        'Set OPENAI_API_KEY, ANTHROPIC_API_KEY, BEDROCK_REGION or OPENAI_COMPATIBLE_BASE_URL (with OPENAI_COMPATIBLE_MODELS).',
    );
  }
}

function wholeNumber(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInput(`--${name} must be a whole number from ${min} to ${max}, not '${raw}'`);
  }
  return n;
}

/** Test seams: how long the workflow waits between retries, and where progress lines go. */
export interface EvalCommandOptions {
  retryIntervalMs?: number;
}

/**
 * `techteam eval humaneval`: every problem goes through the whole team as a task on an
 * in-process host, its files are graded against the hidden tests in the sandbox, and a
 * single call of the same model is graded beside it.
 */
export async function evalCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined> = process.env,
  options: EvalCommandOptions = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      limit: { type: 'string' },
      budget: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '900' },
      json: { type: 'boolean', default: false },
      data: { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
    },
  });
  if (positionals[0] !== 'humaneval' || positionals.length > 1) {
    io.err(
      'Usage: techteam eval humaneval [--limit N] [--budget USD] [--concurrency N] [--timeout S] [--json] [--data FILE] [--no-baseline]',
    );
    return 2;
  }
  const limit = wholeNumber('limit', values.limit, 1, 100_000);
  const concurrency = wholeNumber('concurrency', values.concurrency, 1, 32)!;
  const timeoutS = wholeNumber('timeout', values.timeout, 5, 86_400)!;
  const budgetUsd = values.budget === undefined ? undefined : Number(values.budget);
  if (budgetUsd !== undefined && !(budgetUsd > 0 && budgetUsd <= 10_000)) {
    throw new InvalidInput(
      `--budget must be a number of USD above 0 and at most 10000, not '${values.budget}'`,
    );
  }

  const path = resolveDataPath(values.data);
  const problems = (await loadHumanEval(path)).slice(0, limit);
  const config = loadConfig(env);
  const providers = lineUpProviders(config, env);
  if (providers.demo) throw new EvalNeedsModel();
  // Progress goes to stderr with --json, so stdout stays one JSON document.
  const say = values.json ? io.err : io.out;
  const sandbox = new LocalSandbox({ isolation: config.TECHTEAM_SANDBOX });
  const host = await startEvalHost(config, {
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
  });
  try {
    say(
      `HumanEval: ${problems.length} problem(s) from ${path}, ${concurrency} at a time, ` +
        `${timeoutS} s each${budgetUsd !== undefined ? `, $${budgetUsd} in all` : ', no budget cap'}; team on ${host.url}`,
    );
    say(
      `Models: ${providers.statuses
        .filter((p) => p.live)
        .map((p) => `${p.name} (${p.detail})`)
        .join('; ')}; grading in the ${sandbox.isolation} sandbox`,
    );
    // Ctrl-C: no new problem starts, the tasks in flight are cancelled, and what ran is reported.
    const stop = new AbortController();
    const onInterrupt = () => {
      if (stop.signal.aborted) process.exit(130);
      io.err('Stopping: cancelling the tasks in flight (Ctrl-C again to quit at once)…');
      stop.abort();
    };
    process.on('SIGINT', onInterrupt);
    let finished = 0;
    const results = await runHumanEval({
      problems,
      team: host.team,
      ...(values['no-baseline'] ? {} : { baseline: host.baseline }),
      sandbox,
      concurrency,
      deadlineMs: timeoutS * 1000,
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      signal: stop.signal,
      onResult: (r) => {
        finished++;
        say(`[${finished}/${problems.length}] ${r.problem} ${r.label} (${(r.wallMs / 1000).toFixed(1)} s)`);
      },
    }).finally(() => process.off('SIGINT', onInterrupt));
    const report = summarize(results);
    if (values.json) io.out(JSON.stringify({ data: path, ...report }, null, 2));
    else {
      io.out('');
      io.out(formatReport(report));
    }
    return stop.signal.aborted ? 130 : 0;
  } finally {
    await host.stop();
    sandbox.close();
  }
}
