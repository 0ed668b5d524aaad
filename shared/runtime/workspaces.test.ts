import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Runtime, runtime, useRuntime } from './index';
import { modelRuntime } from './models';
import { workspaceRuntime } from './workspaces';

describe('workspaceRuntime()', () => {
  beforeEach(() => {
    useRuntime(undefined);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('TECHTEAM_ARTIFACTS_BUCKET', 'techteam-artifacts');
  });
  afterEach(() => {
    useRuntime(undefined);
    vi.unstubAllEnvs();
  });

  it('adds the S3 workspaces and nothing else: no gateway, no sandbox; built once', () => {
    const withWorkspaces = workspaceRuntime();
    expect(withWorkspaces.gateway).toBeUndefined();
    expect(withWorkspaces.sandbox).toBeUndefined();
    expect(typeof withWorkspaces.workspaceFor('acme', 'tsk_1').list).toBe('function');
    expect(workspaceRuntime()).toBe(withWorkspaces);
    expect(runtime()).toBe(withWorkspaces);
  });

  it('adds them to a gateway-only runtime too, and leaves a runtime the local host installed whole', () => {
    const withModels = modelRuntime();
    expect(workspaceRuntime()).not.toBe(withModels);
    const installed: Runtime = { ...runtime(), gateway: withModels.gateway };
    useRuntime(installed);
    expect(workspaceRuntime()).toBe(installed);
  });

  it('says which variable is missing when no bucket is configured, on first use', async () => {
    vi.stubEnv('TECHTEAM_ARTIFACTS_BUCKET', undefined);
    const workspace = workspaceRuntime().workspaceFor('acme', 'tsk_1');
    await expect(workspace.list()).rejects.toThrow(/TECHTEAM_ARTIFACTS_BUCKET/);
  });
});
