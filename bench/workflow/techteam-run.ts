/**
 * Runs the bench plans through the local host: the functions/ doors in the ASL
 * interpreter, the store on DynamoDB Local, the real model gateway calling the
 * instant model over HTTP as an OpenAI-compatible provider.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Host, type StateTiming, startHost } from '@techteam/infra/local/host';
import { loadConfig } from '@techteam/shared/config';
import { ModelDirectory } from '@techteam/shared/gateway/model-directory';
import { teamGateway } from '@techteam/shared/gateway/team-gateway';
import type { FakeOpenAIReply, ScriptedServer } from '@techteam/shared/testing/fake-openai-server';
import { WAVE_CONCURRENCY } from '@techteam/shared/workflow/definition';
import type { TeamModels } from '@techteam/shared/workflow/models';
import {
  amortizedOverhead,
  type ModelCallTiming,
  perStepGaps,
  perStepSpans,
  type RunOverhead,
} from './overhead';
import { benchPlanJson, benchSteps, type Shape, STEPS } from './plan-shapes';

export const INSTANT_MODEL = 'bench-instant';

export interface TechteamBench {
  run(shape: Shape): Promise<RunOverhead & { spans: number[]; states: StateTiming[] }>;
  stop(): Promise<void>;
}

export async function startTechteamBench(server: ScriptedServer<FakeOpenAIReply>): Promise<TechteamBench> {
  const config = {
    ...loadConfig({
      OPENAI_COMPATIBLE_BASE_URL: server.url,
      OPENAI_COMPATIBLE_NAME: 'bench',
      OPENAI_COMPATIBLE_MODELS: INSTANT_MODEL,
    }),
    TECHTEAM_PORT: 0,
    TECHTEAM_HOST: '127.0.0.1',
    TECHTEAM_DATA_DIR: mkdtempSync(join(tmpdir(), 'techteam-bench-')),
    TECHTEAM_LOG_LEVEL: 'warn' as const,
  };
  let calls: ModelCallTiming[] = [];
  let states: StateTiming[] = [];
  const timed = (models: TeamModels): TeamModels => ({
    ...models,
    async complete(call) {
      const startMs = performance.now();
      const answer = await models.complete(call);
      calls.push({ stepId: call.context.stepId, startMs, endMs: performance.now() });
      return answer;
    },
  });
  const host: Host = await startHost({
    config,
    ephemeral: true,
    log: () => {},
    models: (store) => timed(teamGateway(store, new ModelDirectory(store, config, {}))),
    onStateTimed: (t) => states.push(t),
  });

  return {
    async run(shape) {
      calls = [];
      states = [];
      server.enqueue({ kind: 'answer', text: benchPlanJson(shape) });
      const created = await fetch(`${host.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: `Workflow bench: ${shape}` }),
      });
      if (created.status !== 201 && created.status !== 202) {
        throw new Error(`POST /v1/tasks answered ${created.status}: ${await created.text()}`);
      }
      const { task } = (await created.json()) as { task: { id: string } };
      await host.engine.idle();
      const done = await host.store.getTask('local', task.id);
      if (done.status !== 'succeeded') {
        throw new Error(`bench task ${task.id} ended ${done.status}: ${JSON.stringify(done.failure)}`);
      }
      const models = new Set((await host.store.listUsage('local', task.id)).map((u) => u.model));
      if (models.size !== 1 || !models.has(INSTANT_MODEL)) {
        throw new Error(
          `the bench task was answered by ${[...models].join(', ')}, not ${INSTANT_MODEL} alone`,
        );
      }
      const order = benchSteps(shape).map((s) => s.id);
      const synth = calls.filter((c) => c.stepId === undefined)[1];
      const executeEnd =
        synth?.startMs ?? Math.max(...states.filter((s) => s.state === 'RunEmployee').map((s) => s.endMs));
      const spansById = new Map<string, { startMs: number; endMs: number }>();
      for (const s of states) {
        const stepId = (s.input as { stepId?: string }).stepId;
        if (!stepId) continue;
        const span = spansById.get(stepId) ?? { startMs: s.startMs, endMs: s.endMs };
        spansById.set(stepId, {
          startMs: Math.min(span.startMs, s.startMs),
          endMs: Math.max(span.endMs, s.endMs),
        });
      }
      return {
        perStep: shape === 'chain' ? perStepGaps(calls, order) : [],
        amortized: amortizedOverhead(calls, executeEnd, STEPS, shape === 'chain' ? 1 : WAVE_CONCURRENCY),
        spans: perStepSpans(spansById, calls, order),
        states: [...states],
      };
    },
    stop: () => host.stop(),
  };
}
