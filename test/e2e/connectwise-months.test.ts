import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, parsePlainDate } from '../../src/core/time/plain-date';
import {
  type AdditionView,
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  type SyncOutcome,
} from '../support/cli-scenario';
import { CW_BILLING_VARIANTS } from '../support/connectwise-variants';
import { CW_IDS } from '../support/connectwise-world';
import {
  AZURE_PLAN_OFFER,
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  dailyUsage,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
  usageFile,
} from '../support/csp-files';
import {
  BASIC,
  E3,
  expected,
  INVOICES,
  JANUARY_CORRECTED,
  MONTHS_CUSTOMERS,
  markSynced,
  newSynced,
  PRICES,
  retail,
  type Synced,
  seatsOn,
  TAILSPIN,
  USAGE,
} from '../support/months-data';

/**
 * Issue 15: the multi-month scenario of issue 10 (money over months, `months-scenario.test.ts`) against the
 * ConnectWise emulator, driven through the CLI as an MSP runs it. ConnectWise lines change only on the 1st of a
 * month; the days of a month before a change are booked as one-time charge additions (decision 0012). After
 * every month: each line's units are constant within a month and equal the seats of its 1st, every line
 * addition starts on a 1st and ends on a month end, every charge is one unit over one whole month, Azure is one
 * addition per month of usage over M+1, what the emulator bills each agreement per month equals the invoices to
 * the cent, and a re-run writes nothing and reports No Change.
 */

const AGREEMENT = { contoso: CW_IDS.agreement, fabrikam: 500, northwind: 501, tailspin: 502 } as const;
const companyOf = (agreement: number) =>
  agreement === CW_IDS.agreement ? CW_IDS.company : 600 + (agreement - 500);
const CUSTOMERS = MONTHS_CUSTOMERS.map((x) => ({ ...x, agreement: AGREEMENT[x.key] }));

const LINE_MARKER = 'billsync:';
const CHARGE_MARKER = 'billsync-charge:';
const SEAT_OFFERS = [BUSINESS_PREMIUM, E3, BASIC];
const skuOf = (offer: OfferSpec) => `${offer.productId}:${offer.skuId}`;
/** billsync's items carry the SKU code as vendor SKU (prefixed with term and plan for annual offers). */
const isOf = (a: AdditionView, offer: OfferSpec) =>
  a.vendorSku === skuOf(offer) || a.vendorSku.endsWith(`:${skuOf(offer)}`);

const monthEnd = (day: string) => addDays(addMonths(parsePlainDate(`${day.slice(0, 7)}-01`), 1), -1);
const cents = (x: Decimal) => decimalFixed(x, 2);

let s: CliScenario<'connectwise'>;
let synced: Synced = newSynced();
const mapped = new Set<string>();

async function importMonth(invoice: string, lines: ReconLineSpec[], syncStart: string): Promise<void> {
  await s.importInvoice(reconFile(s.dir, invoice, lines));
  const usage = USAGE[invoice];
  if (usage)
    await s.importInvoice(
      usageFile(s.dir, invoice, dailyUsage(usage.first, usage.last, usage.perDay, { customer: TAILSPIN })),
    );
  for (const { customer: c, agreement, strategy } of CUSTOMERS) {
    const known = lines.some((l) => l.customer === c) || (usage && c === TAILSPIN);
    if (!known || mapped.has(c.tenantId)) continue;
    await s.map(c.tenantId, { company: companyOf(agreement), contract: agreement, strategy, syncStart });
    mapped.add(c.tenantId);
  }
}

async function syncMonth(asOf: string): Promise<SyncOutcome> {
  const products = await s.syncProducts({ asOf });
  expect(products.code, await s.explain(products)).toBe(0);
  return s.syncCustomers({ asOf });
}

/** Billed units of a line (additions of an offer's item, charges excepted) on a day. */
function unitsOn(additions: AdditionView[], offer: OfferSpec, day: string): number {
  let n = ZERO;
  for (const a of additions) {
    if (!isOf(a, offer) || a.serialNumber?.startsWith(CHARGE_MARKER)) continue;
    if (a.effectiveDate <= day && (a.cancelledDate === null || day <= a.cancelledDate))
      n = n.plus(a.quantity.minus(a.lessIncluded));
  }
  return Number(n.toFixed());
}

/** The charge additions of an offer's item booked for a month (the month is the marker's date). */
function chargesIn(additions: AdditionView[], offer: OfferSpec, month: string): AdditionView[] {
  return additions.filter(
    (a) => isOf(a, offer) && a.serialNumber?.startsWith(`${CHARGE_MARKER}${month}-`) === true,
  );
}

async function contosoAdditions(): Promise<AdditionView[]> {
  return s.readback.additions(AGREEMENT.contoso);
}

/**
 * Per agreement: the shape of billsync's additions (lines change only on a 1st, charges are one unit over one
 * whole month, Azure is one addition per month of usage, over M+1), the units of every line on every day of the
 * months equal the seats on the month's 1st, and what the emulator bills per month equals the invoices.
 */
async function checkPsa(months: string[]): Promise<void> {
  for (const { customer: c, agreement } of CUSTOMERS) {
    const additions = await s.readback.additions(agreement);
    const ours = additions.filter(
      (a) => a.serialNumber?.startsWith(LINE_MARKER) || a.serialNumber?.startsWith(CHARGE_MARKER),
    );
    // billsync writes nothing unmarked, and each of its additions is found by its marker once.
    expect(ours, `${c.name}: additions`).toEqual(additions);
    expect(new Set(ours.map((a) => `${a.vendorSku}|${a.serialNumber}`)).size, `${c.name}: markers`).toBe(
      ours.length,
    );
    for (const a of ours.filter((x) => x.serialNumber!.startsWith(LINE_MARKER))) {
      const what = `${c.name} line addition ${a.id} (${a.product} ${a.serialNumber})`;
      expect(a.effectiveDate.slice(8), `${what} starts on a 1st`).toBe('01');
      expect(a.serialNumber, what).toBe(`${LINE_MARKER}${a.effectiveDate}`);
      if (a.cancelledDate !== null)
        expect(a.cancelledDate, `${what} ends on a month end`).toBe(monthEnd(a.cancelledDate));
    }
    for (const a of ours.filter((x) => x.serialNumber!.startsWith(CHARGE_MARKER))) {
      const what = `${c.name} charge ${a.id} (${a.product} ${a.serialNumber})`;
      expect(a.quantity.toFixed(), `${what} is one unit`).toBe('1');
      expect(a.effectiveDate.slice(8), `${what} starts on a 1st`).toBe('01');
      expect(a.cancelledDate, `${what} covers one whole month`).toBe(monthEnd(a.effectiveDate));
    }
    // Azure: one addition per month of usage, effective the 1st and cancelled the last day of M+1.
    const azure = ours
      .filter((a) => isOf(a, AZURE_PLAN_OFFER))
      .map((a) => [a.effectiveDate, a.cancelledDate, a.quantity.toFixed(), cents(a.unitPrice)]);
    const usage = [...synced.usage]
      .filter(([key, amount]) => key.startsWith(`${c.tenantId}|`) && !amount.eq(ZERO))
      .map(([key, amount]) => {
        const next = addMonths(parsePlainDate(`${key.slice(-7)}-01`), 1);
        return [next, monthEnd(next), '1', cents(amount)];
      })
      .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(azure, `${c.name}: Azure additions`).toEqual(usage);

    for (const offer of SEAT_OFFERS) {
      for (const month of months) {
        const first = parsePlainDate(`${month}-01`);
        const want = seatsOn(synced, c, offer, first);
        for (let day = first; day < addMonths(first, 1); day = addDays(day, 1))
          expect(unitsOn(ours, offer, day), `${c.name} ${offer.title} units on ${day}`).toBe(want);
      }
    }
    const bills = await s.readback.billing(agreement, months[0]!, months.at(-1)!);
    expect(bills.map((b) => b.month)).toEqual(months);
    for (const bill of bills) {
      const want = expected(synced, c, bill.month);
      expect(cents(bill.total), `${c.name} ${bill.month}: billed ${bill.total} for ${want}`).toBe(
        cents(want),
      );
    }
  }
}

/** The money of `days` days of `units` seats at the customer's retail, rounded once to the cent (a charge). */
function daysMoney(c: CustomerSpec, offer: OfferSpec, units: number, month: string, days: number): string {
  const first = parsePlainDate(`${month}-01`);
  const dim = Number(monthEnd(first).slice(8));
  return cents(
    dec(units)
      .times(retail(c, offer, first))
      .times(days)
      .div(dim),
  );
}

/**
 * Every ConnectWise variant (prorateFlag and the readings of partial periods): the defaults run the real command
 * as an MSP does; the others run the same CLI code in this process (no process start per command).
 */
describe.each(CW_BILLING_VARIANTS)(
  'money over months (issues 10 and 15), CLI + ConnectWise emulator: $name',
  (variant) => {
    beforeAll(async () => {
      synced = newSynced();
      mapped.clear();
      s = await createCliScenario({
        target: 'connectwise',
        now: '2026-01-08T09:00:00Z',
        seed: { prorate: variant.prorate, extraCustomers: 3 },
        ...(variant.rules ? { rules: variant.rules } : {}),
        inProcess: true,
      });
      await s.setup();
      await s.importPriceList(priceListFile(s.dir, PRICES));
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    it('December: the sync start is honoured, each subscription from its first synced day', async () => {
      await importMonth('G000001111', INVOICES.G000001111!, '2026-01-01');
      await importMonth('G000001212', INVOICES.G000001212!, '2026-01-01');
      const run = await syncMonth('2026-01-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced(synced, 'G000001212', INVOICES.G000001212!);
      await checkPsa(['2025-12']);
      // Subscription A's 20 Nov - 19 Dec cycle was on the November invoice (before the sync start): not billed.
      // Its 20 Dec cycle joins the line on 1 January; 20-31 December is a charge of 10 seats for 12 days.
      const contoso = await contosoAdditions();
      expect(unitsOn(contoso, BUSINESS_PREMIUM, '2025-12-31')).toBe(5);
      expect(unitsOn(contoso, BUSINESS_PREMIUM, '2026-01-01')).toBe(15);
      expect(chargesIn(contoso, BUSINESS_PREMIUM, '2025-12').map((a) => cents(a.unitPrice))).toEqual([
        daysMoney(CONTOSO, BUSINESS_PREMIUM, 10, '2025-12', 12),
      ]);
      await expectRerunWritesNothing(s, '2026-01-08');
    });

    it('January: a seat decrease in the 7-day window, a cancellation, Azure on the invoice and from the usage file alone, credit and one-off lines skipped', async () => {
      await importMonth('G000002601', INVOICES.G000002601!, '2026-01-01');
      const run = await syncMonth('2026-02-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced(synced, 'G000002601', INVOICES.G000002601!);
      await checkPsa(['2025-12', '2026-01']);
      // February's Azure line: January's usage, from the invoice (Contoso) and from the usage file alone (Tailspin).
      expect(
        (await s.readback.billedPerMonth(AGREEMENT.contoso, '2026-02')).lines
          .filter((l) => l.product?.startsWith('DZH318Z0BPS6:'))
          .map((l) => cents(l.amount)),
      ).toEqual(['120.00']);
      expect(cents((await s.readback.billedPerMonth(AGREEMENT.tailspin, '2026-02')).total)).toBe('62.00');
      // The decrease on 22 January and the cancellation on 3 January move the lines on 1 February; the days
      // before are credits in January.
      const contoso = await contosoAdditions();
      expect(unitsOn(contoso, BUSINESS_PREMIUM, '2026-01-31')).toBe(15);
      expect(unitsOn(contoso, BUSINESS_PREMIUM, '2026-02-01')).toBe(13);
      expect(unitsOn(contoso, BASIC, '2026-01-31')).toBe(3);
      expect(unitsOn(contoso, BASIC, '2026-02-01')).toBe(0);
      expect(chargesIn(contoso, BUSINESS_PREMIUM, '2026-01').map((a) => cents(a.unitPrice))).toEqual([
        daysMoney(CONTOSO, BUSINESS_PREMIUM, -2, '2026-01', 10),
      ]);
      expect(chargesIn(contoso, BASIC, '2026-01').map((a) => cents(a.unitPrice))).toEqual([
        daysMoney(CONTOSO, BASIC, -3, '2026-01', 29),
      ]);
      const shown = await s.json<{
        lines: { label: string; status: string; messages: { text: string }[] }[];
      }>('run', 'show', run.runs.find((r) => r.tenantId === CONTOSO.tenantId)!.runId);
      expect(shown.lines.filter((i) => i.status === 'skipped').map((i) => i.messages[0]!.text)).toEqual([
        'skipped: not a standard invoice line',
        'skipped: not a standard invoice line',
      ]);
      await expectRerunWritesNothing(s, '2026-02-08');
    });

    it('a corrected re-issue of January: the February line follows and the January days are charged', async () => {
      await s.importInvoice(reconFile(s.dir, 'G000002601', JANUARY_CORRECTED, 'G000002601-corrected.csv'));
      const run = await s.syncCustomers({ asOf: '2026-02-16' });
      // No day is locked on ConnectWise (lines change on the 1st, the days before are charges, routine: info).
      expect(run.code, await s.explain(run)).toBe(0);
      expect(run.runs.find((r) => r.tenantId === CONTOSO.tenantId)?.status).toBe('success');
      markSynced(synced, 'G000002601', JANUARY_CORRECTED);
      await checkPsa(['2025-12', '2026-01']);
      // A drops to 7 (not 8) on 22 January, B rises to 6 on 25 January: 7 + 6 seats from 1 February.
      const contoso = await contosoAdditions();
      expect(unitsOn(contoso, BUSINESS_PREMIUM, '2026-02-01')).toBe(13);
      const january = chargesIn(contoso, BUSINESS_PREMIUM, '2026-01').reduce(
        (t, a) => t.plus(a.unitPrice),
        ZERO,
      );
      const want = dec(daysMoney(CONTOSO, BUSINESS_PREMIUM, -3, '2026-01', 10)).plus(
        daysMoney(CONTOSO, BUSINESS_PREMIUM, 1, '2026-01', 7),
      );
      expect(january.minus(want).abs().lte(dec('0.01')), `January charges ${january} for ${want}`).toBe(true);
      await expectRerunWritesNothing(s, '2026-02-16');
    });

    it('February: a price rise with the invoice that bills it, an upgrade, an ended subscription, strategies 2 and 4', async () => {
      await importMonth('G000002602', INVOICES.G000002602!, '2026-01-01');
      const run = await syncMonth('2026-03-08');
      expect([0, 2], await s.explain(run)).toContain(run.code);
      markSynced(synced, 'G000002602', INVOICES.G000002602!);
      await checkPsa(['2025-12', '2026-01', '2026-02']);
      // Azure: February had no usage for Contoso: nothing from 1 March; Tailspin's February usage from the file.
      expect(cents((await s.readback.billedPerMonth(AGREEMENT.tailspin, '2026-03')).total)).toBe('42.00');
      const contoso = await contosoAdditions();
      // The price rise from 1 February: the price list's retail and the invoice's cost on the 1 February line
      // (written by January's sync), edited in place (decision 0012: a 1st takes a second change); B's seats
      // removed on 10 February leave the line on 1 March, 10-28 February is a credit (routine, no warning).
      // Soft: the rest of the month is still checked when one of these fails.
      const contosoRun = run.runs.find((r) => r.tenantId === CONTOSO.tenantId)!;
      expect.soft(contosoRun.status, await s.explain(run)).toBe('success');
      expect
        .soft(
          contoso
            .filter((a) => isOf(a, BUSINESS_PREMIUM) && a.serialNumber === `${LINE_MARKER}2026-02-01`)
            .map((a) => [cents(a.unitPrice), cents(a.unitCost)]),
          'the 1 February line: retail 24.20 (price list), cost 21.00 (February invoice)',
        )
        .toEqual([['24.20', '21.00']]);
      expect
        .soft(
          chargesIn(contoso, BUSINESS_PREMIUM, '2026-02').map((a) => [
            a.serialNumber!.slice(0, `${CHARGE_MARKER}YYYY-MM-DD`.length),
            cents(a.unitPrice),
          ]),
          'February credit of B removed on 10 February',
        )
        .toEqual([[`${CHARGE_MARKER}2026-02-10`, daysMoney(CONTOSO, BUSINESS_PREMIUM, -6, '2026-02', 19)]]);
      // The upgrade to E3 on 10 February: E3 from 1 March, 10-28 February a charge.
      expect(unitsOn(contoso, E3, '2026-03-01')).toBe(6);
      expect(chargesIn(contoso, E3, '2026-02').map((a) => cents(a.unitPrice))).toEqual([
        daysMoney(CONTOSO, E3, 6, '2026-02', 19),
      ]);
      // Cost only (Fabrikam): the February cost, the retail at creation; none on update (Northwind): the retail
      // at creation also for the seat added on 15 February (on the line from 1 March).
      const priceOn = (additions: AdditionView[], day: string) =>
        additions
          .filter(
            (a) =>
              isOf(a, BUSINESS_PREMIUM) &&
              a.serialNumber?.startsWith(LINE_MARKER) &&
              a.effectiveDate <= day &&
              (a.cancelledDate === null || day <= a.cancelledDate),
          )
          .map((a) => [cents(a.unitPrice), cents(a.unitCost)]);
      expect(priceOn(await s.readback.additions(AGREEMENT.fabrikam), '2026-02-01')).toEqual([
        ['23.10', '21.00'],
      ]);
      const northwind = await s.readback.additions(AGREEMENT.northwind);
      expect(priceOn(northwind, '2026-03-01').map(([price]) => price)).toEqual(['23.10']);
      expect(unitsOn(northwind, BUSINESS_PREMIUM, '2026-03-01')).toBe(3);
      await expectRerunWritesNothing(s, '2026-03-08');
    });

    it('March: Azure again; every month still bills what Microsoft invoiced', async () => {
      await importMonth('G000002603', INVOICES.G000002603!, '2026-01-01');
      const run = await syncMonth('2026-04-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced(synced, 'G000002603', INVOICES.G000002603!);
      await checkPsa(['2025-12', '2026-01', '2026-02', '2026-03']);
      expect(
        (await s.readback.billedPerMonth(AGREEMENT.contoso, '2026-04')).lines
          .filter((l) => l.product?.startsWith('DZH318Z0BPS6:'))
          .map((l) => cents(l.amount)),
      ).toEqual(['50.00']);
      expect(cents((await s.readback.billedPerMonth(AGREEMENT.tailspin, '2026-04')).total)).toBe('0.00');
      await expectRerunWritesNothing(s, '2026-04-08');
    });
  },
  300_000,
);
