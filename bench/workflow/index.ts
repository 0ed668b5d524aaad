/**
 * `npm run bench -- workflow [--runs N] [--profile]`: Techteam's orchestration
 * overhead per step, beside LangGraph JS running the same 20-step graph.
 *
 * Both run plans of 20 `researcher` steps (no dev step, so no sandbox job runs)
 * as a CHAIN (each step depends on the previous) and WIDE (20 independent steps,
 * 3 at a time in both: Techteam's wave concurrency) against one instant
 * OpenAI-compatible model server over HTTP. Techteam runs in the local host:
 * POST /v1/tasks, the functions/ doors in the ASL interpreter, the store on
 * DynamoDB Local, the model gateway (routing, budgets, metering). LangGraph
 * checkpoints every superstep into SQLite on disk before the next one runs.
 *
 * CHAIN, per step: from the model server receiving the previous call to it
 * receiving this step's call. WIDE, per step: execute phase / 20, one per run.
 */
import { loadavg } from 'node:os';
import { startFakeOpenAI } from '@techteam/shared/testing/fake-openai-server';
import { WAVE_CONCURRENCY } from '@techteam/shared/workflow';
import { startLangGraphBench } from './langgraph-run';
import { fmt, stats } from './overhead';
import { SHAPES, type Shape, STEPS } from './plan-shapes';
import { printProfile } from './profile';
import { startTechteamBench, type TechteamRun } from './techteam-run';

const MODEL_CALL_MS = 3_000;

type Sample = { perStep: number[]; amortized: number; cpuMsPerStep: number };

export async function main(args: string[]): Promise<void> {
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
  const profile = args.includes('--profile');
  const load = loadavg()[0]!;
  const server = await startFakeOpenAI();
  const techteam = await startTechteamBench(server);
  const langgraph = startLangGraphBench(server, WAVE_CONCURRENCY);
  const samples = {
    techteam: { chain: [] as TechteamRun[], wide: [] as TechteamRun[] },
    langgraph: { chain: [] as Sample[], wide: [] as Sample[] },
  };
  try {
    for (let i = 0; i <= runs; i++) {
      for (const shape of SHAPES) {
        // Alternated, so both see the same machine state; run 0 warms both up and is dropped.
        const t = await techteam.run(shape);
        const l = await langgraph.run(shape);
        if (i === 0) continue;
        samples.techteam[shape].push(t);
        samples.langgraph[shape].push(l);
      }
    }
  } finally {
    langgraph.stop();
    await techteam.stop();
    await server.close();
  }

  const values = (runs: Sample[], shape: Shape) =>
    shape === 'chain' ? runs.flatMap((r) => r.perStep) : runs.map((r) => r.amortized);
  const share = (ms: number) => `${((ms / MODEL_CALL_MS) * 100).toFixed(1)}%`;
  const cpu = (runs: Sample[]) => fmt(stats(runs.map((r) => r.cpuMsPerStep)).p50);

  console.log(
    `workflow bench: ${runs} runs per shape of ${STEPS} researcher steps, instant model over HTTP, ` +
      `node ${process.version}, load average ${load.toFixed(1)} at start (${loadavg()[0]!.toFixed(1)} at end)`,
  );
  console.log('');
  console.log(
    'overhead per step     Techteam p50 / p95       LangGraph p50 / p95     ratio p50 / p95   of a 3 s call   CPU/step TT / LG',
  );
  for (const shape of SHAPES) {
    const tt = samples.techteam[shape];
    const lg = samples.langgraph[shape];
    const t = stats(values(tt, shape));
    const l = stats(values(lg, shape));
    console.log(
      `${shape.toUpperCase().padEnd(5)} (n=${String(t.n).padStart(3)})  ` +
        `${fmt(t.p50).padStart(9)} / ${fmt(t.p95).padStart(9)}   ` +
        `${fmt(l.p50).padStart(9)} / ${fmt(l.p95).padStart(9)}   ` +
        `${`${(t.p50 / l.p50).toFixed(1)}× / ${(t.p95 / l.p95).toFixed(1)}×`.padStart(15)}   ` +
        `${share(t.p50).padStart(6)} / ${share(l.p50).padStart(5)}   ${cpu(tt).padStart(9)} / ${cpu(lg)}`,
    );
  }
  console.log('');
  console.log('CHAIN: model server receiving the previous call → receiving this step’s call (n = steps).');
  console.log('WIDE: (synthesis call − planner call) / 20, 3 steps at a time (n = runs).');
  console.log('CPU: this process only (not DynamoDB Local’s JVM), per step, p50 over runs.');
  if (profile) for (const shape of SHAPES) printProfile(shape, samples.techteam[shape]);
}
