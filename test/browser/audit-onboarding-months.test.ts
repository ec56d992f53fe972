import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import { dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import type { Clock } from '../../src/core/time/clock';
import type { PlainDate } from '../../src/core/time/plain-date';
import type { RunningWorker } from '../../src/jobs/worker';
import { AutotaskReadback } from '../support/autotask-readback';
import { CREDS, e2eSeed, IDS } from '../support/autotask-world';
import { browserAvailable, poll, screenshotOnFailure, setUpWorkspace } from '../support/browser';
import { startBrowserWorld } from '../support/browser-world';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { waitFor } from '../support/jobs';
import type { LiveServer } from '../support/server';

/**
 * Audit (spec sections 2-7, 9; decision 0010): an MSP onboards from an empty billsync entirely in Chromium and
 * lives with it for four months. Setup, CONNECT NOW (Autotask emulator), the Microsoft CSP source in "import
 * files" mode, the program, two customers mapped from the suggestions (Contoso's ended contract hidden and
 * explained), then per month: upload the invoice file, preview each customer (exact changes, monthly value
 * change), sync, read the PSA back (units/price/cost per day, money per month, all from the files of this test),
 * and Sync now again writes nothing. Month 2 is re-issued (corrected) after month 3. Malformed files are refused
 * with a message that says what to do and lose nothing already stored.
 */

// ---- The Microsoft data (what the expectations are computed from) ----

const BASIC: OfferSpec = {
  productId: 'CFQ7TTC0LH18',
  skuId: '0001',
  title: 'Microsoft 365 Business Basic',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const UNKNOWN: OfferSpec = {
  productId: 'CFQ7TTC0ZZZZ',
  skuId: '0009',
  title: 'Legacy Exchange Add-on',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const CUSTOMER0: CustomerSpec = {
  tenantId: '00000000-0000-4000-8000-000000000000',
  name: 'Customer 0',
  domain: 'customer0.onmicrosoft.com',
  country: 'US',
};
/** Price list: cost (UnitPrice) and retail (ERP Price). */
const PRICES = new Map<OfferSpec, { cost: string; erp: string }>([
  [BUSINESS_PREMIUM, { cost: '20.00', erp: '23.10' }],
  [BASIC, { cost: '6.00', erp: '7.20' }],
]);
const serviceName = (o: OfferSpec) => `PC_${o.productId}:${o.skuId}`;

const month = (
  c: CustomerSpec,
  o: OfferSpec,
  qty: number,
  from: string,
  to: string,
  extra: Partial<ReconLineSpec> = {},
): ReconLineSpec => ({
  customer: c,
  offer: o,
  unitPrice: PRICES.get(o)?.cost ?? '9.00',
  quantity: qty,
  chargeStart: from,
  chargeEnd: to,
  subscriptionStart: '2025-09-01',
  ...extra,
});

/** Sep: Contoso 10 BP + 3 Basic, Customer 0 5 BP. */
const SEP = [
  month(CONTOSO, BUSINESS_PREMIUM, 10, '2025-09-01', '2025-09-30'),
  month(CONTOSO, BASIC, 3, '2025-09-01', '2025-09-30'),
  month(CUSTOMER0, BUSINESS_PREMIUM, 5, '2025-09-01', '2025-09-30'),
];
/** Oct: Contoso 10 -> 12 BP on 15 Oct (reversal of 10 + 12 for the rest of the cycle). */
const octLines = (c0Seats: number) => [
  month(CONTOSO, BUSINESS_PREMIUM, 10, '2025-10-01', '2025-10-31'),
  month(CONTOSO, BUSINESS_PREMIUM, 10, '2025-10-15', '2025-10-31', {
    chargeType: 'removeQuantity',
    reversal: true,
  }),
  month(CONTOSO, BUSINESS_PREMIUM, 12, '2025-10-15', '2025-10-31', { chargeType: 'addQuantity' }),
  month(CONTOSO, BASIC, 3, '2025-10-01', '2025-10-31'),
  month(CUSTOMER0, BUSINESS_PREMIUM, c0Seats, '2025-10-01', '2025-10-31'),
];
const OCT = octLines(5);
/** The corrected re-issue of October (same invoice number): Customer 0 had 6 seats, not 5. */
const OCT_CORRECTED = octLines(6);
/** Nov: Contoso's Basic is gone (cancelled: no line for its next cycle), 12 BP; Customer 0 5 BP. */
const NOV = [
  month(CONTOSO, BUSINESS_PREMIUM, 12, '2025-11-01', '2025-11-30'),
  month(CUSTOMER0, BUSINESS_PREMIUM, 5, '2025-11-01', '2025-11-30'),
];
/** Dec: as November, plus an offer that the price list does not know (for Contoso). */
const DEC = [
  month(CONTOSO, BUSINESS_PREMIUM, 12, '2025-12-01', '2025-12-31'),
  month(CONTOSO, UNKNOWN, 2, '2025-12-01', '2025-12-31'),
  month(CUSTOMER0, BUSINESS_PREMIUM, 5, '2025-12-01', '2025-12-31'),
];

/** The synced invoices, with the last day of their billing period. */
interface Synced {
  lines: ReconLineSpec[];
  last: string;
}

const nextDay = (day: string, by = 1) => {
  const t = new Date(`${day}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + by);
  return t.toISOString().slice(0, 10);
};

/**
 * Seats of a customer's offer on a day (spec section 6): the signed quantities of the synced lines covering it;
 * after the last synced billing period they carry forward (the last decided day's value).
 */
function seats(synced: Synced[], c: CustomerSpec, o: OfferSpec, day: string): number {
  const through =
    synced
      .map((s) => s.last)
      .sort()
      .at(-1) ?? '0000-00-00';
  const on = day > through ? through : day;
  return synced
    .flatMap((s) => s.lines)
    .filter((l) => l.customer === c && l.offer === o && l.chargeStart <= on && on <= l.chargeEnd)
    .reduce((n, l) => n + l.quantity * (l.reversal ? -1 : 1), 0);
}

const OFFERS = [BUSINESS_PREMIUM, BASIC];
const offersOf = (synced: Synced[], c: CustomerSpec) =>
  OFFERS.filter((o) => synced.some((s) => s.lines.some((l) => l.customer === c && l.offer === o)));

/** What the contract bills in a month: units x retail per day / days of the month, half-up to cents. */
function expectedMonth(synced: Synced[], c: CustomerSpec, ym: string): string {
  const first = `${ym}-01`;
  const last = nextDay(`${nextDay(`${ym}-28`, 4).slice(0, 7)}-01`, -1);
  const days = eachDay(first, last);
  let sum = ZERO;
  for (const o of offersOf(synced, c))
    for (const day of days) sum = sum.plus(dec(seats(synced, c, o, day)).times(dec(PRICES.get(o)!.erp)));
  return decimalFixed(sum.div(dec(days.length)), 2);
}

/** The monthly value change of a preview (units x retail at the as-of day, after minus before). */
function expectedDelta(before: Synced[], after: Synced[], c: CustomerSpec, asOf: string): string {
  let delta = ZERO;
  for (const o of OFFERS) {
    const erp = dec(PRICES.get(o)!.erp);
    delta = delta.plus(dec(seats(after, c, o, asOf) - seats(before, c, o, asOf)).times(erp));
  }
  const fixed = decimalFixed(delta, 2);
  return `USD ${delta.gt(ZERO) ? '+' : ''}${fixed}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const shown = (day: string) => `${day.slice(8)} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;

const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The changes a run lists for an offer when going from `before` to `after`: every day where the new timeline
 * steps differently from what the PSA has, to the new units at the offer's prices (the "from" is the product's
 * wording and not asserted).
 */
function expectedChanges(before: Synced[], after: Synced[], c: CustomerSpec, o: OfferSpec): RegExp[] {
  const through = after
    .map((s) => s.last)
    .sort()
    .at(-1)!;
  const out: RegExp[] = [];
  let prevBefore = 0;
  let prevAfter = 0;
  for (const day of eachDay('2025-09-01', through)) {
    const b = seats(before, c, o, day);
    const a = seats(after, c, o, day);
    if (a - prevAfter !== b - prevBefore) {
      const { cost, erp } = PRICES.get(o)!;
      const prices = esc(` @ USD ${erp} (cost USD ${cost})`);
      out.push(new RegExp(`units from ${shown(day)}: -?\\d+ → ${a}${a > 0 ? prices : `(${prices})?`}`));
    }
    prevBefore = b;
    prevAfter = a;
  }
  return out;
}

const CONTRACTS = new Map<CustomerSpec, number>([
  [CONTOSO, IDS.contract],
  [CUSTOMER0, 500],
]);

// ---- The world ----

let today = '2025-10-10';
const clock: Clock = { now: () => new Date().toISOString(), today: () => today as PlainDate };

const isWrite = (key: string) => !key.startsWith('GET ') && !/\/query(\/|$)/i.test(key);

describe.skipIf(!browserAvailable)(
  'audit: an MSP onboards in the browser and lives with it for months',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'billsync-audit-onboarding-'));
    const emulatorClock = createClock({ start: '2025-10-10T09:00:00Z', ticking: false });
    let emulator: AutotaskEmulator;
    let autotaskBase: string;
    let server: LiveServer;
    let worker: RunningWorker;
    let browser: Browser;
    let page: Page;
    let psa: AutotaskReadback;
    /** What has been synced so far (what the PSA must carry). */
    let synced: Synced[] = [];

    const files = {
      prices: '',
      sep: '',
      oct: '',
      nov: '',
      octCorrected: '',
      dec: '',
      wrongColumns: '',
      priceListAsInvoice: '',
      empty: '',
    };

    const psaWrites = () =>
      Object.entries(emulator.requests.counts())
        .filter(([key]) => isWrite(key))
        .reduce((n, [, c]) => n + c, 0);
    const nav = () => page.getByRole('navigation', { name: 'Main' });
    const row = (name: string) => page.getByTestId('customer-row').filter({ hasText: name });
    const result = (file: string) => page.getByRole('region', { name: `Result of ${file}` });
    const setToday = (day: string) => {
      today = day;
      emulatorClock.set(`${day}T09:00:00Z`);
    };
    const storedLines = async () =>
      (await server.pool.query('select count(*)::int as n from invoice_lines')).rows[0].n as number;
    const finishedRuns = async (tenant: string) =>
      (
        await server.pool.query(
          `select status from runs where tenant_id = $1 and kind = 'customer'
         and status not in ('preview', 'running', 'awaiting_approval') order by created_at`,
          [tenant],
        )
      ).rows.map((r) => r.status as string);

    /** Sources page: upload the files, one result each. */
    async function upload(paths: string[], dates?: { period: string; issued: string }) {
      await nav().getByRole('link', { name: 'Sources' }).click();
      await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
      const clear = page.getByRole('button', { name: 'Clear finished' });
      if (await clear.isVisible()) await clear.click();
      await page.getByTestId('source-file-input').setInputFiles(paths);
      if (dates) {
        const name = paths[0]!.split('/').at(-1)!;
        await page.getByRole('button', { name: `Invoice dates of ${name}` }).click();
        await page.getByLabel(`Billing period of ${name}`).fill(dates.period);
        await page.getByLabel(`Issue date of ${name}`).fill(dates.issued);
      }
      await page.getByRole('button', { name: /^Upload and import/ }).click();
    }

    async function openCustomers() {
      await nav().getByRole('link', { name: 'Customers', exact: true }).click();
      await poll(() => page.getByTestId('customer-row').count()).toBe(2);
    }

    /** The row menu's Preview sync: the modal's text once planned. */
    async function preview(name: string) {
      await row(name)
        .getByRole('button', { name: `More for ${name}` })
        .click();
      await page.getByRole('menuitem', { name: 'Preview sync' }).click();
      const modal = page.getByRole('dialog', { name: `Sync preview: ${name}` });
      await modal.getByText('Monthly value change').waitFor({ timeout: 20_000 });
      return modal;
    }

    /** Starts a sync with `start` and waits for its run to finish; its status. */
    async function syncAndWait(c: CustomerSpec, start: () => Promise<void>): Promise<string> {
      const before = (await finishedRuns(c.tenantId)).length;
      await start();
      const statuses = await waitFor(`the sync of ${c.name}`, async () => {
        const s = await finishedRuns(c.tenantId);
        return s.length > before ? s : undefined;
      });
      return statuses.at(-1)!;
    }

    const syncNowFromMenu = (c: CustomerSpec) =>
      syncAndWait(c, async () => {
        await row(c.name)
          .getByRole('button', { name: `More for ${c.name}` })
          .click();
        await page.getByRole('menuitem', { name: 'Sync now' }).click();
      });

    /** The PSA carries the synced invoices: per line, per day units @ price (cost); per month the money. */
    async function expectPsaEqualsInvoices(c: CustomerSpec) {
      const contract = CONTRACTS.get(c)!;
      const through = synced
        .map((s) => s.last)
        .sort()
        .at(-1)!;
      const lines = (await psa.contractServices(contract)).filter((l) => l.serviceName.startsWith('PC_'));
      const offers = offersOf(synced, c);
      expect(lines.map((l) => l.serviceName).sort(), `${c.name}: contract lines`).toEqual(
        offers.map(serviceName).sort(),
      );
      for (const o of offers) {
        const line = lines.find((l) => l.serviceName === serviceName(o))!;
        const segments = await psa.unitSegments(line.id);
        const days = eachDay('2025-08-31', through);
        const got = days.map((day) => {
          const s = segments.find((x) => x.start <= day && day <= x.end);
          const units = s ? Number(s.units.toFixed()) : 0;
          return [
            day,
            units === 0 ? '0' : `${units} @ ${s?.price?.toFixed(2)} (cost ${s?.cost?.toFixed(2)})`,
          ] as const;
        });
        const want = days.map((day) => {
          const n = seats(synced, c, o, day);
          const p = PRICES.get(o)!;
          return [day, n === 0 ? '0' : `${n} @ ${p.erp} (cost ${p.cost})`] as const;
        });
        expect(dayRuns(got), `${c.name} / ${serviceName(o)}`).toBe(dayRuns(want));
      }
      for (const ym of [...new Set(eachDay('2025-09-01', through).map((d) => d.slice(0, 7)))]) {
        const bill = await psa.billedPerMonth(contract, ym);
        expect(decimalFixed(bill.total, 2), `${c.name} billed in ${ym}`).toBe(expectedMonth(synced, c, ym));
      }
    }

    beforeAll(async () => {
      files.prices = priceListFile(
        dir,
        [...PRICES].map(([offer, p]) => ({ offer, cost: p.cost, erp: p.erp })),
      );
      files.sep = reconFile(dir, 'G0000009', SEP, 'recon-2025-09.csv');
      files.oct = reconFile(dir, 'G0000010', OCT, 'recon-2025-10.csv');
      files.nov = reconFile(dir, 'G0000011', NOV, 'recon-2025-11.csv');
      files.octCorrected = reconFile(dir, 'G0000010', OCT_CORRECTED, 'recon-2025-10-corrected.csv');
      files.dec = reconFile(dir, 'G0000012', DEC, 'recon-2025-12.csv');
      // December's file with its columns renamed (an export from another screen).
      files.wrongColumns = join(dir, 'recon-2025-12-wrong-columns.csv');
      const decText = readFileSync(files.dec, 'utf8');
      const [header, ...rest] = decText.split('\n');
      writeFileSync(
        files.wrongColumns,
        [header!.replace('ChargeStartDate', 'Charge Start').replace('Subtotal', 'Amount'), ...rest].join(
          '\n',
        ),
      );
      // The price list saved under an invoice's name.
      files.priceListAsInvoice = join(dir, 'invoice-2025-12.csv');
      writeFileSync(files.priceListAsInvoice, readFileSync(files.prices));
      files.empty = join(dir, 'recon-empty.csv');
      writeFileSync(files.empty, '');

      emulator = createAutotaskEmulator({
        seed: parseSeed(e2eSeed({ extraCustomers: 1 })),
        clock: emulatorClock,
        sleep: async () => {},
      });
      autotaskBase = await emulator.listen(0);
      psa = new AutotaskReadback(autotaskBase, CREDS);
      ({ server, worker, browser, page } = await startBrowserWorld(clock));
    });
    screenshotOnFailure(() => page, { fullPage: true });
    afterAll(async () => {
      await browser?.close();
      await worker?.stop({ timeoutMs: 5_000 });
      await server?.close();
      await emulator?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('1. sets up, connects Autotask, chooses "import files", uploads the price list and September, sets the program', async () => {
      await setUpWorkspace(page, `${server.baseUrl}/`, {
        workspace: 'Audit MSP',
        email: 'admin@audit-msp.example',
        password: 'a strong password',
      });
      await nav().getByRole('link', { name: 'Connections' }).click();
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

      // The source: no Partner Center API, the files mode ("upload them on the Sources page").
      const source = page.getByTestId('connection-microsoft-csp');
      await poll(() => source.getByTestId('connection-microsoft-csp-status').textContent()).toBe(
        'No data yet',
      );
      await source.getByRole('link', { name: 'upload them on the Sources page' }).click();
      await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
      await upload([files.prices, files.sep]);
      await result('pricelist.csv').getByText('Imported pricelist.csv').waitFor({ timeout: 30_000 });
      expect(await result('pricelist.csv').textContent()).toContain(
        '2 entries: 2 created, 0 updated, 0 unchanged',
      );
      const sep = result('recon-2025-09.csv');
      await sep.getByText(/Imported recon-2025-09\.csv/).waitFor({ timeout: 30_000 });
      expect(await sep.textContent()).toContain(
        'Invoice G0000009: billing period Sep 2025, issued 07 Oct 2025',
      );
      expect(await sep.textContent()).toContain('3 lines: 3 created');

      await nav().getByRole('link', { name: 'Connections' }).click();
      await poll(() => source.getByTestId('connection-microsoft-csp-status').textContent()).toBe(
        'Import files',
      );
      await poll(() => source.getByTestId('source-summary').textContent()).toBe(
        '2 customers, 2 price-list entries, 1 invoice (latest: Sep 2025).',
      );

      // The program: Sync on, In Use, the billing code and the vendor.
      await card.getByRole('button', { name: /EDIT/ }).click();
      await page.getByRole('heading', { name: 'Program settings' }).waitFor();
      await page.getByRole('switch', { name: 'Sync', exact: true }).check({ force: true });
      await page.getByRole('radio', { name: /In Use Products only/ }).check();
      await page.getByRole('textbox', { name: 'Billing Code' }).click();
      await poll(() => page.getByRole('option').allTextContents()).toEqual(['Cloud and SaaS']);
      await page.getByRole('option', { name: 'Cloud and SaaS' }).click();
      await page.getByRole('textbox', { name: 'Vendor' }).click();
      await page.getByRole('option', { name: 'Microsoft' }).click();
      await page.getByRole('button', { name: 'SAVE' }).click();
      await page.getByText('Program settings saved').waitFor();
      await nav().getByText('Autotask → Microsoft CSP', { exact: true }).waitFor();
      expect(psaWrites()).toBe(0);
    }, 90_000);

    it('2. maps both customers from the suggestions (Contoso’s ended contract hidden, and said so); nothing is written', async () => {
      await openCustomers();
      for (const [c, company, contract, hidden] of [
        [CONTOSO, 'Contoso Dental Ltd', 'Contoso Microsoft 365', true],
        [CUSTOMER0, 'Customer 0', 'Customer 0 M365', false],
      ] as const) {
        await row(c.name)
          .getByRole('button', { name: `Edit mapping of ${c.name}` })
          .click();
        const dialog = page.getByRole('dialog', { name: `Map ${c.name}` });
        await poll(() => dialog.getByRole('textbox', { name: 'Autotask company' }).inputValue()).toBe(
          company,
        );
        await dialog.getByText(new RegExp(`^Suggested: ${company}`)).waitFor();
        await poll(() => dialog.getByRole('textbox', { name: 'Contract' }).inputValue()).toMatch(
          new RegExp(`^${contract}`),
        );
        if (hidden) await poll(() => dialog.getByTestId('contracts-hidden').textContent()).toMatch(/1 ended/);
        await dialog.getByLabel('Sync start date (UTC)').fill('2025-10-01');
        await poll(() => dialog.getByTestId('sync-start-hint').textContent()).toContain('07 Oct 2025');
        expect(await dialog.getByRole('switch', { name: 'Sync' }).isChecked()).toBe(true);
        await dialog.getByRole('button', { name: 'SAVE', exact: true }).click();
        await dialog.waitFor({ state: 'hidden' });
        await poll(() => row(c.name).getByRole('switch').isChecked()).toBe(true);
      }
      expect(psaWrites()).toBe(0);
    }, 60_000);

    /** One month: preview each customer (changes + monthly delta; nothing written), sync, read the PSA, re-sync. */
    async function liveMonth(next: Synced[], asOf: string, want: Map<CustomerSpec, string>) {
      const before = synced;
      await openCustomers();
      for (const c of [CONTOSO, CUSTOMER0]) {
        const writes = psaWrites();
        const modal = await preview(c.name);
        const text = (await modal.textContent()) ?? '';
        // Soft: a wrong preview is a finding, the month goes on (the sync itself is checked below).
        for (const o of OFFERS)
          for (const change of expectedChanges(before, next, c, o))
            expect.soft(text, `${c.name} preview on ${asOf}`).toMatch(change);
        expect.soft(text, `${c.name} preview on ${asOf}: no error`).not.toMatch(/Error: /);
        const delta = expectedDelta(before, next, c, asOf);
        expect
          .soft(text, `${c.name} monthly value change on ${asOf}`)
          .toMatch(
            delta === 'USD 0.00' ? /Monthly value change(USD 0\.00|none)/ : `Monthly value change${delta}`,
          );
        expect(psaWrites(), 'a preview writes nothing').toBe(writes);
        const syncButton = modal.getByRole('button', { name: 'Sync now' });
        const fromPreview = (await syncButton.count()) > 0;
        expect
          .soft(fromPreview, `${c.name} on ${asOf}: Sync now offered in the preview`)
          .toBe(want.get(c) === 'success');
        let status: string;
        if (fromPreview) {
          status = await syncAndWait(c, () => syncButton.click());
          await modal.waitFor({ state: 'hidden' });
        } else {
          await modal.getByRole('button', { name: 'Close' }).click();
          await modal.waitFor({ state: 'hidden' });
          status = await syncNowFromMenu(c);
        }
        expect(status, `${c.name} run on ${asOf}`).toBe(want.get(c));
      }
      synced = next;
      for (const c of [CONTOSO, CUSTOMER0]) await expectPsaEqualsInvoices(c);
      // Sync now again: nothing new, nothing written.
      const writes = psaWrites();
      for (const c of [CONTOSO, CUSTOMER0]) {
        expect(await syncNowFromMenu(c), `${c.name} re-run on ${asOf}`).toBe('no_change');
        await poll(() => row(c.name).textContent()).toContain('No Change');
      }
      expect(psaWrites(), 're-runs write nothing').toBe(writes);
    }

    it('3. September: preview shows the first lines and the money; the sync writes them; a re-run writes nothing', async () => {
      await liveMonth(
        [{ lines: SEP, last: '2025-09-30' }],
        '2025-10-10',
        new Map([
          [CONTOSO, 'success'],
          [CUSTOMER0, 'success'],
        ]),
      );
    }, 120_000);

    it('4. October (a seat change on 15 Oct): upload, preview, sync, PSA = invoices', async () => {
      setToday('2025-11-10');
      await upload([files.oct]);
      const oct = result('recon-2025-10.csv');
      await oct.getByText(/Imported recon-2025-10\.csv/).waitFor({ timeout: 30_000 });
      expect(await oct.textContent()).toContain('issued 07 Nov 2025');
      await liveMonth(
        [...synced, { lines: OCT, last: '2025-10-31' }],
        '2025-11-10',
        new Map([
          [CONTOSO, 'success'],
          [CUSTOMER0, 'no_change'],
        ]),
      );
    }, 120_000);

    it('5. November (Contoso’s Basic cancelled): upload, preview, sync, PSA = invoices', async () => {
      setToday('2025-12-10');
      await upload([files.nov]);
      await result('recon-2025-11.csv')
        .getByText(/Imported recon-2025-11\.csv/)
        .waitFor({ timeout: 30_000 });
      await liveMonth(
        [...synced, { lines: NOV, last: '2025-11-30' }],
        '2025-12-10',
        new Map([
          [CONTOSO, 'success'],
          [CUSTOMER0, 'no_change'],
        ]),
      );
    }, 120_000);

    it('6. October re-issued (Customer 0 had 6 seats): replaced, planned again, corrected; Contoso untouched', async () => {
      await upload([files.octCorrected]);
      const fixed = result('recon-2025-10-corrected.csv');
      await fixed.getByText(/Imported recon-2025-10-corrected\.csv/).waitFor({ timeout: 30_000 });
      expect(await fixed.textContent()).toContain('A corrected re-issue: replaced 5 lines');
      const corrected = synced.map((s) => (s.lines === OCT ? { ...s, lines: OCT_CORRECTED } : s));
      await liveMonth(
        corrected,
        '2025-12-10',
        new Map([
          [CONTOSO, 'no_change'],
          [CUSTOMER0, 'success'],
        ]),
      );
    }, 120_000);

    it('7. malformed files: each refused with what to do; nothing stored is lost and the PSA is untouched', async () => {
      const lines = await storedLines();
      const writes = psaWrites();

      // Wrong columns.
      await upload([files.wrongColumns]);
      let alert = result('recon-2025-12-wrong-columns.csv').getByRole('alert');
      await alert.getByText('recon-2025-12-wrong-columns.csv was not imported').waitFor({ timeout: 30_000 });
      let text = (await alert.textContent()) ?? '';
      expect(text).toContain('Nothing from this file was stored.');
      expect(text, 'says which columns a recon file needs').toMatch(/ChargeStartDate|Subtotal/);

      // An empty file.
      await upload([files.empty]);
      alert = result('recon-empty.csv').getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      text = (await alert.textContent()) ?? '';
      expect(text).toMatch(/recon-empty\.csv/);
      expect(text).toMatch(/empty|no (data )?rows|header/i);

      // A price list saved under an invoice's name, with invoice dates given: read as the price list it is,
      // the dates not used (and said so), and no price changes (the same prices).
      await upload([files.priceListAsInvoice], { period: '2025-12', issued: '2026-01-07' });
      const asInvoice = result('invoice-2025-12.csv');
      await asInvoice.getByText('Imported invoice-2025-12.csv').waitFor({ timeout: 30_000 });
      text = (await asInvoice.textContent()) ?? '';
      expect(text).toContain('Price list2 entries: 0 created, 0 updated, 2 unchanged');
      expect(text).toContain('apply to invoice files only: not used for a price list');

      expect(await storedLines(), 'the stored invoices are all still there').toBe(lines);
      const history = page.getByRole('table', { name: /Import history/ });
      const rows = await history.getByRole('row').allTextContents();
      for (const f of [
        'recon-2025-09.csv',
        'recon-2025-10.csv',
        'recon-2025-11.csv',
        'recon-2025-10-corrected.csv',
      ])
        expect(
          rows.some((r) => r.includes(f) && /Stored|Corrected re-issue/.test(r)),
          f,
        ).toBe(true);
      expect(rows.some((r) => r.includes('recon-2025-12-wrong-columns.csv') && /Failed/.test(r))).toBe(true);
      expect(psaWrites(), 'the PSA is untouched').toBe(writes);
      for (const c of [CONTOSO, CUSTOMER0]) await expectPsaEqualsInvoices(c);
    }, 90_000);

    it('8. December with an offer the price list does not know: the run says so in words, nothing else moves', async () => {
      setToday('2026-01-10');
      await upload([files.dec]);
      await result('recon-2025-12.csv')
        .getByText(/Imported recon-2025-12\.csv/)
        .waitFor({ timeout: 30_000 });
      await openCustomers();
      const writes = psaWrites();
      expect(await syncNowFromMenu(CONTOSO)).toBe('error');
      expect(await syncNowFromMenu(CUSTOMER0)).toBe('no_change');
      expect(psaWrites(), 'December changes nothing the PSA knows').toBe(writes);
      synced = [...synced, { lines: DEC.filter((l) => l.offer !== UNKNOWN), last: '2025-12-31' }];
      for (const c of [CONTOSO, CUSTOMER0]) await expectPsaEqualsInvoices(c);

      await poll(() => row(CONTOSO.name).textContent()).toContain('Error');
      await row(CONTOSO.name)
        .getByRole('link', { name: `Last run of ${CONTOSO.name}` })
        .click();
      await page.getByRole('heading', { name: `Customer sync: ${CONTOSO.name}` }).waitFor();
      const problem = page.getByTestId('run-item').filter({ hasText: UNKNOWN.title });
      await problem.waitFor();
      expect(await problem.getAttribute('data-status')).toBe('error');
      expect(await page.getByTestId('run-items').textContent()).toContain(
        'Could not find source product or multiple matches',
      );
    }, 90_000);

    it('9. History lists every run; View shows a run’s items and changes in words', async () => {
      await nav().getByRole('link', { name: 'History', exact: true }).click();
      const runs = page.locator('[data-testid="run-row"][data-kind="customer"]');
      const statuses = [
        ...(await finishedRuns(CONTOSO.tenantId)),
        ...(await finishedRuns(CUSTOMER0.tenantId)),
      ];
      await poll(() => runs.count()).toBeGreaterThanOrEqual(statuses.length);
      // Contoso's October run: the seat change on 15 Oct, in words.
      const success = runs.filter({ hasText: CONTOSO.name }).and(page.locator('[data-status="success"]'));
      expect(await success.count()).toBe(3);
      await success.nth(1).getByRole('link', { name: /^View/ }).click();
      await page.getByRole('heading', { name: `Customer sync: ${CONTOSO.name}` }).waitFor();
      expect(await page.getByTestId('run-status').textContent()).toBe('Success');
      expect(await page.getByTestId('run-items').textContent()).toContain(
        'units from 15 Oct 2025: 10 → 12 @ USD 23.10 (cost USD 20.00)',
      );
    }, 60_000);
  },
);
