/**
 * How every Lambda is bundled: one set of esbuild options, read by the stacks
 * (through NodejsFunction) and by `npm run bench -- bundles`, so the measured
 * bundles are the deployed ones.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_ROUTES, WORKFLOW_HANDLERS } from '@techteam/functions/routes';
import { TASK_STATES, type TaskStateName } from '@techteam/shared/workflow';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * ESM for Node 22 (the Lambda runtime), minified. `@aws-sdk/*` stays external:
 * the nodejs22.x runtime ships AWS SDK v3, which keeps the bundles small and
 * cold starts short. The banner gives CommonJS dependencies bundled into ESM
 * the `require` they expect for Node built-ins.
 */
export const LAMBDA_BUNDLE = {
  target: 'node22',
  minify: true,
  sourceMap: false,
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  banner:
    "import { createRequire as __techteamRequire } from 'node:module'; const require = __techteamRequire(import.meta.url);",
} as const;

/** One deployed function: its construct name and its handler file under functions/. */
export interface LambdaHandler {
  /** Construct id prefix and Lambda name suffix, e.g. `CreateTask`, `PlanTask`. */
  name: string;
  /** Handler file relative to functions/. */
  file: string;
  kind: 'api' | 'workflow';
}

/** A workflow state's function name, from its substitution variable: `PlanTaskFunctionArn` → `PlanTask`. */
export function workflowFunctionName(state: TaskStateName): string {
  return TASK_STATES[state].replace(/FunctionArn$/, '');
}

/** Every Lambda the app deploys: one per API route and one per workflow Task state. */
export function lambdaHandlers(): LambdaHandler[] {
  return [
    ...API_ROUTES.map((r) => ({ name: r.name, file: r.file, kind: 'api' as const })),
    ...(Object.entries(WORKFLOW_HANDLERS) as [TaskStateName, string][]).map(([state, file]) => ({
      name: workflowFunctionName(state),
      file,
      kind: 'workflow' as const,
    })),
  ];
}

export function handlerEntry(file: string): string {
  return join(REPO_ROOT, 'functions', file);
}
