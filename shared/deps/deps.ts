import { STSClient } from '@aws-sdk/client-sts';
import { builtInProfiles } from '../agents/profiles';
import { planRunningTaskCap, planSourceFromEnv } from '../billing/plan-in-force';
import { type Config, loadConfig } from '../config';
import { ConfigInvalid } from '../errors';
import { ModelDirectory } from '../gateway/catalog/model-directory';
import { lineUpProviders } from '../gateway/providers/lineup';
import { useRunningTaskCap } from '../identity/limits';
import { createDocumentClient, Store } from '../store';
import { TaskSignals, type WorkflowDeps } from '../workflow/deps';
import type { WorkflowEngine } from '../workflow/engines/engine';
import type { TeamModels } from '../workflow/models';
import type { LifecycleDeps } from '../workflow/task-lifecycle';
import { onFirstUse } from './first-use';
import type { TeamGateway } from './team-gateway';
import { traceAwsClient } from './tracing';

/** Everything a handler needs, built once per process (a Lambda container or the local host). */
export interface Deps extends WorkflowDeps, LifecycleDeps {
  config: Config;
  /**
   * The model gateway: providers, catalog, budgets; `models` is it, unless a
   * test swaps models out. Absent, with the workspace and the sandbox, in a
   * Lambda whose handler never calls a model (functions/README.md: the bundling rule).
   */
  gateway?: TeamGateway;
  /** The catalog and which providers are live, without provider clients (the models API, employee checks). */
  directory: ModelDirectory;
}

/** What a handler's dependencies add to the base runtime (functions/manifest.ts HandlerDeps). */
export type DepsPart = 'gateway' | 'workspaces' | 'sandbox' | 'sandboxRunners';

// Every host that builds a runtime enforces the plan's running-task cap (read from the environment
// at each check, so a test or the local host may set TECHTEAM_PLAN_WHEN_BILLING_OFF late).
useRunningTaskCap(planRunningTaskCap(() => planSourceFromEnv(process.env)));

let current: Deps | undefined;
/** The parts built into `current` in this process, or `whole` for one installed ready-made. */
let parts: Set<DepsPart> | 'whole' = new Set();

/**
 * The local host and tests install their runtime whole: no part is ever added to it. Lambda
 * builds one from its environment (deps()), and each handler adds the parts it uses.
 */
export function useDeps(runtime: Deps | undefined): void {
  current = runtime;
  parts = runtime ? 'whole' : new Set();
}

export function deps(): Deps {
  current ??= depsFromEnv(process.env);
  return current;
}

/** Which parts this process's runtime has been given: `whole` when it was installed ready-made. */
export function depsParts(): ReadonlySet<DepsPart> | 'whole' {
  return parts;
}

/**
 * Adds one part to the process's runtime, once: the next handler invocation in the same
 * container finds it built. A runtime installed whole is returned as it is.
 */
export function withPart<R extends Deps>(part: DepsPart, add: (base: Deps) => R): R {
  const base = deps();
  if (parts === 'whole' || parts.has(part)) return base as R;
  const next = add(base);
  current = next;
  parts.add(part);
  return next;
}

export function notConfigured(variable: string): never {
  throw new ConfigInvalid(variable, 'is not set');
}

/** Reaching the team's parts from a function bundled without them is a wiring mistake, said plainly. */
function notBundled(what: string): never {
  throw new Error(
    `This function was bundled without ${what}: its handler must use modelDeps() or teamDeps()`,
  );
}
const modelsNotBundled: TeamModels = { complete: async () => notBundled('the model gateway') };

function depsFromEnv(env: Record<string, string | undefined>): Deps {
  const config = loadConfig(env);
  const region = config.AWS_REGION;
  const tenantScope = tenantScopeOf(config, env);
  const doc = traceAwsClient(
    createDocumentClient({
      ...(config.TECHTEAM_DYNAMO_ENDPOINT ? { endpoint: config.TECHTEAM_DYNAMO_ENDPOINT } : {}),
      ...(region ? { region } : {}),
      ...(tenantScope ? { tenantScope } : {}),
    }),
  );
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
    builtInEmployees: builtInEmployeesFor(config, env),
    models: modelsNotBundled,
    workflow,
    signals: new TaskSignals(),
    cancelPollMs: config.TECHTEAM_CANCEL_POLL_SECONDS * 1000,
    workspaceFor: () => notBundled('the workspace'),
  };
}

/** The built-in employees with the models the operator configured (lineUpProviders' configModels). */
export function builtInEmployeesFor(config: Config, env: Record<string, string | undefined>) {
  return builtInProfiles(lineUpProviders(config, env).configModels.map((m) => m.id));
}

/**
 * How a function that acts for tenants signs as one (TECHTEAM_TENANT_ROLE_ARN, set by the CDK
 * app on exactly those functions): one STS client, the function's access level, and its name
 * in each session's name, so CloudTrail says which function acted for which tenant. The
 * prefix is kept short: the session name (64 characters) must still hold the tenant.
 */
export function tenantScopeOf(config: Config, env: Record<string, string | undefined>) {
  const roleArn = config.TECHTEAM_TENANT_ROLE_ARN;
  if (!roleArn) return undefined;
  const region = config.AWS_REGION;
  return {
    roleArn,
    access: config.TECHTEAM_TENANT_ACCESS,
    sessionPrefix: (env['AWS_LAMBDA_FUNCTION_NAME'] ?? 'techteam').slice(0, 32),
    sts: new STSClient({ ...(region ? { region } : {}), maxAttempts: 3 }),
  };
}

/**
 * The Step Functions engine, its SDK imported on first use: most API functions
 * (reads, settings, models) never start or stop an execution, and in a Lambda
 * bundled with code splitting they then never parse the SFN client.
 */
function stepFunctionsOnFirstUse(arn: string, region: string | undefined): WorkflowEngine {
  const get = onFirstUse(async () =>
    (await import('../workflow/engines/step-functions-engine')).stepFunctionsEngine(
      arn,
      region,
      traceAwsClient,
    ),
  );
  return {
    kind: 'step-functions',
    start: async (input) => (await get()).start(input),
    stop: async (executionId, cause) => (await get()).stop(executionId, cause),
    resume: async (input) => (await get()).resume(input),
    sendTaskSuccess: async (token, output) => (await get()).sendTaskSuccess(token, output),
  };
}
