import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AWS_SANDBOX_ENV as E } from './aws-sandbox';
import { type Deps, deps, depsParts, useDeps } from './index';
import { modelDeps } from './models';
import { readingDeps } from './reading';
import { sandboxRunnersDeps } from './sandbox-runners';
import { teamDeps } from './team';

/** The ec2-gvisor tier's variables: a runner per run, on the gVisor hosts' capacity provider. */
function stubGvisorEnv(): void {
  vi.stubEnv(E.tier, 'ec2-gvisor');
  vi.stubEnv(E.bucket, 'techteam-artifacts');
  vi.stubEnv(E.cluster, 'techteam-sandbox');
  vi.stubEnv(E.taskDefinition, 'runner');
  vi.stubEnv(E.subnets, 'subnet-0a1');
  vi.stubEnv(E.securityGroups, 'sg-0b2');
  vi.stubEnv(E.capacityProvider, 'GvisorCapacity');
}

// What a Lambda builds from its environment: no call here reaches AWS (clients connect on first use).
describe('runtimes by what a handler uses', () => {
  beforeEach(() => {
    useDeps(undefined);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('TECHTEAM_ARTIFACTS_BUCKET', 'techteam-artifacts');
  });
  afterEach(() => {
    useDeps(undefined);
    vi.unstubAllEnvs();
  });

  it('deps(): no gateway, and reaching for one says which runtime the handler needed', async () => {
    const base = deps();
    expect(base.gateway).toBeUndefined();
    await expect(base.models.complete({} as never)).rejects.toThrow(/bundled without the model gateway/);
    expect(() => base.workspaceFor('t', 'k')).toThrow(/modelDeps\(\) or teamDeps\(\)/);
  });

  it('modelDeps(): the gateway is the models, still no workspace or sandbox, built once', () => {
    const withModels = modelDeps();
    expect(withModels.gateway).toBeDefined();
    expect(withModels.models).toBe(withModels.gateway);
    expect(withModels.sandbox).toBeUndefined();
    expect(() => withModels.workspaceFor('t', 'k')).toThrow(/bundled without the workspace/);
    expect(modelDeps()).toBe(withModels);
    expect(deps()).toBe(withModels);
  });

  it('teamDeps(): adds the workspace and the sandbox to the same gateway', () => {
    stubGvisorEnv();
    const withModels = modelDeps();
    const team = teamDeps();
    expect(team).not.toBe(withModels);
    expect(team.gateway).toBe(withModels.gateway);
    expect(team.sandbox).toBeDefined();
    const workspace = team.workspaceFor('t', 'k');
    expect(typeof workspace.files).toBe('function');
    expect(teamDeps()).toBe(team);
    expect(modelDeps()).toBe(team);
  });

  it('sandboxRunnersDeps(): the per-run side of the sandbox, added once', () => {
    expect(sandboxRunnersDeps().sandboxRunners).toBeUndefined();
    useDeps(undefined);
    vi.stubEnv(E.tier, 'fargate');
    vi.stubEnv(E.bucket, 'techteam-artifacts');
    vi.stubEnv(E.cluster, 'techteam-sandbox');
    vi.stubEnv(E.taskDefinition, 'runner:1');
    vi.stubEnv(E.subnets, 'subnet-0a1');
    vi.stubEnv(E.securityGroups, 'sg-0b2');
    const withRuns = sandboxRunnersDeps();
    expect(withRuns.sandboxRunners).toBeDefined();
    expect(withRuns.gateway).toBeUndefined();
    expect(sandboxRunnersDeps()).toBe(withRuns);
  });

  it('records the parts each handler adds to the runtime it built, once each, in the order they stack', () => {
    stubGvisorEnv();
    deps();
    expect([...(depsParts() as Set<string>)]).toEqual([]);
    const reading = readingDeps();
    expect([...(depsParts() as Set<string>)]).toEqual(['gateway', 'workspaces']);
    expect(reading.sandbox).toBeUndefined();
    const team = teamDeps();
    expect([...(depsParts() as Set<string>)]).toEqual(['gateway', 'workspaces', 'sandbox']);
    expect(team.gateway).toBe(reading.gateway);
    expect(team.workspaceFor).toBe(reading.workspaceFor);
  });

  it('a runtime the local host installed whole is returned as it is', () => {
    const base = deps();
    const installed: Deps = { ...base, gateway: modelDeps().gateway };
    useDeps(installed);
    expect(modelDeps()).toBe(installed);
    expect(teamDeps()).toBe(installed);
    expect(sandboxRunnersDeps()).toBe(installed);
    expect(readingDeps()).toBe(installed);
    expect(depsParts()).toBe('whole');
  });
});
