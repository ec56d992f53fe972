import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import {
  type AdditionView,
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  type SyncOutcome,
} from '../support/cli-scenario';
import {
  type ConnectWiseVariant,
  CW_BILLING_VARIANTS,
  CW_DEFAULT_VARIANT,
} from '../support/connectwise-variants';
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
import { E3, FABRIKAM, subscription } from '../support/months-data';

/**
 * Spec section 6 (Invoice sync) on ConnectWise, money over months, end to end through the CLI as an MSP
 * runs it, with expectations built from the spec text and decision 0012 (lines change only on the 1st; the days
 * of a month before a change are a one-time charge addition over the whole month; Azure one addition per month
 * of usage, the 1st to the last day of M+1). What `connectwise-months.test.ts` does not cover:
 *
 * Contoso (agreement 1040, sync start 1 Jan 2026):
 * - two Business Premium subscriptions on one line: X (calendar cycles, 5 seats, goes on) and Y (cycles on the
 *   15th, 3 seats from 15 Dec) that has **no line for its next cycle** on the January invoice: it ended on 15 Jan
 *   (the day after its last charge period) while X goes on;
 * - Business Premium's price list rises on 1 Feb: after the January invoice, the 1 Feb addition (the move of Y's
 *   end) must still carry January's price (no price-list price for a period no synced invoice bills yet), and
 *   take February's with the February invoice;
 * - Office 365 E3: a seat **decrease then an increase back** inside January (4 -> 2 on 5 Jan, 2 -> 4 on 20 Jan):
 *   the line does not change on 1 Feb at all, January's 15 days at 2 seats are a credit;
 * - Azure plan from the daily usage files alone with a **gap month**: usage in December, none in January, usage
 *   in February: one addition over January, nothing over February, one over March;
 * - a **corrected re-issue of December after January and February were synced**: Y had 4 seats, not 3. December
 *   and January get further charges, the 1 Jan addition goes to 9, and the 1 Feb addition must stay at 5.
 *
 * Fabrikam (agreement 500, sync start 1 Jan 2026): the November invoice (issued 7 Dec, **before the sync start**)
 * billed subscription F's 20 Nov - 19 Dec cycle (10 seats); the synced December invoice raises it to 12 from
 * 5 Dec (a reversal of 10 plus 12 over 5-19 Dec, Microsoft's pair) and bills the 20 Dec cycle. Spec: "seats(day)
 * = sum of the signed quantities of all synced lines ... whose charge period covers the day": 2 seats on 5-19
 * Dec (-10 + 12: what the synced invoice billed), 12 from 20 Dec. In February, a decrease then an increase within
 * the month on another day than the 1st: 12 -> 11 on 22 Feb, 11 -> 14 on 25 Feb.
 *
 * After every step: what the agreement bills per month and per offer (from the emulator's billing report, which
 * bills additions by their quantity, price and dates under the variant's proration) equals the synced invoices
 * to the cent; the line's units in each month equal the seats of its 1st; nothing is written ahead of the invoice
 * that decides it; a re-run writes nothing and reports No Change.
 */

// ---------------------------------------------------------------------------------------------------------------
// The invoices.

const X = subscription(CONTOSO, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000a1', '2025-12-01');
const Y = subscription(CONTOSO, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000b2', '2025-12-15');
const EE = subscription(CONTOSO, E3, 'a0d10000-0000-4000-8000-0000000000c3', '2025-12-01');
const F = subscription(FABRIKAM, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000d4', '2025-11-20');

interface Invoice {
  number: string;
  period: string;
  issued: string;
  lines: ReconLineSpec[];
  /** Contoso's Azure plan usage of the period (daily usage file), cost per day. */
  usage?: { first: string; last: string; perDay: string };
}

const NOVEMBER: Invoice = {
  number: 'G300002511',
  period: '2025-11',
  issued: '2025-12-07',
  lines: [F.cycle('2025-11-20', '2025-12-19', 10, '20.00')],
};
const DECEMBER_LINES = (ySeats: number): ReconLineSpec[] => [
  X.cycle('2025-12-01', '2025-12-31', 5, '20.00'),
  Y.cycle('2025-12-15', '2026-01-14', ySeats, '20.00', { chargeType: 'new' }),
  EE.cycle('2025-12-01', '2025-12-31', 4, '30.00'),
  ...F.change('2025-12-05', '2025-12-19', 10, 12, '20.00'),
  F.cycle('2025-12-20', '2026-01-19', 12, '20.00'),
];
const DECEMBER: Invoice = {
  number: 'G300002512',
  period: '2025-12',
  issued: '2026-01-07',
  lines: DECEMBER_LINES(3),
  usage: { first: '2025-12-01', last: '2025-12-31', perDay: '3.00' },
};
/** The re-issue of December (same number): Y had 4 seats from 15 Dec. */
const DECEMBER_CORRECTED: Invoice = { ...DECEMBER, lines: DECEMBER_LINES(4) };
const JANUARY: Invoice = {
  number: 'G300002601',
  period: '2026-01',
  issued: '2026-02-07',
  lines: [
    X.cycle('2026-01-01', '2026-01-31', 5, '20.00'),
    // No line for Y's 15 Jan cycle: it ended on 15 Jan.
    EE.cycle('2026-01-01', '2026-01-31', 4, '30.00'),
    ...EE.change('2026-01-05', '2026-01-31', 4, 2, '30.00', 'removeQuantity'),
    ...EE.change('2026-01-20', '2026-01-31', 2, 4, '30.00'),
    F.cycle('2026-01-20', '2026-02-19', 12, '20.00'),
  ],
  // No Azure usage in January.
};
const FEBRUARY: Invoice = {
  number: 'G300002602',
  period: '2026-02',
  issued: '2026-03-07',
  lines: [
    X.cycle('2026-02-01', '2026-02-28', 5, '21.00'),
    EE.cycle('2026-02-01', '2026-02-28', 4, '30.00'),
    F.cycle('2026-02-20', '2026-03-19', 12, '20.00'),
    ...F.change('2026-02-22', '2026-03-19', 12, 11, '20.00', 'removeQuantity'),
    ...F.change('2026-02-25', '2026-03-19', 11, 14, '20.00'),
  ],
  usage: { first: '2026-02-01', last: '2026-02-28', perDay: '2.50' },
};
/** March and April, imported late and synced together: Azure usage of equal totals in both months. */
const MARCH: Invoice = {
  number: 'G300002603',
  period: '2026-03',
  issued: '2026-04-07',
  lines: [
    X.cycle('2026-03-01', '2026-03-31', 5, '21.00'),
    EE.cycle('2026-03-01', '2026-03-31', 4, '30.00'),
    F.cycle('2026-03-20', '2026-04-19', 14, '20.00'),
  ],
  usage: { first: '2026-03-01', last: '2026-03-30', perDay: '2.00' },
};
const APRIL: Invoice = {
  number: 'G300002604',
  period: '2026-04',
  issued: '2026-05-07',
  lines: [
    X.cycle('2026-04-01', '2026-04-30', 5, '21.00'),
    EE.cycle('2026-04-01', '2026-04-30', 4, '30.00'),
    F.cycle('2026-04-20', '2026-05-19', 14, '20.00'),
  ],
  usage: { first: '2026-04-01', last: '2026-04-30', perDay: '2.00' },
};

const SYNC_START = '2026-01-01';
const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10', end: '2026-01-31' },
  { offer: BUSINESS_PREMIUM, cost: '21.00', erp: '24.20', start: '2026-02-01' },
  { offer: E3, cost: '30.00', erp: '34.00' },
];
/** Retail per month (the price list's ERP price on the period's first day; cost-and-retail strategy). */
function retail(offer: OfferSpec, month: string): Decimal {
  if (offer === E3) return dec('34.00');
  return dec(month >= '2026-02' ? '24.20' : '23.10');
}

const CUSTOMERS = [
  { key: 'contoso', customer: CONTOSO, company: CW_IDS.company, agreement: CW_IDS.agreement },
  { key: 'fabrikam', customer: FABRIKAM, company: 600, agreement: 500 },
] as const;
type CustomerKey = (typeof CUSTOMERS)[number]['key'];
const SEAT_OFFERS = [BUSINESS_PREMIUM, E3];

// ---------------------------------------------------------------------------------------------------------------
// The spec's timeline and money (section 6), from the synced invoices only.

/** Synced invoices by number (a re-issue replaces its invoice). */
const synced = new Map<string, Invoice>();

const day = (d: string) => parsePlainDate(d) as string;
const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const firstOf = (month: string) => `${month}-01`;
const nextMonth = (month: string) => (addMonths(parsePlainDate(firstOf(month)), 1) as string).slice(0, 7);
const monthEnd = (d: string) => addDays(addMonths(parsePlainDate(`${d.slice(0, 7)}-01`), 1), -1) as string;
const cents = (x: Decimal) => decimalFixed(x, 2);
const skuOf = (offer: OfferSpec) => `${offer.productId}:${offer.skuId}`;
const signed = (l: ReconLineSpec) => (l.reversal ? -l.quantity : l.quantity);

function syncedLines(c: CustomerSpec, offer: OfferSpec): ReconLineSpec[] {
  return [...synced.values()].flatMap((i) => i.lines.filter((l) => l.customer === c && l.offer === offer));
}

/**
 * seats(day) per spec section 6: per subscription, the sum of the signed quantities of its synced lines covering
 * the day; after its latest charge period it carries forward, unless a synced invoice of the month its next
 * cycle starts in has no line for it (then 0: it ended the day after its last charge period). Summed per offer.
 */
function seatsOn(c: CustomerSpec, offer: OfferSpec, d: string): number {
  const lines = syncedLines(c, offer);
  let n = 0;
  for (const sub of new Set(lines.map((l) => l.subscriptionId))) {
    const mine = lines.filter((l) => l.subscriptionId === sub);
    const last = mine
      .map((l) => l.chargeEnd)
      .sort()
      .at(-1)!;
    const at = (x: string) =>
      mine.filter((l) => l.chargeStart <= x && x <= l.chargeEnd).reduce((t, l) => t + signed(l), 0);
    if (d <= last) n += at(d);
    else {
      const next = plus(last, 1).slice(0, 7);
      const ended = [...synced.values()].some((i) => i.period >= next);
      if (!ended) n += at(last);
    }
  }
  return n;
}

/** The money of an offer's seats in a month, at the month's retail, prorated by days, rounded to the cent. */
function seatMoney(c: CustomerSpec, offer: OfferSpec, month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const dim = daysInMonth(y, m);
  let seatDays = 0;
  for (let d = firstOf(month); d.startsWith(month); d = plus(d, 1)) seatDays += seatsOn(c, offer, d);
  return cents(dec(seatDays).times(retail(offer, month)).div(dim));
}

/** Contoso's Azure usage of a month (synced invoices' usage files), billed in the next month. */
function usageOf(c: CustomerSpec, month: string): Decimal | undefined {
  if (c !== CONTOSO) return undefined;
  const inv = [...synced.values()].find((i) => i.period === month && i.usage);
  if (!inv?.usage) return undefined;
  const days = Number(inv.usage.last.slice(8)) - Number(inv.usage.first.slice(8)) + 1;
  return dec(inv.usage.perDay).times(days);
}

// ---------------------------------------------------------------------------------------------------------------
// The PSA side.

let s: CliScenario<'connectwise'>;
const LINE = 'billsync:';
const CHARGE = 'billsync-charge:';
const isOf = (a: AdditionView, offer: OfferSpec) => a.vendorSku === skuOf(offer);
const isCharge = (a: AdditionView) => a.serialNumber?.startsWith(CHARGE) === true;

function unitsOn(additions: AdditionView[], offer: OfferSpec, d: string): number {
  let n = ZERO;
  for (const a of additions) {
    if (!isOf(a, offer) || isCharge(a)) continue;
    if (a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate))
      n = n.plus(a.quantity.minus(a.lessIncluded));
  }
  return Number(n.toFixed());
}

const show = (a: AdditionView) =>
  `#${a.id} ${a.product} ${a.serialNumber} ${a.effectiveDate}..${a.cancelledDate ?? 'open'} q${a.quantity.toFixed()} @${a.unitPrice.toFixed()} (cost ${a.unitCost.toFixed()})`;

async function importInvoice(inv: Invoice, fileName?: string): Promise<void> {
  const dates = { period: inv.period, issued: inv.issued };
  await s.importInvoice(reconFile(s.dir, inv.number, inv.lines, fileName), dates);
  if (inv.usage && !fileName)
    await s.importInvoice(
      usageFile(
        s.dir,
        inv.number,
        dailyUsage(inv.usage.first, inv.usage.last, inv.usage.perDay, { customer: CONTOSO }),
      ),
      dates,
    );
}

async function syncMonth(asOf: string): Promise<SyncOutcome> {
  const products = await s.syncProducts({ asOf });
  expect(products.code, await s.explain(products)).toBe(0);
  return s.syncCustomers({ asOf });
}

function markSynced(inv: Invoice): void {
  if (inv.issued >= SYNC_START) synced.set(inv.number, inv);
}

/**
 * One customer's agreement after the invoices up to `lastMonth` are synced:
 * (a) shape (decision 0012): every addition is billsync's, markers unique, lines from a 1st to a month end,
 *     charges one unit over one whole month;
 * (b) the line's units on every day of each month = the spec's seats on the month's 1st, and on the 1st of the
 *     next month the seats carried forward;
 * (c) what the agreement bills per month and offer = the synced invoices' money to the cent, and per month in
 *     total (seats at retail prorated by days, Azure usage of M in M+1).
 */
async function checkBilling(key: CustomerKey, lastMonth: string): Promise<void> {
  const { customer: c, agreement } = CUSTOMERS.find((x) => x.key === key)!;
  const additions = await s.readback.additions(agreement);
  const listing = additions.map(show).join('\n');
  // (a)
  expect
    .soft(
      additions.filter((a) => !a.serialNumber?.startsWith(LINE) && !isCharge(a)).map(show),
      `${c.name}: only billsync's marked additions`,
    )
    .toEqual([]);
  const keys = additions.map((a) => `${a.vendorSku}|${a.serialNumber}`);
  expect.soft(new Set(keys).size, `${c.name}: one addition per marker\n${listing}`).toBe(keys.length);
  for (const a of additions) {
    if (isCharge(a)) {
      expect
        .soft([a.quantity.toFixed(), a.effectiveDate.slice(8), a.cancelledDate], `charge ${show(a)}`)
        .toEqual(['1', '01', monthEnd(a.effectiveDate)]);
    } else {
      expect.soft(a.effectiveDate.slice(8), `line addition starts on a 1st: ${show(a)}`).toBe('01');
      if (a.cancelledDate !== null)
        expect
          .soft(a.cancelledDate, `line addition ends on a month end: ${show(a)}`)
          .toBe(monthEnd(a.cancelledDate));
    }
  }
  const months: string[] = [];
  for (let m = '2025-12'; m <= lastMonth; m = nextMonth(m)) months.push(m);
  // (b)
  for (const offer of SEAT_OFFERS) {
    for (const month of months) {
      const want = seatsOn(c, offer, firstOf(month));
      const wrong: string[] = [];
      for (let d = firstOf(month); d.startsWith(month); d = plus(d, 1)) {
        const got = unitsOn(additions, offer, d);
        if (got !== want) wrong.push(`${d}: ${got}`);
      }
      expect
        .soft(wrong, `${c.name} ${offer.title} units in ${month} (want ${want} every day)\n${listing}`)
        .toEqual([]);
    }
    const next = firstOf(nextMonth(lastMonth));
    expect
      .soft(
        unitsOn(additions, offer, next),
        `${c.name} ${offer.title} units on ${next} (carried forward)\n${listing}`,
      )
      .toBe(seatsOn(c, offer, next));
  }
  // (c)
  const bills = await s.readback.billing(agreement, months[0]!, months.at(-1)!);
  for (const month of months) {
    const bill = bills.find((b) => b.month === month);
    const lines = bill?.lines ?? [];
    const billedOf = (sku: string) =>
      cents(lines.filter((l) => l.product === sku).reduce((t, l) => t.plus(l.amount), ZERO));
    let want = ZERO;
    for (const offer of SEAT_OFFERS) {
      const expected = seatMoney(c, offer, month);
      want = want.plus(expected);
      expect
        .soft(
          billedOf(skuOf(offer)),
          `${c.name} ${offer.title} billed in ${month} (invoices: ${expected})\n${listing}`,
        )
        .toBe(expected);
    }
    const usage = usageOf(c, (addMonths(parsePlainDate(firstOf(month)), -1) as string).slice(0, 7)) ?? ZERO;
    want = want.plus(usage);
    expect
      .soft(billedOf(skuOf(AZURE_PLAN_OFFER)), `${c.name} Azure plan billed in ${month}`)
      .toBe(cents(usage));
    expect.soft(cents(bill?.total ?? ZERO), `${c.name} total billed in ${month}`).toBe(cents(want));
  }
}

/**
 * Nothing written ahead of the invoice that decides it (spec section 6, "Write only what is decided"; decision
 * 0012: a change of a day inside a month goes to the next 1st): with the invoices up to `lastMonth` synced, no
 * line addition starts after the 1st of the next month, no charge is booked for a later month, the Azure
 * additions are exactly one per synced month of usage, over the month after it (none for a month without usage,
 * none beyond), and an addition on a 1st that no synced line covers carries the last decided month's price (no
 * price-list price of a period no synced invoice bills yet).
 */
async function checkNothingAhead(lastMonth: string): Promise<void> {
  const limit = firstOf(nextMonth(lastMonth));
  for (const { customer: c, agreement } of CUSTOMERS) {
    const additions = await s.readback.additions(agreement);
    expect
      .soft(
        additions.filter((a) => !isCharge(a) && a.effectiveDate > limit).map(show),
        `${c.name}: line additions after ${limit}`,
      )
      .toEqual([]);
    expect
      .soft(
        additions
          .filter((a) => isCharge(a) && a.serialNumber!.slice(CHARGE.length, CHARGE.length + 7) > lastMonth)
          .map(show),
        `${c.name}: charges for months after ${lastMonth}`,
      )
      .toEqual([]);
    const azure = additions
      .filter((a) => isOf(a, AZURE_PLAN_OFFER))
      .map((a) => [a.effectiveDate, a.cancelledDate, a.quantity.toFixed(), cents(a.unitPrice)]);
    const wantAzure: unknown[] = [];
    for (let m = '2025-12'; m <= lastMonth; m = nextMonth(m)) {
      const usage = usageOf(c, m);
      if (usage) {
        const first = firstOf(nextMonth(m));
        wantAzure.push([first, monthEnd(first), '1', cents(usage)]);
      }
    }
    expect.soft(azure, `${c.name}: Azure additions (one per month of usage, over M+1)`).toEqual(wantAzure);
    for (const offer of SEAT_OFFERS) {
      const covered = syncedLines(c, offer).some((l) => l.chargeStart <= limit && limit <= l.chargeEnd);
      if (covered) continue;
      const price = cents(retail(offer, lastMonth));
      expect
        .soft(
          additions
            .filter((a) => isOf(a, offer) && !isCharge(a) && a.effectiveDate === limit)
            .map((a) => cents(a.unitPrice))
            .filter((p) => p !== price),
          `${c.name} ${offer.title}: the ${limit} addition carries ${lastMonth}'s price ${price}, not a later price-list price`,
        )
        .toEqual([]);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** The real command for the default variant; the same CLI code in this process for the others. */
const VARIANTS: ConnectWiseVariant[] = [
  CW_DEFAULT_VARIANT,
  CW_BILLING_VARIANTS.find((v) => v.prorate && v.rules?.prorateDays === 'exclusive-start')!,
  CW_BILLING_VARIANTS.find((v) => v.rules?.unproratedPartialPeriod === 'bill-full')!,
];

interface Step {
  name: string;
  /** The last invoice month synced after this step. */
  lastMonth: string;
  asOf: string;
  act(): Promise<SyncOutcome>;
  /** Extra checks of the step's runs. */
  runs?(run: SyncOutcome): Promise<void>;
  /** Contoso's lines as decision 0012 models them, worked by hand. */
  contoso?: Record<string, unknown>;
}

/**
 * Contoso's agreement in the terms of decision 0012, by hand: per offer, the line additions as
 * `effective..cancelled quantity @price (cost)`, and per month the charges' amounts (one addition each).
 */
async function contosoAdditions(): Promise<Record<string, unknown>> {
  const additions = await s.readback.additions(CW_IDS.agreement);
  const out: Record<string, unknown> = {};
  for (const offer of SEAT_OFFERS) {
    const mine = additions.filter((a) => isOf(a, offer));
    out[`${offer.title} lines`] = mine
      .filter((a) => !isCharge(a))
      .map(
        (a) =>
          `${a.effectiveDate}..${a.cancelledDate ?? 'open'} ${a.quantity.toFixed()} @${cents(a.unitPrice)} (${cents(a.unitCost)})`,
      );
    const charges: Record<string, string[]> = {};
    for (const a of mine.filter(isCharge)) {
      const month = a.serialNumber!.slice(CHARGE.length, CHARGE.length + 7);
      charges[month] = [...(charges[month] ?? []), cents(a.unitPrice)];
    }
    out[`${offer.title} charges`] = charges;
  }
  return out;
}

/** Contoso's agreement once December's correction is written (unchanged by March and April). */
const AFTER_DECEMBER_CORRECTED = {
  'Microsoft 365 Business Premium lines': [
    '2025-12-01..2025-12-31 5 @23.10 (20.00)',
    '2026-01-01..2026-01-31 9 @23.10 (20.00)',
    '2026-02-01..open 5 @24.20 (21.00)',
  ],
  'Microsoft 365 Business Premium charges': {
    '2025-12': ['38.00', '12.67'],
    '2026-01': ['-38.00', '-12.67'],
  },
  'Office 365 E3 lines': ['2025-12-01..open 4 @34.00 (30.00)'],
  'Office 365 E3 charges': { '2026-01': ['-32.90'] },
};

const STEPS: Step[] = [
  {
    name: 'December (the November invoice issued before the sync start)',
    lastMonth: '2025-12',
    asOf: '2026-01-08',
    // Dec: X 5 from the 1st; Y's 3 seats from 15 Dec move to 1 Jan, 15-31 Dec a charge of 3 x 17 x 23.10 / 31.
    contoso: {
      'Microsoft 365 Business Premium lines': [
        '2025-12-01..2025-12-31 5 @23.10 (20.00)',
        '2026-01-01..open 8 @23.10 (20.00)',
      ],
      'Microsoft 365 Business Premium charges': { '2025-12': ['38.00'] },
      'Office 365 E3 lines': ['2025-12-01..open 4 @34.00 (30.00)'],
      'Office 365 E3 charges': {},
    },
    async act() {
      await importInvoice(NOVEMBER);
      await importInvoice(DECEMBER);
      for (const { customer, company, agreement } of CUSTOMERS)
        await s.map(customer.tenantId, { company, contract: agreement, syncStart: SYNC_START });
      const run = await syncMonth('2026-01-08');
      markSynced(NOVEMBER);
      markSynced(DECEMBER);
      return run;
    },
  },
  {
    name: 'January (Y has no line for its next cycle; E3 down and back up; no Azure usage)',
    lastMonth: '2026-01',
    asOf: '2026-02-08',
    // Y ended on 15 Jan: 5 from 1 Feb at January's price (the price list's 24.20 is February's, which no synced
    // invoice bills yet), 15-31 Jan a credit of 3 x 17 x 23.10 / 31. E3 back at 4: no change on 1 Feb, 5-19 Jan a
    // credit of 2 x 15 x 34 / 31.
    contoso: {
      'Microsoft 365 Business Premium lines': [
        '2025-12-01..2025-12-31 5 @23.10 (20.00)',
        '2026-01-01..2026-01-31 8 @23.10 (20.00)',
        '2026-02-01..open 5 @23.10 (20.00)',
      ],
      'Microsoft 365 Business Premium charges': { '2025-12': ['38.00'], '2026-01': ['-38.00'] },
      'Office 365 E3 lines': ['2025-12-01..open 4 @34.00 (30.00)'],
      'Office 365 E3 charges': { '2026-01': ['-32.90'] },
    },
    async act() {
      await importInvoice(JANUARY);
      const run = await syncMonth('2026-02-08');
      markSynced(JANUARY);
      return run;
    },
  },
  {
    name: 'February (the price rise; Fabrikam down and up within the month; Azure usage again)',
    lastMonth: '2026-02',
    asOf: '2026-03-08',
    // February's invoice decides February: the 1 Feb addition takes the new price and cost (edited in place).
    contoso: {
      'Microsoft 365 Business Premium lines': [
        '2025-12-01..2025-12-31 5 @23.10 (20.00)',
        '2026-01-01..2026-01-31 8 @23.10 (20.00)',
        '2026-02-01..open 5 @24.20 (21.00)',
      ],
      'Microsoft 365 Business Premium charges': { '2025-12': ['38.00'], '2026-01': ['-38.00'] },
      'Office 365 E3 lines': ['2025-12-01..open 4 @34.00 (30.00)'],
      'Office 365 E3 charges': { '2026-01': ['-32.90'] },
    },
    async act() {
      await importInvoice(FEBRUARY);
      const run = await syncMonth('2026-03-08');
      markSynced(FEBRUARY);
      return run;
    },
  },
  {
    name: 'a corrected re-issue of December after January and February were synced',
    lastMonth: '2026-02',
    asOf: '2026-03-16',
    // Y had 4 seats: 1 Jan goes to 9; December needs 4 x 17 x 23.10 / 31 = 50.67 (12.67 more), January -50.67
    // (-12.67 more); 1 Feb stays at 5.
    contoso: AFTER_DECEMBER_CORRECTED,
    async act() {
      await importInvoice(DECEMBER_CORRECTED, 'G300002512-corrected.csv');
      const run = await s.syncCustomers({ asOf: '2026-03-16' });
      markSynced(DECEMBER_CORRECTED);
      return run;
    },
    async runs(run) {
      const contoso = run.runs.find((r) => r.tenantId === CONTOSO.tenantId);
      expect.soft(contoso?.status, 'Contoso: the correction is written').toBe('success');
      const fabrikam = run.runs.filter((r) => r.tenantId === FABRIKAM.tenantId);
      expect
        .soft(
          fabrikam.map((r) => r.writes),
          'Fabrikam: on the re-issue, its lines unchanged: nothing written',
        )
        .toEqual(fabrikam.map(() => 0));
    },
  },
  {
    name: 'March and April imported late, synced together (Azure usage of 60.00 in both months)',
    lastMonth: '2026-04',
    asOf: '2026-05-08',
    // Seats unchanged. Azure: March's 60.00 over April, April's 60.00 over May: one addition per month even
    // though the two months bill the same (each addition ends with its month, decision 0012).
    contoso: AFTER_DECEMBER_CORRECTED,
    async act() {
      await importInvoice(MARCH);
      await importInvoice(APRIL);
      const run = await syncMonth('2026-05-08');
      markSynced(MARCH);
      markSynced(APRIL);
      return run;
    },
  },
];

describe.each(VARIANTS)('ConnectWise money over months, CLI + emulator: $name', (variant) => {
  beforeAll(async () => {
    synced.clear();
    s = await createCliScenario({
      target: 'connectwise',
      now: '2026-01-08T09:00:00Z',
      seed: { prorate: variant.prorate, extraCustomers: 1 },
      ...(variant.rules ? { rules: variant.rules } : {}),
      inProcess: variant !== CW_DEFAULT_VARIANT,
    });
    await s.setup();
    await s.importPriceList(priceListFile(s.dir, PRICES));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  for (const step of STEPS) {
    it(`${step.name}: the sync runs cleanly`, async () => {
      const run = await step.act();
      expect(run.code, await s.explain(run)).toBe(0);
      await step.runs?.(run);
    }, 120_000);
    it(`${step.name}: Contoso's agreement bills the synced invoices to the cent`, async () => {
      await checkBilling('contoso', step.lastMonth);
    });
    it(`${step.name}: Fabrikam's agreement bills the synced invoices to the cent`, async () => {
      await checkBilling('fabrikam', step.lastMonth);
    });
    it(`${step.name}: Contoso's additions and charges as decision 0012 models them`, async () => {
      expect(await contosoAdditions()).toEqual(step.contoso);
    });
    it(`${step.name}: nothing is written ahead of the invoice that decides it`, async () => {
      await checkNothingAhead(step.lastMonth);
    });
    it(`${step.name}: a re-run writes nothing and reports No Change`, async () => {
      await expectRerunWritesNothing(s, step.asOf);
    }, 60_000);
  }
});

// Self-check of the expectations, spelled out by hand once (from the spec text, not from the product).
describe('the expectations (spec section 6), by hand', () => {
  it('timeline and money per month', () => {
    synced.clear();
    for (const inv of [NOVEMBER, DECEMBER, JANUARY, FEBRUARY]) markSynced(inv);
    expect(synced.has(NOVEMBER.number)).toBe(false);
    // Contoso Business Premium: X 5 + Y 3 from 15 Dec; Y ended on 15 Jan (no line for its 15 Jan cycle).
    expect(
      ['2025-12-14', '2025-12-15', '2026-01-14', '2026-01-15', '2026-03-01'].map((d) =>
        seatsOn(CONTOSO, BUSINESS_PREMIUM, day(d)),
      ),
    ).toEqual([5, 8, 8, 5, 5]);
    // (5 x 31 + 3 x 17) x 23.10 / 31; (8 x 14 + 5 x 17) x 23.10 / 31; 5 x 24.20.
    expect(['2025-12', '2026-01', '2026-02'].map((m) => seatMoney(CONTOSO, BUSINESS_PREMIUM, m))).toEqual([
      '153.50',
      '146.80',
      '121.00',
    ]);
    // E3: 4, 2 on 5-19 Jan, 4 again: (4 x 4 + 2 x 15 + 4 x 12) x 34 / 31.
    expect(seatMoney(CONTOSO, E3, '2026-01')).toBe('103.10');
    // Fabrikam: 2 seats on 5-19 Dec (what the synced December invoice billed), 12 from 20 Dec; February 12, 11
    // on 22-24 Feb, 14 from 25 Feb.
    expect(
      ['2025-12-04', '2025-12-05', '2025-12-19', '2025-12-20', '2026-02-22', '2026-02-25'].map((d) =>
        seatsOn(FABRIKAM, BUSINESS_PREMIUM, day(d)),
      ),
    ).toEqual([0, 2, 2, 12, 11, 14]);
    expect(['2025-12', '2026-01', '2026-02'].map((m) => seatMoney(FABRIKAM, BUSINESS_PREMIUM, m))).toEqual([
      '129.66',
      '277.20',
      '294.72',
    ]);
    expect(usageOf(CONTOSO, '2025-12')?.toFixed(2)).toBe('93.00');
    expect(usageOf(CONTOSO, '2026-01')).toBeUndefined();
    synced.set(DECEMBER.number, DECEMBER_CORRECTED);
    // The re-issue: (5 x 31 + 4 x 17) x 23.10 / 31; (9 x 14 + 5 x 17) x 23.10 / 31.
    expect(['2025-12', '2026-01'].map((m) => seatMoney(CONTOSO, BUSINESS_PREMIUM, m))).toEqual([
      '166.17',
      '157.23',
    ]);
    synced.clear();
  });
});
