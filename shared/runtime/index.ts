import { type Config, loadConfig } from '../config';
import { ConfigInvalid } from '../errors';
import { ModelDirectory } from '../gateway/catalog/model-directory';
import { createDocumentClient, Store } from '../store';
import { TaskSignals, type WorkflowDeps } from '../workflow/deps';
import type { WorkflowEngine } from '../workflow/engine';
import type { TeamModels } from '../workflow/models';
import type { LifecycleDeps } from '../workflow/task-lifecycle';
import { onFirstUse } from './first-use';
import type { TeamGateway } from './team-gateway';

/** Everything a handler needs, built once per process (a Lambda container or the local host). */
export interface Runtime extends WorkflowDeps, LifecycleDeps {
  config: Config;
  /**
   * The model gateway: providers, catalog, budgets; `models` is it, unless a
   * test swaps models out. Absent, with the workspace and the sandbox, in a
   * Lambda whose handler never calls a model: those import `runtime()` from
   * here, the ones that call models `modelRuntime()` from `./models`, the ones
   * that run employees `teamRuntime()` from `./team`, so the provider, S3, ECS
   * and SQS SDKs are bundled only where they are used.
   */
  gateway?: TeamGateway;
  /** The catalog and which providers are live, without provider clients (the models API, employee checks). */
  directory: ModelDirectory;
}

let current: Runtime | undefined;

/** The local host and tests install their runtime; Lambda builds one from its environment. */
export function useRuntime(runtime: Runtime | undefined): void {
  current = runtime;
}

export function runtime(): Runtime {
  current ??= runtimeFromEnv(process.env);
  return current;
}

export function notConfigured(variable: string): never {
  throw new ConfigInvalid(variable, 'is not set');
}

/** Reaching the team's parts from a function bundled without them is a wiring mistake, said plainly. */
function notBundled(what: string): never {
  throw new Error(
    `This function was bundled without ${what}: its handler must use modelRuntime() or teamRuntime()`,
  );
}
const modelsNotBundled: TeamModels = { complete: async () => notBundled('the model gateway') };

function runtimeFromEnv(env: Record<string, string | undefined>): Runtime {
  const config = loadConfig(env);
  const region = config.AWS_REGION;
  const doc = createDocumentClient({
    ...(config.TECHTEAM_DYNAMO_ENDPOINT ? { endpoint: config.TECHTEAM_DYNAMO_ENDPOINT } : {}),
    ...(region ? { region } : {}),
  });
  const store = new Store(doc, config.TECHTEAM_TABLE);
  const arn = config.TECHTEAM_STATE_MACHINE_ARN;
  const workflow: WorkflowEngine = arn
    ? stepFunctionsOnFirstUse(arn, region)
    : {
        kind: 'step-functions',
        start: async () => notConfigured('TECHTEAM_STATE_MACHINE_ARN'),
        stop: async () => notConfigured('TECHTEAM_STATE_MACHINE_ARN'),
        resume: async () => notConfigured('TECHTEAM_STATE_MACHINE_ARN'),
        sendTaskSuccess: async () => notConfigured('TECHTEAM_STATE_MACHINE_ARN'),
      };
  return {
    config,
    store,
    directory: new ModelDirectory(store, config, env),
    models: modelsNotBundled,
    workflow,
    signals: new TaskSignals(),
    cancelPollMs: config.TECHTEAM_CANCEL_POLL_SECONDS * 1000,
    workspaceFor: () => notBundled('the workspace'),
  };
}

/**
 * The Step Functions engine, its SDK imported on first use: most API functions
 * (reads, settings, models) never start or stop an execution, and in a Lambda
 * bundled with code splitting they then never parse the SFN client.
 */
function stepFunctionsOnFirstUse(arn: string, region: string | undefined): WorkflowEngine {
  const get = onFirstUse(async () =>
    (await import('../workflow/step-functions-engine')).stepFunctionsEngine(arn, region),
  );
  return {
    kind: 'step-functions',
    start: async (input) => (await get()).start(input),
    stop: async (executionId, cause) => (await get()).stop(executionId, cause),
    resume: async (input) => (await get()).resume(input),
    sendTaskSuccess: async (token, output) => (await get()).sendTaskSuccess(token, output),
  };
}
