import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { ApiKeyRole } from '../src/entities';
import { builtDashboard } from '../src/http/app';
import { describeEachEngine } from './support/harness';

/**
 * The dashboard (web/) in Debian's Chromium, driven by Playwright against a server this file
 * starts: the real app on a real database, serving the built web/dist at / and the API at
 * /graphql. Everything the page shows is compared with what the API answers for the same key.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
/** Page code runs in the browser: passed as strings, since this file is compiled without the DOM types. */
const HORIZONTAL_OVERFLOW = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const COUNTS = `{ msp { id billableMonitoredUsers customerCounts { paid activeTrials expiredTrials total } } }`;

interface Counts {
  paid: number;
  activeTrials: number;
  expiredTrials: number;
  total: number;
}

/**
 * Chromium is a Debian package, not an npm one: CI installs it (.ci/run) and runs with CI set,
 * where a missing browser fails the run. On a newcomer's machine without it, `npm test` still
 * passes and says loudly what it skipped and how to run it.
 */
const describeInBrowser: typeof describeEachEngine =
  existsSync(CHROMIUM) || process.env.CI
    ? describeEachEngine
    : (name) => {
        process.stderr.write(`\nSKIPPED ${name}: no Chromium at ${CHROMIUM}; apt-get install -y chromium (or set CHROMIUM_PATH) to run it.\n`);
        describe(name, () => it.skip(`needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`, () => undefined));
      };

describeInBrowser('the Command Center dashboard in a browser', (api, engine) => {
  let context: BrowserContext;
  let userDataDir: string;
  let base: string;
  let demoKey: string;
  let demoMspId: number;

  beforeAll(async () => {
    if (!builtDashboard()) throw new Error('web/dist is not built: run `npm run build:web` (npm install and npm test do it).');
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const seeded = await api().services.demo.seed();
    if (!seeded.apiKey) throw new Error('the demo was already seeded');
    demoKey = seeded.apiKey.secret;
    demoMspId = seeded.msp.id;
    await api().app.listen({ port: 0, host: '127.0.0.1' });
    const address = api().app.server.address();
    if (!address || typeof address !== 'object') throw new Error('the server did not listen');
    base = `http://127.0.0.1:${address.port}`;
    userDataDir = mkdtempSync(join(tmpdir(), 'cc-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 860 },
    });
    context.setDefaultTimeout(10_000);
    // The access link points at the product app (APP_URL http://app.test in tests): answer it here.
    await context.route('http://app.test/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>ActivTrak app</title>' }));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const apiCounts = async (key: string): Promise<{ billable: number; counts: Counts }> => {
    const data = await api().ok(key, COUNTS);
    return { billable: data.msp.billableMonitoredUsers, counts: data.msp.customerCounts };
  };

  const newPage = async (width = 1280, height = 860): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    return page;
  };

  const signIn = async (page: Page, key: string) => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tablist', { name: 'Customers by subscription' }).waitFor();
  };

  const tab = (page: Page, name: string): Locator => page.getByRole('tab', { name: new RegExp(`^${name}`) });
  const tabCount = async (page: Page, name: string) => Number((await tab(page, name).locator('.count').innerText()).replace(/,/g, ''));
  const card = (page: Page, organizationName: string): Locator => page.getByRole('article', { name: organizationName, exact: true });
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `dashboard-${engine}-${name}.png`) });

  it('serves the page at / and index.html for other HTML paths; the API routes answer as before', async () => {
    const app = api().app;
    const home = await app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    expect(home.body).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(home.body)?.[1];
    expect(script).toBeDefined();
    const asset = await app.inject({ method: 'GET', url: String(script) });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const deep = await app.inject({ method: 'GET', url: '/customers/123', headers: { accept: 'text/html' } });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toBe(home.body);
    const unknown = await app.inject({ method: 'GET', url: '/graphq' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errors[0].extensions.code).toBe('BAD_REQUEST');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const keyless = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ query: '{ msp { id } }' }) });
    expect(keyless.statusCode).toBe(401);
    // The API's own error handler still answers malformed bodies (registering the plugin must not bypass it).
    const malformed = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses an invalid key with a clear message and keeps nothing', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill('cc_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /invalid or revoked/);
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    await page.close();
  });

  it('sends a signed-in page back to sign-in with a message once its key is revoked', async () => {
    const created = await api().db.transaction((manager) => api().services.apiKeys.create(manager, ApiKeyRole.MSP_ADMIN, demoMspId, 'revoked in the browser test'));
    const page = await newPage();
    await signIn(page, created.secret);
    expect(await page.evaluate('Object.values(sessionStorage)')).toEqual([created.secret]);
    await api().services.apiKeys.revokeByPrefix(created.key.prefix);
    await tab(page, 'Expired Trials').click();
    await expectText(page.getByRole('status'), /refused \(invalid or revoked\)/);
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    await page.close();
  });

  it('signs in with the demo key: tab counts and Active Users equal the API; a screenshot of each tab', async () => {
    const page = await newPage();
    await signIn(page, demoKey);
    const { billable, counts } = await apiCounts(demoKey);
    // The demo seeds two customers in each state; other tests here may add trials, never remove.
    expect(counts.paid).toBe(2);
    expect(counts.activeTrials).toBeGreaterThanOrEqual(2);
    expect(counts.expiredTrials).toBe(2);
    await expectText(page.getByTestId('active-users'), String(billable));
    await expectText(page.getByText(/Paid subscriptions only/), /Trials are not counted/);
    expect(await tabCount(page, 'Paid Subscriptions')).toBe(counts.paid);
    expect(await tabCount(page, 'Active Trials')).toBe(counts.activeTrials);
    expect(await tabCount(page, 'Expired Trials')).toBe(counts.expiredTrials);
    await expectText(page.getByRole('heading', { level: 1 }), 'Demo MSP');

    // Each tab's cards: organization name, account number under it, monitored users.
    const tabs = [
      ['Paid Subscriptions', 'PAID', 'paid'],
      ['Active Trials', 'ACTIVE_TRIAL', 'active-trials'],
      ['Expired Trials', 'EXPIRED_TRIAL', 'expired-trials'],
    ] as const;
    for (const [name, state, file] of tabs) {
      await tab(page, name).click();
      const listed = await api().ok(demoKey, `query ($state: SubscriptionState!) { msp { customers(state: $state, first: 50) { nodes { organizationName accountNumber monitoredUserCount trialDaysRemaining } } } }`, { state });
      const nodes = listed.msp.customers.nodes as Array<{ organizationName: string; accountNumber: string; monitoredUserCount: number; trialDaysRemaining: number | null }>;
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        const one = card(page, node.organizationName);
        await expectText(one.locator('.account-number'), `Account #${node.accountNumber}`);
        await expectText(one.getByTestId('monitored-users'), new RegExp(`^${node.monitoredUserCount}`));
        if (state === 'ACTIVE_TRIAL') await expectText(one, `${node.trialDaysRemaining} day`);
        if (state === 'EXPIRED_TRIAL') await expectText(one, 'Expired: Freemium, up to 3 users');
      }
      await expectCount(page.getByRole('article'), nodes.length);
      await shot(page, file);
    }
    await page.getByRole('button', { name: 'List view' }).click();
    await page.getByRole('table').waitFor();
    await shot(page, 'expired-trials-list');

    // Signing out forgets the key.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    await page.close();
  });

  it('adds a customer through the dialog, keyboard only: its card shows in Active Trials and the counts update from the one response', async () => {
    const page = await newPage();
    await signIn(page, demoKey);
    const before = await apiCounts(demoKey);
    await page.getByRole('button', { name: 'Add Customer' }).waitFor();
    await tab(page, 'Paid Subscriptions').focus();
    await page.keyboard.press('ArrowRight');
    await expectText(page.getByRole('tab', { selected: true }), /^Active Trials/);
    await page.getByRole('article').first().waitFor();

    await page.getByRole('button', { name: 'Add Customer' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add Customer' });
    await dialog.waitFor();
    await expectText(dialog, /unique across all accounts/);
    await expectText(dialog, /primary administrator/);
    await expectText(dialog, /how your dashboard will show this customer/i);
    await page.keyboard.type('wayne@demo-msp.example');
    await expectText(dialog.locator('#add-email-status'), 'Available');
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${engine}-add-customer.png`) });
    await dialog.getByLabel('Organization name').focus();
    await page.keyboard.type('Wayne Enterprises');

    const operations: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.method() === 'POST') operations.push(String(request.postDataJSON()?.operationName));
    });
    await page.keyboard.press('Enter');
    const added = card(page, 'Wayne Enterprises');
    await added.waitFor();
    expect(await dialog.count()).toBe(0);
    await expectText(page.getByRole('tab', { selected: true }), /^Active Trials/);
    const after = await apiCounts(demoKey);
    expect(after.counts.activeTrials).toBe(before.counts.activeTrials + 1);
    await expectText(tab(page, 'Active Trials').locator('.count'), String(after.counts.activeTrials));
    expect(await tabCount(page, 'Paid Subscriptions')).toBe(after.counts.paid);
    expect(await tabCount(page, 'Expired Trials')).toBe(after.counts.expiredTrials);
    const customer = (await api().ok(demoKey, `{ customer: msp { customers(search: "wayne@demo-msp.example") { nodes { accountNumber subscriptionState } } } }`)).customer.customers.nodes[0];
    expect(customer.subscriptionState).toBe('ACTIVE_TRIAL');
    await expectText(added.locator('.account-number'), `Account #${customer.accountNumber}`);
    await expectText(added, '14 days remaining');
    // The counts came with the mutation's payload: no query went out to refresh them.
    expect(operations).toEqual(['AddCustomer']);
    await shot(page, 'added');
    await page.close();
  });

  it('shows EMAIL_TAKEN next to the email field for a duplicate email and adds nothing', async () => {
    const page = await newPage();
    await signIn(page, demoKey);
    const before = await apiCounts(demoKey);
    await page.getByRole('button', { name: 'Add Customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Customer' });
    await dialog.getByLabel('Email address').fill('acme@demo-msp.example');
    await expectText(dialog.locator('#add-email-status'), 'Already used by another account');
    await dialog.getByLabel('Organization name').fill('Acme Again');
    await dialog.getByRole('button', { name: 'Create trial account' }).click();

    const error = dialog.locator('#add-email-error');
    await error.waitFor();
    // The message the API gives for this input, shown beside the field it names.
    const refused = await api().ok(demoKey, `mutation { addCustomer(input: { adminEmail: "acme@demo-msp.example", organizationName: "Acme Again" }) { customer { id } userErrors { code field message } } }`);
    expect(refused.addCustomer.userErrors).toEqual([{ code: 'EMAIL_TAKEN', field: ['input', 'adminEmail'], message: expect.any(String) }]);
    await expectText(error, refused.addCustomer.userErrors[0].message);
    expect(await dialog.getByLabel('Email address').getAttribute('aria-describedby')).toContain('add-email-error');
    expect(await dialog.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${engine}-email-taken.png`) });

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await apiCounts(demoKey)).toEqual(before);
    expect(await tabCount(page, 'Active Trials')).toBe(before.counts.activeTrials);
    expect(await page.getByRole('article', { name: 'Acme Again' }).count()).toBe(0);
    await page.close();
  });

  it('list view: the total under the table equals the sum of the rows over all pages', async () => {
    const msp = await api().makeMsp({ name: 'Paging MSP' });
    for (let i = 1; i <= 23; i++) await msp.addCustomer({ name: `Trial ${String(i).padStart(2, '0')}`, users: i % 4 });
    const page = await newPage();
    await signIn(page, msp.key);
    await tab(page, 'Active Trials').click();
    await page.getByRole('button', { name: 'List view' }).click();
    const table = page.getByRole('table');
    await table.waitFor();
    await expectText(page.getByTestId('showing'), 'Showing 20 of 23 customers');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expectText(page.getByTestId('showing'), 'Showing 23 of 23 customers');
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    const rows = await table.getByTestId('row-monitored-users').allInnerTexts();
    expect(rows).toHaveLength(23);
    const sum = rows.reduce((total, text) => total + Number(text), 0);
    const shown = Number(await table.getByTestId('monitored-user-total').innerText());
    const fromApi = (await api().ok(msp.key, `{ msp { activeTrialMonitoredUsers customers(state: ACTIVE_TRIAL, first: 1) { monitoredUserTotal } } }`)).msp;
    expect(sum).toBe(Array.from({ length: 23 }, (_, i) => (i + 1) % 4).reduce((a, b) => a + b, 0));
    expect(shown).toBe(sum);
    expect(shown).toBe(fromApi.customers.monitoredUserTotal);
    expect(shown).toBe(fromApi.activeTrialMonitoredUsers);
    await page.close();
  });

  it('searches and sorts the list the way the API does', async () => {
    const page = await newPage();
    await signIn(page, demoKey);
    await tab(page, 'Paid Subscriptions').click();
    await page.getByLabel('Sort by').selectOption({ label: 'Name, A to Z' });
    await expectText(page.getByRole('article').first(), 'Acme, Inc');
    const names = async () => page.getByRole('article').getByRole('heading').allInnerTexts();
    expect(await names()).toEqual(['Acme, Inc', 'Globex Corporation']);
    await page.getByLabel('Sort by').selectOption({ label: 'Name, Z to A' });
    await expectText(page.getByRole('article').first(), 'Globex Corporation');
    expect(await names()).toEqual(['Globex Corporation', 'Acme, Inc']);
    await page.getByLabel('Search customers').fill('glob');
    await expectCount(page.getByRole('article'), 1);
    expect(await names()).toEqual(['Globex Corporation']);
    await page.getByLabel('Search customers').fill('no such customer');
    await expectText(page.locator('.empty'), 'No customers in Paid Subscriptions match “no such customer”.');
    await page.close();
  });

  it('files a support request from a card and shows its status there; "Open account" opens the access link in a new tab', async () => {
    const page = await newPage();
    await signIn(page, demoKey);
    await tab(page, 'Expired Trials').click();
    const hooli = card(page, 'Hooli Labs');
    await hooli.getByRole('button', { name: 'Request extension' }).click();
    const dialog = page.getByRole('dialog', { name: 'Request extension' });
    await dialog.getByLabel('Days to add').fill('30');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await expectText(hooli.getByRole('list', { name: /Support requests/ }), 'Extension by 30 days: requested, waiting for support');
    expect(await hooli.getByRole('button', { name: 'Request extension' }).count()).toBe(0);
    await shot(page, 'request-status');
    const filed = await api().ok(demoKey, `{ msp { supportRequests(first: 5) { nodes { kind status days customer { organizationName } } } } }`);
    expect(filed.msp.supportRequests.nodes[0]).toEqual({ kind: 'TRIAL_EXTENSION', status: 'OPEN', days: 30, customer: { organizationName: 'Hooli Labs' } });

    const [popup] = await Promise.all([page.waitForEvent('popup'), hooli.getByRole('button', { name: 'Open account' }).click()]);
    await popup.waitForURL(/^http:\/\/app\.test\/#\/access\?token=/);
    await popup.close();
    await page.close();
  });

  it('an MSP_READ key sees the dashboard without any write action', async () => {
    const readKey = (await api().db.transaction((manager) => api().services.apiKeys.create(manager, ApiKeyRole.MSP_READ, demoMspId, 'read-only browser'))).secret;
    const page = await newPage();
    await signIn(page, readKey);
    await expectText(page.getByTestId('key-role'), 'MSP_READ key: read only');
    await tab(page, 'Expired Trials').click();
    await card(page, 'Hooli Labs').waitFor();
    expect(await page.getByRole('button', { name: 'Add Customer' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Open account|Request upgrade|Request extension|Request removal)$/ }).count()).toBe(0);
    const { counts } = await apiCounts(readKey);
    expect(await tabCount(page, 'Expired Trials')).toBe(counts.expiredTrials);
    await page.close();
  });

  it('fits a 375 px wide screen', async () => {
    const page = await newPage(375, 740);
    await signIn(page, demoKey);
    await tab(page, 'Active Trials').click();
    await page.getByRole('article').first().waitFor();
    const overflow = await page.evaluate<number>(HORIZONTAL_OVERFLOW);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '375px-active-trials');
    await page.getByRole('button', { name: 'List view' }).click();
    await page.getByRole('table').waitFor();
    expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
    await shot(page, '375px-list');
    await page.close();
  });
});

/** Waits (up to 5 s) until the locator's text matches, then asserts it. */
async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  const deadline = Date.now() + 5_000;
  let text = '';
  for (;;) {
    text = (await locator.first().innerText({ timeout: 5_000 }).catch(() => '')) ?? '';
    const matches = typeof expected === 'string' ? text.includes(expected) : expected.test(text);
    if (matches || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (typeof expected === 'string') expect(text).toContain(expected);
  else expect(text).toMatch(expected);
}

/** Waits (up to 5 s) until the locator matches `expected` elements, then asserts it. */
async function expectCount(locator: Locator, expected: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  let count = await locator.count();
  while (count !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    count = await locator.count();
  }
  expect(count).toBe(expected);
}
