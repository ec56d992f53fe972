import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import { upsertSourceCustomers } from '../../src/db/repos/source-data';
import { createEngineDeps } from '../../src/runtime/engine';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { connectTarget } from '../../src/services/sync/connect';
import { saveProgramSettings } from '../../src/services/sync/program-settings';
import { CREDS, e2eSeed, IDS } from '../support/autotask-world';
import {
  browserAvailable,
  launchBrowser,
  poll,
  screenshotOnFailure,
  setUpWorkspace,
} from '../support/browser';
import { TENANT } from '../support/planner-fixtures';
import { type LiveServer, startLiveServer } from '../support/server';
import { clock } from './flow-fixtures';

/**
 * The annual contract in the mapping dialog (issue 16, decision 0015), in Chromium: with the program's annual
 * motion on, the dialog offers the company's Fixed Price contracts (not its Recurring Service ones) for the
 * annual subscriptions, saves the one chosen and shows it again; None clears it. With the motion off, the select
 * is shown only for a customer that has an annual contract.
 */
describe.skipIf(!browserAvailable)('the annual contract in the mapping dialog in Chromium', () => {
  let emulator: AutotaskEmulator;
  let server: LiveServer;
  let opener: TargetOpener | undefined;
  let browser: Browser;
  let page: Page;

  // Contoso Dental Ltd has a live and an ended Fixed Price contract (contractType 3) next to its Recurring Service
  // ones; Customer 0 has none.
  const FIXED_PRICE = 1060;
  const seed = e2eSeed({ extraCustomers: 1 });
  const fixedPrice = (id: number, contractName: string, startDate: string, endDate: string) =>
    ({
      ...seed.Contracts[0]!,
      id,
      contractName,
      contractType: 3,
      contractPeriodType: null,
      startDate,
      endDate,
    }) as never;
  seed.Contracts.push(
    fixedPrice(FIXED_PRICE, 'Contoso annual licences', '2025-01-01', '2028-12-31'),
    fixedPrice(1061, 'Contoso annual 2024', '2024-01-01', '2024-12-31'),
  );

  const annualOfContoso = async () =>
    (
      await server.pool.query(
        'select annual_contract_id, annual_contract_name from customer_mappings where tenant_id = $1',
        [TENANT],
      )
    ).rows;
  const openContoso = async () => {
    await page
      .getByTestId('customer-row')
      .filter({ hasText: 'Contoso Dental' })
      .first()
      .getByRole('button', { name: 'Edit mapping of Contoso Dental' })
      .click();
    return page.getByRole('dialog', { name: 'Map Contoso Dental' });
  };
  const saveAndClose = async (dialog: Locator) => {
    await dialog.getByRole('button', { name: 'SAVE', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  };

  beforeAll(async () => {
    emulator = createAutotaskEmulator({
      seed: parseSeed(seed),
      clock: createClock({ start: '2025-09-10T09:00:00Z' }),
    });
    const zoneUrl = `${await emulator.listen(0)}/ATServicesRest/`;
    server = await startLiveServer({ clock, openTarget: (ws, target) => opener!(ws, target) });
    opener = createTargetOpener({ pool: server.pool, box: server.box });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);

    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Fourth Coffee MSP',
      email: 'admin@fourthcoffee.example',
      password: 'a strong password',
    });

    // Connected, the program set up with the annual motion on, and the customers imported.
    const ws = (await server.pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
    const deps = createEngineDeps({ pool: server.pool, clock, openTarget: opener });
    await connectTarget(deps, server.box, {
      workspaceId: ws,
      kind: 'autotask',
      settings: { username: CREDS.userName, zoneUrl },
      secrets: { secret: CREDS.secret, integrationCode: CREDS.integrationCode },
      actor: 'test',
    });
    await saveProgramSettings(
      deps,
      ws,
      'autotask',
      {
        syncEnabled: true,
        mode: 'in-use',
        motions: { annual: true },
        billingCodeId: String(IDS.code),
        vendorId: String(IDS.vendor),
      },
      'test',
    );
    await upsertSourceCustomers(server.pool, ws, [
      { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
      { tenantId: '00000000-0000-4000-8000-000000000000', name: 'Customer 0', defaultDomain: 'c0.example' },
    ]);
  }, 60_000);
  screenshotOnFailure(() => page);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await emulator?.close();
  });

  it('offers the Fixed Price contracts with the annual motion on, saves the one chosen and shows it again', async () => {
    await page.goto(`${server.baseUrl}/programs/autotask/csp/customers`);
    const dialog = await openContoso();
    const company = dialog.getByRole('textbox', { name: 'Autotask company' });
    if ((await company.inputValue()) !== 'Contoso Dental Ltd') {
      await company.fill('Contoso');
      await page.getByRole('option', { name: 'Contoso Dental Ltd' }).click();
    }
    await poll(() => dialog.getByRole('textbox', { name: /^Contract/ }).inputValue()).toMatch(
      /^Contoso Microsoft 365 \(/,
    );

    // The annual contract: None or the live Fixed Price contract; the ended one is hidden and counted.
    const annual = dialog.getByRole('textbox', { name: 'Annual contract' });
    await poll(() => dialog.textContent()).toContain(
      'Fixed Price contracts for annual subscriptions, not ended. Annual-billed subscriptions are booked here as one-time charges.',
    );
    await poll(() => dialog.getByTestId('annual-contracts-hidden').textContent()).toBe(
      '1 contract(s) hidden: 1 ended (extend the end date in Autotask to map it)',
    );
    expect(await annual.inputValue()).toBe('None');
    await annual.click();
    await poll(() => page.getByRole('option').allTextContents()).toEqual([
      'None',
      expect.stringMatching(/^Contoso annual licences \(/),
    ]);
    await page.getByRole('option', { name: /^Contoso annual licences/ }).click();
    await poll(() => annual.inputValue()).toMatch(/^Contoso annual licences \(/);
    await saveAndClose(dialog);
    expect(await annualOfContoso()).toEqual([
      { annual_contract_id: String(FIXED_PRICE), annual_contract_name: 'Contoso annual licences' },
    ]);

    // Reopened, the dialog shows it; another company clears it (Customer 0 has no Fixed Price contract).
    const again = await openContoso();
    const annualAgain = again.getByRole('textbox', { name: 'Annual contract' });
    await poll(() => annualAgain.inputValue()).toMatch(/^Contoso annual licences \(/);
    await again.getByRole('textbox', { name: 'Autotask company' }).fill('Customer 0');
    await page.getByRole('option', { name: 'Customer 0' }).click();
    await poll(() => again.getByRole('textbox', { name: /^Contract/ }).inputValue()).toMatch(
      /^Customer 0 M365 \(/,
    );
    await poll(() => again.textContent()).toContain(
      'To book annual subscriptions, create a Fixed Price contract for this company in Autotask',
    );
    expect(await annualAgain.inputValue()).toBe('None');
    await again.getByRole('button', { name: 'Cancel' }).click();
    await again.waitFor({ state: 'hidden' });
    expect(await annualOfContoso()).toEqual([
      { annual_contract_id: String(FIXED_PRICE), annual_contract_name: 'Contoso annual licences' },
    ]);
  }, 60_000);

  it('with the motion off: shown while the customer has one, None clears it, then it is not shown', async () => {
    // The annual motion switched off through the API, as the program settings page does.
    const status = await page.evaluate(async () => {
      const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
      const res = await fetch('/api/programs/autotask', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ motions: { annual: false } }),
      });
      return res.status;
    });
    expect(status).toBe(200);
    const programRead = page.waitForResponse(
      (r) => r.url().endsWith('/api/programs/autotask') && r.request().method() === 'GET',
    );
    await page.reload();

    const dialog = await openContoso();
    expect((await (await programRead).json()).settings.motions.annual).toBe(false);
    const annual = dialog.getByRole('textbox', { name: 'Annual contract' });
    await poll(() => annual.inputValue()).toMatch(/^Contoso annual licences \(/);
    await annual.click();
    await page.getByRole('option', { name: 'None', exact: true }).click();
    await poll(() => annual.inputValue()).toBe('None');
    await saveAndClose(dialog);
    expect(await annualOfContoso()).toEqual([{ annual_contract_id: null, annual_contract_name: null }]);

    const again = await openContoso();
    await poll(() => again.getByRole('textbox', { name: /^Contract/ }).inputValue()).toMatch(
      /^Contoso Microsoft 365 \(/,
    );
    expect(await again.getByRole('textbox', { name: 'Annual contract' }).count()).toBe(0);
    expect(await again.textContent()).not.toContain('Annual-billed subscriptions');
  }, 60_000);
});
