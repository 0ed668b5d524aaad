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
import type { ScriptedServer } from '@techteam/shared/testing/fake-openai-server';
import OpenAI from 'openai';
import { modelCalls } from './model-calls';
import { amortizedOverhead, perStepGaps, type RunOverhead } from './overhead';
import { benchSteps, type Shape, STEPS } from './plan-shapes';

const Results = Annotation.Root({
  results: Annotation<Record<string, string>>({
    reducer: (a, b) => ({ ...a, ...b }),
    default: () => ({}),
  }),
});

export interface LangGraphBench {
  run(shape: Shape): Promise<RunOverhead & { cpuMsPerStep: number }>;
  stop(): void;
}

export function startLangGraphBench(server: ScriptedServer<unknown>, concurrency: number): LangGraphBench {
  const dir = mkdtempSync(join(tmpdir(), 'langgraph-bench-'));
  const saver = SqliteSaver.fromConnString(join(dir, 'checkpoints.sqlite'));
  const openai = new OpenAI({ apiKey: 'sk-bench-0000', baseURL: server.url, maxRetries: 0 });
  let runs = 0;

  async function ask(content: string): Promise<string> {
    const answer = await openai.chat.completions.create({
      model: 'bench-instant',
      messages: [
        { role: 'system', content: 'You are the Researcher.' },
        { role: 'user', content },
      ],
    });
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
          results: { [step.id]: await ask(`Answer at once for step ${step.id}.\n${inputs}`) },
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
      server.requests.length = 0;
      // The plan comes from a model call, as Techteam's does, so both start from a planner's answer.
      await ask(`Workflow bench: ${shape}`);
      const cpu = process.cpuUsage();
      await graphs[shape].invoke(
        {},
        {
          configurable: { thread_id: `bench-${shape}-${++runs}` },
          maxConcurrency: concurrency,
          durability: 'sync',
        },
      );
      const end = performance.now();
      const used = process.cpuUsage(cpu);
      const calls = modelCalls(server.requests);
      return {
        perStep:
          shape === 'chain'
            ? perStepGaps(
                calls,
                benchSteps(shape).map((s) => s.id),
              )
            : [],
        amortized: amortizedOverhead(calls, STEPS, end),
        cpuMsPerStep: (used.user + used.system) / 1000 / STEPS,
      };
    },
    stop() {
      saver.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
