import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AWS_SANDBOX_ENV as E } from './aws-sandbox';
import { type Runtime, runtime, runtimeParts, useRuntime } from './index';
import { modelRuntime } from './models';
import { readingRuntime } from './reading';
import { sandboxRunsRuntime } from './sandbox-runs';
import { teamRuntime } from './team';

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
    useRuntime(undefined);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('TECHTEAM_ARTIFACTS_BUCKET', 'techteam-artifacts');
  });
  afterEach(() => {
    useRuntime(undefined);
    vi.unstubAllEnvs();
  });

  it('runtime(): no gateway, and reaching for one says which runtime the handler needed', async () => {
    const base = runtime();
    expect(base.gateway).toBeUndefined();
    await expect(base.models.complete({} as never)).rejects.toThrow(/bundled without the model gateway/);
    expect(() => base.workspaceFor('t', 'k')).toThrow(/modelRuntime\(\) or teamRuntime\(\)/);
  });

  it('modelRuntime(): the gateway is the models, still no workspace or sandbox, built once', () => {
    const withModels = modelRuntime();
    expect(withModels.gateway).toBeDefined();
    expect(withModels.models).toBe(withModels.gateway);
    expect(withModels.sandbox).toBeUndefined();
    expect(() => withModels.workspaceFor('t', 'k')).toThrow(/bundled without the workspace/);
    expect(modelRuntime()).toBe(withModels);
    expect(runtime()).toBe(withModels);
  });

  it('teamRuntime(): adds the workspace and the sandbox to the same gateway', () => {
    stubGvisorEnv();
    const withModels = modelRuntime();
    const team = teamRuntime();
    expect(team).not.toBe(withModels);
    expect(team.gateway).toBe(withModels.gateway);
    expect(team.sandbox).toBeDefined();
    const workspace = team.workspaceFor('t', 'k');
    expect(typeof workspace.files).toBe('function');
    expect(teamRuntime()).toBe(team);
    expect(modelRuntime()).toBe(team);
  });

  it('sandboxRunsRuntime(): the per-run side of the sandbox, added once', () => {
    expect(sandboxRunsRuntime().sandboxRuns).toBeUndefined();
    useRuntime(undefined);
    vi.stubEnv(E.tier, 'fargate');
    vi.stubEnv(E.bucket, 'techteam-artifacts');
    vi.stubEnv(E.cluster, 'techteam-sandbox');
    vi.stubEnv(E.taskDefinition, 'runner:1');
    vi.stubEnv(E.subnets, 'subnet-0a1');
    vi.stubEnv(E.securityGroups, 'sg-0b2');
    const withRuns = sandboxRunsRuntime();
    expect(withRuns.sandboxRuns).toBeDefined();
    expect(withRuns.gateway).toBeUndefined();
    expect(sandboxRunsRuntime()).toBe(withRuns);
  });

  it('records the parts each handler adds to the runtime it built, once each, in the order they stack', () => {
    stubGvisorEnv();
    runtime();
    expect([...(runtimeParts() as Set<string>)]).toEqual([]);
    const reading = readingRuntime();
    expect([...(runtimeParts() as Set<string>)]).toEqual(['gateway', 'workspaces']);
    expect(reading.sandbox).toBeUndefined();
    const team = teamRuntime();
    expect([...(runtimeParts() as Set<string>)]).toEqual(['gateway', 'workspaces', 'sandbox']);
    expect(team.gateway).toBe(reading.gateway);
    expect(team.workspaceFor).toBe(reading.workspaceFor);
  });

  it('a runtime the local host installed whole is returned as it is', () => {
    const base = runtime();
    const installed: Runtime = { ...base, gateway: modelRuntime().gateway };
    useRuntime(installed);
    expect(modelRuntime()).toBe(installed);
    expect(teamRuntime()).toBe(installed);
    expect(sandboxRunsRuntime()).toBe(installed);
    expect(readingRuntime()).toBe(installed);
    expect(runtimeParts()).toBe('whole');
  });
});
