/**
 * `npm run bench -- workflow [--runs N]`: Techteam's orchestration overhead per
 * step, beside LangGraph JS running the same 20-step graph.
 *
 * Both run plans of 20 `researcher` steps (no dev step, so no sandbox job runs)
 * as a CHAIN (each step depends on the previous) and WIDE (20 independent steps,
 * 3 at a time in both, Techteam's wave concurrency) against one instant
 * OpenAI-compatible model server over HTTP. Techteam runs in the local host:
 * POST /v1/tasks, the functions/ doors in the ASL interpreter, the store on
 * DynamoDB Local, the model gateway. LangGraph checkpoints into SQLite on disk.
 *
 * CHAIN, per step: from the previous model answer to this step's model call.
 * WIDE, per step: (execute phase wall time − model time / 3) / 20, one value per run.
 */
import { startFakeOpenAI } from '@techteam/shared/testing/fake-openai-server';
import { WAVE_CONCURRENCY } from '@techteam/shared/workflow/definition';
import { startLangGraphBench } from './langgraph-run';
import { fmt, type RunOverhead, stats } from './overhead';
import { SHAPES, type Shape, STEPS } from './plan-shapes';
import { startTechteamBench } from './techteam-run';

const MODEL_CALL_MS = 3_000;

export async function main(args: string[]): Promise<void> {
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
  const server = await startFakeOpenAI();
  const techteam = await startTechteamBench(server);
  const langgraph = startLangGraphBench(server.url, WAVE_CONCURRENCY);
  const samples = {
    techteam: { chain: [] as RunOverhead[], wide: [] as RunOverhead[] },
    langgraph: { chain: [] as RunOverhead[], wide: [] as RunOverhead[] },
  };
  const spans: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      for (const shape of SHAPES) {
        // Alternated, so both see the same machine state; run 0 warms both up and is dropped.
        const t = await techteam.run(shape);
        const l = await langgraph.run(shape);
        server.requests.length = 0;
        if (i === 0) continue;
        samples.techteam[shape].push(t);
        samples.langgraph[shape].push(l);
        if (shape === 'wide') spans.push(...t.spans);
      }
    }
  } finally {
    langgraph.stop();
    await techteam.stop();
    await server.close();
  }

  const values = (system: 'techteam' | 'langgraph', shape: Shape) =>
    shape === 'chain'
      ? samples[system].chain.flatMap((r) => r.perStep)
      : samples[system].wide.map((r) => r.amortized);
  const share = (ms: number) => `${((ms / MODEL_CALL_MS) * 100).toFixed(2)}%`;

  console.log(
    `workflow bench: ${runs} runs of ${STEPS} researcher steps per shape, instant model over HTTP, node ${process.version}`,
  );
  console.log('');
  console.log(
    'per-step overhead        Techteam p50/p95         LangGraph p50/p95     ratio p50/p95   Techteam p50 of a 3 s call',
  );
  for (const shape of SHAPES) {
    const t = stats(values('techteam', shape));
    const l = stats(values('langgraph', shape));
    console.log(
      `${shape.toUpperCase().padEnd(6)} (n=${String(t.n).padStart(3)})    ` +
        `${fmt(t.p50).padStart(9)} / ${fmt(t.p95).padStart(9)}   ` +
        `${fmt(l.p50).padStart(9)} / ${fmt(l.p95).padStart(9)}   ` +
        `${(t.p50 / l.p50).toFixed(1).padStart(6)}× / ${(t.p95 / l.p95).toFixed(1)}×   ` +
        `${share(t.p50).padStart(8)}`,
    );
  }
  const a = (system: 'techteam' | 'langgraph') => stats(samples[system].chain.map((r) => r.amortized));
  const s = stats(spans);
  console.log('');
  console.log(
    `CHAIN whole execute phase per step: Techteam ${fmt(a('techteam').p50)}, LangGraph ${fmt(a('langgraph').p50)} (p50 over runs)`,
  );
  console.log(
    `WIDE one step's own span minus its model time (Techteam): p50 ${fmt(s.p50)}, p95 ${fmt(s.p95)}`,
  );
  console.log(
    'CHAIN: from the previous model answer to this step’s model call. WIDE: (execute phase − model time / 3) / 20.',
  );
}
