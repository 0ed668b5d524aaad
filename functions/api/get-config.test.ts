import { type Deps, useDeps } from '@techteam/shared/deps';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { callDoor, doorEvent } from '../testing/door-event';
import { handler } from './get-config';

beforeAll(() => {
  // The loopback host's `local` tenant with no request limit set is not metered: no table needed.
  useDeps({
    store: { getTenant: async () => undefined },
    directory: { resolve: async () => ({ lineup: { demo: false } }) },
  } as unknown as Deps);
});
afterAll(() => useDeps(undefined));
afterEach(() => vi.unstubAllEnvs());

/** No authorizer stands in front of the route: the event carries no tenant. */
const config = async (host: string) => {
  const event = doorEvent('GetConfig', { headers: { host } });
  delete (event.requestContext as { authorizer?: unknown }).authorizer;
  return JSON.parse((await callDoor(handler, event)).body!) as Record<string, unknown>;
};

describe('GET /v1/config', () => {
  it('on a local host: the API and the socket at the address asked, no sign-in', async () => {
    vi.stubEnv('TECHTEAM_AUTH', undefined);
    vi.stubEnv('TECHTEAM_LIVE_URL', undefined);
    vi.stubEnv('TECHTEAM_API_URL', undefined);
    expect(await config('127.0.0.1:8787')).toEqual({
      apiUrl: 'http://127.0.0.1:8787',
      liveUrl: 'ws://127.0.0.1:8787/v1/live',
      auth: 'none',
      demo: false,
    });
  });

  it('deployed: sign-in required, the API on the page’s own origin, the WebSocket API’s stage', async () => {
    vi.stubEnv('TECHTEAM_AUTH', 'required');
    vi.stubEnv('TECHTEAM_LIVE_URL', 'wss://abc.execute-api.eu-west-1.amazonaws.com/live');
    vi.stubEnv('TECHTEAM_API_URL', undefined);
    vi.stubEnv('CLERK_PUBLISHABLE_KEY', 'pk_test_x');
    expect(await config('api123.execute-api.eu-west-1.amazonaws.com')).toEqual({
      apiUrl: '',
      liveUrl: 'wss://abc.execute-api.eu-west-1.amazonaws.com/live',
      auth: 'required',
      clerkPublishableKey: 'pk_test_x',
      demo: false,
    });
  });

  it('a local host with TECHTEAM_AUTH=required and no Clerk key: sign-in with an API key, answered to anyone', async () => {
    vi.stubEnv('TECHTEAM_AUTH', 'required');
    vi.stubEnv('TECHTEAM_LIVE_URL', undefined);
    vi.stubEnv('TECHTEAM_API_URL', undefined);
    vi.stubEnv('CLERK_PUBLISHABLE_KEY', undefined);
    expect(await config('127.0.0.1:8787')).toEqual({
      apiUrl: 'http://127.0.0.1:8787',
      liveUrl: 'ws://127.0.0.1:8787/v1/live',
      auth: 'required',
      demo: false,
    });
  });

  it('names the proxy of Clerk’s Frontend API when one is set beside the publishable key', async () => {
    vi.stubEnv('TECHTEAM_AUTH', 'required');
    vi.stubEnv('CLERK_PUBLISHABLE_KEY', 'pk_live_x');
    vi.stubEnv('CLERK_PROXY_URL', 'https://app.example.com/__clerk');
    expect(await config('app.example.com')).toMatchObject({
      clerkPublishableKey: 'pk_live_x',
      clerkProxyUrl: 'https://app.example.com/__clerk',
    });
  });

  it('refuses a malformed URL or key with an error naming the variable, and sends none of it', async () => {
    vi.stubEnv('TECHTEAM_AUTH', 'required');
    vi.stubEnv('TECHTEAM_LIVE_URL', undefined);
    vi.stubEnv('TECHTEAM_API_URL', undefined);
    vi.stubEnv('CLERK_PUBLISHABLE_KEY', 'sk_live_oops');
    vi.stubEnv('CLERK_PROXY_URL', undefined);
    const event = doorEvent('GetConfig', { headers: { host: 'app.example.com' } });
    delete (event.requestContext as { authorizer?: unknown }).authorizer;
    const answer = await callDoor(handler, event);
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toContain('CLERK_PUBLISHABLE_KEY');
    expect(answer.body).not.toContain('sk_live_oops');
    vi.stubEnv('CLERK_PUBLISHABLE_KEY', 'pk_live_x');
    vi.stubEnv('TECHTEAM_LIVE_URL', 'http://not-a-socket.example.com');
    expect((await callDoor(handler, event)).body).toContain('TECHTEAM_LIVE_URL');
  });
});
