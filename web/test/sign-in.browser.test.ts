import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createApiKey, filePepper, tenantIdForClerk } from '@techteam/shared/identity';
import { testClerk } from '@techteam/shared/testing/clerk-tokens';
import { hostTestConfig } from '@techteam/shared/testing/host';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../../infra/local/host';
import { buildWeb, OUT_DIR } from '../scripts/web-build';
import { launchChromium, SCREENSHOTS } from './chromium';
import { type FakeClerkFrontendApi, startFakeClerkFrontendApi } from './fake-clerk-frontend-api';

const UI_WAIT = 120_000;
const quiet = () => {};

let browser: Browser;
beforeAll(async () => {
  await buildWeb();
  browser = await launchChromium();
}, 900_000);
afterAll(async () => {
  await browser?.close();
});

/**
 * Sign-in with an API key, against a local host with TECHTEAM_AUTH=required and no Clerk key:
 * the host's own authorizer decides, the dashboard only asks it.
 */
describe('API-key sign-in on a host that requires a credential', { timeout: 600_000 }, () => {
  let host: Host;
  const keys = { acme: '', acmeSpare: '', globex: '' };
  let acmeKeyId = '';
  let acmeTaskId = '';

  beforeAll(async () => {
    const config = hostTestConfig();
    host = await startHost({
      config,
      log: quiet,
      retryIntervalMs: 0,
      webRoot: OUT_DIR,
      identityEnv: { TECHTEAM_AUTH: 'required' },
    });
    const deps = {
      doc: host.store.doc,
      tableName: host.store.tableName,
      pepper: filePepper(config.TECHTEAM_DATA_DIR),
    };
    const make = (tenantId: string) =>
      createApiKey(deps, {
        tenantId,
        name: 'browser',
        scopes: ['admin'],
        createdBy: 'test',
        environment: 'test',
      });
    const acme = await make('acme');
    keys.acme = acme.key;
    acmeKeyId = acme.record.id;
    keys.acmeSpare = (await make('acme')).key;
    keys.globex = (await make('globex')).key;
    acmeTaskId = (
      await host.store.createTask('acme', {
        prompt: 'Acme: port the billing report to Rust',
        preference: 'balanced',
      })
    ).id;
    await host.store.createTask('globex', {
      prompt: 'Globex: secret doomsday device',
      preference: 'balanced',
    });
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
  }, 120_000);

  const signIn = async (page: Page, key: string) => {
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('signs in with a key, shows only its tenant, is sent back with the reason when the key is revoked, and signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const asked: string[] = [];
    const refused: string[] = [];
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/v1/')) asked.push(path);
      if (r.status() === 401) refused.push(path);
    });

    // Signed out: the sign-in screen, no navigation, and no API call made that the host refused.
    await page.goto(`${host.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: UI_WAIT });
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(asked).toEqual(['/v1/config']);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-api-key.png'), fullPage: true });

    // Not a key at all, then a key the host does not know.
    await signIn(page, 'hunter2');
    await page.getByText('An API key starts with tt_').waitFor({ timeout: UI_WAIT });
    await signIn(page, `tt_test_0000000000000000_${'A'.repeat(40)}`);
    await page
      .getByText('The API refused this key: it is unknown, revoked or expired.')
      .waitFor({ timeout: UI_WAIT });
    expect(await page.evaluate("localStorage.getItem('techteam.credential')")).toBeNull();

    // The right key: Acme's tasks, never Globex's, and the account menu names the key.
    await signIn(page, keys.acme);
    await page.getByText('Acme: port the billing report to Rust').waitFor({ timeout: UI_WAIT });
    expect(await page.getByText('Globex: secret doomsday device').count()).toBe(0);
    expect(await page.getByTestId('account-key').textContent()).toBe(
      keys.acme.split('_').slice(0, 3).join('_'),
    );
    // The live socket took the key too: the task list is followed over it, not by polling.
    await page.locator('[data-testid="live-mode"][data-mode="socket"]').waitFor({ timeout: UI_WAIT });

    // The workspace download carries the key too (a plain link would be refused): a zip is saved.
    await page.getByRole('link', { name: 'Acme: port the billing report to Rust' }).click();
    await page.getByTestId('download').waitFor({ timeout: UI_WAIT });
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_WAIT }),
      page.getByTestId('download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${acmeTaskId}.zip`);
    expect(
      readFileSync(await download.path())
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page
      .getByRole('link', { name: 'Acme: port the billing report to Rust' })
      .waitFor({ timeout: UI_WAIT });

    // The key is revoked elsewhere: the next call is refused and the page says why.
    const revoke = await fetch(`${host.url}/v1/keys/${acmeKeyId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${keys.acmeSpare}` },
    });
    expect(revoke.status).toBe(200);
    await page.getByRole('link', { name: 'Usage' }).click();
    await page
      .getByTestId('sign-in-notice')
      .getByText('The API refused your API key: it was revoked or has expired.')
      .waitFor({ timeout: UI_WAIT });
    expect(await page.evaluate("localStorage.getItem('techteam.credential')")).toBeNull();

    // Another key, then sign out: back to the sign-in screen with the key gone from the browser.
    await signIn(page, keys.acmeSpare);
    await page.getByRole('heading', { name: /Usage/ }).waitFor({ timeout: UI_WAIT });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: UI_WAIT });
    await page.getByText('Signed out.').waitFor();
    expect(await page.evaluate("localStorage.getItem('techteam.credential')")).toBeNull();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: UI_WAIT });

    // What the host refused: the unknown key's check first, then the revoked key's calls.
    expect(refused[0]).toBe('/v1/tasks');
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** A port free now: the host's origin must be known before it starts (it is the tokens' `azp`). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/**
 * Clerk sign-in with the real `@clerk/clerk-js`, pointed (CLERK_PROXY_URL) at a local fake of
 * Clerk's Frontend API that signs session tokens with the key the host is configured to trust.
 */
describe('Clerk sign-in with the real clerk-js against a local Frontend API', { timeout: 600_000 }, () => {
  let host: Host;
  let fapi: FakeClerkFrontendApi;
  const ACME = 'Acme: rewrite the invoice exporter';
  const GLOBEX = 'Globex: audit the reactor controls';

  beforeAll(async () => {
    const clerk = await testClerk();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    fapi = await startFakeClerkFrontendApi({
      clerk,
      authorizedParty: origin,
      user: {
        id: 'user_ada',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        organizations: [
          { id: 'org_acme', name: 'Acme', role: 'org:admin' },
          { id: 'org_globex', name: 'Globex', role: 'org:member' },
        ],
      },
    });
    host = await startHost({
      config: { ...hostTestConfig(), TECHTEAM_PORT: port },
      log: quiet,
      retryIntervalMs: 0,
      webRoot: OUT_DIR,
      identityEnv: {
        TECHTEAM_AUTH: 'required',
        CLERK_JWT_KEY: clerk.jwtKey,
        CLERK_AUTHORIZED_PARTIES: origin,
        CLERK_PUBLISHABLE_KEY: fapi.publishableKey,
        CLERK_PROXY_URL: fapi.url,
      },
    });
    expect(host.url).toBe(origin);
    await host.store.createTask(tenantIdForClerk({ userId: 'user_ada', orgId: 'org_acme' }), {
      prompt: ACME,
      preference: 'balanced',
    });
    await host.store.createTask(tenantIdForClerk({ userId: 'user_ada', orgId: 'org_globex' }), {
      prompt: GLOBEX,
      preference: 'balanced',
    });
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
    await fapi?.close();
  }, 120_000);

  it('signs in through Clerk, loads the organization’s tenant with its session tokens, switches organization and signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const apiCalls: Array<{ path: string; status: number; authorization?: string | undefined }> = [];
    page.on('response', async (r) => {
      const url = new URL(r.url());
      if (url.origin !== host.url || !url.pathname.startsWith('/v1/')) return;
      apiCalls.push({
        path: url.pathname,
        status: r.status(),
        authorization: (await r.request().headerValue('authorization')) ?? undefined,
      });
    });

    // Signed out: Clerk loaded, the sign-in screen, and the host refuses a call without a session.
    await page.goto(`${host.url}/`);
    await page.getByRole('button', { name: 'Continue to sign-in' }).waitFor({ timeout: UI_WAIT });
    expect(apiCalls.map((c) => c.path)).toEqual(['/v1/config']);
    expect(await page.evaluate(async () => (await fetch('/v1/tasks')).status)).toBe(401);
    expect(fapi.requests).toContain('PATCH /v1/environment');
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-clerk.png'), fullPage: true });

    // Clerk's sign-in (the Account Portal, here the fake's page), then back to the dashboard.
    await page.getByRole('button', { name: 'Continue to sign-in' }).click();
    await page.getByRole('button', { name: 'Continue as Ada Lovelace' }).click({ timeout: UI_WAIT });
    await page.getByText(ACME).waitFor({ timeout: UI_WAIT });
    expect(await page.getByText(GLOBEX).count()).toBe(0);
    expect(await page.getByTestId('account-user').textContent()).toBe('Ada Lovelace');
    expect(await page.getByLabel('Organization').inputValue()).toBe('org_acme');
    // Every API call after sign-in carried a session token the fake issued for Acme.
    const signedIn = apiCalls.filter((c) => c.path !== '/v1/config' && c.authorization);
    expect(signedIn.length).toBeGreaterThan(0);
    const acmeTokens = new Set(
      fapi.tokens.filter((t) => t.orgId === 'org_acme').map((t) => `Bearer ${t.jwt}`),
    );
    for (const call of signedIn) {
      expect(acmeTokens.has(call.authorization!), call.path).toBe(true);
      expect(call.status, call.path).toBe(200);
    }
    await page.locator('[data-testid="live-mode"][data-mode="socket"]').waitFor({ timeout: UI_WAIT });

    // Another organization is another tenant: its tasks, not Acme's.
    await page.getByLabel('Organization').selectOption('org_globex');
    await page.getByText(GLOBEX).waitFor({ timeout: UI_WAIT });
    expect(await page.getByText(ACME).count()).toBe(0);
    expect(fapi.tokens.some((t) => t.orgId === 'org_globex')).toBe(true);

    // Clerk ends the session, then goes to the instance's after-sign-out URL: the dashboard again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Continue to sign-in' }).waitFor({ timeout: UI_WAIT });
    // The SDK may show signed-out before its request to end the sessions has arrived.
    await expect
      .poll(() => fapi.requests.includes('DELETE /v1/client/sessions'), { timeout: 30_000 })
      .toBe(true);
    // Signed out for good: a reload finds no session, and the dashboard asks the API nothing but its config.
    apiCalls.length = 0;
    await page.reload();
    await page.getByRole('button', { name: 'Continue to sign-in' }).waitFor({ timeout: UI_WAIT });
    expect(apiCalls.map((c) => c.path)).toEqual(['/v1/config']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
