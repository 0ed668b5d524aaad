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
