import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, api, setApiBase } from './api';
import { clerkCredential } from './clerk-session';
import { onCredentialRefused, setCredentialSource } from './credential';

/** A tiny API that lets in one credential at a time and records what each call sent. */
let server: Server;
const seen: Array<string | undefined> = [];
let accepted = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const auth = req.headers.authorization;
    seen.push(auth);
    const ok = auth !== undefined && accepted.has(auth.replace(/^Bearer /, ''));
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { tasks: [] } : { error: { code: 'Unauthorized', message: 'refused' } }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  setApiBase(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(async () => {
  setCredentialSource(async () => null);
  onCredentialRefused(undefined);
  await new Promise<void>((ok) => server.close(() => ok()));
});

describe('the credential every API call sends', () => {
  it('asks Clerk’s session for a token on every call, so a refreshed token is used at once', async () => {
    let n = 0;
    const session = { getToken: async () => `jwt-${++n}` };
    setCredentialSource(clerkCredential({ session } as never));
    accepted = new Set(['jwt-1', 'jwt-2']);
    seen.length = 0;
    await api.listTasks();
    await api.listTasks();
    expect(seen).toEqual(['Bearer jwt-1', 'Bearer jwt-2']);
  });

  it('sends nothing when nobody is signed in to Clerk', async () => {
    setCredentialSource(clerkCredential({ session: null } as never));
    seen.length = 0;
    await expect(api.listTasks()).rejects.toMatchObject({ status: 401 });
    expect(seen).toEqual([undefined]);
  });

  it('tells the sign-in gate about a 401, and whether a credential had been sent', async () => {
    const refusals: boolean[] = [];
    onCredentialRefused((had) => refusals.push(had));
    setCredentialSource(async () => 'tt_test_revoked_key');
    accepted = new Set();
    await expect(api.settings()).rejects.toBeInstanceOf(ApiError);
    setCredentialSource(async () => null);
    await expect(api.settings()).rejects.toBeInstanceOf(ApiError);
    expect(refusals).toEqual([true, false]);
  });

  it('checks a key at sign-in with that key alone, without sending the user back to sign-in', async () => {
    const refusals: boolean[] = [];
    onCredentialRefused((had) => refusals.push(had));
    setCredentialSource(async () => 'tt_test_other_key');
    accepted = new Set(['tt_test_good_key']);
    seen.length = 0;
    await expect(api.checkKey('tt_test_wrong_key')).rejects.toMatchObject({ status: 401 });
    await api.checkKey('tt_test_good_key');
    expect(seen).toEqual(['Bearer tt_test_wrong_key', 'Bearer tt_test_good_key']);
    expect(refusals).toEqual([]);
  });
});
