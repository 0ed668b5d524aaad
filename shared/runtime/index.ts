import { type Config, loadConfig } from '../config';
import { ConfigInvalid } from '../errors';
import { DEMO_MODEL, DemoProvider } from '../gateway/demo-provider';
import { createDocumentClient, Store } from '../store';
import type { TeamModels, WorkflowEngine } from '../workflow';
import { directModels } from '../workflow/direct-models';
import { stepFunctionsEngine } from '../workflow/step-functions-engine';

/** Everything a handler needs, built once per process (a Lambda container or the local host). */
export interface Runtime {
  config: Config;
  store: Store;
  models: TeamModels;
  workflow: WorkflowEngine;
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

function runtimeFromEnv(env: Record<string, string | undefined>): Runtime {
  const config = loadConfig(env);
  const doc = createDocumentClient({
    ...(config.TECHTEAM_DYNAMO_ENDPOINT ? { endpoint: config.TECHTEAM_DYNAMO_ENDPOINT } : {}),
    ...(config.AWS_REGION ? { region: config.AWS_REGION } : {}),
  });
  const store = new Store(doc, config.TECHTEAM_TABLE);
  const arn = config.TECHTEAM_STATE_MACHINE_ARN;
  const workflow: WorkflowEngine = arn
    ? stepFunctionsEngine(arn, config.AWS_REGION)
    : {
        kind: 'step-functions',
        start: () => Promise.reject(new ConfigInvalid('TECHTEAM_STATE_MACHINE_ARN', 'is not set')),
        stop: () => Promise.reject(new ConfigInvalid('TECHTEAM_STATE_MACHINE_ARN', 'is not set')),
      };
  return { config, store, models: directModels(new DemoProvider(), DEMO_MODEL, store), workflow };
}
