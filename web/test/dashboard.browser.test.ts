import { join } from 'node:path';
import { loadBillingSettings, stripeClient, syncStripeCatalog } from '@techteam/shared/billing';
import type { Task } from '@techteam/shared/domain';
import { DEMO_MODEL, DemoProvider } from '@techteam/shared/gateway';
import { directModels } from '@techteam/shared/testing/direct-models';
import { type FakeStripe, startFakeStripe } from '@techteam/shared/testing/fake-stripe-server';
import { hostTestConfig } from '@techteam/shared/testing/host';
import type { TeamModels } from '@techteam/shared/workflow';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetBilling } from '../../functions/billing/billing';
import { type Host, startHost } from '../../infra/local/host';
import { buildWeb, OUT_DIR } from '../scripts/web-build';
import { launchChromium, SCREENSHOTS } from './chromium';

const LAPTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const SLUGIFY = 'Write a slugify function with tests';
const CSV = 'Write a CSV-to-JSON converter with tests';
const UI_WAIT = 120_000;
/** A test drives many page loads; on a loaded two-core box each takes seconds. */
const TEST_TIMEOUT = 600_000;

/** Holds Dev's model calls while closed: a run that cannot finish before the test acts on it. */
class Gate {
  private held: Array<() => void> = [];
  private closed = false;
  close() {
    this.closed = true;
  }
  open() {
    this.closed = false;
    for (const go of this.held.splice(0)) go();
  }
  async pass(): Promise<void> {
    if (this.closed) await new Promise<void>((go) => this.held.push(go));
  }
}

/** The demo model, priced (so costs show) and with Dev behind the gate. */
function gatedDemo(gate: Gate) {
  return (store: Host['store']): TeamModels => {
    const demo = directModels(new DemoProvider(), DEMO_MODEL, store, 1_500);
    return {
      async complete(call) {
        if (call.profile.id === 'dev') await gate.pass();
        return demo.complete(call);
      },
    };
  };
}

let browser: Browser;
const quiet = () => {};

beforeAll(async () => {
  // Once per run; reused when web/ is unchanged since the last build (a content hash beside web/out).
  await buildWeb();
  browser = await launchChromium();
}, 900_000);
afterAll(async () => {
  await browser?.close();
});

async function openPage(
  host: Host,
  path: string,
  viewport = LAPTOP,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${host.url}${path}`);
  return { page, errors };
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function statusOf(page: Page, status: string) {
  await page.locator(`[data-testid="task-status"][data-status="${status}"]`).waitFor({ timeout: UI_WAIT });
}

describe('the dashboard against a local host with no tasks', { timeout: TEST_TIMEOUT }, () => {
  let host: Host;
  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: quiet, retryIntervalMs: 0, webRoot: OUT_DIR });
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
  }, 120_000);

  it('renders every page empty, with the demo model labelled, at laptop and phone widths', async () => {
    for (const viewport of [LAPTOP, PHONE]) {
      const suffix = viewport === PHONE ? '-phone' : '';
      const tasks = await openPage(host, '/', viewport);
      await tasks.page.getByText('No tasks yet').waitFor({ timeout: UI_WAIT });
      await tasks.page.getByTestId('demo-banner').waitFor();
      await tasks.page.locator('[data-sample]').first().waitFor();
      await shoot(tasks.page, `empty-tasks${suffix}`);

      const usage = await openPage(host, '/usage/', viewport);
      await usage.page.getByText(/No usage in \d{4}-\d{2}/).waitFor({ timeout: UI_WAIT });
      await shoot(usage.page, `empty-usage${suffix}`);

      const employees = await openPage(host, '/employees/', viewport);
      await employees.page
        .getByTestId('roster')
        .getByText('dev', { exact: true })
        .waitFor({ timeout: UI_WAIT });
      await employees.page.getByTestId('providers').getByText('(scripted demo model)').waitFor();
      await shoot(employees.page, `empty-employees${suffix}`);

      const settings = await openPage(host, '/settings/', viewport);
      await settings.page.getByLabel('Monthly budget (USD)').waitFor({ timeout: UI_WAIT });
      await shoot(settings.page, `empty-settings${suffix}`);

      const billing = await openPage(host, '/billing/', viewport);
      const off = billing.page.getByTestId('billing-off');
      await off.waitFor({ timeout: UI_WAIT });
      expect(await off.textContent()).toMatch(
        /Billing is off on this host.*STRIPE_SECRET_KEY is not set.*Business plan is in force/,
      );
      await billing.page
        .getByTestId('billing-usage')
        .getByText(/of the \$180\.00 credit/)
        .waitFor();
      expect(await billing.page.getByRole('button', { name: /Upgrade/ }).count()).toBe(0);
      await shoot(billing.page, `billing-off${suffix}`);

      const missing = await openPage(host, '/task/?id=tsk_01KB0000000000000000000000', viewport);
      await missing.page
        .locator('[data-state="error"]')
        .getByText(/not found/)
        .waitFor({ timeout: UI_WAIT });
      await shoot(missing.page, `task-not-found${suffix}`);

      for (const p of [tasks, usage, employees, settings, billing, missing]) {
        expect(p.errors).toEqual([]);
        await p.page.close();
      }
    }
  });

  it('is reachable by keyboard: skip link first, then the navigation', async () => {
    const { page } = await openPage(host, '/settings/');
    await page.getByLabel('Monthly budget (USD)').waitFor({ timeout: UI_WAIT });
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Usage');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/usage\/$/);
    await page.close();
  });
});

describe('the billing page against a host whose billing is on (the fake Stripe)', {
  timeout: TEST_TIMEOUT,
}, () => {
  let host: Host;
  let fake: FakeStripe;
  beforeAll(async () => {
    fake = await startFakeStripe();
    const base = `http://${fake.options.host}:${fake.options.port}`;
    vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_techteam');
    vi.stubEnv('TECHTEAM_STRIPE_API_BASE', base);
    resetBilling();
    await syncStripeCatalog(stripeClient(loadBillingSettings(process.env)));
    host = await startHost({ config: hostTestConfig(), log: quiet, retryIntervalMs: 0, webRoot: OUT_DIR });
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
    await fake?.close();
    vi.unstubAllEnvs();
    resetBilling();
  }, 120_000);

  it('shows the plan, no invoices yet, and leaves for the checkout URL the API returned on upgrade', async () => {
    const { page, errors } = await openPage(host, '/billing/', PHONE);
    await page.getByTestId('billing-plan').getByText('Plan: Free').waitFor({ timeout: UI_WAIT });
    await page.getByTestId('billing-invoices').getByText('No invoices yet').waitFor({ timeout: UI_WAIT });
    expect(await page.getByTestId('billing-off').count()).toBe(0);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await shoot(page, 'billing-on-dark-phone');
    await page.route('https://checkout.stripe.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<p>Stripe Checkout</p>' }),
    );
    await page.getByTestId('upgrade-team').click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.test\/c\/pay\//, { timeout: UI_WAIT });
    expect(fake.checkoutSessions.size).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the dashboard against a local host at work', { timeout: TEST_TIMEOUT }, () => {
  let host: Host;
  const gate = new Gate();
  const api = async <T>(path: string, init?: RequestInit): Promise<T> =>
    (await fetch(`${host.url}${path}`, init)).json() as Promise<T>;

  beforeAll(async () => {
    host = await startHost({
      config: hostTestConfig(),
      log: quiet,
      retryIntervalMs: 0,
      webRoot: OUT_DIR,
      models: gatedDemo(gate),
    });
  }, 120_000);
  afterAll(async () => {
    gate.open();
    await host?.stop();
  }, 120_000);

  it('submits a sample from the Tasks page and watches it finish live, every event once', async () => {
    const { page, errors } = await openPage(host, '/');
    await page.locator(`[data-sample]`, { hasText: SLUGIFY }).click();
    await page.waitForURL(/\/task\/\?id=tsk_/, { timeout: UI_WAIT });
    const taskId = new URL(page.url()).searchParams.get('id') ?? '';
    // The page opened before the run ended: the plan's steps go from pending or running to succeeded.
    await page.getByTestId('plan-graph').waitFor({ timeout: UI_WAIT });
    await statusOf(page, 'succeeded');
    await page.locator('[data-step][data-state="succeeded"]').first().waitFor({ timeout: UI_WAIT });
    expect(
      await page.locator('[data-step]').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-state'))),
    ).toEqual(['succeeded', 'succeeded']);
    expect(['socket', 'polling']).toContain(await page.getByTestId('live-mode').getAttribute('data-mode'));

    // Every tool call and sandbox run of the log is drawn exactly once (no gap, no duplicate).
    const { events } = await api<{ events: Array<{ type: string }> }>(`/v1/tasks/${taskId}/events?limit=500`);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    await expect
      .poll(() => page.locator('[data-kind="tool"]').count(), { timeout: UI_WAIT })
      .toBe(count('tool_call'));
    expect(await page.locator('[data-kind="sandbox"]').count()).toBe(count('sandbox_run'));
    expect(count('sandbox_run')).toBeGreaterThan(0);
    await page
      .locator('[data-kind="sandbox"]')
      .getByText(/\d+ passed, 0 failed/)
      .first()
      .waitFor();
    await page
      .getByTestId('task-cost')
      .getByText(/\$0\.\d+/)
      .waitFor();
    expect(await page.getByTestId('task-cost').textContent()).not.toBe('$0.00');
    await page.getByText('demo model', { exact: true }).waitFor();

    // The workspace: a file with highlighting, and the task's diff.
    await page.getByTestId('code-view').locator('.hljs-keyword').first().waitFor({ timeout: UI_WAIT });
    await shoot(page, 'task-succeeded');
    await page.getByRole('button', { name: 'Diff of the task' }).click();
    await page
      .getByTestId('task-diff')
      .getByText(/^\+def /)
      .first()
      .waitFor({ timeout: UI_WAIT });
    expect(await page.getByTestId('download').getAttribute('href')).toBe(`/v1/tasks/${taskId}/archive`);

    await page.setViewportSize(PHONE);
    await shoot(page, 'task-succeeded-phone');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('approves an edited plan: the run follows the edit', async () => {
    const { page, errors } = await openPage(host, '/');
    await page.getByLabel('What should the team build?').fill(SLUGIFY);
    await page.getByLabel('Ask me to approve the plan first').check();
    await page.getByRole('button', { name: 'Start the task' }).click();
    await page.waitForURL(/\/task\/\?id=tsk_/, { timeout: UI_WAIT });
    const taskId = new URL(page.url()).searchParams.get('id') ?? '';
    await statusOf(page, 'awaiting_approval');
    const approval = page.getByTestId('approval');
    await approval.waitFor({ timeout: UI_WAIT });
    await shoot(page, 'task-awaiting-approval');
    const title = approval.locator('[data-step-title]').first();
    const stepId = await title.getAttribute('data-step-title');
    await title.fill('Write slugify, edited by a person');
    await approval.getByRole('button', { name: 'Approve the edited plan' }).click();
    await statusOf(page, 'succeeded');
    const { plan } = await api<{ plan: { steps: Array<{ id: string; title: string }> } }>(
      `/v1/tasks/${taskId}`,
    );
    expect(plan.steps.find((s) => s.id === stepId)?.title).toBe('Write slugify, edited by a person');
    await page.getByText('Plan approved (edited)').waitFor({ timeout: UI_WAIT });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('submits a task from the form with a reduced team and Dev’s model: the task carries the choice', async () => {
    const { page, errors } = await openPage(host, '/', PHONE);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.getByLabel('What should the team build?').fill(SLUGIFY);
    // Every employee is on the team by default; QA is taken off with the keyboard.
    const qa = page.getByRole('checkbox', { name: 'QA' });
    await qa.waitFor({ timeout: UI_WAIT });
    expect(await page.getByRole('checkbox', { name: 'Researcher' }).isChecked()).toBe(true);
    await qa.focus();
    await page.keyboard.press('Space');
    expect(await qa.isChecked()).toBe(false);
    // Dev's select lists the models it may use, priced, the demo model labelled as such.
    const devModel = page.getByLabel('Model for Dev');
    const demoOption = devModel.locator('option[value="demo-1"]');
    expect(await demoOption.textContent()).toMatch(
      /^demo-1 — \$[\d.]+ in \/ \$[\d.]+ out per M tokens · demo model$/,
    );
    expect(await devModel.locator('option[value="gpt-5.6-luna"]').isDisabled()).toBe(true);
    await devModel.selectOption('demo-1');
    await shoot(page, 'new-task-team-phone-dark');
    await page.getByRole('button', { name: 'Start the task' }).click();
    await page.waitForURL(/\/task\/\?id=tsk_/, { timeout: UI_WAIT });
    const taskId = new URL(page.url()).searchParams.get('id') ?? '';
    const { task } = await api<{ task: Task }>(`/v1/tasks/${taskId}`);
    expect(task.team).toEqual({ employees: ['researcher', 'dev'], models: { dev: 'demo-1' } });
    await statusOf(page, 'succeeded');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a socket dropped mid-run reconnects from the last event: nothing lost, nothing twice', async () => {
    gate.close();
    const { task } = await api<{ task: Task }>('/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: SLUGIFY }),
    });
    const page = await browser.newPage({ viewport: LAPTOP });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Keep every socket the page opens, so the test can drop them as a network would.
    // (A string: this file is type-checked without the DOM's types.)
    await page.addInitScript({
      content: `{
        const Native = window.WebSocket;
        window.__sockets = [];
        window.WebSocket = class extends Native {
          constructor(url, protocols) { super(url, protocols); window.__sockets.push(this); }
        };
      }`,
    });
    await page.goto(`${host.url}/task/?id=${task.id}`);
    // Dev is held at the gate: the run is mid-way, over the socket.
    await page.locator('[data-step][data-state="running"]').first().waitFor({ timeout: UI_WAIT });
    await page.locator('[data-testid="live-mode"][data-mode="socket"]').waitFor({ timeout: UI_WAIT });
    const before = await page.locator('[data-kind="tool"]').count();
    await page.evaluate('for (const s of window.__sockets) s.close()');
    await page.locator('[data-testid="live-mode"][data-mode="connecting"]').waitFor({ timeout: UI_WAIT });
    // The rest of the run happens while the page reconnects.
    gate.open();
    await page.locator('[data-testid="live-mode"][data-mode="socket"]').waitFor({ timeout: UI_WAIT });
    await statusOf(page, 'succeeded');
    expect(await page.evaluate('window.__sockets.length')).toBeGreaterThan(1);
    const { events } = await api<{ events: Array<{ type: string }> }>(
      `/v1/tasks/${task.id}/events?limit=500`,
    );
    const count = (type: string) => events.filter((e) => e.type === type).length;
    await expect
      .poll(() => page.locator('[data-kind="tool"]').count(), { timeout: UI_WAIT })
      .toBe(count('tool_call'));
    expect(count('tool_call')).toBeGreaterThan(before);
    expect(await page.locator('[data-kind="sandbox"]').count()).toBe(count('sandbox_run'));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('cancels a task mid-run', async () => {
    gate.close();
    const { task } = await api<{ task: Task }>('/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: CSV }),
    });
    const { page, errors } = await openPage(host, `/task/?id=${task.id}`);
    // Dev is thinking (held at the gate): the step is running.
    await page.locator('[data-step][data-state="running"]').first().waitFor({ timeout: UI_WAIT });
    await statusOf(page, 'running');
    await shoot(page, 'task-running');
    await page.getByRole('button', { name: 'Cancel the task' }).click();
    await statusOf(page, 'cancelled');
    gate.open();
    await page.getByText('Task cancelled').waitFor({ timeout: UI_WAIT });
    expect((await api<{ task: Task }>(`/v1/tasks/${task.id}`)).task.status).toBe('cancelled');
    expect(await page.getByRole('button', { name: 'Cancel the task' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders every page with data, in light and dark', async () => {
    const tasks = await openPage(host, '/');
    await tasks.page.getByTestId('task-table').getByText('succeeded').first().waitFor({ timeout: UI_WAIT });
    expect(await tasks.page.locator('[data-task-id]').count()).toBeGreaterThanOrEqual(3);
    await tasks.page.getByLabel('Filter by status').selectOption('cancelled');
    expect(await tasks.page.locator('[data-task-id]').count()).toBe(1);
    await tasks.page.getByLabel('Filter by status').selectOption('all');
    await shoot(tasks.page, 'tasks');
    await tasks.page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await tasks.page.locator('html').getAttribute('class')).toContain('dark');
    await shoot(tasks.page, 'tasks-dark');

    const usage = await openPage(host, '/usage/');
    await usage.page
      .getByTestId('usage-employee')
      .getByRole('cell', { name: 'dev' })
      .waitFor({ timeout: UI_WAIT });
    await usage.page.getByTestId('usage-model').getByRole('cell', { name: 'demo/demo-1' }).waitFor();
    await usage.page.locator('.recharts-bar-rectangle').first().waitFor({ timeout: UI_WAIT });
    expect(await usage.page.getByTestId('month-spend').textContent()).not.toBe('$0.00');
    await shoot(usage.page, 'usage');

    const employees = await openPage(host, '/employees/');
    await employees.page.getByRole('button', { name: 'Edit Dev' }).click();
    await employees.page.getByLabel('Budget share (0 to 1)').fill('0.5');
    await employees.page.getByRole('button', { name: 'Save' }).click();
    await employees.page.getByTestId('roster').getByText('50% of the budget').waitFor({ timeout: UI_WAIT });
    await employees.page.getByLabel('New employee id').fill('docs-writer');
    await employees.page.getByRole('button', { name: 'Create' }).click();
    await employees.page.getByLabel('Name').fill('Docs writer');
    await employees.page.getByRole('button', { name: 'Save' }).click();
    // The API names the field it refuses: a new employee needs a role prompt and models.
    await employees.page.getByRole('alert').first().waitFor({ timeout: UI_WAIT });
    await shoot(employees.page, 'employees');

    const settings = await openPage(host, '/settings/');
    await settings.page.getByLabel('Monthly budget (USD)').fill('25');
    await settings.page.getByRole('button', { name: 'Save' }).click();
    await settings.page.getByText('Saved.').waitFor({ timeout: UI_WAIT });
    expect(
      (await api<{ settings: { monthlyBudgetUsd: number } }>('/v1/settings')).settings.monthlyBudgetUsd,
    ).toBe(25);
    await settings.page.getByLabel('Monthly budget (USD)').fill('lots');
    await settings.page.getByRole('button', { name: 'Save' }).click();
    await settings.page.getByRole('alert').getByText(/./).first().waitFor({ timeout: UI_WAIT });
    await shoot(settings.page, 'settings');

    // API keys: a new one's secret is shown once; a revoke shows at once and holds in the API.
    const keysCard = settings.page.getByTestId('api-keys');
    await keysCard.getByLabel("New key's name").fill('ci');
    await keysCard.getByRole('button', { name: 'Make a key' }).click();
    const secret = (await keysCard.getByTestId('new-key').locator('code').textContent()) ?? '';
    expect(secret).toMatch(/^tt_(live|test)_/);
    type KeyRow = { id: string; name: string; revokedAt?: string };
    const made = (await api<{ keys: KeyRow[] }>('/v1/keys')).keys.find((k) => k.name === 'ci')!;
    expect(JSON.stringify(await api('/v1/keys'))).not.toContain(secret.split('_').at(-1));
    await keysCard.getByRole('button', { name: 'Revoke ci' }).click();
    await keysCard.locator(`[data-key-id="${made.id}"]`).getByText('revoked').waitFor({ timeout: UI_WAIT });
    expect(
      (await api<{ keys: KeyRow[] }>('/v1/keys')).keys.find((k) => k.id === made.id)?.revokedAt,
    ).toBeTruthy();
    await shoot(settings.page, 'settings-keys');

    for (const p of [tasks, usage, employees, settings]) {
      expect(p.errors).toEqual([]);
      await p.page.close();
    }
  });
});
