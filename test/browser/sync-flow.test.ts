import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine } from '../../src/core/model/source';
import type { Clock } from '../../src/core/time/clock';
import type { PlainDate } from '../../src/core/time/plain-date';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { startJobQueue } from '../../src/jobs/queue';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
import { createEngineDeps } from '../../src/runtime/engine';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { CREDS, e2eSeed, IDS } from '../support/autotask-world';
import { browserAvailable, launchBrowser } from '../support/browser';
import { TEST_TIMING, testJobDeps } from '../support/jobs';
import {
  AZURE,
  inv,
  julySeatChangeLines,
  line,
  offer,
  priceEntry,
  TENANT,
} from '../support/planner-fixtures';
import { type LiveServer, startLiveServer } from '../support/server';

/** The sync's calendar day is fixed (the fixtures are July/August 2025 invoices); instants are real (cookies). */
const TODAY = '2025-09-10' as PlainDate;
const clock: Clock = { now: () => new Date().toISOString(), today: () => TODAY };

/** Polls what the page shows until it matches (10 s: a loaded CI machine is slow, a broken page fails anyway). */
const poll = <T>(read: () => Promise<T>, options: { timeout?: number } = {}) =>
  expect.poll(read, { timeout: 10_000, ...options });

const BP = offer();
const BASIC = { ...offer('Monthly', 'P1M', '0001'), productId: 'CFQ7TTC0LH18' };
const EXTRA = Array.from({ length: 30 }, (_, i) => ({
  tenantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `Customer ${i}`,
  defaultDomain: `customer${i}.onmicrosoft.com`,
}));

/** Contoso Dental: 10 -> 12 Business Premium seats on 20 Jul, 3 Business Basic, Azure usage in July and August. */
const INVOICES = [
  inv('G1', '2025-07', [
    ...julySeatChangeLines(),
    line({
      sub: 'basic-1',
      offer: BASIC,
      start: '2025-07-01',
      last: '2025-07-31',
      qty: 3,
      unitPrice: '6.48',
      subtotal: '19.44',
    }),
    line({
      sub: 'azure-1',
      offer: AZURE,
      kind: 'azure_usage',
      start: '2025-07-01',
      last: '2025-07-31',
      qty: 1,
      subtotal: '100.50',
    }),
  ]),
  inv('G2', '2025-08', [
    line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
    line({
      sub: 'basic-1',
      offer: BASIC,
      start: '2025-08-01',
      last: '2025-08-31',
      qty: 3,
      unitPrice: '6.48',
      subtotal: '19.44',
    }),
    line({
      sub: 'azure-1',
      offer: AZURE,
      kind: 'azure_usage',
      start: '2025-08-01',
      last: '2025-08-31',
      qty: 1,
      subtotal: '120.00',
    }),
  ]),
];

/** A service named like billsync's Business Basic product, not created by billsync: a name collision. */
const TAKEN = {
  id: 900,
  name: 'PC_CFQ7TTC0LH18:0001',
  billingCodeID: IDS.code,
  periodType: 2,
  unitPrice: 7,
  unitCost: 6,
  isActive: true,
};

/** An Autotask Material Cost Code (useType 4): offered as the charge code for corrections. */
const withChargeCode = (seed: ReturnType<typeof e2eSeed>) => ({
  ...seed,
  BillingCodes: [
    ...seed.BillingCodes,
    { id: 202, name: 'Microsoft corrections', useType: 4, isActive: true, unitCost: 0, unitPrice: 0 },
  ],
});

describe.skipIf(!browserAvailable)('billing manager flow in Chromium', () => {
  let emulator: AutotaskEmulator;
  let autotaskBase: string;
  let server: LiveServer;
  let worker: RunningWorker;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = createAutotaskEmulator({
      seed: parseSeed(withChargeCode(e2eSeed({ services: [TAKEN], extraCustomers: EXTRA.length }))),
      clock: createClock({ start: '2025-09-10T09:00:00Z' }),
      sleep: async () => {},
    });
    autotaskBase = await emulator.listen(0);
    // The server and the worker open the PSA from the connection the user saves in the browser.
    let opener: TargetOpener | undefined;
    server = await startLiveServer({ clock, openTarget: (ws, target) => opener!(ws, target) });
    opener = createTargetOpener({ pool: server.pool, box: server.box });
    const queue = await startJobQueue({ url: server.db.url, max: 3 }, TEST_TIMING, { worker: true });
    const engine = createEngineDeps({ pool: server.pool, clock, openTarget: opener });
    worker = await startWorker(testJobDeps({ pool: server.pool, engine, queue, clock }), {
      concurrency: 2,
      pollSeconds: 0.5,
      tickSeconds: 0,
      defaults: { hour: 6, timeZone: 'UTC' },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Fail a step in seconds, not at the test's timeout.
    page.setDefaultTimeout(10_000);
  });

  // A failed step leaves a picture of the page in .tmp/ (CI keeps that folder).
  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      mkdirSync('.tmp', { recursive: true });
      await page?.screenshot({ path: `.tmp/browser-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}.png` });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop({ timeoutMs: 5_000 });
    await server?.close();
    await emulator?.close();
  });

  /** The Microsoft CSP data of the workspace the browser created (imported from files in real life). */
  async function seedSource(): Promise<void> {
    const ws = (await server.pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
    await upsertSourceCustomers(server.pool, ws, [
      { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
      ...EXTRA,
    ]);
    await storePriceList(server.pool, ws, [
      priceEntry(BP, '20.00', '23.10'),
      priceEntry(BASIC, '6.48', '7.20'),
      priceEntry(AZURE, '0', '0'),
    ]);
    for (const i of INVOICES) await storeInvoice(server.pool, ws, i.header, i.lines as InvoiceLine[]);
  }

  it('sets up, connects Autotask, configures the program and adopts a colliding product', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Set up billsync' }).waitFor();
    await page.getByLabel('Workspace name').fill('Northwind MSP');
    await page.getByLabel('Email').fill('admin@northwind.example');
    await page.getByLabel('Password', { exact: true }).fill('a strong password');
    await page.getByLabel('Confirm password').fill('a strong password');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await seedSource();

    // Connections: CONNECT NOW, the credentials with the emulator as zone, Test, Save.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Connections' }).click();
    const card = page.getByTestId('connection-autotask');
    await poll(() => card.getByTestId('connection-autotask-status').textContent()).toBe('Not connected');
    await card.getByRole('button', { name: 'CONNECT NOW' }).click();
    const form = page.getByRole('dialog', { name: 'Connect Autotask' });
    await form.getByLabel('API username').fill(CREDS.userName);
    await form.getByLabel('Secret').fill(CREDS.secret);
    await form.getByLabel('API integration code').fill(CREDS.integrationCode);
    await form.getByRole('button', { name: 'Advanced settings' }).click();
    await form.getByLabel('Zone URL').fill(`${autotaskBase}/ATServicesRest/`);
    await form.getByRole('button', { name: 'Test', exact: true }).click();
    await poll(() => form.getByTestId('connection-test-result').textContent()).toMatch(/credentials work/);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    await poll(() => card.getByTestId('connection-autotask-status').textContent()).toBe('Needs setup');

    // EDIT: the program settings.
    await card.getByRole('button', { name: /EDIT/ }).click();
    await page.getByRole('heading', { name: 'Program settings' }).waitFor();
    await page.getByRole('switch', { name: 'Sync', exact: true }).check({ force: true });
    await page.getByRole('radio', { name: 'All Products' }).check();
    await page.getByRole('textbox', { name: 'Billing Code' }).click();
    // Only Recurring Contract Service codes are offered.
    await poll(() => page.getByRole('option').allTextContents()).toEqual(['Cloud and SaaS']);
    await page.getByRole('option', { name: 'Cloud and SaaS' }).click();
    await page.getByRole('textbox', { name: 'Vendor' }).click();
    await page.getByRole('option', { name: 'Microsoft' }).click();
    // The charge code for corrections is optional: empty = Autotask's default Material Cost Code.
    const chargeCode = page.getByRole('textbox', { name: 'Charge code for corrections' });
    expect(await chargeCode.inputValue()).toBe('');
    expect(await chargeCode.getAttribute('placeholder')).toBe("Autotask's default");
    await page
      .getByText(
        "billsync books a one-time charge or credit on the contract for days it can no longer change (already posted, or already adjusted). Leave empty to use Autotask's first active Material Cost Code.",
      )
      .waitFor();
    await chargeCode.click();
    // Only Material Cost Codes are offered.
    await poll(() => page.getByRole('option').allTextContents()).toEqual(['Microsoft corrections']);
    await page.getByRole('option', { name: 'Microsoft corrections' }).click();
    expect(await chargeCode.inputValue()).toBe('Microsoft corrections');
    const emails = page.getByRole('textbox', { name: 'Notification email addresses' });
    await emails.fill('not-an-address');
    await emails.press('Enter');
    await page.getByText('not-an-address is not an e-mail address').waitFor();
    await emails.fill('billing@northwind.example');
    await emails.press('Enter');
    await page.getByRole('button', { name: 'SAVE' }).click();
    await page.getByText('Program settings saved').waitFor();
    await nav.getByText('Autotask → Microsoft CSP').waitFor();
    const saved = await server.pool.query("select settings->>'chargeCodeId' as code from programs");
    expect(saved.rows).toEqual([{ code: '202' }]);

    // Products: the preview shows the collision; Adopt links the existing service; the sync runs.
    await nav.getByRole('link', { name: 'Products' }).click();
    const collision = page.locator('[data-testid="product-row"][data-action="collision"]');
    await collision.waitFor();
    expect(await collision.textContent()).toContain('PC_CFQ7TTC0LH18:0001');
    expect(await page.locator('[data-testid="product-row"][data-action="create"]').count()).toBe(2);
    await collision.getByRole('button', { name: 'Adopt PC_CFQ7TTC0LH18:0001' }).click();
    await page
      .getByRole('dialog', { name: 'Adopt the existing service?' })
      .getByRole('button', { name: 'Adopt' })
      .click();
    await page.locator('[data-testid="product-row"][data-action="update"]').waitFor();
    expect(await collision.count()).toBe(0);
    await page.getByRole('button', { name: 'Run product sync' }).click();
    await page
      .getByRole('dialog', { name: 'Run the product sync?' })
      .getByRole('button', { name: 'Run product sync' })
      .click();
    const activity = page.getByTestId('sync-activity-row').first();
    await poll(() => activity.getAttribute('data-phase'), { timeout: 20_000 }).toBe('done');
    expect(await activity.textContent()).toContain('Success');
  }, 60_000);

  it('searches, filters, sorts and pages the customers table on the server', async () => {
    await page.getByRole('tab', { name: 'Customers' }).click();
    const rows = page.getByTestId('customer-row');
    const count = page.getByTestId('customers-count');
    await poll(() => count.textContent()).toBe('1–31 of 31 customers');
    expect(await rows.first().textContent()).toContain('Contoso Dental');

    await page.getByRole('button', { name: /^Customer: sort/ }).click();
    await poll(() => rows.first().textContent()).toContain('Customer 9');
    expect(page.url()).toContain('order=desc');

    await page.getByRole('textbox', { name: 'Rows per page' }).click();
    await page.getByRole('option', { name: '25' }).click();
    await poll(() => count.textContent()).toBe('1–25 of 31 customers');
    await page.getByRole('button', { name: 'Page 2' }).click();
    await poll(() => count.textContent()).toBe('26–31 of 31 customers');

    await page.getByRole('searchbox', { name: 'Search customers' }).fill('customer 1');
    await poll(() => count.textContent()).toBe('1–11 of 11 customers');
    const show = page.getByRole('radiogroup', { name: 'Show customers' });
    await show.getByText('Mapped', { exact: true }).click();
    await page.getByText('No customer matches').waitFor();
    await show.getByText('All', { exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('');
    await poll(() => count.textContent()).toBe('1–25 of 31 customers');
    // Unmapped customers come with a suggested company to confirm.
    expect(await rows.filter({ hasText: 'Suggested' }).count()).toBeGreaterThan(0);
  }, 30_000);

  it('maps a customer in the dialog, SAVE AND SYNC NOW, and finds the run in History', async () => {
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso');
    const rows = page.getByTestId('customer-row');
    await poll(() => rows.count()).toBe(1);
    // Not mapped yet: its Sync switch is disabled.
    expect(await rows.first().getByRole('switch').isDisabled()).toBe(true);
    await rows.first().getByRole('button', { name: 'Edit mapping of Contoso Dental' }).click();

    const dialog = page.getByRole('dialog', { name: 'Map Contoso Dental' });
    const company = dialog.getByRole('textbox', { name: 'Autotask company' });
    // Suggested from the name; the user searches anyway and picks it from the list.
    await poll(() => company.inputValue()).toBe('Contoso Dental Ltd');
    await dialog.getByText('Suggested: Contoso Dental Ltd (same name)').waitFor();
    await company.fill('contoso');
    await dialog.page().getByRole('option', { name: 'Contoso Dental Ltd' }).click();
    // The ended contract is hidden, and the dialog says so; the only other one is chosen.
    await poll(() => dialog.getByTestId('contracts-hidden').textContent()).toMatch(/1 ended/);
    await poll(() => dialog.getByRole('textbox', { name: 'Contract' }).inputValue()).toMatch(
      /^Contoso Microsoft 365/,
    );
    await dialog.getByLabel('Sync start date (UTC)').fill('2025-08-01');
    expect(await dialog.getByRole('switch', { name: 'Sync' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'SAVE AND SYNC NOW' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Live progress on the page, then the row shows the run.
    const activity = page.getByTestId('sync-activity-row').filter({ hasText: 'Contoso Dental' });
    await poll(() => activity.getAttribute('data-phase'), { timeout: 20_000 }).toBe('done');
    await poll(() => rows.first().textContent()).toContain('Success');

    await page.getByRole('tab', { name: 'History' }).click();
    const run = page.locator('[data-testid="run-row"][data-kind="customer"]').first();
    await poll(() => run.getAttribute('data-status')).toBe('success');
    expect(await run.textContent()).toContain('Contoso Dental');
    await run.getByRole('link', { name: /^View/ }).click();
    await page.getByRole('heading', { name: 'Customer sync: Contoso Dental' }).waitFor();
    expect(await page.getByTestId('run-status').textContent()).toBe('Success');
    const items = page.getByTestId('run-item');
    await poll(() => items.count()).toBe(3);
    expect(await page.getByTestId('run-items').textContent()).toContain(
      'Contoso Dental / Microsoft 365 Business Premium',
    );
  }, 45_000);
});
