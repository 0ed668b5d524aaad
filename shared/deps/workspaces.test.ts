import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Deps, deps, useDeps } from './index';
import { modelDeps } from './models';
import { workspaceDeps } from './workspaces';

describe('workspaceDeps()', () => {
  beforeEach(() => {
    useDeps(undefined);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('TECHTEAM_ARTIFACTS_BUCKET', 'techteam-artifacts');
  });
  afterEach(() => {
    useDeps(undefined);
    vi.unstubAllEnvs();
  });

  it('adds the S3 workspaces and nothing else: no gateway, no sandbox; built once', () => {
    const withWorkspaces = workspaceDeps();
    expect(withWorkspaces.gateway).toBeUndefined();
    expect(withWorkspaces.sandbox).toBeUndefined();
    expect(typeof withWorkspaces.workspaceFor('acme', 'tsk_1').list).toBe('function');
    expect(workspaceDeps()).toBe(withWorkspaces);
    expect(deps()).toBe(withWorkspaces);
  });

  it('adds them to a gateway-only runtime too, and leaves a runtime the local host installed whole', () => {
    const withModels = modelDeps();
    expect(workspaceDeps()).not.toBe(withModels);
    const installed: Deps = { ...deps(), gateway: withModels.gateway };
    useDeps(installed);
    expect(workspaceDeps()).toBe(installed);
  });

  it('says which variable is missing when no bucket is configured, on first use', async () => {
    vi.stubEnv('TECHTEAM_ARTIFACTS_BUCKET', undefined);
    const workspace = workspaceDeps().workspaceFor('acme', 'tsk_1');
    await expect(workspace.list()).rejects.toThrow(/TECHTEAM_ARTIFACTS_BUCKET/);
  });
});
