import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TASK_STATE_FUNCTIONS } from '@techteam/shared/testing/task-state-functions';
import { arnVariable, TASK_STATE_NAMES, workflowDefinition } from '@techteam/shared/workflow';
import { describe, expect, it } from 'vitest';
import { type HandlerDeps, LAMBDAS, ROUTE_LAMBDAS, STATE_LAMBDAS, stateFile } from './manifest';

const here = dirname(fileURLToPath(import.meta.url));
const source = (file: string) => readFileSync(join(here, file), 'utf8');

/** Every `Resource` (or a token state's `FunctionName`) of the definition, nested Maps included. */
function lambdaResources(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) lambdaResources(n, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (
        (key === 'Resource' || key === 'FunctionName') &&
        typeof value === 'string' &&
        value.startsWith('${')
      )
        found.push(value);
      else lambdaResources(value, found);
    }
  }
  return found;
}

/** The module of `@techteam/shared/deps` a handler imports for each kind of dependencies. */
const DEPS_IMPORT: Record<HandlerDeps, RegExp | undefined> = {
  none: undefined,
  store: /'@techteam\/shared\/deps'/,
  models: /'@techteam\/shared\/deps\/models'/,
  reading: /'@techteam\/shared\/deps\/reading'/,
  team: /'@techteam\/shared\/deps\/team'/,
  workspaces: /'@techteam\/shared\/deps\/workspaces'/,
  sandboxRunners: /'@techteam\/shared\/deps\/sandbox-runners'/,
  memory: /'@techteam\/shared\/deps\/memory'/,
  live: /\bliveDeps\(\)/,
};

const camel = (name: string) => name.replace(/^[A-Z]+(?=[A-Z][a-z])|^[A-Z]/, (m) => m.toLowerCase());

describe('the Lambda manifest', () => {
  it('has one Lambda per Task state of the definition, named as the state, its ARN variable the name', () => {
    expect(STATE_LAMBDAS.map((s) => s.name).sort()).toEqual([...TASK_STATE_NAMES].sort());
    const resources = new Set(lambdaResources(workflowDefinition()));
    expect(resources).toEqual(new Set(TASK_STATE_NAMES.map((s) => `\${${arnVariable(s)}}`)));
  });

  it("names each state's handler file and core function after the state", () => {
    expect(stateFile('QAReview')).toBe('workflow/qa-review.ts');
    expect(stateFile('PlanTask')).toBe('workflow/plan-task.ts');
    for (const { name, file } of STATE_LAMBDAS) {
      const fn = camel(name);
      expect(TASK_STATE_FUNCTIONS[name].name, name).toBe(fn);
      expect(source(file), file).toMatch(new RegExp(`taskState\\(\\s*'${name}',[^]*\\b${fn}\\(`));
    }
  });

  it('gives every Lambda a unique name and file, and every route a unique method and path', () => {
    expect(new Set(LAMBDAS.map((l) => l.name)).size).toBe(LAMBDAS.length);
    expect(new Set(LAMBDAS.map((l) => l.file)).size).toBe(LAMBDAS.length);
    expect(new Set(ROUTE_LAMBDAS.map((r) => `${r.method} ${r.path}`)).size).toBe(ROUTE_LAMBDAS.length);
  });

  it("loads each entry's own handler file", async () => {
    for (const l of LAMBDAS) {
      const loaded = await l.load();
      expect(typeof loaded.handler, l.file).toBe('function');
      expect(loaded, l.file).toBe(await import(join(here, l.file)));
    }
  });

  it('builds in each handler exactly the dependencies its entry says, and no others', () => {
    for (const l of LAMBDAS) {
      const text = source(l.file);
      for (const [deps, pattern] of Object.entries(DEPS_IMPORT)) {
        if (!pattern) continue;
        // withMemory adds the team memory on top of a state's own runtime (planning, finishing, employees).
        if (deps === 'memory' && l.kind === 'state') continue;
        expect(pattern.test(text), `${l.file} imports the ${deps} dependencies`).toBe(deps === l.deps);
      }
    }
  });
});
