import { BUILT_IN_PROFILES } from '@techteam/shared/agents';
import type { Config } from '@techteam/shared/config';
import { deps } from '@techteam/shared/deps';
import {
  BASELINE_SYSTEM,
  baselinePrompt,
  type EvalBaseline,
  type EvalTeam,
  type HumanEvalProblem,
} from '@techteam/shared/eval';
import { newUlid } from '@techteam/shared/store';
import { TechteamClient } from '../cli/api-client';
import { LOCAL_TENANT, startHost } from '../host';

/** The baseline's calls are metered as tasks of their own tenant, apart from the team's. */
export const BASELINE_TENANT = 'eval-baseline';

export interface EvalHost {
  team: EvalTeam;
  baseline: EvalBaseline;
  url: string;
  stop(): Promise<void>;
}

/**
 * A whole local host in this process, on a fresh table and a free port, with the
 * configured providers: tasks go in through its HTTP API as a customer's would, their
 * files are read from its workspaces, and the baseline calls its gateway directly.
 */
export async function startEvalHost(
  config: Config,
  options: { log?: (line: string) => void; retryIntervalMs?: number } = {},
): Promise<EvalHost> {
  const host = await startHost({
    config: {
      ...config,
      TECHTEAM_PORT: 0,
      TECHTEAM_HOST: '127.0.0.1',
      TECHTEAM_TABLE: `eval-${newUlid().toLowerCase()}`,
    },
    ephemeral: true,
    log: options.log ?? (() => {}),
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
  });
  // startHost installs the runtime the handlers use: the same gateway and workspaces.
  const rt = deps();
  const client = new TechteamClient(host.url);
  const team: EvalTeam = {
    submit: async (input) => (await client.createTask(input)).task.id,
    task: async (taskId) => (await client.getTask(taskId)).task,
    cancel: async (taskId) => {
      await client.cancelTask(taskId);
    },
    files: (taskId) => rt.workspaceFor(LOCAL_TENANT.tenantId, taskId).files(),
  };
  const baseline: EvalBaseline = {
    complete: async (problem: HumanEvalProblem, { signal, budgetUsd }) => {
      // Dev's profile and preference: the model the team's Dev would get, asked once.
      const profile = (rt.builtInEmployees ?? BUILT_IN_PROFILES).find((p) => p.id === 'dev')!;
      const task = await host.store.createTask(BASELINE_TENANT, {
        prompt: baselinePrompt(problem),
        title: `${problem.task_id} baseline (one call)`,
        preference: 'balanced',
        ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      });
      try {
        const answer = await rt.models.complete({
          profile,
          preference: 'balanced',
          system: BASELINE_SYSTEM,
          messages: [{ role: 'user', content: baselinePrompt(problem) }],
          maxOutputTokens: profile.maxTokensPerStep,
          temperature: profile.temperature,
          signal,
          context: { tenantId: BASELINE_TENANT, taskId: task.id, employeeId: profile.id },
        });
        const { inputTokens, outputTokens, cachedInputTokens } = answer.usage;
        return {
          text: answer.text,
          tokens: inputTokens + outputTokens + cachedInputTokens,
          costMicroUsd: answer.costMicroUsd,
          model: `${answer.provider}/${answer.model}`,
        };
      } finally {
        // It never runs as a team task; leaving it queued would make a restart try to run it.
        await host.store
          .transitionTask(BASELINE_TENANT, task.id, 'cancelled', {
            from: 'queued',
            reason: 'a single-call baseline, not a team run',
          })
          .catch(() => undefined);
      }
    },
  };
  return { team, baseline, url: host.url, stop: () => host.stop() };
}
