import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectWiseEmulator, createConnectWiseEmulator, parseSeed } from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine, PriceListEntry } from '../../src/core/model/source';
import { type Decimal, dec, decimalFixed } from '../../src/core/money/decimal';
import type { CustomerInvoice } from '../../src/core/planner/customer-plan';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { startJobQueue } from '../../src/jobs/queue';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
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
import { CW_CREDS, CW_IDS, cwSeed } from '../support/connectwise-world';
import { PRICES, SUMMER_INVOICES } from '../support/contoso-summer';
import { TEST_TIMING, testJobDeps } from '../support/jobs';
import { TENANT } from '../support/planner-fixtures';
import { type LiveServer, startLiveServer } from '../support/server';
import { clock } from './flow-fixtures';

const INVOICES = SUMMER_INVOICES;
const MONTHS = ['2025-07', '2025-08', '2025-09'];

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const daysIn = (month: string) => new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0)).getUTCDate();
const nextMonth = (month: string) => isoDay(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 1)).slice(0, 7);
const sameOffer = (a: PriceListEntry['offer'], b: PriceListEntry['offer']) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * What the invoices bill per calendar month, worked out from the fixtures the way the spec states it (section 6),
 * independently of the planner: a subscription's seats on a day are the signed quantities of the lines covering
 * it, the last known count carries on to the end of the last month; a seat-month costs the offer's retail, a
 * month's seat-days are billed as seat-days / days of the month (rounded once per offer and month). Azure usage
 * of month M is billed in M+1 at its subtotal (no markup).
 */
function expectedBilling(invoices: CustomerInvoice[], prices: PriceListEntry[], months: string[]) {
  const lines = invoices.flatMap((i) => i.lines) as InvoiceLine[];
  const total = new Map<string, Decimal>(months.map((m) => [m, dec(0)]));
  const add = (month: string, amount: Decimal) => {
    if (total.has(month)) total.set(month, total.get(month)!.plus(amount));
  };
  for (const l of lines.filter((x) => x.kind === 'azure_usage')) {
    add(nextMonth(l.chargePeriod.start.slice(0, 7)), l.subtotal.amount);
  }
  const licences = lines.filter((x) => x.kind !== 'azure_usage');
  for (const sub of new Set(licences.map((l) => l.subscriptionId))) {
    const own = licences.filter((l) => l.subscriptionId === sub);
    const retail = prices.find((p) => sameOffer(p.offer, own[0]!.offer))!.retail.amount;
    const seatsOn = (day: string) =>
      own
        .filter((l) => l.chargePeriod.start <= day && day < l.chargePeriod.end)
        .reduce((n, l) => n.plus(l.quantity), dec(0));
    const first = own.map((l) => l.chargePeriod.start).sort()[0]!;
    const lastCovered = isoDay(
      dayMs(
        own
          .map((l) => l.chargePeriod.end)
          .sort()
          .at(-1)!,
      ) - DAY_MS,
    );
    for (const month of months) {
      let seatDays = dec(0);
      for (let n = 1; n <= daysIn(month); n += 1) {
        const day = `${month}-${String(n).padStart(2, '0')}`;
        if (day < first) continue;
        seatDays = seatDays.plus(seatsOn(day < lastCovered ? day : lastCovered));
      }
      add(month, dec(decimalFixed(seatDays.times(retail).div(daysIn(month)), 2)));
    }
  }
  return Object.fromEntries([...total].map(([m, t]) => [m, decimalFixed(t, 2)]));
}

/**
 * Issue 15 in Chromium: a workspace connected to ConnectWise maps a customer to an agreement in the mapping dialog
 * (the ended agreement is hidden and counted), SAVE AND SYNC NOW with a running worker, the row ends in Success,
 * the run page shows the run, and the emulator's billing of the agreement is what the invoices say.
 */
describe.skipIf(!browserAvailable)('a ConnectWise customer sync in Chromium', () => {
  let emulator: ConnectWiseEmulator;
  let site: string;
  let server: LiveServer;
  let opener: TargetOpener | undefined;
  let worker: RunningWorker | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = createConnectWiseEmulator({
      seed: parseSeed(cwSeed({ prorate: false })),
      clock: createClock({ start: '2025-09-10T09:00:00Z' }),
      sleep: async () => {},
    });
    site = await emulator.listen(0);
    forgetCodebases();
    server = await startLiveServer({ clock, openTarget: (ws, target) => opener!(ws, target) });
    opener = createTargetOpener({ pool: server.pool, box: server.box });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  });
  screenshotOnFailure(() => page);
  afterAll(async () => {
    await browser?.close();
    await worker?.stop({ timeoutMs: 5_000 });
    await server?.close();
    await emulator?.close();
  });

  it('maps Contoso Dental to its agreement, syncs it, shows the run; ConnectWise bills what Microsoft billed', async () => {
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Contoso MSP',
      email: 'admin@contoso.example',
      password: 'a strong password',
    });

    // Connected, the program set up (In Use: the customer sync creates the items it needs), the files imported.
    const ws = (await server.pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
    const deps = createEngineDeps({ pool: server.pool, clock, openTarget: opener! });
    const connected = await connectTarget(deps, server.box, {
      workspaceId: ws,
      kind: 'connectwise',
      settings: { site, companyId: CW_CREDS.companyId, publicKey: CW_CREDS.publicKey },
      secrets: { privateKey: CW_CREDS.privateKey },
      actor: 'test',
    });
    expect(connected.ok).toBe(true);
    await saveProgramSettings(
      deps,
      ws,
      'connectwise',
      {
        syncEnabled: true,
        mode: 'in-use',
        billingCodeId: String(CW_IDS.subcategory),
        vendorId: String(CW_IDS.microsoft),
      },
      'test',
    );
    await upsertSourceCustomers(server.pool, ws, [
      { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
    ]);
    await storePriceList(server.pool, ws, PRICES);
    for (const i of INVOICES) await storeInvoice(server.pool, ws, i.header, i.lines as InvoiceLine[]);
    const queue = await startJobQueue({ url: server.db.url, max: 3 }, TEST_TIMING, { worker: true });
    worker = await startWorker(testJobDeps({ pool: server.pool, engine: deps, queue, clock }), {
      concurrency: 2,
      pollSeconds: 0.5,
      tickSeconds: 0,
      defaults: { hour: 6, timeZone: 'UTC' },
    });

    await page.goto(`${server.baseUrl}/programs/connectwise/csp/customers`);
    const row = page.getByTestId('customer-row').filter({ hasText: 'Contoso Dental' }).first();
    await row.getByRole('button', { name: 'Edit mapping of Contoso Dental' }).click();
    const dialog = page.getByRole('dialog', { name: 'Map Contoso Dental' });
    const company = dialog.getByRole('textbox', { name: 'ConnectWise company' });
    if ((await company.inputValue()) !== 'Contoso Dental Ltd') {
      await company.fill('Contoso');
      await page.getByRole('option', { name: 'Contoso Dental Ltd' }).click();
    }
    // The live agreement is the only one offered (and taken); the ended one is hidden and counted.
    await poll(() => dialog.getByTestId('contracts-hidden').textContent()).toBe(
      '1 agreement(s) hidden: 1 ended (extend the end date in ConnectWise to map it)',
    );
    await poll(() => dialog.getByRole('textbox', { name: 'Agreement' }).inputValue()).toMatch(
      /^Contoso Microsoft 365 \(/,
    );
    await dialog.getByRole('textbox', { name: 'Sync start date (UTC)' }).fill('2025-08-01');
    await poll(() => dialog.getByTestId('sync-start-hint').textContent()).toBe(
      'Includes the invoices issued 07 Aug 2025 and 07 Sep 2025.',
    );
    await dialog.getByRole('switch', { name: 'Sync' }).check({ force: true });
    await dialog.getByRole('button', { name: 'SAVE AND SYNC NOW' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => row.textContent(), { timeout: 30_000 }).toContain('Success');

    // The run page shows the run.
    await row.getByRole('link', { name: 'Last run of Contoso Dental' }).click();
    await page.getByRole('heading', { name: 'Customer sync: Contoso Dental' }).waitFor();
    await poll(() => page.getByTestId('run-status').textContent()).toBe('Success');
    const runs = await server.pool.query(
      'select target, kind, status, trigger from runs order by created_at',
    );
    expect(runs.rows.filter((r) => r.kind === 'customer')).toEqual([
      { target: 'connectwise', kind: 'customer', status: 'success', trigger: 'api' },
    ]);

    // ConnectWise bills the agreement what the invoices say, month by month.
    const res = await fetch(
      `${site}/_emulator/billing?agreementId=${CW_IDS.agreement}&from=${MONTHS[0]}&to=${MONTHS.at(-1)}`,
    );
    const body = (await res.json()) as { months: { month: string; total: { amount: string } }[] };
    const billed = Object.fromEntries(body.months.map((m) => [m.month, m.total.amount]));
    expect(billed).toEqual(expectedBilling(INVOICES, PRICES, MONTHS));
  }, 90_000);
});
