import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine } from '../../src/core/model/source';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { saveMapping } from '../../src/db/repos/sync';
import { syncCustomers } from '../../src/engine/sync';
import { createEngineDeps } from '../../src/runtime/engine';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { clearReconCache } from '../../src/services/reports/reconciliation';
import type {
  LeakageWire,
  ReconCustomerWire,
  ReconMonthWire,
  TimelineWire,
} from '../../src/services/reports/reconciliation-schemas';
import { connectTarget } from '../../src/services/sync/connect';
import { setupAdmin } from '../support/app';
import { AutotaskReadback } from '../support/autotask-readback';
import { CREDS, e2eSeed, IDS } from '../support/autotask-world';
import { browserAvailable, launchBrowser, poll, screenshotOnFailure } from '../support/browser';
import { BASIC, PRICES, SUMMER_INVOICES } from '../support/contoso-summer';
import { d, line, TENANT } from '../support/planner-fixtures';
import { type LiveServer, startLiveServer } from '../support/server';
import { clock, TODAY } from './flow-fixtures';

/**
 * Issue 17 in Chromium: the reconciliation page of a workspace whose customers are synced to the Autotask
 * emulator. Contoso Dental (the summer: a seat change, Business Basic, Azure) and Customer 0 (3 Business Basic
 * seats) are mapped and synced; Customer 1 has invoices but no mapping, so its Microsoft cost is leakage. The
 * dashboard charts the months and shows the leakage; the page shows what the API says; a seat added by hand in
 * Autotask shows after Refresh, flagged and first; the CSV export is the table on screen; a customer opens on its
 * offers and the invoice lines behind them; a contract line's timeline shows the chart and the sync's writes
 * linked to their run, and the run links back to the timeline.
 */
const ADMIN = { email: 'admin@recon.example', password: 'a strong password' };
const C0 = { tenantId: '00000000-0000-4000-8000-000000000000', name: 'Customer 0' };
const C1 = { tenantId: '00000000-0000-4000-8000-000000000001', name: 'Customer 1' };

/** Business Basic for a customer of the extra ones, a month of 3 seats. */
const basicOf = (tenant: string, start: string, last: string) =>
  line({
    tenant,
    sub: `${tenant}-basic`,
    offer: BASIC,
    start,
    last,
    qty: 3,
    unitPrice: '6.48',
    subtotal: '19.44',
  });

const INVOICES = SUMMER_INVOICES.map((i) => {
  const month = i.header.billingPeriod as string;
  const last = month === '2025-07' ? '2025-07-31' : '2025-08-31';
  const lines = [
    ...i.lines,
    basicOf(C0.tenantId, `${month}-01`, last),
    basicOf(C1.tenantId, `${month}-01`, last),
  ].map((l, n) => ({ ...l, invoiceId: i.header.id, lineNumber: n + 1 }));
  return { ...i, lines };
});

/** `USD 1,234.50`, `USD +12.00`, `-3.50` -> `1234.50`: the figure of a money text, to compare with the API's. */
const amountOf = (text: string | null) => {
  const m = /-?[\d,]+\.\d{2}/.exec((text ?? '').replace(/\+/g, ''));
  return m ? m[0].replace(/,/g, '') : `not money: ${text}`;
};

describe.skipIf(!browserAvailable)('reconciliation, leakage and the contract timeline in Chromium', () => {
  let emulator: AutotaskEmulator;
  let server: LiveServer;
  let opener: TargetOpener | undefined;
  let browser: Browser;
  let page: Page;
  let ws: WorkspaceId;
  let runIds: string[];
  let base: string;

  /** A GET of the API from the signed-in page (its session cookie), as the web app asks it. */
  const apiGet = <T>(path: string): Promise<T> =>
    page.evaluate(async (url) => {
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    }, path) as Promise<T>;
  const figureOf = (scope: Locator, testId: string) =>
    scope.getByTestId(testId).first().textContent().then(amountOf);

  beforeAll(async () => {
    emulator = createAutotaskEmulator({
      seed: parseSeed(e2eSeed({ extraCustomers: 2 })),
      clock: createClock({ start: `${TODAY}T09:00:00Z` }),
      sleep: async () => {},
    });
    base = await emulator.listen(0);
    server = await startLiveServer({ clock, openTarget: (w, target) => opener!(w, target) });
    opener = createTargetOpener({ pool: server.pool, box: server.box });
    clearReconCache();

    // The admin's workspace connected to Autotask, the program set up, the Microsoft data in (imported from files
    // in real life), Contoso Dental and Customer 0 mapped with their sync on; Customer 1 left unmapped.
    const admin = await setupAdmin(server.app, ADMIN.email, ADMIN.password);
    ws = (await admin.request('GET', '/api/workspace')).json.id as WorkspaceId;
    const deps = createEngineDeps({ pool: server.pool, clock, openTarget: opener });
    const connected = await connectTarget(deps, server.box, {
      workspaceId: ws,
      kind: 'autotask',
      settings: { username: CREDS.userName, zoneUrl: `${base}/ATServicesRest/` },
      secrets: { secret: CREDS.secret, integrationCode: CREDS.integrationCode },
      actor: 'test',
    });
    expect(connected.ok).toBe(true);
    const program = await admin.request('PUT', '/api/programs/autotask', {
      syncEnabled: true,
      mode: 'in-use',
      billingCodeId: String(IDS.code),
      vendorId: String(IDS.vendor),
    });
    expect(program.status, JSON.stringify(program.json)).toBe(200);
    await upsertSourceCustomers(server.pool, ws, [
      { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
      { tenantId: C0.tenantId, name: C0.name, defaultDomain: 'customer0.onmicrosoft.com' },
      { tenantId: C1.tenantId, name: C1.name, defaultDomain: 'customer1.onmicrosoft.com' },
    ]);
    await storePriceList(server.pool, ws, PRICES);
    for (const i of INVOICES) await storeInvoice(server.pool, ws, i.header, i.lines as InvoiceLine[]);
    for (const [tenant, company, contract, name, contractName] of [
      [TENANT, IDS.company, IDS.contract, 'Contoso Dental Ltd', 'Contoso Microsoft 365'],
      [C0.tenantId, 600, 500, 'Customer 0', 'Customer 0 M365'],
    ] as const) {
      await saveMapping(server.pool, ws, 'autotask', {
        tenant_id: tenant,
        company_id: String(company),
        company_name: name,
        contract_id: String(contract),
        contract_name: contractName,
        strategy: 'cost-and-retail',
        sync_start: d('2025-07-01'),
        sync_on: true,
      });
    }
    // The customers' sync, as the worker runs it.
    const runs = await syncCustomers(
      deps,
      { ws, target: 'autotask', asOf: d(TODAY), trigger: 'test', actor: 'test' },
      { preview: false },
    );
    expect(runs.map((r) => [r.tenantId, r.status]).sort()).toEqual(
      [
        [C0.tenantId, 'success'],
        [TENANT, 'success'],
      ].sort(),
    );
    runIds = runs.map((r) => r.runId);

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  }, 90_000);
  screenshotOnFailure(() => page, { fullPage: true });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await emulator?.close();
  });

  const MONTH = '2025-08';
  const customerRows = () => page.getByTestId('recon-customer-row');
  /** What the customers table shows, row by row, as the API's figures are written. */
  const shownCustomers = async () => {
    const out: Record<string, string | number>[] = [];
    for (const row of await customerRows().all()) {
      out.push({
        name: (await row.getByTestId('recon-customer-name').textContent()) ?? '',
        cost: await figureOf(row, 'recon-cell-cost'),
        expected: await figureOf(row, 'recon-cell-expected'),
        billed: await figureOf(row, 'recon-cell-billed'),
        margin: await figureOf(row, 'recon-cell-margin'),
        difference: await figureOf(row, 'recon-cell-difference'),
        flags: await row.getByTestId('recon-flag').count(),
      });
    }
    return out;
  };
  const apiCustomers = (m: ReconMonthWire) =>
    m.customers.map((c) => ({
      name: c.name,
      cost: c.cost,
      expected: c.expected,
      billed: c.billed,
      margin: c.margin,
      difference: c.difference,
      flags: c.flags.length,
    }));
  const shownTotals = async () => {
    const totals = page.getByTestId('recon-totals');
    const out: Record<string, string> = {};
    for (const k of ['cost', 'expected', 'billed', 'margin', 'difference'])
      out[k] = await figureOf(totals.getByTestId(`recon-total-${k}`), 'recon-total-value');
    return out;
  };
  const apiTotals = (m: ReconMonthWire) => ({
    cost: m.totals.cost,
    expected: m.totals.expected,
    billed: m.totals.billed,
    margin: m.totals.margin,
    difference: m.totals.difference,
  });

  it('the dashboard charts the last 12 months and shows the latest month’s leakage', async () => {
    const newest = await apiGet<ReconMonthWire>('/api/reconciliation?target=autotask');
    const chart = page.getByRole('region', { name: 'Last 12 months' });
    await chart.getByTestId('monthly-chart').locator('svg.recharts-surface').first().waitFor();
    // Bars for the months with figures: Microsoft's cost and what Autotask bills.
    await poll(() => chart.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    const card = page.getByRole('region', { name: 'Leakage' });
    await poll(() => card.getByTestId('dashboard-leakage-total').textContent()).toBe(
      `USD ${newest.leakage.total}`,
    );
    await card.getByRole('link').click();
    await page.getByRole('heading', { name: 'Reconciliation', level: 1 }).waitFor();
  });

  it('the month page shows what the API says: totals, customers and the leakage with its fix', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Reconciliation' })
      .click();
    await page.getByRole('heading', { name: 'Reconciliation', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: 'Month' }).click();
    await page.getByRole('option', { name: 'Aug 2025' }).click();
    await poll(() => page.getByRole('textbox', { name: 'Month' }).inputValue()).toBe('Aug 2025');
    const month = await apiGet<ReconMonthWire>(`/api/reconciliation?target=autotask&period=${MONTH}`);
    expect(month.customers.map((c) => c.name).sort()).toEqual(['Contoso Dental', 'Customer 0']);
    expect(Number(month.totals.cost)).toBeGreaterThan(0);
    expect(Number(month.totals.billed)).toBeGreaterThan(0);
    await poll(shownTotals).toEqual(apiTotals(month));
    expect(await shownCustomers()).toEqual(
      expect.arrayContaining(apiCustomers(month).map((c) => expect.objectContaining(c))),
    );
    expect(await customerRows().count()).toBe(month.customers.length);

    // Customer 1 is not mapped: its Microsoft cost is billed to nobody, and the fix leads to its mapping.
    const leakage = await apiGet<LeakageWire>(`/api/reconciliation/leakage?target=autotask&period=${MONTH}`);
    expect(leakage.rows.map((r) => [r.customerName, r.reason])).toEqual([[C1.name, 'unmapped']]);
    await page.getByRole('tab', { name: /Leakage/ }).click();
    const rows = page.getByTestId('leakage-row');
    await poll(() => rows.count()).toBe(leakage.rows.length);
    expect(await figureOf(rows.first(), 'leakage-cost')).toBe(leakage.rows[0]!.cost);
    expect(await rows.first().textContent()).toContain(leakage.rows[0]!.fix);
    const fix = rows.first().getByRole('link', { name: `Map the customer: ${C1.name}` });
    expect(await fix.getAttribute('href')).toBe(`/programs/autotask/csp/customers?q=${C1.tenantId}`);
    await fix.click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await poll(() => page.getByTestId('customer-row').allTextContents()).toEqual([
      expect.stringContaining(C1.name),
    ]);
    await page.goBack();
    await rows.first().waitFor();
  });

  it('a change made by hand in Autotask shows after Refresh, flagged and listed first', async () => {
    await page.getByRole('tab', { name: /^Customers \(/ }).click();
    const before = await apiGet<ReconMonthWire>(`/api/reconciliation?target=autotask&period=${MONTH}`);
    const c0Before = before.customers.find((c) => c.tenantId === C0.tenantId)!;
    expect(c0Before.flags).toEqual([]);
    // Someone adds a seat to Customer 0's line in Autotask from 15 Aug (through Autotask's REST API).
    const readback = new AutotaskReadback(base);
    const [basicLine] = await readback.contractServices(500);
    await readback.client._post('/Contracts/500/ServiceAdjustments', {
      contractID: 500,
      serviceID: basicLine!.serviceId,
      contractServiceID: basicLine!.id,
      effectiveDate: '2025-08-15T00:00:00',
      unitChange: 1,
      allowRepeatService: false,
    });
    // The page still shows the reading it had; Refresh reads Autotask again.
    expect(await figureOf(customerRows().filter({ hasText: C0.name }), 'recon-cell-billed')).toBe(
      c0Before.billed,
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await poll(() => customerRows().first().getByTestId('recon-customer-name').textContent()).toBe(C0.name);
    const after = await apiGet<ReconMonthWire>(`/api/reconciliation?target=autotask&period=${MONTH}`);
    const c0 = after.customers.find((c) => c.tenantId === C0.tenantId)!;
    expect(Number(c0.billed)).toBeGreaterThan(Number(c0Before.billed));
    expect(c0.flags.map((f) => f.kind)).toContain('differs');
    // Rows with flags first, each figure what the API says, the flag's words on the badge.
    await poll(shownCustomers).toEqual(
      [...apiCustomers(after)].sort((a, b) => b.flags - a.flags || a.name.localeCompare(b.name)),
    );
    await poll(shownTotals).toEqual(apiTotals(after));
    const badge = customerRows().first().getByTestId('recon-flag').first();
    expect(await badge.getAttribute('aria-label')).toContain(c0.flags[0]!.text);
  });

  it('the CSV export is the customers table on screen', async () => {
    const shown = await shownCustomers();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const records: Record<string, string>[] = parse(readFileSync(await download.path()), {
      columns: true,
      bom: true,
    });
    const total = records.find((r) => r.Customer === 'Total');
    const rows = records.filter((r) => r !== total);
    const money = (v: string | undefined) => (v === undefined || v === '' ? 'missing' : Number(v).toFixed(2));
    expect(
      rows.map((r) => ({
        name: r.Customer,
        cost: money(r['Microsoft cost']),
        expected: money(r['Expected retail']),
        billed: money(r['PSA bills']),
        margin: money(r.Margin),
        difference: money(r.Difference),
      })),
    ).toEqual(
      expect.arrayContaining(shown.map(({ flags: _flags, ...figures }) => expect.objectContaining(figures))),
    );
    expect(rows).toHaveLength(shown.length);
    const totals = await shownTotals();
    expect(money(total?.['Microsoft cost'])).toBe(totals.cost);
    expect(money(total?.['PSA bills'])).toBe(totals.billed);
    // Excel: a workbook (a zip) of the same table.
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export Excel' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(
      readFileSync(await xlsx.path())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
  });

  it('a customer opens on its offers, and an offer on the invoice lines behind it', async () => {
    const api = await apiGet<ReconCustomerWire>(
      `/api/reconciliation/customer?target=autotask&tenantId=${TENANT}&period=${MONTH}`,
    );
    await customerRows().filter({ hasText: 'Contoso Dental' }).getByTestId('recon-customer-name').click();
    await page.getByRole('heading', { name: 'Contoso Dental', level: 1 }).waitFor();
    const offers = page.getByTestId('recon-offer-row');
    await poll(() => offers.count()).toBe(api.offers.length);
    const bp = api.offers.find((o) => o.offerKey.startsWith('CFQ7TTC0LCHC|'))!;
    expect(bp.lines.length).toBeGreaterThan(0);
    const row = page.locator(`[data-testid="recon-offer-row"][data-offer="${bp.offerKey}"]`);
    expect(await figureOf(row, 'recon-cell-cost')).toBe(bp.cost);
    expect(await figureOf(row, 'recon-cell-billed')).toBe(bp.billed);
    expect(await row.getByTestId('recon-offer-units').textContent()).toBe(`${bp.seats} / ${bp.units}`);
    await row.getByRole('button', { name: `Show the invoice lines of ${bp.title}` }).click();
    const lines = page.getByTestId('recon-invoice-line');
    await poll(() => lines.count()).toBe(bp.lines.length);
    const shown = await lines.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );
    expect(shown.map((cells) => [cells[0], cells[1], amountOf(cells[7] ?? '')])).toEqual(
      bp.lines.map((l) => [l.invoiceId, String(l.lineNumber), l.inPeriod]),
    );
    // The customer's 12 months, charted.
    await page
      .getByRole('region', { name: 'Last 12 months' })
      .locator('svg.recharts-surface')
      .first()
      .waitFor();
  });

  it('a contract line’s timeline: the chart and billsync’s writes, each linked to its run', async () => {
    const bpKey = 'CFQ7TTC0LCHC|0002|P1Y|Monthly|Commercial|US|USD';
    const api = await apiGet<TimelineWire>(
      `/api/reconciliation/timeline?target=autotask&tenantId=${TENANT}&offerKey=${encodeURIComponent(bpKey)}`,
    );
    const contosoRun = (
      await server.pool.query<{ id: string }>(
        "select id from runs where kind = 'customer' and tenant_id = $1",
        [TENANT],
      )
    ).rows.map((r) => r.id);
    expect(contosoRun).toHaveLength(1);
    expect(runIds).toContain(contosoRun[0]);
    expect(api.writes.length).toBeGreaterThan(0);
    expect(new Set(api.writes.map((w) => w.runId))).toEqual(new Set(contosoRun));

    await page
      .locator(`[data-testid="recon-offer-row"][data-offer="${bpKey}"]`)
      .getByRole('link', { name: /^Timeline of / })
      .click();
    await page.getByRole('heading', { name: `Timeline: ${api.title}`, level: 1 }).waitFor();
    const chart = page.getByTestId('timeline-chart');
    // The invoice's seats and Autotask's units: two step lines; each write a dot on the chart.
    await poll(() => chart.locator('.recharts-line-curve').count()).toBe(2);
    await poll(() => chart.locator('.recharts-reference-dot').count()).toBe(api.writes.length);
    const writes = page.getByTestId('timeline-write');
    await poll(() => writes.count()).toBe(api.writes.length);
    const hrefs = await writes
      .getByRole('link', { name: 'Open the run' })
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(new Set(hrefs)).toEqual(new Set([`/programs/autotask/csp/history/${contosoRun[0]}`]));
    await writes.first().getByRole('link', { name: 'Open the run' }).click();
    await page.getByRole('heading', { name: 'Customer sync: Contoso Dental' }).waitFor();

    // The run's items lead back to the timelines of the lines they wrote to.
    const links = page.getByTestId('run-timelines').getByRole('link');
    await poll(() => links.count()).toBeGreaterThan(0);
    const targets = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const bpLink = targets.find((h) => new URLSearchParams(h.split('?')[1]).get('offer') === bpKey);
    expect(bpLink).toBe(
      `/programs/autotask/csp/reconciliation/customers/${TENANT}/timeline?${new URLSearchParams({ offer: bpKey })}`,
    );
    await page.locator(`[data-testid="run-timelines"] a[href="${bpLink}"]`).click();
    await page.getByRole('heading', { name: `Timeline: ${api.title}`, level: 1 }).waitFor();
  });
});
