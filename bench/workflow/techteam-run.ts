/**
 * Runs the bench plans through the local host: POST /v1/tasks, the functions/
 * doors in the ASL interpreter, the store on DynamoDB Local, the real model
 * gateway calling the instant model over HTTP as an OpenAI-compatible provider.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Host, type StateTiming, startHost } from '@techteam/infra/local/host';
import { loadConfig } from '@techteam/shared/config';
import { teamGateway } from '@techteam/shared/deps/team-gateway';
import { ModelDirectory } from '@techteam/shared/gateway/catalog';
import type { FakeOpenAIReply, ScriptedServer } from '@techteam/shared/testing/fake-openai-server';
import { modelCalls } from './model-calls';
import { amortizedOverhead, perStepGaps, type RunOverhead } from './overhead';
import { benchPlanJson, benchSteps, type Shape, STEPS } from './plan-shapes';
import { recordStoreRequests, type StoreRequest } from './store-requests';

export const INSTANT_MODEL = 'bench-instant';

export interface TechteamRun extends RunOverhead {
  /** CPU time of this process (orchestrator, SDKs, model server; not DynamoDB Local's JVM) per step. */
  cpuMsPerStep: number;
  states: StateTiming[];
  requests: StoreRequest[];
}

export interface TechteamBench {
  run(shape: Shape): Promise<TechteamRun>;
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
  const states: StateTiming[] = [];
  const host: Host = await startHost({
    config,
    ephemeral: true,
    log: () => {},
    // The product gateway, without the machine's environment: only the instant model is live.
    models: (store) => teamGateway(store, new ModelDirectory(store, config, {})),
    onStateTimed: (t) => states.push(t),
  });
  // DynamoDB Local's JVM answers its first thousand requests ~10× slower than when warm
  // (measured: 29 ms then 1.7 ms per GetItem); a long-running host is past that.
  for (let i = 0; i < 2_000; i++) await host.store.getTenant('local');
  const requests = recordStoreRequests(host.store.doc);

  return {
    async run(shape) {
      states.length = 0;
      requests.length = 0;
      server.requests.length = 0;
      server.enqueue({ kind: 'answer', text: benchPlanJson(shape) });
      const cpu = process.cpuUsage();
      const created = await fetch(`${host.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: `Workflow bench: ${shape}` }),
      });
      if (created.status !== 201) {
        throw new Error(`POST /v1/tasks answered ${created.status}: ${await created.text()}`);
      }
      const { task } = (await created.json()) as { task: { id: string } };
      await host.engine.idle();
      const used = process.cpuUsage(cpu);
      const ran = { states: [...states], requests: [...requests] };
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
      const calls = modelCalls(server.requests);
      return {
        perStep:
          shape === 'chain'
            ? perStepGaps(
                calls,
                benchSteps(shape).map((s) => s.id),
              )
            : [],
        amortized: amortizedOverhead(calls, STEPS),
        cpuMsPerStep: (used.user + used.system) / 1000 / STEPS,
        ...ran,
      };
    },
    stop: () => host.stop(),
  };
}
