import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../config';
import { newUlid } from '../store/ids';

/** Config for a local host on the run's shared DynamoDB Local, a fresh table, and a free port. */
export function hostTestConfig(overrides: Record<string, string> = {}) {
  return {
    ...loadConfig({}),
    TECHTEAM_PORT: 0,
    TECHTEAM_HOST: '127.0.0.1',
    TECHTEAM_DATA_DIR: mkdtempSync(join(tmpdir(), 'techteam-host-')),
    TECHTEAM_TABLE: `host-${newUlid().toLowerCase()}`,
    TECHTEAM_DYNAMO_ENDPOINT: inject('dynamoEndpoint'),
    TECHTEAM_URL: 'http://127.0.0.1:8787',
    TECHTEAM_LOG_LEVEL: 'warn' as const,
    ...overrides,
  };
}

/** Polls until `check` returns a value, or fails after the deadline. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
