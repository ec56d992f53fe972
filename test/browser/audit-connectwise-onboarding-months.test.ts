import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectWiseEmulator, createConnectWiseEmulator, parseSeed } from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import type { Clock } from '../../src/core/time/clock';
import type { PlainDate } from '../../src/core/time/plain-date';
import type { RunningWorker } from '../../src/jobs/worker';
import { forgetCodebases } from '../../src/targets/connectwise';
import { browserAvailable, poll, screenshotOnFailure, setUpWorkspace } from '../support/browser';
import { startBrowserWorld } from '../support/browser-world';
import { type AdditionView, ConnectWiseReadback } from '../support/cli-scenario';
import { CW_CREDS, CW_IDS, cwSeed } from '../support/connectwise-world';
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
import { BASIC, subscription } from '../support/months-data';
import type { LiveServer } from '../support/server';

/**
 * Audit (spec sections 2-7, 9; decisions 0010, 0012): a ConnectWise MSP onboards from an empty billsync entirely
 * in Chromium and lives with it for three months plus a corrected re-issue. Setup, CONNECT NOW (ConnectWise
 * emulator, Test then Save), the program with the catalog defaults (no billing code), the price list and the
 * September reconciliation file uploaded on Sources, three customers mapped from the suggestions (Contoso's ended
 * agreement hidden and explained), then per month: upload, preview each customer (exact changes, monthly value
 * change; products still to add said so), sync, read ConnectWise back (the line's units per month, the one-time
 * charges of partial months, what each agreement bills per month and per product, all computed from the invoice
 * data of this file), and Sync now again writes nothing. Month 2 is re-issued (corrected) after month 3. The
 * dashboard shows ConnectWise's cards and chart; History shows each run with its items in words.
 *
 * ConnectWise (decision 0012): a line changes only on the 1st of a month; a mid-month seat change is written on
 * the next 1st and the days before it are a one-time charge (or credit) addition over the whole month, so each
 * month bills what Microsoft's seat-days make at retail, to the cent, whatever the agreement's proration.
 * Customer 1's agreement prorates (`prorateFlag`), the other two do not.
 */

// ---- The Microsoft data (what the expectations are computed from) ----

const CUSTOMER0: CustomerSpec = {
  tenantId: '00000000-0000-4000-8000-000000000000',
  name: 'Customer 0',
  domain: 'customer0.onmicrosoft.com',
  country: 'US',
};
const CUSTOMER1: CustomerSpec = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  name: 'Customer 1',
  domain: 'customer1.onmicrosoft.com',
  country: 'US',
};
const CUSTOMERS = [CONTOSO, CUSTOMER0, CUSTOMER1];
/** Price list: cost (UnitPrice) and retail (ERP Price). */
const PRICES = new Map<OfferSpec, { cost: string; erp: string }>([
  [BUSINESS_PREMIUM, { cost: '20.00', erp: '23.10' }],
  [BASIC, { cost: '6.00', erp: '7.20' }],
]);
const OFFERS = [BUSINESS_PREMIUM, BASIC];
const sku = (o: OfferSpec) => `${o.productId}:${o.skuId}`;

/** The agreements (cwSeed with two extra customers: 600/500 and 601/501). */
const AGREEMENTS = new Map<CustomerSpec, number>([
  [CONTOSO, CW_IDS.agreement],
  [CUSTOMER0, 500],
  [CUSTOMER1, 501],
]);
const MAPPED = new Map<CustomerSpec, { company: string; agreement: string; hidden: boolean }>([
  [CONTOSO, { company: 'Contoso Dental Ltd', agreement: 'Contoso Microsoft 365', hidden: true }],
  [CUSTOMER0, { company: 'Customer 0', agreement: 'Customer 0 M365', hidden: false }],
  [CUSTOMER1, { company: 'Customer 1', agreement: 'Customer 1 M365', hidden: false }],
]);

const C_BP = subscription(CONTOSO, BUSINESS_PREMIUM, 'c0ffee00-0000-4000-8000-0000000000b1', '2025-09-01');
const C_BASIC = subscription(CONTOSO, BASIC, 'c0ffee00-0000-4000-8000-0000000000b2', '2025-09-01');
const Z_BP = subscription(CUSTOMER0, BUSINESS_PREMIUM, 'c0ffee00-0000-4000-8000-0000000000b3', '2025-09-01');
const O_BP = subscription(CUSTOMER1, BUSINESS_PREMIUM, 'c0ffee00-0000-4000-8000-0000000000b4', '2025-09-01');
const O_BASIC = subscription(CUSTOMER1, BASIC, 'c0ffee00-0000-4000-8000-0000000000b5', '2025-09-01');

/** Sep: Contoso 10 BP + 3 Basic, Customer 0 5 BP, Customer 1 8 BP + 2 Basic. */
const SEP = [
  C_BP.cycle('2025-09-01', '2025-09-30', 10, '20.00'),
  C_BASIC.cycle('2025-09-01', '2025-09-30', 3, '6.00'),
  Z_BP.cycle('2025-09-01', '2025-09-30', 5, '20.00'),
  O_BP.cycle('2025-09-01', '2025-09-30', 8, '20.00'),
  O_BASIC.cycle('2025-09-01', '2025-09-30', 2, '6.00'),
];
/**
 * Oct: Contoso 10 -> 12 BP on 15 Oct; Customer 1 8 -> 6 BP on 20 Oct (Microsoft's pairs: the old quantity
 * reversed, the new one over the rest of the cycle). Customer 0 has `z` seats (5; the re-issue says 6).
 */
const octLines = (z: number) => [
  C_BP.cycle('2025-10-01', '2025-10-31', 10, '20.00'),
  ...C_BP.change('2025-10-15', '2025-10-31', 10, 12, '20.00'),
  C_BASIC.cycle('2025-10-01', '2025-10-31', 3, '6.00'),
  Z_BP.cycle('2025-10-01', '2025-10-31', z, '20.00'),
  O_BP.cycle('2025-10-01', '2025-10-31', 8, '20.00'),
  ...O_BP.change('2025-10-20', '2025-10-31', 8, 6, '20.00', 'removeQuantity'),
  O_BASIC.cycle('2025-10-01', '2025-10-31', 2, '6.00'),
];
const OCT = octLines(5);
const OCT_CORRECTED = octLines(6);
/**
 * Nov: Contoso's Basic has no line for its next cycle (it ended on 1 Nov); Customer 1 cancels Basic on 12 Nov
 * (the rest of the cycle reversed).
 */
const NOV = [
  C_BP.cycle('2025-11-01', '2025-11-30', 12, '20.00'),
  Z_BP.cycle('2025-11-01', '2025-11-30', 5, '20.00'),
  O_BP.cycle('2025-11-01', '2025-11-30', 6, '20.00'),
  O_BASIC.cycle('2025-11-01', '2025-11-30', 2, '6.00'),
  O_BASIC.cycle('2025-11-12', '2025-11-30', 2, '6.00', { reversal: true, chargeType: 'cancelImmediate' }),
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
const lastOfMonth = (ym: string) => nextDay(`${nextDay(`${ym}-28`, 4).slice(0, 7)}-01`, -1);
const nextMonth = (ym: string) => nextDay(`${ym}-28`, 4).slice(0, 7);
const throughOf = (synced: Synced[]) =>
  synced
    .map((s) => s.last)
    .sort()
    .at(-1) ?? '0000-00-00';

/**
 * Seats of a customer's offer on a day (spec section 6): the signed quantities of the synced lines covering it;
 * after the last synced billing period they carry forward (the last decided day's value).
 */
function seats(synced: Synced[], c: CustomerSpec, o: OfferSpec, day: string): number {
  const through = throughOf(synced);
  const on = day > through ? through : day;
  return synced
    .flatMap((s) => s.lines)
    .filter((l) => l.customer === c && l.offer === o && l.chargeStart <= on && on <= l.chargeEnd)
    .reduce((n, l) => n + l.quantity * (l.reversal ? -1 : 1), 0);
}

const offersOf = (synced: Synced[], c: CustomerSpec) =>
  OFFERS.filter((o) => synced.some((s) => s.lines.some((l) => l.customer === c && l.offer === o)));

const cents = (v: Decimal) => decimalFixed(v.round(2, 1), 2);

/** What an offer's seats bill in a month: seats x retail per day / days of the month, half-up to cents. */
function expectedMonth(synced: Synced[], c: CustomerSpec, o: OfferSpec, ym: string): string {
  const days = eachDay(`${ym}-01`, lastOfMonth(ym));
  const erp = dec(PRICES.get(o)!.erp);
  const sum = days.reduce((s, d) => s.plus(dec(seats(synced, c, o, d)).times(erp)), ZERO);
  return cents(sum.div(dec(days.length)));
}

/**
 * The one-time money of a month on ConnectWise (decision 0012): the line carries the seats of the 1st all month,
 * so the other days' difference is a charge (or credit) of (seats - seats of the 1st) x price x days / days of
 * the month, rounded once; at retail (`erp`) and at cost.
 */
function partialMonth(synced: Synced[], c: CustomerSpec, o: OfferSpec, ym: string) {
  if (`${ym}-01` > throughOf(synced)) return { amount: '0.00', cost: '0.00' };
  const days = eachDay(`${ym}-01`, lastOfMonth(ym));
  const first = seats(synced, c, o, days[0]!);
  const diff = days.reduce((n, d) => n + seats(synced, c, o, d) - first, 0);
  const p = PRICES.get(o)!;
  return {
    amount: cents(dec(diff).times(dec(p.erp)).div(dec(days.length))),
    cost: cents(dec(diff).times(dec(p.cost)).div(dec(days.length))),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const shown = (day: string) => `${day.slice(8)} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;
const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "15-31 Oct 2025": the days of a month whose seats differ from the 1st's. */
function partialDays(synced: Synced[], c: CustomerSpec, o: OfferSpec, ym: string): string {
  const days = eachDay(`${ym}-01`, lastOfMonth(ym));
  const first = seats(synced, c, o, days[0]!);
  const odd = days.filter((d) => seats(synced, c, o, d) !== first).map((d) => Number(d.slice(8)));
  const parts: string[] = [];
  for (let i = 0; i < odd.length; ) {
    let j = i;
    while (j + 1 < odd.length && odd[j + 1] === odd[j]! + 1) j++;
    parts.push(odd[i] === odd[j] ? `${odd[i]}` : `${odd[i]}-${odd[j]}`);
    i = j + 1;
  }
  return `${parts.join(', ')} ${MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;
}

const monthsFrom = (from: string, to: string) => {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
};

/**
 * The changes a run lists for an offer going from `before` to `after` on ConnectWise: the line's units on every
 * 1st where the new month-start step differs from what the PSA has, to the new units at the offer's prices; and
 * the charge (or credit) a month's partial days still need after what was booked before.
 */
function expectedChanges(before: Synced[], after: Synced[], c: CustomerSpec, o: OfferSpec): RegExp[] {
  const through = throughOf(after);
  const out: RegExp[] = [];
  const { cost, erp } = PRICES.get(o)!;
  let prevBefore = 0;
  let prevAfter = 0;
  for (const ym of monthsFrom('2025-09', nextMonth(through.slice(0, 7)))) {
    const first = `${ym}-01`;
    const b = before.length ? seats(before, c, o, first) : 0;
    const a = seats(after, c, o, first);
    if (a - prevAfter !== b - prevBefore) {
      const prices = esc(` @ USD ${erp} (cost USD ${cost})`);
      out.push(
        new RegExp(`units from ${shown(first)}: -?\\d+( @ [^→]*)? → ${a}${a > 0 ? prices : `(${prices})?`}`),
      );
    }
    prevBefore = b;
    prevAfter = a;
    if (first > through) continue;
    const want = partialMonth(after, c, o, ym);
    const had = before.length ? partialMonth(before, c, o, ym) : { amount: '0.00', cost: '0.00' };
    const amount = dec(want.amount).minus(dec(had.amount));
    const costLeft = dec(want.cost).minus(dec(had.cost));
    if (amount.eq(ZERO) && costLeft.eq(ZERO)) continue;
    const credit = amount.lt(ZERO) || costLeft.lt(ZERO);
    out.push(
      new RegExp(
        esc(
          `${credit ? 'credit' : 'charge'} ${partialDays(after, c, o, ym)}: USD ${decimalFixed(amount, 2)} (cost USD ${decimalFixed(costLeft, 2)})`,
        ),
      ),
    );
  }
  return out;
}

/** The monthly value change of a preview (units x retail at the as-of day, after minus before). */
function expectedDelta(before: Synced[], after: Synced[], c: CustomerSpec, asOf: string): string {
  let delta = ZERO;
  for (const o of OFFERS) {
    const erp = dec(PRICES.get(o)!.erp);
    const b = before.length ? seats(before, c, o, asOf) : 0;
    delta = delta.plus(dec(seats(after, c, o, asOf) - b).times(erp));
  }
  return `USD ${delta.gt(ZERO) ? '+' : ''}${decimalFixed(delta, 2)}`;
}

// ---- The world ----

let today = '2025-10-10';
const clock: Clock = { now: () => new Date().toISOString(), today: () => today as PlainDate };

const isWrite = (key: string) => /^(POST|PUT|PATCH|DELETE) /i.test(key);
const isCharge = (a: AdditionView) => (a.serialNumber ?? '').startsWith('billsync-charge:');

describe.skipIf(!browserAvailable)(
  'audit: a ConnectWise MSP onboards in the browser and lives with it for months',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'billsync-audit-cw-onboarding-'));
    const emulatorClock = createClock({ start: '2025-10-10T09:00:00Z', ticking: false });
    let emulator: ConnectWiseEmulator;
    let site: string;
    let server: LiveServer;
    let worker: RunningWorker;
    let browser: Browser;
    let page: Page;
    let cw: ConnectWiseReadback;
    /** What has been synced so far (what ConnectWise must bill). */
    let synced: Synced[] = [];
    /** Products the PSA has (linked), as SKU codes. */
    const linked = new Set<string>();

    const files = { prices: '', sep: '', oct: '', nov: '', octCorrected: '' };

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
    const finishedRuns = async (tenant: string) =>
      (
        await server.pool.query(
          `select status from runs where tenant_id = $1 and kind = 'customer' and target = 'connectwise'
         and status not in ('preview', 'running', 'awaiting_approval') order by created_at`,
          [tenant],
        )
      ).rows.map((r) => r.status as string);

    /** Sources page: upload the files, one result each. */
    async function upload(paths: string[]) {
      await nav().getByRole('link', { name: 'Sources' }).click();
      await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
      const clear = page.getByRole('button', { name: 'Clear finished' });
      if (await clear.isVisible()) await clear.click();
      await page.getByTestId('source-file-input').setInputFiles(paths);
      await page.getByRole('button', { name: /^Upload and import/ }).click();
    }

    async function openCustomers() {
      await nav().getByRole('link', { name: 'Customers', exact: true }).click();
      await poll(() => page.getByTestId('customer-row').count()).toBe(CUSTOMERS.length);
    }

    async function preview(name: string) {
      await row(name)
        .getByRole('button', { name: `More for ${name}` })
        .click();
      await page.getByRole('menuitem', { name: 'Preview sync' }).click();
      const modal = page.getByRole('dialog', { name: `Sync preview: ${name}` });
      await modal.getByText('Monthly value change').waitFor({ timeout: 20_000 });
      return modal;
    }

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

    /**
     * ConnectWise carries the synced invoices (decision 0012): per offer, the line's units on every day are the
     * seats of the month's 1st at the offer's price and cost (the month after the last synced one: carried
     * forward); the month's charge additions hold the partial days' money, each over the whole month; and what
     * the agreement bills per month and per product is the seats-days at retail, to the cent.
     */
    async function expectConnectWiseEqualsInvoices(c: CustomerSpec) {
      const agreement = AGREEMENTS.get(c)!;
      const through = throughOf(synced);
      const after = nextMonth(through.slice(0, 7));
      const additions = await cw.additions(agreement);
      const offers = offersOf(synced, c);
      expect(
        [...new Set(additions.map((a) => a.vendorSku))].sort(),
        `${c.name}: products on the agreement`,
      ).toEqual(offers.map(sku).sort());
      for (const o of offers) {
        const mine = additions.filter((a) => a.vendorSku === sku(o));
        const lines = mine.filter((a) => !isCharge(a));
        const days = eachDay('2025-08-31', lastOfMonth(after));
        const units = (day: string) =>
          lines
            .filter((a) => a.effectiveDate <= day && (a.cancelledDate === null || day <= a.cancelledDate))
            .sort((x, y) => x.effectiveDate.localeCompare(y.effectiveDate));
        const got = days.map((day) => {
          const running = units(day);
          const n = running.reduce((s, a) => s + Number(a.quantity.minus(a.lessIncluded).toFixed()), 0);
          const last = running.at(-1);
          return [
            day,
            n === 0 ? '0' : `${n} @ ${last?.unitPrice.toFixed(2)} (cost ${last?.unitCost.toFixed(2)})`,
          ] as const;
        });
        const p = PRICES.get(o)!;
        const want = days.map((day) => {
          const n = day < '2025-09-01' ? 0 : seats(synced, c, o, `${day.slice(0, 7)}-01`);
          return [day, n === 0 ? '0' : `${n} @ ${p.erp} (cost ${p.cost})`] as const;
        });
        expect(dayRuns(got), `${c.name} / ${sku(o)}: the line's units per day`).toBe(dayRuns(want));

        // The partial months: one-time charge additions over whole months, adding up to the days' money.
        const charges = mine.filter(isCharge);
        for (const ch of charges) {
          const ym = ch.serialNumber!.slice('billsync-charge:'.length, 'billsync-charge:'.length + 7);
          expect(
            { quantity: ch.quantity.toFixed(), from: ch.effectiveDate, to: ch.cancelledDate },
            `${c.name} / ${sku(o)}: charge ${ch.serialNumber} covers its whole month`,
          ).toEqual({ quantity: '1', from: `${ym}-01`, to: lastOfMonth(ym) });
        }
        for (const ym of monthsFrom('2025-09', after)) {
          const of = charges.filter((ch) => ch.serialNumber!.startsWith(`billsync-charge:${ym}`));
          const got = {
            amount: decimalFixed(
              of.reduce((s, ch) => s.plus(ch.unitPrice), ZERO),
              2,
            ),
            cost: decimalFixed(
              of.reduce((s, ch) => s.plus(ch.unitCost), ZERO),
              2,
            ),
          };
          expect(got, `${c.name} / ${sku(o)}: one-time money of ${ym}`).toEqual(
            partialMonth(synced, c, o, ym),
          );
        }
      }
      // What the agreement bills, per month and product (the emulator's billing, under the agreement's proration).
      const byId = new Map(additions.map((a) => [a.id, a]));
      for (const bill of await cw.billing(agreement, '2025-09', after)) {
        for (const o of OFFERS) {
          const billed = bill.lines
            .filter((l) => byId.get(l.additionId)?.vendorSku === sku(o))
            .reduce((s, l) => s.plus(l.amount), ZERO);
          expect(decimalFixed(billed, 2), `${c.name} / ${sku(o)} billed in ${bill.month}`).toBe(
            expectedMonth(synced, c, o, bill.month),
          );
        }
        const total = OFFERS.reduce((s, o) => s.plus(dec(expectedMonth(synced, c, o, bill.month))), ZERO);
        expect(decimalFixed(bill.total, 2), `${c.name} billed in ${bill.month}`).toBe(decimalFixed(total, 2));
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

      // Two more customers; Customer 1's agreement is of a type that prorates partial periods.
      const seed = cwSeed({ prorate: false, extraCustomers: 2 });
      seed.agreementTypes.push({
        ...seed.agreementTypes[0]!,
        id: 8,
        name: 'Microsoft CSP (prorated)',
        prorateFlag: true,
      });
      const one = seed.agreements.find((a) => a.id === 501)!;
      one.type = { id: 8 };
      emulator = createConnectWiseEmulator({
        seed: parseSeed(seed),
        clock: emulatorClock,
        sleep: async () => {},
      });
      site = await emulator.listen(0);
      forgetCodebases();
      cw = new ConnectWiseReadback(site);
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

    it('1. sets up, connects ConnectWise (Test, Save), uploads the price list and September, sets the program with the catalog defaults', async () => {
      await setUpWorkspace(page, `${server.baseUrl}/`, {
        workspace: 'Audit CW MSP',
        email: 'admin@audit-cw-msp.example',
        password: 'a strong password',
      });
      await nav().getByRole('link', { name: 'Connections' }).click();
      const card = page.getByTestId('connection-connectwise');
      const status = card.getByTestId('connection-connectwise-status');
      await poll(() => status.textContent()).toBe('Not connected');
      await card.getByRole('button', { name: 'CONNECT NOW' }).click();
      const form = page.getByRole('dialog', { name: 'Connect ConnectWise' });
      await form.getByLabel('Site').fill(site);
      await form.getByLabel('Company id').fill(CW_CREDS.companyId);
      await form.getByLabel('Public key').fill(CW_CREDS.publicKey);
      await form.getByLabel('Private key').fill(CW_CREDS.privateKey);
      await form.getByRole('button', { name: 'Test', exact: true }).click();
      await poll(() => form.getByTestId('connection-test-result').textContent()).toMatch(/credentials work/);
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'hidden' });
      await poll(() => status.textContent()).toBe('Needs setup');

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
      expect(await sep.textContent()).toContain('5 lines: 5 created');

      // The program: Sync on, In Use, the catalog defaults ("Miscellaneous"), no billing code asked.
      await nav().getByRole('link', { name: 'Connections' }).click();
      await card.getByRole('button', { name: /EDIT/ }).click();
      await page.getByRole('heading', { name: 'Program settings' }).waitFor();
      await poll(() => page.getByRole('textbox', { name: 'Subcategory' }).inputValue()).toBe('Miscellaneous');
      expect(await page.getByRole('textbox', { name: 'Catalog category' }).inputValue()).toBe(
        'Miscellaneous',
      );
      expect(await page.getByRole('textbox', { name: 'Product type' }).inputValue()).toBe('Miscellaneous');
      expect(
        await page.getByRole('textbox', { name: 'Billing Code' }).count(),
        'no billing code on ConnectWise',
      ).toBe(0);
      await page.getByRole('switch', { name: 'Sync', exact: true }).check({ force: true });
      await page.getByRole('radio', { name: /In Use Products only/ }).check();
      await page.getByRole('button', { name: 'SAVE' }).click();
      await page.getByText('Program settings saved').waitFor();
      await nav().getByText('ConnectWise → Microsoft CSP', { exact: true }).waitFor();
      await nav().getByRole('link', { name: 'Connections' }).click();
      await card.getByRole('button', { name: 'Test again' }).click();
      await poll(() => status.textContent()).toBe('Connected');
      expect(psaWrites()).toBe(0);
    }, 90_000);

    it('2. maps the three customers from the suggestions (Contoso’s ended agreement hidden, and said so); nothing is written', async () => {
      await openCustomers();
      for (const c of CUSTOMERS) {
        const { company, agreement, hidden } = MAPPED.get(c)!;
        await row(c.name)
          .getByRole('button', { name: `Edit mapping of ${c.name}` })
          .click();
        const dialog = page.getByRole('dialog', { name: `Map ${c.name}` });
        await poll(() => dialog.getByRole('textbox', { name: 'ConnectWise company' }).inputValue()).toBe(
          company,
        );
        await dialog.getByText(new RegExp(`^Suggested: ${company}`)).waitFor();
        await poll(() => dialog.getByRole('textbox', { name: 'Agreement' }).inputValue()).toMatch(
          new RegExp(`^${agreement}`),
        );
        if (hidden)
          await poll(() => dialog.getByTestId('contracts-hidden').textContent()).toBe(
            '1 agreement(s) hidden: 1 ended (extend the end date in ConnectWise to map it)',
          );
        else expect(await dialog.getByTestId('contracts-hidden').count()).toBe(0);
        await dialog.getByLabel('Sync start date (UTC)').fill('2025-10-01');
        await poll(() => dialog.getByTestId('sync-start-hint').textContent()).toContain('07 Oct 2025');
        expect(await dialog.getByRole('switch', { name: 'Sync' }).isChecked()).toBe(true);
        await dialog.getByRole('button', { name: 'SAVE', exact: true }).click();
        await dialog.waitFor({ state: 'hidden' });
        await poll(() => row(c.name).getByRole('switch').isChecked()).toBe(true);
      }
      const stored = await server.pool.query(
        `select tenant_id, company_id, contract_id from customer_mappings where target = 'connectwise' order by tenant_id`,
      );
      expect(stored.rows.map((r) => [r.tenant_id, r.contract_id])).toEqual(
        CUSTOMERS.map((c) => [c.tenantId, String(AGREEMENTS.get(c))]).sort(([a], [b]) =>
          a!.localeCompare(b!),
        ),
      );
      expect(psaWrites()).toBe(0);
    }, 60_000);

    /** One month: preview each customer (changes + monthly delta; nothing written), sync, read ConnectWise, re-sync. */
    async function liveMonth(next: Synced[], asOf: string, want: Map<CustomerSpec, string>) {
      const before = synced;
      await openCustomers();
      for (const c of CUSTOMERS) {
        const writes = psaWrites();
        const modal = await preview(c.name);
        const text = (await modal.textContent()) ?? '';
        for (const o of OFFERS)
          for (const change of expectedChanges(before, next, c, o))
            expect.soft(text, `${c.name} preview on ${asOf}`).toMatch(change);
        expect.soft(text, `${c.name} preview on ${asOf}: no error`).not.toMatch(/Error: /);
        // Products the sync still has to add are planned, and the items say so.
        for (const o of offersOf(next, c).filter((x) => !linked.has(sku(x))))
          expect
            .soft(text, `${c.name} preview on ${asOf}: ${sku(o)} still to add`)
            .toMatch(/is not linked in the PSA yet: the sync adds it first/);
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
        for (const o of offersOf(next, c)) linked.add(sku(o));
      }
      synced = next;
      for (const c of CUSTOMERS) await expectConnectWiseEqualsInvoices(c);
      // Sync now again: nothing new, nothing written.
      const writes = psaWrites();
      for (const c of CUSTOMERS) {
        expect(await syncNowFromMenu(c), `${c.name} re-run on ${asOf}`).toBe('no_change');
        await poll(() => row(c.name).textContent()).toContain('No Change');
      }
      expect(psaWrites(), 're-runs write nothing').toBe(writes);
    }

    it('3. September: the preview plans the products still to add and the first lines; the sync writes them; a re-run writes nothing', async () => {
      await liveMonth(
        [{ lines: SEP, last: '2025-09-30' }],
        '2025-10-10',
        new Map([
          [CONTOSO, 'success'],
          [CUSTOMER0, 'success'],
          [CUSTOMER1, 'success'],
        ]),
      );
      // The catalog: Business Premium created under its SKU code, Basic linked to the MSP's own item.
      const state = (await (await fetch(`${site}/_emulator/state`)).json()) as {
        catalog: { id: number; identifier: string; vendorSku?: string; price: number; cost: number }[];
      };
      const items = state.catalog.filter((i) => OFFERS.some((o) => i.vendorSku === sku(o)));
      expect(items.map((i) => [i.identifier, i.vendorSku, i.price, i.cost]).sort()).toEqual([
        ['CFQ7TTC0LCHC:0002', 'CFQ7TTC0LCHC:0002', 23.1, 20],
        ['M365-BASIC', 'CFQ7TTC0LH18:0001', 7.2, 6],
      ]);
    }, 180_000);

    it('4. October (seats 10 -> 12 on 15 Oct for Contoso, 8 -> 6 on 20 Oct for Customer 1): lines move on 1 Nov, the days before are a charge / credit', async () => {
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
          [CUSTOMER1, 'success'],
        ]),
      );
    }, 180_000);

    it('5. November (Contoso’s Basic ended on 1 Nov, Customer 1 cancels Basic on 12 Nov): upload, preview, sync, ConnectWise = invoices', async () => {
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
          [CUSTOMER1, 'success'],
        ]),
      );
    }, 180_000);

    it('6. October re-issued after November (Customer 0 had 6 seats): replaced, planned again, corrected; the others untouched', async () => {
      await upload([files.octCorrected]);
      const fixed = result('recon-2025-10-corrected.csv');
      await fixed.getByText(/Imported recon-2025-10-corrected\.csv/).waitFor({ timeout: 30_000 });
      expect(await fixed.textContent()).toContain(`A corrected re-issue: replaced ${OCT.length} lines`);
      const corrected = synced.map((s) => (s.lines === OCT ? { ...s, lines: OCT_CORRECTED } : s));
      await liveMonth(
        corrected,
        '2025-12-10',
        new Map([
          [CONTOSO, 'no_change'],
          [CUSTOMER0, 'success'],
          [CUSTOMER1, 'no_change'],
        ]),
      );
    }, 180_000);

    it('7. the dashboard shows ConnectWise’s cards and its chart, "Billed in ConnectWise" equal to the invoices', async () => {
      await nav().getByRole('link', { name: 'Dashboard' }).click();
      const customers = page.getByTestId('dashboard-customers');
      await customers.waitFor();
      await poll(() => customers.textContent()).toMatch(/Last successful sync/);
      expect(await customers.textContent()).not.toMatch(/Last successful sync\s*Never/);
      await poll(() => customers.getByTestId('dashboard-customer-counts').textContent()).toBe('3 No Change');
      expect(await customers.textContent()).toContain('3 of 3 customers mapped · 3 syncing');
      const products = page.getByTestId('dashboard-products');
      expect(await products.textContent()).not.toMatch(/No product sync has run yet/);
      await poll(() => products.textContent()).toMatch(/Last successful sync/);
      expect(await products.textContent()).not.toMatch(/Last successful sync\s*Never/);
      expect(await products.textContent()).toMatch(/Success/);

      // The chart: its legend names ConnectWise, its figures are the invoices'. Expected retail of a month is what
      // the customers' lines should bill, each offer's month in cents (as the PSA bills it, and as billed above):
      // a difference is a discrepancy the MSP has to look at, so a rounding artefact must not show as one.
      await page.getByText('Billed in ConnectWise').first().waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Show the figures' }).click();
      const figures = page.getByTestId('monthly-figures');
      await figures.waitFor();
      expect(await figures.getByRole('columnheader').allTextContents()).toContain('Billed in ConnectWise');
      const csv = (path: string) =>
        parse(readFileSync(path, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
      const costs = [files.sep, files.octCorrected, files.nov].flatMap(csv);
      for (const ym of ['2025-09', '2025-10', '2025-11']) {
        const billed = CUSTOMERS.flatMap((c) =>
          OFFERS.map((o) => dec(expectedMonth(synced, c, o, ym))),
        ).reduce((s, v) => s.plus(v), ZERO);
        const [y, m] = ym.split('-');
        const cost = costs
          .filter(
            (l) => l.ChargeStartDate!.startsWith(`${Number(m)}/`) && l.ChargeStartDate!.endsWith(`/${y}`),
          )
          .reduce((s, l) => s.plus(dec(l.Subtotal!)), ZERO);
        const money = (v: Decimal) => `USD ${decimalFixed(v, 2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
        const cells = await figures
          .getByRole('row')
          .filter({ hasText: `${MONTHS[Number(m) - 1]} ${y}` })
          .getByRole('cell')
          .allTextContents();
        expect
          .soft(cells, `chart figures of ${ym}`)
          .toEqual([
            `${MONTHS[Number(m) - 1]} ${y}`,
            money(cost),
            money(billed),
            money(billed),
            money(billed.minus(cost)),
            expect.any(String),
            'USD 0.00',
          ]);
      }
    }, 60_000);

    it('8. History lists every run; View shows a run’s items and changes in words', async () => {
      await nav().getByRole('link', { name: 'History', exact: true }).click();
      const runs = page.locator('[data-testid="run-row"][data-kind="customer"]');
      const statuses = (await Promise.all(CUSTOMERS.map((c) => finishedRuns(c.tenantId)))).flat();
      await poll(() => runs.count()).toBeGreaterThanOrEqual(statuses.length);
      // Contoso's October run: the line moves on 1 Nov, the 15-31 Oct is a charge, and it says so.
      const success = runs.filter({ hasText: CONTOSO.name }).and(page.locator('[data-status="success"]'));
      expect(await success.count()).toBe(3);
      // History lists the latest first: September is the last of the three, October the middle one.
      await success.nth(1).getByRole('link', { name: /^View/ }).click();
      await page.getByRole('heading', { name: `Customer sync: ${CONTOSO.name}` }).waitFor();
      expect(await page.getByTestId('run-status').textContent()).toBe('Success');
      const items = (await page.getByTestId('run-items').textContent()) ?? '';
      expect(items).toContain('units from 01 Nov 2025: 10');
      expect(items).toMatch(/units from 01 Nov 2025: 10( @ [^→]*)? → 12 @ USD 23\.10 \(cost USD 20\.00\)/);
      expect(items).toContain('charge 15-31 Oct 2025: USD 25.34 (cost USD 21.94)');
      expect(items).toContain(
        '15-31 Oct 2025 could not be changed (the PSA changes this line only on the first day of a month): booked a charge of 25.34 (cost 21.94) on the contract; the line is right from 01 Nov 2025',
      );

      // The product run: Business Premium created, Basic linked to the MSP's item.
      await nav().getByRole('link', { name: 'History', exact: true }).click();
      const productRuns = page.locator('[data-testid="run-row"][data-kind="product"]');
      await poll(() => productRuns.count()).toBeGreaterThanOrEqual(1);
      await productRuns.last().getByRole('link', { name: /^View/ }).click();
      await page.getByRole('heading', { name: /Product sync/ }).waitFor();
      const productItems = (await page.getByTestId('run-items').textContent()) ?? '';
      expect(productItems).toContain('CFQ7TTC0LCHC:0002');
      expect(productItems).toMatch(/M365-BASIC|CFQ7TTC0LH18:0001/);
    }, 60_000);
  },
);
