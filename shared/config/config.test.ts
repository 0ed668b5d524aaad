import { describe, expect, it } from 'vitest';
import { ConfigInvalid } from '../errors';
import { loadConfig } from '.';

describe('loadConfig', () => {
  it('gives defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.TECHTEAM_PORT).toBe(8787);
    expect(c.TECHTEAM_DATA_DIR).toBe('.techteam');
    expect(c.TECHTEAM_URL).toBe('http://127.0.0.1:8787');
    expect(c.TECHTEAM_CANCEL_POLL_SECONDS).toBe(5);
    expect(c.TECHTEAM_TENANT_ROLE_ARN).toBeUndefined();
    expect(c.TECHTEAM_TENANT_ACCESS).toBe('readWrite');
  });

  it('reads the tenant data role a function assumes per tenant', () => {
    const arn = 'arn:aws:iam::123456789012:role/Techteam-Data-TenantDataRole-ABC';
    expect(loadConfig({ TECHTEAM_TENANT_ROLE_ARN: arn, TECHTEAM_TENANT_ACCESS: 'read' })).toMatchObject({
      TECHTEAM_TENANT_ROLE_ARN: arn,
      TECHTEAM_TENANT_ACCESS: 'read',
    });
  });

  it.each([
    ['TECHTEAM_PORT', 'eighty'],
    ['TECHTEAM_PORT', '70000'],
    ['TECHTEAM_TABLE', 'a'],
    ['TECHTEAM_URL', 'not a url'],
    ['TECHTEAM_LOG_LEVEL', 'loud'],
    ['TECHTEAM_DYNAMO_ENDPOINT', 'localhost'],
    ['TECHTEAM_CANCEL_POLL_SECONDS', '0'],
    ['TECHTEAM_CANCEL_POLL_SECONDS', '2.5'],
    ['TECHTEAM_CANCEL_POLL_SECONDS', '600'],
    ['TECHTEAM_TENANT_ROLE_ARN', 'TenantDataRole'],
    ['TECHTEAM_TENANT_ROLE_ARN', 'arn:aws:iam::123:role/short-account'],
    ['TECHTEAM_TENANT_ACCESS', 'admin'],
  ])('names %s when it is invalid', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigInvalid);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).toContain(value);
  });
});
