/**
 * The same plans as a LangGraph JS graph: one node per step, each calling the
 * instant model over HTTP with the `openai` SDK, checkpointed after every
 * superstep by SqliteSaver into a temporary file (`durability: 'sync'`, so a
 * step's checkpoint is on disk before the next step runs, as Techteam's state is).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import OpenAI from 'openai';
import { amortizedOverhead, type ModelCallTiming, perStepGaps, type RunOverhead } from './overhead';
import { benchPlanJson, benchSteps, type Shape, STEPS } from './plan-shapes';

const Results = Annotation.Root({
  results: Annotation<Record<string, string>>({
    reducer: (a, b) => ({ ...a, ...b }),
    default: () => ({}),
  }),
});

export interface LangGraphBench {
  run(shape: Shape): Promise<RunOverhead>;
  stop(): void;
}

export function startLangGraphBench(modelUrl: string, concurrency: number): LangGraphBench {
  const dir = mkdtempSync(join(tmpdir(), 'langgraph-bench-'));
  const saver = SqliteSaver.fromConnString(join(dir, 'checkpoints.sqlite'));
  const openai = new OpenAI({ apiKey: 'sk-bench-0000', baseURL: modelUrl, maxRetries: 0 });
  let calls: ModelCallTiming[] = [];
  let runs = 0;

  async function ask(stepId: string | undefined, content: string): Promise<string> {
    const startMs = performance.now();
    const answer = await openai.chat.completions.create({
      model: 'bench-instant',
      messages: [
        { role: 'system', content: 'You are the Researcher.' },
        { role: 'user', content },
      ],
    });
    calls.push({ stepId, startMs, endMs: performance.now() });
    return answer.choices[0]?.message.content ?? '';
  }

  function graphFor(shape: Shape) {
    const steps = benchSteps(shape);
    // biome-ignore lint/suspicious/noExplicitAny: node names are only known at run time.
    const graph = new StateGraph(Results) as any;
    for (const step of steps) {
      graph.addNode(step.id, async (state: typeof Results.State) => {
        const inputs = step.dependsOn.map((d) => state.results[d] ?? '').join('\n');
        return {
          results: { [step.id]: await ask(step.id, `Answer at once for step ${step.id}.\n${inputs}`) },
        };
      });
    }
    for (const step of steps) {
      if (step.dependsOn.length === 0) graph.addEdge(START, step.id);
      for (const d of step.dependsOn) graph.addEdge(d, step.id);
      if (!steps.some((s) => s.dependsOn.includes(step.id))) graph.addEdge(step.id, END);
    }
    return graph.compile({ checkpointer: saver }) as ReturnType<StateGraph<typeof Results.spec>['compile']>;
  }

  const graphs = { chain: graphFor('chain'), wide: graphFor('wide') };

  return {
    async run(shape) {
      calls = [];
      // The plan comes from a model call, as Techteam's does, so both start from a planner's answer.
      await ask(undefined, benchPlanJson(shape));
      await graphs[shape].invoke(
        {},
        {
          configurable: { thread_id: `bench-${shape}-${++runs}` },
          maxConcurrency: concurrency,
          durability: 'sync',
        },
      );
      const end = performance.now();
      const order = benchSteps(shape).map((s) => s.id);
      return {
        perStep: shape === 'chain' ? perStepGaps(calls, order) : [],
        amortized: amortizedOverhead(calls, end, STEPS, shape === 'chain' ? 1 : concurrency),
      };
    },
    stop() {
      saver.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
