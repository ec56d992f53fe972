import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import type { RunningWorker } from '../../src/jobs/worker';
import { CREDS } from '../support/autotask-world';
import { browserAvailable, poll, screenshotOnFailure, setUpWorkspace } from '../support/browser';
import { startBrowserWorld } from '../support/browser-world';
import { TENANT } from '../support/planner-fixtures';
import type { LiveServer } from '../support/server';
import { clock, flowSeed, MANUAL, seedSource } from './flow-fixtures';

describe.skipIf(!browserAvailable)('billing manager flow in Chromium', () => {
  let emulator: AutotaskEmulator;
  let autotaskBase: string;
  let server: LiveServer;
  let worker: RunningWorker;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = createAutotaskEmulator({
      seed: parseSeed(flowSeed()),
      clock: createClock({ start: '2025-09-10T09:00:00Z' }),
      sleep: async () => {},
    });
    autotaskBase = await emulator.listen(0);
    ({ server, worker, browser, page } = await startBrowserWorld(clock));
  });

  // A failed step leaves a picture of the page in .tmp/ (CI keeps that folder).
  screenshotOnFailure(() => page);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop({ timeoutMs: 5_000 });
    await server?.close();
    await emulator?.close();
  });

  it('sets up, connects Autotask, configures the program and adopts a colliding product', async () => {
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Northwind MSP',
      email: 'admin@northwind.example',
      password: 'a strong password',
    });
    await seedSource(server.pool);

    // Connections: CONNECT NOW, the credentials with the emulator as zone, Test, Save.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Connections' }).click();
    const card = page.getByTestId('connection-autotask');
    await poll(() => card.getByTestId('connection-autotask-status').textContent()).toBe('Not connected');
    await card.getByRole('button', { name: 'CONNECT NOW' }).click();
    const form = page.getByRole('dialog', { name: 'Connect Autotask' });
    await form.getByLabel('API username').fill(CREDS.userName);
    await form.getByLabel('Secret').fill('a wrong secret');
    await form.getByLabel('API integration code').fill(CREDS.integrationCode);
    await form.getByRole('button', { name: 'Advanced settings' }).click();
    await form.getByLabel('Zone URL').fill(`${autotaskBase}/ATServicesRest/`);
    // Test checks the credentials as entered and saves nothing: a failed test leaves the card as it was.
    await form.getByRole('button', { name: 'Test', exact: true }).click();
    await poll(() => form.getByTestId('error-alert').textContent()).toMatch(/Nothing was saved/);
    expect(await card.getByTestId('connection-autotask-status').textContent()).toBe('Not connected');
    expect((await server.pool.query('select count(*)::int as n from connections')).rows[0].n).toBe(0);
    await form.getByLabel('Secret').fill(CREDS.secret);
    await form.getByRole('button', { name: 'Test', exact: true }).click();
    await poll(() => form.getByTestId('connection-test-result').textContent()).toMatch(/credentials work/);
    expect(await card.getByTestId('connection-autotask-status').textContent()).toBe('Not connected');
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
    await nav.getByText('Autotask → Microsoft CSP', { exact: true }).waitFor();
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
    // The suggested companies (a second request: it reads the PSA) answer only once the dialog is open, as with a
    // slow PSA: the dialog fills the company when they arrive.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const suggestions = /\/api\/customers\?.*suggest=true/;
    await page.route(suggestions, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso');
    const rows = page.getByTestId('customer-row');
    await poll(() => rows.count()).toBe(1);
    // Not mapped yet: its Sync switch is disabled.
    expect(await rows.first().getByRole('switch').isDisabled()).toBe(true);
    await rows.first().getByRole('button', { name: 'Edit mapping of Contoso Dental' }).click();

    const dialog = page.getByRole('dialog', { name: 'Map Contoso Dental' });
    const company = dialog.getByRole('textbox', { name: 'Autotask company' });
    await dialog.waitFor();
    expect(await company.inputValue()).toBe('');
    // Later requests pass straight through.
    release();
    // Suggested from the name; the user searches anyway and picks it from the list.
    await poll(() => company.inputValue()).toBe('Contoso Dental Ltd');
    await dialog.getByText('Suggested: Contoso Dental Ltd (same name apart from the legal form)').waitFor();
    await company.fill('contoso');
    await dialog.page().getByRole('option', { name: 'Contoso Dental Ltd' }).click();
    // The ended contract is hidden, and the dialog says so; the only other one is chosen.
    await poll(() => dialog.getByTestId('contracts-hidden').textContent()).toMatch(/1 ended/);
    await poll(() => dialog.getByRole('textbox', { name: 'Contract' }).inputValue()).toMatch(
      /^Contoso Microsoft 365/,
    );
    // The companies and contracts are kept a few minutes on the server; "Refresh from Autotask" reads them anew.
    const companyReads = () => emulator.requests.count('*', '**/Companies/query**');
    const readsBefore = companyReads();
    await dialog.getByRole('button', { name: 'Refresh from Autotask' }).click();
    await page.getByText('Read from Autotask').waitFor();
    expect(companyReads()).toBe(readsBefore + 1);
    await dialog.getByLabel('Sync start date (UTC)').fill('2025-08-01');
    // The contract bills nothing of Contoso's yet: no shadow first sync.
    expect(await dialog.getByRole('checkbox', { name: 'Shadow first sync' }).isChecked()).toBe(false);
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

  it('pre-selects the shadow first sync for a contract that bills the customer already; Apply writes the run', async () => {
    await page.getByRole('tab', { name: 'Customers' }).click();
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('customer0.onmicrosoft');
    const rows = page.getByTestId('customer-row');
    await poll(() => rows.count()).toBe(1);
    await rows.first().getByRole('button', { name: 'Edit mapping of Customer 0' }).click();
    const dialog = page.getByRole('dialog', { name: 'Map Customer 0' });
    await poll(() => dialog.getByRole('textbox', { name: 'Contract' }).inputValue()).toMatch(
      /^Customer 0 M365/,
    );
    // The contract bills 2 seats of the Business Basic product by hand: the box is ticked, and the dialog says why.
    const shadow = dialog.getByRole('checkbox', { name: 'Shadow first sync' });
    await poll(() => shadow.isChecked()).toBe(true);
    expect(await dialog.getByTestId('contract-bills').textContent()).toBe(
      'This contract already bills: PC_CFQ7TTC0LH18:0001 (2 units)',
    );
    await dialog.getByText('The first sync is compared with what the contract bills today').waitFor();
    await shadow.uncheck();
    await shadow.check();
    await dialog.getByLabel('Sync start date (UTC)').fill('2025-08-01');
    await dialog.getByRole('button', { name: 'SAVE AND SYNC NOW' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const activity = page.getByTestId('sync-activity-row').filter({ hasText: 'Customer 0' });
    await poll(() => activity.getAttribute('data-phase'), { timeout: 20_000 }).toBe('done');
    await poll(() => rows.first().textContent()).toContain('Awaiting approval');
    await rows.first().getByTestId('shadow-badge').waitFor();
    await rows.first().getByRole('link', { name: 'Last run of Customer 0' }).click();

    // The run shows what the contract bills today and what it will bill once applied, per month.
    await page.getByRole('heading', { name: 'Customer sync: Customer 0' }).waitFor();
    expect(await page.getByTestId('run-message').textContent()).toMatch(
      /^Shadow first sync: nothing was written/,
    );
    await page
      .getByRole('heading', { name: 'What the PSA bills today and once this run is applied' })
      .waitFor();
    const months = page.getByTestId('comparison-row');
    expect(await months.count()).toBe(2);
    for (const [i, month] of ['Jul 2025', 'Aug 2025'].entries()) {
      expect(await months.nth(i).getAttribute('data-differs')).toBe('true');
      expect(await months.nth(i).textContent()).toContain(month);
      expect(await months.nth(i).textContent()).toMatch(/14\.00.*21\.60.*\+7\.60/);
    }
    await page.getByRole('button', { name: 'Reject' }).waitFor();
    await page.getByRole('button', { name: 'Apply' }).click();
    await poll(() => page.getByTestId('run-status').textContent(), { timeout: 20_000 }).toBe('Success');
    const units = await fetch(
      `${autotaskBase}/_emulator/units?contractServiceId=${MANUAL.contractServiceId}&date=2025-07-15`,
    );
    expect(await units.json()).toMatchObject({ units: 3 });
    await page.getByRole('tab', { name: 'Customers' }).click();
    await poll(() => rows.first().textContent()).toContain('Success');
    expect(await rows.first().getByTestId('shadow-badge').count()).toBe(0);
  }, 45_000);

  it('shows a paused customer with the reason; switching its sync on resumes it', async () => {
    const reason =
      'The PSA did not bill what billsync wrote (run 1): 20 Jul 2025: 10 units where billsync wrote 12';
    await server.pool.query(
      'update customer_mappings set sync_on = false, paused_reason = $1, paused_at = now() where tenant_id = $2',
      [reason, TENANT],
    );
    await page.reload();
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso');
    const row = page.getByTestId('customer-row').first();
    const paused = row.getByTestId('paused-badge');
    await paused.waitFor();
    expect(await paused.textContent()).toBe('Paused');
    const sync = row.getByRole('switch', { name: 'Sync Contoso Dental' });
    expect(await sync.isChecked()).toBe(false);
    await paused.hover();
    const tooltip = page.getByText(/Check the contract, then switch sync on to resume/);
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toContain(reason);

    // The mapping dialog says so too.
    await row.getByRole('button', { name: 'Edit mapping of Contoso Dental' }).click();
    const dialog = page.getByRole('dialog', { name: 'Map Contoso Dental' });
    expect(await dialog.getByTestId('mapping-paused').textContent()).toContain(reason);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Away from the badge first: its tooltip must not take the click.
    await page.mouse.move(0, 0);
    await page.getByText(/Check the contract, then switch sync on to resume/).waitFor({ state: 'hidden' });
    await sync.click({ force: true });
    await page.getByText('Sync resumed').waitFor();
    await paused.waitFor({ state: 'detached' });
    await expect.poll(() => sync.isChecked()).toBe(true);
    const saved = await server.pool.query(
      'select sync_on, paused_reason from customer_mappings where tenant_id = $1',
      [TENANT],
    );
    expect(saved.rows).toEqual([{ sync_on: true, paused_reason: null }]);
  }, 30_000);
});
