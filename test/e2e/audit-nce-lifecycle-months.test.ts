import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { IDS } from '../support/autotask-world';
import {
  type AdditionView,
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  type ScenarioTarget,
  type SyncOutcome,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
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
import { BASIC, E3, FABRIKAM, NORTHWIND, subscription } from '../support/months-data';

/**
 * Audit of the money of Microsoft NCE subscription lifecycle events as they appear on the invoice reconciliation
 * file (reference csp-billing.md 2.2 charge types, 4.2 reversals, 4.3 cancellations / 7-day window), synced month
 * by month through the CLI to Autotask and to ConnectWise (their defaults), spec section 6 (seat timeline per
 * subscription, summed per offer; reversals; carry-forward and monthly end; "Write only what is decided"; locked
 * days; corrected invoices) and section 7 (skipped lines). Six invoices, December 2025 .. May 2026, issued on the
 * 7th of the next month, synced on the 8th; sync start 1 Jan 2026 (every invoice is synced).
 *
 * Retail prices are multiples of 130.20, so a seat-day is a whole number of cents in 28-, 30- and 31-day months.
 *
 * Contoso (cost and retail):
 *   - CB Business Basic, cycles on the 10th, 8 seats. UPGRADE of 5 seats to Business Premium on 22 Jan (charge type
 *     `Convert`, reference 2.2): CB's 8 reversed over 22 Jan - 9 Feb and 3 billed there; CP (a new subscription of
 *     Business Premium on CB's cycle) billed 5 from 22 Jan. CB is NOT RENEWED in May (no line for its 10 May cycle):
 *     ended on 10 May.
 *   - CP2 Business Premium, cycles on the 25th, 2 seats (two subscriptions of one offer on different cycle days):
 *     +2 on 3 Mar (addQuantity pair), then RENEWED AT 3 seats on 25 Apr (a quantity change at the cycle boundary).
 *   - CE Office 365 E3 bought 12 Feb with a SAME-DAY ADD (New 1; addQuantity -1 / +3 over the whole cycle, reference
 *     4.2 first row): 3 from 12 Feb; renewed 12 Apr, REDUCED INSIDE THE WINDOW on 15 Apr (removeQuantity -3 / +2).
 *   - On 20 Mar, after Autotask's February was approved and posted, Microsoft RE-ISSUES JANUARY: the upgrade was on
 *     19 Jan, not 22 Jan. 19-21 Jan are posted: billsync books the difference as one-time charges (Autotask) and
 *     warns; what each month bills still equals the invoices.
 * Fabrikam (cost and retail):
 *   - FE Office 365 E3, calendar cycles, 6 seats; FULL UPGRADE to Office 365 E5 on 14 Feb on the SAME
 *     SubscriptionId (the reference: ReferenceId + SubscriptionId link an upgrade's transactions): E3 reversed over
 *     14-28 Feb, E5 billed 6 from 14 Feb and then monthly on the same subscription id.
 *   - FB Business Basic, cycles on the 5th, 4 seats; renewed 5 Mar and CANCELLED INSIDE THE 7-DAY WINDOW on 8 Mar
 *     (`Cancel`: the 4 seats reversed over 8 Mar - 4 Apr); no line in April.
 *   - FL Business Premium bought 25 Feb (2 seats), cancelled inside the window on 27 Feb; Microsoft's `Cancel`
 *     credit (27 Feb - 24 Mar) comes LATE, on the March invoice, after Autotask's February was posted: 27-28 Feb are
 *     locked, booked as a credit of 2 x 2 x 260.40 / 28 = 37.20 for February, 0 seats from 1 Mar.
 *   - FN Business Basic bought 20 Apr and cancelled the same day (`cancelImmediate` over the whole cycle): a FULL
 *     REFUND, 0 seats on every day: nothing to bill.
 * Northwind (cost and retail):
 *   - NS Business Premium P1Y billed monthly (`P1Y:M:`), term 16 Mar 2025 - 15 Mar 2026, 5 seats; the customer asked
 *     to cancel in January, AFTER THE WINDOW: not allowed (reference 4.3: only at renewal), so the cycles go on to the
 *     term end and the March invoice has no renewal: ended on 16 Mar.
 *   - NX Business Basic, cycles on the 20th, 6 seats; SUSPENDED on 12 Feb: the February invoice has no line for its
 *     20 Feb cycle (ended on 20 Feb); REACTIVATED on 12 Mar: 12-19 Mar prorated, then its cycles from 20 Mar.
 *     (The reference does not document how a suspension bills; this is one plausible reading, and the spec's
 *     timeline rules decide it.)
 *   - NT Office 365 E5: a free TRIAL (not on any invoice) CONVERTED to paid on 9 Apr (charge type `trialConversion`,
 *     reference 2.2 [3P]), 10 seats, then cycles from 9 May.
 * Non-standard lines (`customerCredit`, `creditNote`) on several invoices: skipped (spec section 6 "Not synced",
 * section 7), listed in the run, no money.
 *
 * After every step: units per day on the PSA = the summed timeline (Autotask every day, posted days keeping what
 * was written before they were posted; ConnectWise every day carries the seats of its month's 1st, decision 0012),
 * Autotask's non-zero adjustments = the timeline's changes on their days (one per service and day); contract lines
 * carry retail and Microsoft's unit price; each month bills the timeline's retail money to the cent (charges
 * included); nothing is written on a posted day; a re-run writes nothing. Every expectation comes from the invoice
 * data below and the spec, never from src/.
 */

// ---------------------------------------------------------------------------------------------------------------
// Offers, prices, customers.

const E5: OfferSpec = {
  productId: 'CFQ7TTC0LF8S',
  skuId: '0002',
  title: 'Office 365 E5',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const BP_YM: OfferSpec = { ...BUSINESS_PREMIUM, term: 'P1Y', billingPlan: 'Monthly' };

const PRICES = new Map<OfferSpec, { cost: string; erp: string }>([
  [BASIC, { cost: '108.50', erp: '130.20' }],
  [BUSINESS_PREMIUM, { cost: '217.00', erp: '260.40' }],
  [E3, { cost: '325.50', erp: '390.60' }],
  [E5, { cost: '434.00', erp: '520.80' }],
  [BP_YM, { cost: '206.15', erp: '260.40' }],
]);
const cost = (o: OfferSpec) => PRICES.get(o)!.cost;
const retailOf = (o: OfferSpec) => PRICES.get(o)!.erp;
const skuOf = (o: OfferSpec) =>
  `${o.term === 'P1Y' ? (o.billingPlan === 'Annual' ? 'P1Y:A:' : 'P1Y:M:') : ''}${o.productId}:${o.skuId}`;

const SYNC_START = '2026-01-01';
const CHECK_FROM = '2025-12-01';
const CHECK_TO = '2026-06-30';

// Contoso
const CB = subscription(CONTOSO, BASIC, 'b1fe0000-0000-4000-8000-0000000000cb', '2025-12-10');
const CP = subscription(CONTOSO, BUSINESS_PREMIUM, 'b1fe0000-0000-4000-8000-0000000000cp', '2025-12-10');
const CP2 = subscription(CONTOSO, BUSINESS_PREMIUM, 'b1fe0000-0000-4000-8000-000000000cp2', '2025-11-25');
const CE = subscription(CONTOSO, E3, 'b1fe0000-0000-4000-8000-0000000000ce', '2026-02-12');
// Fabrikam: FE keeps its subscription id through the upgrade to E5.
const FE_ID = 'b1fe0000-0000-4000-8000-0000000000fe';
const FE = subscription(FABRIKAM, E3, FE_ID, '2025-10-01');
const FE5 = subscription(FABRIKAM, E5, FE_ID, '2025-10-01');
const FB = subscription(FABRIKAM, BASIC, 'b1fe0000-0000-4000-8000-0000000000fb', '2025-09-05');
const FN = subscription(FABRIKAM, BASIC, 'b1fe0000-0000-4000-8000-0000000000f0', '2026-04-20');
const FL = subscription(FABRIKAM, BUSINESS_PREMIUM, 'b1fe0000-0000-4000-8000-0000000000f1', '2026-02-25');
// Northwind
const NS = subscription(NORTHWIND, BP_YM, 'b1fe0000-0000-4000-8000-0000000000a5', '2025-03-16');
const NX = subscription(NORTHWIND, BASIC, 'b1fe0000-0000-4000-8000-0000000000a6', '2025-12-20');
const NT = subscription(NORTHWIND, E5, 'b1fe0000-0000-4000-8000-0000000000a7', '2026-04-09');

/** A non-standard line: a credit (negative) of `amount` with this charge type on a subscription's offer. */
const credit = (
  sub: ReturnType<typeof subscription>,
  chargeType: string,
  start: string,
  end: string,
  amount: string,
): ReconLineSpec =>
  sub.cycle(start, end, 1, amount, {
    chargeType,
    reversal: true,
    effectiveUnitPrice: amount,
    subtotal: `-${amount}`,
  });

interface Invoice {
  number: string;
  period: string;
  issued: string;
  asOf: string;
  lines: ReconLineSpec[];
}

const upgradeOn = (day: string): ReconLineSpec[] => [
  ...CB.change(day, '2026-02-09', 8, 3, cost(BASIC), 'Convert'),
  CP.cycle(day, '2026-02-09', 5, cost(BUSINESS_PREMIUM), { chargeType: 'Convert' }),
];

const JANUARY_LINES = (upgradeDay: string): ReconLineSpec[] => [
  CB.cycle('2026-01-10', '2026-02-09', 8, cost(BASIC)),
  ...upgradeOn(upgradeDay),
  CP2.cycle('2026-01-25', '2026-02-24', 2, cost(BUSINESS_PREMIUM)),
  credit(CB, 'customerCredit', '2026-01-10', '2026-02-09', '25.00'),
  FE.cycle('2026-01-01', '2026-01-31', 6, cost(E3)),
  FB.cycle('2026-01-05', '2026-02-04', 4, cost(BASIC)),
  NS.cycle('2026-01-16', '2026-02-15', 5, cost(BP_YM)),
  NX.cycle('2026-01-20', '2026-02-19', 6, cost(BASIC)),
];

const INVOICES: Invoice[] = [
  {
    number: 'G740002512',
    period: '2025-12',
    issued: '2026-01-07',
    asOf: '2026-01-08',
    lines: [
      CB.cycle('2025-12-10', '2026-01-09', 8, cost(BASIC), { chargeType: 'New' }),
      CP2.cycle('2025-12-25', '2026-01-24', 2, cost(BUSINESS_PREMIUM)),
      FE.cycle('2025-12-01', '2025-12-31', 6, cost(E3)),
      FB.cycle('2025-12-05', '2026-01-04', 4, cost(BASIC)),
      NS.cycle('2025-12-16', '2026-01-15', 5, cost(BP_YM)),
      NX.cycle('2025-12-20', '2026-01-19', 6, cost(BASIC), { chargeType: 'New' }),
      credit(FB, 'creditNote', '2025-12-05', '2026-01-04', '10.00'),
    ],
  },
  {
    number: 'G740002601',
    period: '2026-01',
    issued: '2026-02-07',
    asOf: '2026-02-08',
    lines: JANUARY_LINES('2026-01-22'),
  },
  {
    number: 'G740002602',
    period: '2026-02',
    issued: '2026-03-07',
    asOf: '2026-03-08',
    lines: [
      CB.cycle('2026-02-10', '2026-03-09', 3, cost(BASIC)),
      CP.cycle('2026-02-10', '2026-03-09', 5, cost(BUSINESS_PREMIUM)),
      CP2.cycle('2026-02-25', '2026-03-24', 2, cost(BUSINESS_PREMIUM)),
      // CE bought with 1 seat and raised to 3 the same day: the 1 reversed over the whole cycle.
      CE.cycle('2026-02-12', '2026-03-11', 1, cost(E3), { chargeType: 'New' }),
      ...CE.change('2026-02-12', '2026-03-11', 1, 3, cost(E3), 'addQuantity'),
      // FE upgraded to E5 on 14 Feb: same subscription id on both offers.
      FE.cycle('2026-02-01', '2026-02-28', 6, cost(E3)),
      FE.cycle('2026-02-14', '2026-02-28', 6, cost(E3), { chargeType: 'Convert', reversal: true }),
      FE5.cycle('2026-02-14', '2026-02-28', 6, cost(E5), { chargeType: 'Convert' }),
      FB.cycle('2026-02-05', '2026-03-04', 4, cost(BASIC)),
      FL.cycle('2026-02-25', '2026-03-24', 2, cost(BUSINESS_PREMIUM), { chargeType: 'New' }),
      NS.cycle('2026-02-16', '2026-03-15', 5, cost(BP_YM)),
      // NX suspended on 12 Feb: no line for its 20 Feb cycle.
      credit(NS, 'customerCredit', '2026-02-16', '2026-03-15', '12.00'),
    ],
  },
  {
    number: 'G740002603',
    period: '2026-03',
    issued: '2026-04-07',
    asOf: '2026-04-08',
    lines: [
      CB.cycle('2026-03-10', '2026-04-09', 3, cost(BASIC)),
      CP.cycle('2026-03-10', '2026-04-09', 5, cost(BUSINESS_PREMIUM)),
      ...CP2.change('2026-03-03', '2026-03-24', 2, 4, cost(BUSINESS_PREMIUM), 'addQuantity'),
      CP2.cycle('2026-03-25', '2026-04-24', 4, cost(BUSINESS_PREMIUM)),
      CE.cycle('2026-03-12', '2026-04-11', 3, cost(E3)),
      FE5.cycle('2026-03-01', '2026-03-31', 6, cost(E5)),
      // FB renewed on 5 Mar and cancelled on 8 Mar, inside the window.
      FB.cycle('2026-03-05', '2026-04-04', 4, cost(BASIC)),
      FB.cycle('2026-03-08', '2026-04-04', 4, cost(BASIC), { chargeType: 'Cancel', reversal: true }),
      // FL cancelled on 27 Feb, inside the window; Microsoft's credit comes late, on the March invoice.
      FL.cycle('2026-02-27', '2026-03-24', 2, cost(BUSINESS_PREMIUM), {
        chargeType: 'Cancel',
        reversal: true,
      }),
      // NS: its term ended on 15 Mar, no renewal. NX reactivated on 12 Mar.
      NX.cycle('2026-03-12', '2026-03-19', 6, cost(BASIC)),
      NX.cycle('2026-03-20', '2026-04-19', 6, cost(BASIC)),
      credit(FE5, 'customerCredit', '2026-03-01', '2026-03-31', '40.00'),
    ],
  },
  {
    number: 'G740002604',
    period: '2026-04',
    issued: '2026-05-07',
    asOf: '2026-05-08',
    lines: [
      CB.cycle('2026-04-10', '2026-05-09', 3, cost(BASIC)),
      CP.cycle('2026-04-10', '2026-05-09', 5, cost(BUSINESS_PREMIUM)),
      CP2.cycle('2026-04-25', '2026-05-24', 3, cost(BUSINESS_PREMIUM), { chargeType: 'renew' }),
      CE.cycle('2026-04-12', '2026-05-11', 3, cost(E3)),
      ...CE.change('2026-04-15', '2026-05-11', 3, 2, cost(E3), 'removeQuantity'),
      FE5.cycle('2026-04-01', '2026-04-30', 6, cost(E5)),
      // FN: bought and cancelled on 20 Apr: a full refund.
      FN.cycle('2026-04-20', '2026-05-19', 3, cost(BASIC), { chargeType: 'New' }),
      FN.cycle('2026-04-20', '2026-05-19', 3, cost(BASIC), { chargeType: 'cancelImmediate', reversal: true }),
      NX.cycle('2026-04-20', '2026-05-19', 6, cost(BASIC)),
      NT.cycle('2026-04-09', '2026-05-08', 10, cost(E5), { chargeType: 'trialConversion' }),
      credit(CE, 'creditNote', '2026-04-12', '2026-05-11', '30.00'),
    ],
  },
  {
    number: 'G740002605',
    period: '2026-05',
    issued: '2026-06-07',
    asOf: '2026-06-08',
    lines: [
      // CB not renewed: no line for its 10 May cycle.
      CP.cycle('2026-05-10', '2026-06-09', 5, cost(BUSINESS_PREMIUM)),
      CP2.cycle('2026-05-25', '2026-06-24', 3, cost(BUSINESS_PREMIUM)),
      CE.cycle('2026-05-12', '2026-06-11', 2, cost(E3)),
      FE5.cycle('2026-05-01', '2026-05-31', 6, cost(E5)),
      NX.cycle('2026-05-20', '2026-06-19', 6, cost(BASIC)),
      NT.cycle('2026-05-09', '2026-06-08', 10, cost(E5)),
    ],
  },
];

/** January re-issued (same number): the upgrade was on 19 Jan. */
const JANUARY_REISSUE: Invoice = { ...INVOICES[1]!, lines: JANUARY_LINES('2026-01-19') };
const REISSUE_AS_OF = '2026-03-20';
/** Autotask: the MSP approves and posts February right after syncing February's invoice. */
const POSTED_THROUGH = '2026-02-28';

// ---------------------------------------------------------------------------------------------------------------
// The spec's expectations, from the synced invoices only.

const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const firstOf = (month: string) => `${month}-01`;
const nextMonth = (month: string) => (addMonths(parsePlainDate(firstOf(month)), 1) as string).slice(0, 7);
const cents = (x: Decimal) => decimalFixed(x, 2);
const signed = (l: ReconLineSpec) => (l.reversal ? -l.quantity : l.quantity);
const NON_STANDARD = ['customerCredit', 'creditNote'];
const isNonStandard = (l: ReconLineSpec) => NON_STANDARD.includes(l.chargeType ?? '');

/**
 * seats(day) of a customer's offer (spec section 6): per subscription (its lines of this offer), the synced lines
 * covering the day, from its first synced day; after its latest charge period it carries forward, unless a synced
 * invoice of the month its next cycle starts in (or later) has no line for it: then it ended the day after.
 */
function seatsOn(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec, day: string): number {
  const lines = synced.flatMap((i) =>
    i.lines.filter((l) => l.customer === c && l.offer === offer && !isNonStandard(l)),
  );
  const lastPeriod =
    synced
      .map((i) => i.period)
      .sort()
      .at(-1) ?? '';
  let n = 0;
  for (const sub of new Set(lines.map((l) => l.subscriptionId))) {
    const mine = lines.filter((l) => l.subscriptionId === sub);
    const first = mine.map((l) => l.chargeStart).sort()[0]!;
    const last = mine
      .map((l) => l.chargeEnd)
      .sort()
      .at(-1)!;
    const at = (x: string) =>
      mine.filter((l) => l.chargeStart <= x && x <= l.chargeEnd).reduce((t, l) => t + signed(l), 0);
    if (day < first) continue;
    if (day <= last) n += at(day);
    else if (plus(last, 1).slice(0, 7) > lastPeriod) n += at(last);
  }
  return n;
}

/** The offer's retail money in a month: seat-days x retail / days of the month (exact at these prices). */
function monthMoney(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec, month: string): Decimal {
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let seatDays = 0;
  for (let d = firstOf(month); d.startsWith(month); d = plus(d, 1)) seatDays += seatsOn(synced, c, offer, d);
  return dec(seatDays)
    .times(dec(retailOf(offer)))
    .div(dim);
}

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

const OFFERS_OF = new Map<CustomerSpec, OfferSpec[]>([
  [CONTOSO, [BASIC, BUSINESS_PREMIUM, E3]],
  [FABRIKAM, [E3, E5, BASIC, BUSINESS_PREMIUM]],
  [NORTHWIND, [BP_YM, BASIC, E5]],
]);

// ---------------------------------------------------------------------------------------------------------------
// Self-check of the expectations, by hand.

describe('the expectations (spec section 6), by hand', () => {
  it('timelines of the lifecycle events', () => {
    const all = [INVOICES[0]!, JANUARY_REISSUE, ...INVOICES.slice(2)];
    const orig = INVOICES;
    // Upgrade: Basic 8 -> 3 and Premium 0 -> 5 on 22 Jan (19 Jan after the re-issue); CB not renewed: 0 from 10 May.
    expect(
      ['2026-01-21', '2026-01-22', '2026-05-09', '2026-05-10'].map((d) => seatsOn(orig, CONTOSO, BASIC, d)),
    ).toEqual([8, 3, 3, 0]);
    expect(['2026-01-18', '2026-01-19'].map((d) => seatsOn(all, CONTOSO, BASIC, d))).toEqual([8, 3]);
    // Premium: CP2 2 from 25 Dec, CP +5 on 22 Jan, CP2 +2 on 3 Mar, CP2 renewed at 3 on 25 Apr.
    expect(
      ['2025-12-24', '2025-12-25', '2026-01-22', '2026-03-03', '2026-04-24', '2026-04-25', '2026-06-30'].map(
        (d) => seatsOn(orig, CONTOSO, BUSINESS_PREMIUM, d),
      ),
    ).toEqual([0, 2, 7, 9, 9, 8, 8]);
    // E3: 3 from 12 Feb (the same-day add nets), 2 from 15 Apr.
    expect(
      ['2026-02-11', '2026-02-12', '2026-04-14', '2026-04-15'].map((d) => seatsOn(orig, CONTOSO, E3, d)),
    ).toEqual([0, 3, 3, 2]);
    // Fabrikam: E3 -> E5 on 14 Feb (same subscription id); FB cancelled 8 Mar; FN a full refund.
    expect(['2026-02-13', '2026-02-14', '2026-03-31'].map((d) => seatsOn(orig, FABRIKAM, E3, d))).toEqual([
      6, 0, 0,
    ]);
    expect(['2026-02-13', '2026-02-14', '2026-06-30'].map((d) => seatsOn(orig, FABRIKAM, E5, d))).toEqual([
      0, 6, 6,
    ]);
    expect(
      ['2026-03-07', '2026-03-08', '2026-04-20', '2026-05-19', '2026-06-01'].map((d) =>
        seatsOn(orig, FABRIKAM, BASIC, d),
      ),
    ).toEqual([4, 0, 0, 0, 0]);
    // Northwind: NS carries past 15 Mar until March's invoice says it ended; NX suspended / reactivated; NT trial.
    expect(seatsOn(orig.slice(0, 3), NORTHWIND, BP_YM, '2026-03-20')).toBe(5);
    expect(['2026-03-15', '2026-03-16'].map((d) => seatsOn(orig, NORTHWIND, BP_YM, d))).toEqual([5, 0]);
    expect(seatsOn(orig.slice(0, 2), NORTHWIND, BASIC, '2026-02-25')).toBe(6);
    expect(
      ['2026-02-19', '2026-02-20', '2026-03-11', '2026-03-12', '2026-06-30'].map((d) =>
        seatsOn(orig, NORTHWIND, BASIC, d),
      ),
    ).toEqual([6, 0, 0, 6, 6]);
    expect(['2026-04-08', '2026-04-09', '2026-06-30'].map((d) => seatsOn(orig, NORTHWIND, E5, d))).toEqual([
      0, 10, 10,
    ]);
    // Money: January Basic 8 x 21 + 3 x 10 seat-days x 4.20 = 831.60; re-issued 8 x 18 + 3 x 13 = 768.60 (-63.00).
    expect(cents(monthMoney(orig, CONTOSO, BASIC, '2026-01'))).toBe('831.60');
    expect(cents(monthMoney(all, CONTOSO, BASIC, '2026-01'))).toBe('768.60');
    // Premium January: 2 x 31 + 5 x 10 = 112 seat-days x 8.40 = 940.80; re-issued 2 x 31 + 5 x 13 = 127 -> 1066.80.
    expect(cents(monthMoney(orig, CONTOSO, BUSINESS_PREMIUM, '2026-01'))).toBe('940.80');
    expect(cents(monthMoney(all, CONTOSO, BUSINESS_PREMIUM, '2026-01'))).toBe('1066.80');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The scenario, per PSA.

const SKIPPED = 'skipped: not a standard invoice line';

interface Setup {
  customer: CustomerSpec;
  company: number;
  contract: number;
}
const CUSTOMERS = (target: ScenarioTarget): Setup[] => [
  target === 'connectwise'
    ? { customer: CONTOSO, company: CW_IDS.company, contract: CW_IDS.agreement }
    : { customer: CONTOSO, company: IDS.company, contract: IDS.contract },
  { customer: FABRIKAM, company: 600, contract: 500 },
  { customer: NORTHWIND, company: 601, contract: 501 },
];

interface RunShow {
  status: string;
  lines: { label: string; status: string; messages: { level?: string; text: string }[] }[];
}

describe.each(['autotask', 'connectwise'] as const)('%s: NCE lifecycle events over six months', (target) => {
  // biome-ignore lint/suspicious/noExplicitAny: one scenario type per target, used through the helpers below.
  let s: CliScenario<any>;
  const cw = target === 'connectwise';
  const at = !cw;
  let synced: Invoice[] = [];
  /** Autotask: the invoices as synced when February was posted (posted days keep what was written then). */
  let syncedAtPost: Invoice[] | null = null;
  /** Autotask adjustments existing when February was posted (ids). */
  let adjustmentsAtPost: Set<number> | null = null;
  const customers = CUSTOMERS(target);
  const targetFlag = cw ? ['--target', 'connectwise'] : [];

  beforeAll(async () => {
    s = await createCliScenario({
      target,
      now: '2026-01-08T09:00:00Z',
      seed: { extraCustomers: 2 },
      inProcess: true,
    } as never);
    await s.setup();
    await s.importPriceList(
      priceListFile(
        s.dir,
        [...PRICES].map(([offer, p]) => ({ offer, ...p })),
      ),
    );
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const show = (runId: string) => s.json<RunShow>('run', 'show', runId);
  const isCwCharge = (a: AdditionView) => a.serialNumber?.startsWith('billsync-charge:') === true;
  const showAddition = (a: AdditionView) =>
    `#${a.id} ${a.product} ${a.serialNumber} ${a.effectiveDate}..${a.cancelledDate ?? 'open'} q${a.quantity.toFixed()} @${a.unitPrice.toFixed()}/${a.unitCost.toFixed()}`;

  // biome-ignore lint/suspicious/noExplicitAny: the emulator's state dump.
  const emulatorState = async (): Promise<any> => (await fetch(`${s.base}/_emulator/state`)).json();

  /** What the PSA line of an offer should carry on a day. */
  function wantedUnits(c: CustomerSpec, offer: OfferSpec, day: string): number {
    if (cw) return seatsOn(synced, c, offer, firstOf(day.slice(0, 7)));
    if (syncedAtPost && day <= POSTED_THROUGH) return seatsOn(syncedAtPost, c, offer, day);
    return seatsOn(synced, c, offer, day);
  }

  /** Units per day of an offer's line on the contract, and its priced rows (price/cost when units > 0). */
  async function lineOf(
    contract: number,
    offer: OfferSpec,
  ): Promise<{ perDay: number[]; listing: string; prices: string[] }> {
    const days = eachDay(CHECK_FROM, CHECK_TO);
    if (cw) {
      const additions = (await s.readback.additions(contract)).filter(
        (a: AdditionView) => a.vendorSku === skuOf(offer) && !isCwCharge(a),
      );
      const perDay = days.map((d) =>
        Number(
          additions
            .filter(
              (a: AdditionView) => a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate),
            )
            .reduce((t: Decimal, a: AdditionView) => t.plus(a.quantity.minus(a.lessIncluded)), ZERO)
            .toFixed(),
        ),
      );
      const prices = additions
        .filter((a: AdditionView) => a.quantity.gt(ZERO))
        .map((a: AdditionView) => `${cents(a.unitPrice)}/${cents(a.unitCost)}`);
      return { perDay, listing: additions.map(showAddition).join('\n'), prices };
    }
    const lines = (await s.readback.contractServices(contract)).filter(
      (cs: { serviceName: string }) => cs.serviceName === `PC_${skuOf(offer)}`,
    );
    const perDay = days.map(() => 0);
    const rows: string[] = [];
    const prices: string[] = [];
    for (const cs of lines) {
      const segs = await s.readback.unitSegments(cs.id);
      for (const r of segs) {
        rows.push(`${r.start}..${r.end} ${r.units.toFixed()} @${r.price?.toFixed()}/${r.cost?.toFixed()}`);
        if (r.units.gt(ZERO)) prices.push(`${cents(r.price ?? ZERO)}/${cents(r.cost ?? ZERO)}`);
      }
      days.forEach((d, i) => {
        const row = segs.find((r: { start: string; end: string }) => r.start <= d && d <= r.end);
        perDay[i]! += row ? Number(row.units.toFixed()) : 0;
      });
    }
    return { perDay, listing: `${lines.length} contract service(s); rows ${rows.join(', ')}`, prices };
  }

  async function billed(contract: number, month: string): Promise<{ total: Decimal; detail: string }> {
    const bill = await s.readback.billedPerMonth(contract, month);
    if (cw)
      return {
        total: bill.total,
        detail: bill.lines
          .map(
            (l: { additionId: number; product: string | null; amount: Decimal }) =>
              `#${l.additionId} ${l.product} ${l.amount.toFixed()}`,
          )
          .join('; '),
      };
    return {
      total: bill.total,
      detail: `services ${bill.services.map((x: { serviceName: string; amount: Decimal }) => `${x.serviceName} ${x.amount.toFixed(4)}`).join(', ')}; charges ${bill.charges.map((x: { name: string; amount: Decimal }) => `${x.name} ${x.amount.toFixed(2)}`).join(', ')}`,
    };
  }

  async function lineSkus(contract: number): Promise<string[]> {
    if (cw)
      return [
        ...new Set<string>(
          (await s.readback.additions(contract))
            .filter((a: AdditionView) => !isCwCharge(a))
            .map((a: AdditionView) => a.vendorSku),
        ),
      ].sort();
    return (await s.readback.contractServices(contract))
      .map((cs: { serviceName: string }) => cs.serviceName.replace(/^PC_/, ''))
      .sort();
  }

  // -- the checks -----------------------------------------------------------------------------------------------

  async function checkLines(label: string): Promise<void> {
    const days = eachDay(CHECK_FROM, CHECK_TO);
    for (const { customer: c, contract } of customers) {
      const offers = OFFERS_OF.get(c)!;
      const skus = await lineSkus(contract);
      expect
        .soft(
          skus.filter((x) => !offers.map(skuOf).includes(x)),
          `${label} ${c.name}: no contract line for anything but its seat offers`,
        )
        .toEqual([]);
      for (const offer of offers) {
        const want = days.map((d) => [d, wantedUnits(c, offer, d)] as [string, number]);
        const { perDay, listing, prices } = await lineOf(contract, offer);
        const got = days.map((d, i) => [d, perDay[i]!] as [string, number]);
        expect
          .soft(
            got.filter(([, n], i) => n !== want[i]![1]).map(([d, n]) => `${d}: ${n}`),
            `${label} ${c.name} ${skuOf(offer)} units per day; expected ${dayRuns(want)} | actual ${dayRuns(got)}\n${listing}`,
          )
          .toEqual([]);
        expect
          .soft(
            [...new Set(prices)],
            `${label} ${c.name} ${skuOf(offer)}: retail / Microsoft's unit price on the line\n${listing}`,
          )
          .toEqual(prices.length ? [`${retailOf(offer)}/${cost(offer)}`] : []);
      }
    }
  }

  /** R-7 (Autotask): non-zero adjustments = the timeline's changes on their days; one per service and day. */
  async function checkAdjustments(label: string): Promise<void> {
    if (cw) return;
    const state = await emulatorState();
    const all = state.ContractServiceAdjustments as {
      id: number;
      contractServiceID: number;
      effectiveDate: string;
      unitChange: number;
    }[];
    if (adjustmentsAtPost) {
      const late = all.filter(
        (a) => !adjustmentsAtPost!.has(a.id) && String(a.effectiveDate).slice(0, 10) <= POSTED_THROUGH,
      );
      expect
        .soft(
          late.map((a) => `${a.contractServiceID} ${String(a.effectiveDate).slice(0, 10)} ${a.unitChange}`),
          `${label}: nothing written on a posted day`,
        )
        .toEqual([]);
    }
    for (const { customer: c, contract } of customers) {
      for (const offer of OFFERS_OF.get(c)!) {
        const ids = (await s.readback.contractServices(contract))
          .filter((cs: { serviceName: string }) => cs.serviceName === `PC_${skuOf(offer)}`)
          .map((cs: { id: number }) => cs.id);
        const mine = all.filter((a) => ids.includes(a.contractServiceID));
        const written = mine
          .filter((a) => a.unitChange !== 0)
          .map((a) => `${String(a.effectiveDate).slice(0, 10)} ${a.unitChange > 0 ? '+' : ''}${a.unitChange}`)
          .sort();
        const changes: string[] = [];
        let prev = 0;
        for (const d of eachDay(CHECK_FROM, CHECK_TO)) {
          const n = wantedUnits(c, offer, d);
          if (n !== prev) changes.push(`${d} ${n - prev > 0 ? '+' : ''}${n - prev}`);
          prev = n;
        }
        expect
          .soft(written, `${label} ${c.name} ${skuOf(offer)}: R-7 adjustments effective on the change days`)
          .toEqual(changes);
        const perDay = new Map<string, number>();
        for (const a of mine) {
          const k = `${a.contractServiceID} ${String(a.effectiveDate).slice(0, 10)}`;
          perDay.set(k, (perDay.get(k) ?? 0) + 1);
        }
        expect
          .soft(
            [...perDay].filter(([, n]) => n > 1).map(([k, n]) => `${k}: ${n}`),
            `${label} ${c.name}: same-day changes netted into one adjustment`,
          )
          .toEqual([]);
      }
    }
  }

  async function checkMoney(label: string, lastMonth: string): Promise<void> {
    for (const { customer: c, contract } of customers) {
      for (const month of monthsOf('2025-12', lastMonth)) {
        const parts = OFFERS_OF.get(c)!.map((o) => [o, monthMoney(synced, c, o, month)] as const);
        const want = parts.reduce((t, [, m]) => t.plus(m), ZERO);
        const got = await billed(contract, month);
        expect
          .soft(
            cents(got.total),
            `${label} ${c.name} ${month}: billed ${got.total.toFixed()} (${got.detail}) for ${want.toFixed()} (${parts.map(([o, m]) => `${skuOf(o)} ${m.toFixed()}`).join(', ')})`,
          )
          .toBe(cents(want));
      }
    }
  }

  /** Each non-standard line of the invoice is listed in its customer's run, skipped, with the spec's message. */
  async function checkSkipped(label: string, run: SyncOutcome, inv: Invoice): Promise<void> {
    for (const { customer: c } of customers) {
      const lines = inv.lines.filter((l) => l.customer === c && isNonStandard(l));
      const runs = run.runs.filter((r) => r.tenantId === c.tenantId);
      expect.soft(runs, `${label} ${c.name}: one run`).toHaveLength(1);
      if (runs.length !== 1) continue;
      const detail = await show(runs[0]!.runId);
      const skipped = detail.lines.filter((l) => l.messages.some((m) => m.text === SKIPPED));
      const items = detail.lines
        .map((l) => `[${l.status}] ${l.label}: ${l.messages.map((m) => m.text).join(' / ')}`)
        .join('\n');
      expect
        .soft(
          skipped.map((l) => l.status),
          `${label} ${c.name}: the non-standard lines listed as skipped; items:\n${items}`,
        )
        .toEqual(lines.map(() => 'skipped'));
    }
  }

  async function mapCustomers(): Promise<void> {
    for (const { customer, company, contract } of customers)
      await s.json(
        ...['map', customer.tenantId, '--company', String(company), '--contract', String(contract)],
        ...['--strategy', 'cost-and-retail', '--start', SYNC_START, '--sync', 'on', ...targetFlag],
      );
  }

  async function syncInvoice(inv: Invoice, asOf: string): Promise<SyncOutcome> {
    await s.importInvoice(reconFile(s.dir, inv.number, inv.lines, `${inv.number}-${asOf}.csv`), {
      period: inv.period,
      issued: inv.issued,
    });
    if (synced.length === 0) await mapCustomers();
    const products = await s.syncProducts({ asOf });
    expect(products.code, await s.explain(products)).toBe(0);
    const run = await s.syncCustomers({ asOf });
    synced = [...synced.filter((i) => i.number !== inv.number), inv].sort((a, b) =>
      a.period.localeCompare(b.period),
    );
    return run;
  }

  async function checkAll(label: string, lastMonth: string): Promise<void> {
    await checkLines(label);
    await checkAdjustments(label);
    await checkMoney(label, lastMonth);
  }

  // -- the months -----------------------------------------------------------------------------------------------

  const monthStep = (inv: Invoice) =>
    it(`invoice ${inv.number} (${inv.period}, issued ${inv.issued}) synced on ${inv.asOf}`, async () => {
      const run = await syncInvoice(inv, inv.asOf);
      const label = `after ${inv.number}`;
      expect
        .soft(
          run.runs.filter((r) => r.status === 'error').map((r) => r.customerName),
          await s.explain(run),
        )
        .toEqual([]);
      // Autotask, March: FL's late credit falls on posted days (27-28 Feb): Fabrikam's run is a warning (section 6).
      const warned = at && inv.period === '2026-03' ? [FABRIKAM.name] : [];
      expect
        .soft(
          run.runs.filter((r) => r.status === 'warning').map((r) => r.customerName),
          await s.explain(run),
        )
        .toEqual(warned);
      expect.soft(run.code, await s.explain(run)).toBe(warned.length ? 2 : 0);
      await checkSkipped(label, run, inv);
      await checkAll(label, nextMonth(inv.period));
      await expectRerunWritesNothing(s, inv.asOf);
      await checkMoney(`${label}, after the re-run`, nextMonth(inv.period));
    });

  for (const inv of INVOICES.slice(0, 3)) monthStep(inv);

  it('February closed in the PSA (Autotask: approved and posted through 28 Feb); a re-run writes nothing', async () => {
    if (at) {
      await s.approveAndPost(POSTED_THROUGH);
      syncedAtPost = [...synced];
      const state = await emulatorState();
      adjustmentsAtPost = new Set((state.ContractServiceAdjustments as { id: number }[]).map((a) => a.id));
    }
    await expectRerunWritesNothing(s, '2026-03-09');
    await checkAll('after posting February', '2026-03');
  });

  it('January re-issued on 20 Mar (the upgrade on 19 Jan, not 22 Jan): corrected, months still equal the invoices', async () => {
    const run = await syncInvoice(JANUARY_REISSUE, REISSUE_AS_OF);
    const label = 'after the January re-issue';
    expect
      .soft(
        run.runs.filter((r) => r.status === 'error').map((r) => r.customerName),
        await s.explain(run),
      )
      .toEqual([]);
    const contoso = run.runs.filter((r) => r.tenantId === CONTOSO.tenantId);
    expect
      .soft(
        contoso.map((r) => r.status),
        `${label}: Contoso is planned again`,
      )
      .not.toEqual(['no_change']);
    if (at) {
      // Spec section 6, locked days: the days it could not change are booked, and the run item says so (a warning).
      expect
        .soft(
          contoso.map((r) => r.status),
          `${label}: a warning about the posted days`,
        )
        .toEqual(['warning']);
      const charges = (await s.readback.charges(IDS.contract))
        .map((c: { date: string; amount: Decimal }) => `${c.date.slice(0, 7)} ${cents(c.amount)}`)
        .sort();
      // Basic 5 seats x 3 days x 130.20 / 31 = -63.00; Premium 5 x 3 x 260.40 / 31 = +126.00, both for January.
      expect
        .soft(charges, `${label}: January's posted days booked`)
        .toEqual(['2026-01 -63.00', '2026-01 126.00']);
    }
    for (const o of [FABRIKAM, NORTHWIND])
      expect
        .soft(
          run.runs.filter((r) => r.tenantId === o.tenantId && r.writes !== 0).map((r) => r.customerName),
          `${label}: customers the re-issue does not touch are not written`,
        )
        .toEqual([]);
    await checkAll(label, '2026-03');
    await expectRerunWritesNothing(s, REISSUE_AS_OF);
    await checkMoney(`${label}, after the re-run`, '2026-03');
  });

  for (const inv of INVOICES.slice(3)) monthStep(inv);
});
