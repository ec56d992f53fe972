import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectWiseEmulator, createConnectWiseEmulator, parseSeed } from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine } from '../../src/core/model/source';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { saveMapping } from '../../src/db/repos/sync';
import type { EngineDeps } from '../../src/engine/deps';
import { syncCustomers, syncProducts } from '../../src/engine/sync';
import { createEngineDeps } from '../../src/runtime/engine';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { connectTarget } from '../../src/services/sync/connect';
import { saveProgramSettings } from '../../src/services/sync/program-settings';
import { forgetCodebases } from '../../src/targets/connectwise';
import {
  browserAvailable,
  launchBrowser,
  poll,
  screenshotOnFailure,
  setUpWorkspace,
} from '../support/browser';
import { CW_CREDS, CW_IDS, cwRunCtx, cwSeed } from '../support/connectwise-world';
import { PRICES, SUMMER_INVOICES } from '../support/contoso-summer';
import { d, TENANT } from '../support/planner-fixtures';
import { type LiveServer, startLiveServer } from '../support/server';
import { clock } from './flow-fixtures';

/**
 * The dashboard follows the PSA the workspace uses: a new workspace is led to connect a PSA (Autotask or
 * ConnectWise); a ConnectWise-only workspace sees its own Customers and Products cards, its chart and its next
 * steps, with ConnectWise's links and words only; a workspace using both PSAs sees one section per PSA, headed by
 * its name. `/history` opens the History of the PSA in use.
 */
describe.skipIf(!browserAvailable)('the dashboard of each PSA in Chromium', () => {
  let emulator: ConnectWiseEmulator;
  let site: string;
  let server: LiveServer;
  let opener: TargetOpener | undefined;
  let deps: EngineDeps;
  let ws: WorkspaceId;
  let browser: Browser;
  let page: Page;

  const main = () => page.getByRole('main');
  const steps = () => page.getByRole('region', { name: 'Next steps' });
  /** The dashboard, loaded afresh: the test changes the workspace behind the page's back (the queries are cached). */
  const dashboard = async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  };
  /** Where the dashboard's links into a program lead. */
  const programLinks = (within = main()) =>
    within.locator('a[href^="/programs/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));

  beforeAll(async () => {
    emulator = createConnectWiseEmulator({
      seed: parseSeed(cwSeed({ prorate: false })),
      clock: createClock({ start: '2025-09-10T09:00:00Z' }),
      sleep: async () => {},
    });
    site = await emulator.listen(0);
    forgetCodebases();
    server = await startLiveServer({ clock, openTarget: (w, target) => opener!(w, target) });
    opener = createTargetOpener({ pool: server.pool, box: server.box });
    deps = createEngineDeps({ pool: server.pool, clock, openTarget: opener });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  });
  screenshotOnFailure(() => page, { fullPage: true });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await emulator?.close();
  });

  it('leads a new workspace to connect a PSA, Autotask or ConnectWise', async () => {
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Contoso MSP',
      email: 'admin@contoso.example',
      password: 'a strong password',
    });
    ws = (await server.pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;

    const current = steps().locator('[aria-current="step"]');
    await poll(() => current.getAttribute('data-step')).toBe('connect');
    expect(await current.textContent()).toContain('Connect your PSA');
    expect(await current.textContent()).toMatch(/Autotask .* or ConnectWise/);
    expect(await current.getByRole('link', { name: 'Connections' }).getAttribute('href')).toBe(
      '/connections',
    );
    expect(
      await steps()
        .getByRole('listitem')
        .evaluateAll((li) => li.map((i) => i.dataset.step)),
    ).toEqual(['connect', 'program', 'data', 'map', 'sync']);
    // No PSA, no PSA cards, no link into a PSA's program.
    expect(await page.getByRole('region', { name: 'Customers' }).count()).toBe(0);
    expect(await programLinks()).toEqual([]);
  });

  it('shows a ConnectWise-only workspace its cards, chart and links, with no Autotask wording', async () => {
    // Connected; the program saved with Sync on and no billing code (ConnectWise has none); the files in.
    const connected = await connectTarget(deps, server.box, {
      workspaceId: ws,
      kind: 'connectwise',
      settings: { site, companyId: CW_CREDS.companyId, publicKey: CW_CREDS.publicKey },
      secrets: { privateKey: CW_CREDS.privateKey },
      actor: 'test',
    });
    expect(connected.ok).toBe(true);
    const program = await saveProgramSettings(
      deps,
      ws,
      'connectwise',
      { syncEnabled: true, mode: 'in-use', vendorId: String(CW_IDS.microsoft) },
      'test',
    );
    expect(program.settings.billingCodeId).toBeNull();
    await upsertSourceCustomers(server.pool, ws, [
      { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
    ]);
    await storePriceList(server.pool, ws, PRICES);
    for (const i of SUMMER_INVOICES) await storeInvoice(server.pool, ws, i.header, i.lines as InvoiceLine[]);

    // Before any mapping the ConnectWise next steps lead to its customers, in its words.
    await dashboard();
    const current = steps().locator('[aria-current="step"]');
    await poll(() => current.getAttribute('data-step')).toBe('map');
    expect(await current.textContent()).toContain('its ConnectWise company and agreement');
    expect(await current.getByRole('link', { name: 'Customers' }).getAttribute('href')).toBe(
      '/programs/connectwise/csp/customers',
    );
    expect(await steps().locator('[data-step="program"]').getAttribute('data-done')).toBe('true');
    expect(await page.getByTestId('dashboard-connectwise').count()).toBe(1);
    expect(await page.getByTestId('dashboard-autotask').count()).toBe(0);

    // Contoso Dental mapped to its agreement and synced.
    await saveMapping(server.pool, ws, 'connectwise', {
      tenant_id: TENANT,
      company_id: String(CW_IDS.company),
      company_name: 'Contoso Dental Ltd',
      contract_id: String(CW_IDS.agreement),
      contract_name: 'Contoso Microsoft 365',
      strategy: 'cost-and-retail',
      sync_start: d('2025-08-01'),
      sync_on: true,
    });
    expect((await syncProducts(deps, cwRunCtx({ ws }), { preview: false })).status).toBe('success');
    const [run] = await syncCustomers(deps, cwRunCtx({ ws }), { preview: false });
    expect(run).toMatchObject({ status: 'success', tenantId: TENANT });

    await dashboard();
    const customers = page.getByRole('region', { name: 'Customers' });
    const products = page.getByRole('region', { name: 'Products' });
    // Every step done: the box goes; the cards show the last successful sync and the latest runs.
    await poll(() => customers.getByTestId('dashboard-customer-counts').textContent()).toBe('1 Success');
    expect(await steps().count()).toBe(0);
    const lastSuccess = (card: typeof customers) =>
      card.getByText('Last successful sync').locator('xpath=following-sibling::*[1]').textContent();
    expect(await lastSuccess(customers)).not.toBe('Never');
    expect(await customers.textContent()).toContain('1 of 1 customer mapped · 1 syncing');
    expect(await lastSuccess(products)).not.toBe('Never');
    expect(await products.getByText('Success', { exact: true }).count()).toBe(1);
    expect(await customers.getByRole('link', { name: 'Customer sync history' }).getAttribute('href')).toBe(
      '/programs/connectwise/csp/history?kind=customer',
    );
    expect(await products.getByRole('link', { name: 'Product sync history' }).getAttribute('href')).toBe(
      '/programs/connectwise/csp/history?kind=product',
    );

    // The chart is ConnectWise's: its legend, its figures and its link.
    const chart = page.getByRole('region', { name: 'Last 12 months' });
    await chart.getByTestId('monthly-chart-summary').waitFor();
    await chart.getByText('Billed in ConnectWise', { exact: true }).first().waitFor();
    expect(await chart.textContent()).toContain('what ConnectWise bills them');
    await chart.getByRole('button', { name: 'Show the figures' }).click();
    await poll(() =>
      chart.getByTestId('monthly-figures').getByRole('columnheader').allTextContents(),
    ).toContain('Billed in ConnectWise');
    expect(await chart.getByRole('link', { name: 'Reconciliation' }).getAttribute('href')).toBe(
      '/programs/connectwise/csp/reconciliation',
    );
    await page.getByRole('region', { name: 'Leakage' }).getByTestId('dashboard-leakage-total').waitFor();

    // Every link into a program is ConnectWise's; Autotask is not named anywhere on the page.
    const links = await programLinks();
    expect(links.length).toBeGreaterThanOrEqual(4);
    expect(links.filter((l) => !l.startsWith('/programs/connectwise/csp/'))).toEqual([]);
    expect(await main().textContent()).not.toContain('Autotask');

    // `/history` opens ConnectWise's History.
    await page.goto(`${server.baseUrl}/history`);
    await poll(async () => new URL(page.url()).pathname).toBe('/programs/connectwise/csp/history');
  });

  it('shows a workspace using both PSAs one section per PSA, headed by its name', async () => {
    // An Autotask program saved (Sync off): the workspace now uses Autotask too.
    await saveProgramSettings(deps, ws, 'autotask', { mode: 'in-use' }, 'test');
    await dashboard();
    const autotask = page.getByRole('region', { name: 'Autotask', exact: true });
    const connectwise = page.getByRole('region', { name: 'ConnectWise', exact: true });
    await autotask.waitFor();
    await connectwise.waitFor();
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(
      expect.arrayContaining(['Autotask', 'ConnectWise']),
    );
    // Autotask first.
    expect(
      await page
        .locator('[data-testid="dashboard-autotask"], [data-testid="dashboard-connectwise"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))),
    ).toEqual(['dashboard-autotask', 'dashboard-connectwise']);

    // Each section keeps its own cards, next steps and links.
    await poll(() => connectwise.getByTestId('dashboard-customer-counts').textContent()).toBe('1 Success');
    await connectwise.getByText('Billed in ConnectWise', { exact: true }).first().waitFor();
    const cwLinks = await programLinks(connectwise);
    expect(cwLinks.filter((l) => !l.startsWith('/programs/connectwise/csp/'))).toEqual([]);
    expect(await connectwise.getByRole('region', { name: 'Next steps' }).count()).toBe(0);
    expect(await connectwise.textContent()).not.toContain('Autotask');

    const atSteps = autotask.getByRole('region', { name: 'Next steps' });
    await poll(() => atSteps.locator('[aria-current="step"]').getAttribute('data-step')).toBe('connect');
    expect(await atSteps.locator('[aria-current="step"]').textContent()).toContain('Connect Autotask');
    await poll(() => programLinks(autotask)).toContain('/programs/autotask/csp/history?kind=customer');
    expect((await programLinks(autotask)).filter((l) => !l.startsWith('/programs/autotask/csp/'))).toEqual(
      [],
    );
    expect(await autotask.textContent()).not.toContain('ConnectWise');

    // With both, `/history` opens Autotask's.
    await page.goto(`${server.baseUrl}/history`);
    await poll(async () => new URL(page.url()).pathname).toBe('/programs/autotask/csp/history');
  });
});
