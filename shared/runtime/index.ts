import { S3Client } from '@aws-sdk/client-s3';
import { type Config, loadConfig } from '../config';
import { ConfigInvalid } from '../errors';
import type { TeamGateway } from '../gateway/team-gateway';
import { createDocumentClient, Store } from '../store';
import { type LifecycleDeps, TaskSignals, type WorkflowDeps, type WorkflowEngine } from '../workflow';
import type { TeamModels } from '../workflow/models';
import { stepFunctionsEngine } from '../workflow/step-functions-engine';
import { S3Workspace } from '../workspace';
import { sandboxFromEnv } from './aws-sandbox';

/** Everything a handler needs, built once per process (a Lambda container or the local host). */
export interface Runtime extends WorkflowDeps, LifecycleDeps {
  config: Config;
  /**
   * The model gateway: providers, catalog, budgets; `models` is it, unless a
   * test swaps models out. Absent in a Lambda whose handler never calls a
   * model: those import `runtime()` from here, the others `teamRuntime()` from
   * `./team`, so the provider SDKs are bundled only where they are used.
   */
  gateway?: TeamGateway;
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

function notConfigured(variable: string): never {
  throw new ConfigInvalid(variable, 'is not set');
}

/** The models of a function bundled without the gateway: reaching them is a wiring mistake, said plainly. */
const modelsNotBundled: TeamModels = {
  complete: async () => {
    throw new Error(
      'This function was bundled without the model gateway: its handler must use teamRuntime()',
    );
  },
};

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
    ? stepFunctionsEngine(arn, region)
    : {
        kind: 'step-functions',
        start: async () => notConfigured('TECHTEAM_STATE_MACHINE_ARN'),
        stop: async () => notConfigured('TECHTEAM_STATE_MACHINE_ARN'),
        resume: async () => notConfigured('TECHTEAM_STATE_MACHINE_ARN'),
        sendTaskSuccess: async () => notConfigured('TECHTEAM_STATE_MACHINE_ARN'),
      };
  const bucket = config.TECHTEAM_ARTIFACTS_BUCKET;
  const s3 = new S3Client(region ? { region } : {});
  const sandbox = sandboxFromEnv(env);
  return {
    ...(sandbox ? { sandbox } : {}),
    config,
    store,
    models: modelsNotBundled,
    workflow,
    signals: new TaskSignals(),
    workspaceFor: (tenantId, taskId) =>
      S3Workspace.forTask(s3, bucket ?? notConfigured('TECHTEAM_ARTIFACTS_BUCKET'), tenantId, taskId),
  };
}
