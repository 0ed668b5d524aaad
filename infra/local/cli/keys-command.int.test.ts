import { hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../host';
import type { CliIo } from './io';
import { keysCommand } from './keys-command';

function captureIo(url: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    url,
    isTty: false,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: () => {},
    clearProgress: () => {},
  };
  return { io, out, err };
}

describe('techteam keys against a local host with TECHTEAM_AUTH=required', () => {
  let host: Host;
  let env: Record<string, string>;
  beforeAll(async () => {
    const config = hostTestConfig();
    host = await startHost({ config, log: () => {}, identityEnv: { TECHTEAM_AUTH: 'required' } });
    env = {
      TECHTEAM_TABLE: config.TECHTEAM_TABLE,
      TECHTEAM_DYNAMO_ENDPOINT: config.TECHTEAM_DYNAMO_ENDPOINT!,
      TECHTEAM_DATA_DIR: config.TECHTEAM_DATA_DIR,
    };
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('bootstraps an admin key from the table, then creates, lists and revokes keys with it', async () => {
    const boot = captureIo(host.url);
    expect(
      await keysCommand(['create', '--bootstrap', '--tenant', 'umbrella', '--name', 'root'], boot.io, env),
    ).toBe(0);
    const admin = boot.out[0]!;
    expect(admin).toMatch(/^tt_test_/);
    expect(boot.err.join('\n')).toContain('only time');

    const withKey = { ...env, TECHTEAM_API_KEY: admin };
    const made = captureIo(host.url);
    expect(await keysCommand(['create', '--name', 'ci', '--scope', 'tasks:read'], made.io, withKey)).toBe(0);
    const ci = made.out[0]!;
    const ciId = ci.split('_')[2]!;

    const listed = captureIo(host.url);
    expect(await keysCommand(['list'], listed.io, withKey)).toBe(0);
    expect(listed.out.join('\n')).toContain(`${ciId}  tt_test_${ciId}_…  ci  [tasks:read]  active`);
    expect(listed.out.join('\n')).not.toContain(ci.split('_').at(-1));

    const revoked = captureIo(host.url);
    expect(await keysCommand(['revoke', ciId], revoked.io, withKey)).toBe(0);
    const after = captureIo(host.url);
    await expect(keysCommand(['list'], after.io, { ...env, TECHTEAM_API_KEY: ci })).rejects.toMatchObject({
      status: 401,
    });
    await expect(keysCommand(['list'], after.io, env)).rejects.toMatchObject({ status: 401 });
  });
});
