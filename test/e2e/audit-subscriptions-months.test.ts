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
import { BASIC, E3, FABRIKAM, NORTHWIND, SOFTWARE, subscription } from '../support/months-data';

/**
 * Audit of spec section 6 (seat timeline per subscription, summed per offer; carry-forward; monthly end; annual
 * motion; lines not synced), R-7 and R-10, over four Microsoft invoices (December 2025 to March 2026, issued on
 * the 7th of the next month) synced month by month through the CLI, on the Autotask and ConnectWise emulators
 * (their defaults). Sync start 1 Jan 2026: every one of the four invoices is synced.
 *
 * Prices are chosen so that a seat-day is a whole number of cents in 28-, 30- and 31-day months (retail 130.20
 * and 260.40), so "to the cent" leaves nothing to round.
 *
 * 1. Contoso, Business Premium (P1M), three subscriptions:
 *    S1 calendar cycles, 4 seats, 4 -> 6 from 15 Feb (reversal of 4 + 6 over 15-28 Feb);
 *    S2 cycles on the 15th, 3 seats, its last period 15 Jan - 14 Feb, no line on the February invoice: ended on
 *       15 Feb, the day of S1's change: the offer's timeline moves by +2 - 3 = -1 that day, one adjustment;
 *    S3 new on 20 Jan (mid-month), 2 seats, cycles on the 20th.
 * 2. Fabrikam, Office 365 E3 (P1M): F5 cycles on the 5th (5 seats), F20 on the 20th (2 seats, 2 -> 4 from 28 Jan
 *    over 28 Jan - 19 Feb); every period straddles two calendar months; F5 is missing from the March invoice:
 *    ended on 5 Mar (the day after its last period, 5 Feb - 4 Mar); each subscription carries forward after its
 *    latest known period until then.
 * 3. Lines that are not standard invoice lines, on every invoice: credit notes (ChargeType creditNote), manual
 *    adjustments (ChargeType customerCredit, reference csp-billing.md 2.2), one-off purchases (perpetual software
 *    DG7GMGF0D3SJ): each listed in its customer's run as "skipped: not a standard invoice line"; the timelines
 *    and money below ignore them, and no contract line appears for them.
 * 4. Northwind, the annual motion on (`program set --annual on`, `map --annual-contract`; decision 0015): annual
 *    lines are one-time charges on the customer's annual contract (Autotask Fixed Price; ConnectWise a one-time
 *    agreement) at `subtotal x retail / unit price`, rounded half up, dated to their charge start, nothing on the
 *    recurring contract. Business Premium annual: A1 bought 10 Dec for a year (carries to its term end: nothing
 *    more is booked); A0 bought 12 Jan co-termed to 14 Mar (a stub term) and renewed on 15 Mar (a renew line: the
 *    new term booked). Office 365 E3 annual: A2 bought 27 Jan, cancelled on 2 Feb (a Cancel line: a credit of the
 *    refunded proportion). One line per annual product and month (decision 0015 books per product and month).
 *
 * After every month: units per day on the PSA = the summed timeline (Autotask every day; ConnectWise, decision
 * 0012, every day of a month carries the seats of its 1st, the rest is money); Autotask's non-zero adjustments
 * are the timeline's changes on their days, at most one per contract service and day; each month bills the
 * timeline's money to the cent; a re-run writes nothing. Every expectation comes from the invoice data below.
 */

// ---------------------------------------------------------------------------------------------------------------
// Offers, prices, customers.

const BP_COST = '108.50';
const BP_RETAIL = '130.20';
const E3_COST = '217.00';
const E3_RETAIL = '260.40';
const BP_ANNUAL: OfferSpec = { ...BUSINESS_PREMIUM, term: 'P1Y', billingPlan: 'Annual' };
const E3_ANNUAL: OfferSpec = { ...E3, term: 'P1Y', billingPlan: 'Annual' };
const ANNUAL_PRICES = new Map<OfferSpec, { cost: string; erp: string }>([
  [BP_ANNUAL, { cost: '237.60', erp: '264.00' }],
  [E3_ANNUAL, { cost: '248.40', erp: '276.00' }],
]);
const RETAIL = new Map<OfferSpec, string>([
  [BUSINESS_PREMIUM, BP_RETAIL],
  [E3, E3_RETAIL],
]);
/** The seat offers (P1M, monthly) of the timelines. */
const SEAT_OFFERS = [BUSINESS_PREMIUM, E3];
const skuOf = (o: OfferSpec) =>
  `${o.term === 'P1Y' ? (o.billingPlan === 'Annual' ? 'P1Y:A:' : 'P1Y:M:') : ''}${o.productId}:${o.skuId}`;

const SYNC_START = '2026-01-01';
const CHECK_FROM = '2025-11-01';
const CHECK_TO = '2026-04-30';

// Contoso (Business Premium)
const S1 = subscription(CONTOSO, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000s1', '2025-10-01');
const S2 = subscription(CONTOSO, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000s2', '2025-11-15');
const S3 = subscription(CONTOSO, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000s3', '2026-01-20');
// Fabrikam (Office 365 E3)
const F5 = subscription(FABRIKAM, E3, 'a0d10000-0000-4000-8000-0000000000f5', '2025-06-05');
const F20 = subscription(FABRIKAM, E3, 'a0d10000-0000-4000-8000-000000000f20', '2025-08-20');
// Perpetual software purchases (one-off invoice lines) and a Business Basic subscription with only a credit.
const SW = subscription(CONTOSO, SOFTWARE, 'a0d10000-0000-4000-8000-0000000000sw', '2025-12-12');
const FSW = subscription(FABRIKAM, SOFTWARE, 'a0d10000-0000-4000-8000-000000000fsw', '2026-01-09');
const BASIC_C = subscription(CONTOSO, BASIC, 'a0d10000-0000-4000-8000-00000000bas1', '2025-12-01');

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
/** A one-off purchase of perpetual software. */
const oneOff = (sub: ReturnType<typeof subscription>, day: string, amount: string): ReconLineSpec =>
  sub.cycle(day, day, 1, amount, { chargeType: 'new', effectiveUnitPrice: amount, subtotal: amount });

/** An annual-billed line of Northwind (explicit Microsoft amounts). */
function annual(
  offer: OfferSpec,
  subscriptionId: string,
  term: [string, string],
  spec: {
    chargeType: string;
    start: string;
    end: string;
    quantity: number;
    eup: string;
    subtotal: string;
  },
): ReconLineSpec {
  return {
    customer: NORTHWIND,
    offer,
    subscriptionId,
    subscriptionStart: term[0],
    subscriptionEnd: term[1],
    chargeType: spec.chargeType,
    chargeStart: spec.start,
    chargeEnd: spec.end,
    quantity: spec.quantity,
    unitPrice: ANNUAL_PRICES.get(offer)!.cost,
    effectiveUnitPrice: spec.eup,
    subtotal: spec.subtotal,
    reversal: spec.subtotal.startsWith('-'),
  };
}
const A1 = 'a0d10000-0000-4000-8000-0000000000a1';
const A0 = 'a0d10000-0000-4000-8000-0000000000a0';
const A2 = 'a0d10000-0000-4000-8000-0000000000a2';

interface Invoice {
  number: string;
  period: string;
  issued: string;
  asOf: string;
  lines: ReconLineSpec[];
}

const INVOICES: Invoice[] = [
  {
    number: 'G700002512',
    period: '2025-12',
    issued: '2026-01-07',
    asOf: '2026-01-08',
    lines: [
      S1.cycle('2025-12-01', '2025-12-31', 4, BP_COST),
      S2.cycle('2025-12-15', '2026-01-14', 3, BP_COST),
      F5.cycle('2025-12-05', '2026-01-04', 5, E3_COST),
      F20.cycle('2025-12-20', '2026-01-19', 2, E3_COST),
      credit(S1, 'creditNote', '2025-12-01', '2025-12-31', '20.00'),
      oneOff(SW, '2025-12-12', '480.00'),
      credit(F20, 'customerCredit', '2025-12-20', '2026-01-19', '15.00'),
      // A1: 5 seats for a year from 10 Dec: 5 x 237.60.
      annual(BP_ANNUAL, A1, ['2025-12-10', '2026-12-09'], {
        chargeType: 'new',
        start: '2025-12-10',
        end: '2026-12-09',
        quantity: 5,
        eup: '237.60',
        subtotal: '1188.00',
      }),
    ],
  },
  {
    number: 'G700002601',
    period: '2026-01',
    issued: '2026-02-07',
    asOf: '2026-02-08',
    lines: [
      S1.cycle('2026-01-01', '2026-01-31', 4, BP_COST),
      S2.cycle('2026-01-15', '2026-02-14', 3, BP_COST),
      S3.cycle('2026-01-20', '2026-02-19', 2, BP_COST, { chargeType: 'new' }),
      F5.cycle('2026-01-05', '2026-02-04', 5, E3_COST),
      F20.cycle('2026-01-20', '2026-02-19', 2, E3_COST),
      ...F20.change('2026-01-28', '2026-02-19', 2, 4, E3_COST),
      credit(BASIC_C, 'customerCredit', '2026-01-01', '2026-01-31', '7.20'),
      credit(F5, 'creditNote', '2026-01-05', '2026-02-04', '30.00'),
      oneOff(FSW, '2026-01-09', '960.00'),
      // A0: 4 seats from 12 Jan co-termed to 14 Mar (62 days): ROUNDDOWN(237.60 x 62 / 365, 2) = 40.35 a seat.
      annual(BP_ANNUAL, A0, ['2026-01-12', '2026-03-14'], {
        chargeType: 'new',
        start: '2026-01-12',
        end: '2026-03-14',
        quantity: 4,
        eup: '40.35',
        subtotal: '161.40',
      }),
      // A2: 3 seats of E3 annual for a year from 27 Jan: 3 x 248.40.
      annual(E3_ANNUAL, A2, ['2026-01-27', '2027-01-26'], {
        chargeType: 'new',
        start: '2026-01-27',
        end: '2027-01-26',
        quantity: 3,
        eup: '248.40',
        subtotal: '745.20',
      }),
    ],
  },
  {
    number: 'G700002602',
    period: '2026-02',
    issued: '2026-03-07',
    asOf: '2026-03-08',
    lines: [
      S1.cycle('2026-02-01', '2026-02-28', 4, BP_COST),
      ...S1.change('2026-02-15', '2026-02-28', 4, 6, BP_COST),
      // No S2 line: its next cycle (15 Feb) is not billed, it ended on 15 Feb.
      S3.cycle('2026-02-20', '2026-03-19', 2, BP_COST),
      F5.cycle('2026-02-05', '2026-03-04', 5, E3_COST),
      F20.cycle('2026-02-20', '2026-03-19', 4, E3_COST),
      oneOff(SW, '2026-02-03', '480.00'),
      credit(S3, 'creditNote', '2026-02-20', '2026-03-19', '9.99'),
      credit(F20, 'customerCredit', '2026-02-20', '2026-03-19', '44.00'),
      // A2 cancelled on 2 Feb (within the window): 359 of 365 days refunded, ROUNDDOWN(248.40 x 359 / 365, 2).
      annual(E3_ANNUAL, A2, ['2026-01-27', '2027-01-26'], {
        chargeType: 'Cancel',
        start: '2026-02-02',
        end: '2027-01-26',
        quantity: 3,
        eup: '244.31',
        subtotal: '-732.93',
      }),
    ],
  },
  {
    number: 'G700002603',
    period: '2026-03',
    issued: '2026-04-07',
    asOf: '2026-04-08',
    lines: [
      S1.cycle('2026-03-01', '2026-03-31', 6, BP_COST),
      S3.cycle('2026-03-20', '2026-04-19', 2, BP_COST),
      // No F5 line: its next cycle (5 Mar) is not billed, it ended on 5 Mar.
      F20.cycle('2026-03-20', '2026-04-19', 4, E3_COST),
      credit(S1, 'customerCredit', '2026-03-01', '2026-03-31', '12.34'),
      credit(F20, 'creditNote', '2026-03-20', '2026-04-19', '25.00'),
      oneOff(FSW, '2026-03-02', '960.00'),
      // A manual adjustment on Northwind's annual subscription: skipped, no booking.
      {
        ...annual(BP_ANNUAL, A1, ['2025-12-10', '2026-12-09'], {
          chargeType: 'customerCredit',
          start: '2026-03-01',
          end: '2026-03-31',
          quantity: 1,
          eup: '50.00',
          subtotal: '-50.00',
        }),
        unitPrice: '50.00',
      },
      // A0 renewed on 15 Mar for a year: 4 x 237.60.
      annual(BP_ANNUAL, A0, ['2026-03-15', '2027-03-14'], {
        chargeType: 'renew',
        start: '2026-03-15',
        end: '2027-03-14',
        quantity: 4,
        eup: '237.60',
        subtotal: '950.40',
      }),
    ],
  },
];

// ---------------------------------------------------------------------------------------------------------------
// The spec's expectations, from the synced invoices only.

const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const firstOf = (month: string) => `${month}-01`;
const nextMonth = (month: string) => (addMonths(parsePlainDate(firstOf(month)), 1) as string).slice(0, 7);
const cents = (x: Decimal) => decimalFixed(x, 2);
const signed = (l: ReconLineSpec) => (l.reversal ? -l.quantity : l.quantity);
const isAnnual = (l: ReconLineSpec) => l.offer?.term === 'P1Y' && l.offer.billingPlan === 'Annual';
/** Not a standard invoice line (spec section 6, "Not synced"): credit notes, manual adjustments, one-off purchases. */
const isNonStandard = (l: ReconLineSpec) =>
  l.chargeType === 'creditNote' || l.chargeType === 'customerCredit' || l.offer === SOFTWARE;
const isSeatLine = (l: ReconLineSpec) =>
  !isNonStandard(l) && !isAnnual(l) && SEAT_OFFERS.includes(l.offer ?? BUSINESS_PREMIUM);

/**
 * seats(day) of a customer's offer: per subscription the synced lines covering the day, from its first synced
 * day; after its latest charge period it carries forward, unless a synced invoice of the month its next cycle
 * starts in (or later) has no line for it: then it ended the day after its last charge period.
 */
function seatsOn(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec, day: string): number {
  const lines = synced.flatMap((i) =>
    i.lines.filter((l) => l.customer === c && l.offer === offer && isSeatLine(l)),
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

/** The offer's money in a month at retail: seat-days x retail / days of the month (exact at these prices). */
function monthMoney(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec, month: string): Decimal {
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let seatDays = 0;
  for (let d = firstOf(month); d.startsWith(month); d = plus(d, 1)) seatDays += seatsOn(synced, c, offer, d);
  return dec(seatDays)
    .times(dec(RETAIL.get(offer)!))
    .div(dim);
}

/** Decision 0015: each annual line booked at subtotal x annual retail / unit price, half up, on its charge start. */
function annualCharges(synced: readonly Invoice[]): [string, string][] {
  return synced
    .flatMap((i) => i.lines.filter((l) => l.customer === NORTHWIND && isAnnual(l) && !isNonStandard(l)))
    .map((l): [string, string] => {
      const p = ANNUAL_PRICES.get(l.offer!)!;
      const retail = dec(l.subtotal!).times(dec(p.erp)).div(dec(p.cost));
      const rounded = retail
        .abs()
        .round(2, 1)
        .times(retail.lt(ZERO) ? dec(-1) : dec(1));
      return [l.chargeStart, cents(rounded)];
    })
    .sort((a, b) => a[0].localeCompare(b[0]));
}

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Self-check of the expectations, by hand.

describe('the expectations (spec section 6), by hand', () => {
  it('timelines per offer, money per month, annual bookings', () => {
    const all = INVOICES;
    const days = [
      '2025-12-14',
      '2025-12-15',
      '2026-01-19',
      '2026-01-20',
      '2026-02-14',
      '2026-02-15',
      '2026-04-30',
    ];
    expect(days.map((d) => seatsOn(all, CONTOSO, BUSINESS_PREMIUM, d))).toEqual([4, 7, 7, 9, 9, 8, 8]);
    const fdays = [
      '2025-12-04',
      '2025-12-05',
      '2025-12-20',
      '2026-01-27',
      '2026-01-28',
      '2026-03-04',
      '2026-03-05',
    ];
    expect(fdays.map((d) => seatsOn(all, FABRIKAM, E3, d))).toEqual([0, 5, 7, 7, 9, 9, 4]);
    // Before the February invoice S2 carries forward past 14 Feb; before March F5 carries past 4 Mar.
    expect(seatsOn(all.slice(0, 2), CONTOSO, BUSINESS_PREMIUM, '2026-03-01')).toEqual(9);
    expect(seatsOn(all.slice(0, 3), FABRIKAM, E3, '2026-04-01')).toEqual(9);
    // Seat-days x 4.20 (31 days) / 4.65 (28 days): Dec 4x14 + 7x17, Jan 7x19 + 9x12, Feb 9x14 + 8x14, Mar 8x31.
    expect(
      ['2025-12', '2026-01', '2026-02', '2026-03'].map((m) =>
        cents(monthMoney(all, CONTOSO, BUSINESS_PREMIUM, m)),
      ),
    ).toEqual(['735.00', '1012.20', '1106.70', '1041.60']);
    // x 8.40 / 9.30: Dec 5x15 + 7x12, Jan 7x27 + 9x4, Feb 9x28, Mar 9x4 + 4x27.
    expect(
      ['2025-12', '2026-01', '2026-02', '2026-03'].map((m) => cents(monthMoney(all, FABRIKAM, E3, m))),
    ).toEqual(['1335.60', '1890.00', '2343.60', '1209.60']);
    // 1188.00 x 264 / 237.60; 161.40 x 264 / 237.60 = 179.333; 745.20 x 276 / 248.40; -732.93 x 10 / 9 = -814.366.
    expect(annualCharges(all)).toEqual([
      ['2025-12-10', '1320.00'],
      ['2026-01-12', '179.33'],
      ['2026-01-27', '828.00'],
      ['2026-02-02', '-814.37'],
      ['2026-03-15', '1056.00'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The scenario, per PSA.

const SKIPPED = 'skipped: not a standard invoice line';
const AT_FIXED_PRICE = 1060;
const CW_ONE_TIME = 1050;

interface Setup {
  customer: CustomerSpec;
  company: number;
  contract: number;
  offers: OfferSpec[];
}
const CUSTOMERS = (target: ScenarioTarget): Setup[] => [
  target === 'connectwise'
    ? {
        customer: CONTOSO,
        company: CW_IDS.company,
        contract: CW_IDS.agreement,
        offers: [BUSINESS_PREMIUM],
      }
    : { customer: CONTOSO, company: IDS.company, contract: IDS.contract, offers: [BUSINESS_PREMIUM] },
  { customer: FABRIKAM, company: 600, contract: 500, offers: [E3] },
  { customer: NORTHWIND, company: 601, contract: 501, offers: [] },
];

interface RunShow {
  status: string;
  lines: { label: string; status: string; messages: { level?: string; text: string }[] }[];
}

describe.each(['autotask', 'connectwise'] as const)('%s: subscriptions over four months', (target) => {
  // biome-ignore lint/suspicious/noExplicitAny: one scenario type per target, used through the helpers below.
  let s: CliScenario<any>;
  const cw = target === 'connectwise';
  const synced: Invoice[] = [];
  const customers = CUSTOMERS(target);

  beforeAll(async () => {
    s = await createCliScenario({
      target,
      now: '2026-01-08T09:00:00Z',
      seed: { extraCustomers: 2 },
      inProcess: true,
      editSeed: (seed: never) => {
        // Northwind's annual contract: ConnectWise an agreement billed one time, Autotask a Fixed Price contract.
        // biome-ignore lint/suspicious/noExplicitAny: either PSA's seed.
        const x = seed as any;
        if (cw) {
          x.billingCycles.push({ id: 5, identifier: 'OT', name: 'One Time', billingOptions: 'NotRecurring' });
          x.agreementTypes.push({
            ...x.agreementTypes[0],
            id: 9,
            name: 'Annual licences',
            billingCycle: { id: 5 },
          });
          x.agreements.push({
            ...x.agreements.find((a: { id: number }) => a.id === 501),
            id: CW_ONE_TIME,
            name: 'Northwind annual licences',
            type: { id: 9 },
            billingCycle: { id: 5 },
          });
        } else {
          x.Contracts.push({
            ...x.Contracts.find((c: { id: number }) => c.id === 501),
            id: AT_FIXED_PRICE,
            contractName: 'Northwind annual licences',
            contractType: 3,
            contractPeriodType: null,
          });
        }
      },
    } as never);
    await s.setup(['--annual', 'on']);
    await s.importPriceList(
      priceListFile(s.dir, [
        { offer: BUSINESS_PREMIUM, cost: BP_COST, erp: BP_RETAIL },
        { offer: E3, cost: E3_COST, erp: E3_RETAIL },
        { offer: BP_ANNUAL, ...ANNUAL_PRICES.get(BP_ANNUAL)! },
        { offer: E3_ANNUAL, ...ANNUAL_PRICES.get(E3_ANNUAL)! },
      ]),
    );
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const targetFlag = cw ? ['--target', 'connectwise'] : [];
  const runOf = (o: SyncOutcome, c: CustomerSpec) => o.runs.filter((r) => r.tenantId === c.tenantId);
  const show = (runId: string) => s.json<RunShow>('run', 'show', runId);

  // -- PSA readback ---------------------------------------------------------------------------------------------

  const isCwCharge = (a: AdditionView) => a.serialNumber?.startsWith('billsync-charge:') === true;
  const showAddition = (a: AdditionView) =>
    `#${a.id} ${a.product} ${a.serialNumber} ${a.effectiveDate}..${a.cancelledDate ?? 'open'} q${a.quantity.toFixed()} @${a.unitPrice.toFixed()}`;

  /** Units per day of an offer's line on the contract (Autotask: every row of its contract services). */
  async function unitsPerDay(
    contract: number,
    offer: OfferSpec,
  ): Promise<{ perDay: number[]; listing: string }> {
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
      return { perDay, listing: additions.map(showAddition).join('\n') };
    }
    const lines = (await s.readback.contractServices(contract)).filter(
      (cs: { serviceName: string }) => cs.serviceName === `PC_${skuOf(offer)}`,
    );
    const perDay = days.map(() => 0);
    const rows: string[] = [];
    for (const cs of lines) {
      const segs = await s.readback.unitSegments(cs.id);
      for (const r of segs) rows.push(`${r.start}..${r.end} ${r.units.toFixed()}`);
      days.forEach((d, i) => {
        const row = segs.find((r: { start: string; end: string }) => r.start <= d && d <= r.end);
        perDay[i]! += row ? Number(row.units.toFixed()) : 0;
      });
    }
    return { perDay, listing: `${lines.length} contract service(s); rows ${rows.join(', ')}` };
  }

  /** What the PSA bills the contract in a month (unit rows / additions prorated, plus charges). */
  async function billed(contract: number, month: string): Promise<{ total: Decimal; detail: string }> {
    const bill = await s.readback.billedPerMonth(contract, month);
    if (cw)
      return {
        total: bill.total,
        detail: bill.lines
          .map((l: { additionId: number; amount: Decimal }) => `#${l.additionId} ${l.amount.toFixed()}`)
          .join('; '),
      };
    return {
      total: bill.total,
      detail: `services ${bill.services.map((x: { amount: Decimal }) => x.amount.toFixed(4)).join(', ')}; charges ${bill.charges.map((x: { amount: Decimal }) => x.amount.toFixed(2)).join(', ')}`,
    };
  }

  /** The one-time charges booked on a contract: [date, amount], sorted. */
  async function charges(contract: number): Promise<[string, string][]> {
    const byDate = (a: [string, string], b: [string, string]) => a[0].localeCompare(b[0]);
    if (cw)
      return (await s.readback.additions(contract))
        .filter(isCwCharge)
        .map((a: AdditionView): [string, string] => [
          a.serialNumber!.slice('billsync-charge:'.length, 'billsync-charge:'.length + 10),
          cents(a.quantity.times(a.unitPrice)),
        ])
        .sort(byDate);
    return (await s.readback.charges(contract))
      .map((c: { date: string; amount: Decimal }): [string, string] => [c.date, cents(c.amount)])
      .sort(byDate);
  }

  /** The SKU codes of the contract's lines (Autotask contract services; ConnectWise line additions). */
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

  async function checkUnits(label: string): Promise<void> {
    const days = eachDay(CHECK_FROM, CHECK_TO);
    for (const { customer: c, contract, offers } of customers) {
      for (const offer of offers) {
        // ConnectWise (decision 0012): a line changes only on a 1st; every day carries the seats of its month's 1st.
        const want = days.map(
          (d) => [d, seatsOn(synced, c, offer, cw ? firstOf(d.slice(0, 7)) : d)] as [string, number],
        );
        const { perDay, listing } = await unitsPerDay(contract, offer);
        const got = days.map((d, i) => [d, perDay[i]!] as [string, number]);
        expect
          .soft(
            got.filter(([, n], i) => n !== want[i]![1]).map(([d, n]) => `${d}: ${n}`),
            `${label} ${c.name} ${skuOf(offer)} units per day; expected ${dayRuns(want)} | actual ${dayRuns(got)}\n${listing}`,
          )
          .toEqual([]);
      }
    }
  }

  /** R-7 (Autotask): non-zero adjustments = the timeline's changes on their days; one adjustment per service and day. */
  async function checkAdjustments(label: string): Promise<void> {
    if (cw) return;
    const state = (await (await fetch(`${s.base}/_emulator/state`)).json()) as {
      ContractServiceAdjustments: { contractServiceID: number; effectiveDate: string; unitChange: number }[];
    };
    for (const { customer: c, contract, offers } of customers) {
      for (const offer of offers) {
        const ids = (await s.readback.contractServices(contract))
          .filter((cs: { serviceName: string }) => cs.serviceName === `PC_${skuOf(offer)}`)
          .map((cs: { id: number }) => cs.id);
        const mine = state.ContractServiceAdjustments.filter((a) => ids.includes(a.contractServiceID));
        const written = mine
          .filter((a) => a.unitChange !== 0)
          .map((a) => `${String(a.effectiveDate).slice(0, 10)} ${a.unitChange > 0 ? '+' : ''}${a.unitChange}`)
          .sort();
        const changes: string[] = [];
        let prev = 0;
        for (const d of eachDay(CHECK_FROM, CHECK_TO)) {
          const n = seatsOn(synced, c, offer, d);
          if (n !== prev) changes.push(`${d} ${n - prev > 0 ? '+' : ''}${n - prev}`);
          prev = n;
        }
        expect
          .soft(written, `${label} ${c.name}: R-7 adjustments effective on the change days`)
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
    for (const { customer: c, contract, offers } of customers) {
      for (const month of monthsOf('2025-11', lastMonth)) {
        const want = offers.reduce((t, o) => t.plus(monthMoney(synced, c, o, month)), ZERO);
        const got = await billed(contract, month);
        expect
          .soft(
            cents(got.total),
            `${label} ${c.name} ${month}: billed ${got.total.toFixed()} (${got.detail}) for ${want.toFixed()}`,
          )
          .toBe(cents(want));
      }
    }
  }

  /** Annual: the bookings on the annual contract; nothing on Northwind's recurring contract. */
  async function checkAnnual(label: string): Promise<void> {
    const annualContract = cw ? CW_ONE_TIME : AT_FIXED_PRICE;
    expect.soft(await charges(annualContract), `${label}: annual bookings`).toEqual(annualCharges(synced));
    const northwind = customers.find((c) => c.customer === NORTHWIND)!;
    expect
      .soft(await lineSkus(northwind.contract), `${label}: Northwind's recurring contract has no line`)
      .toEqual([]);
    expect
      .soft(await charges(northwind.contract), `${label}: Northwind's recurring contract has no charge`)
      .toEqual([]);
  }

  /** Non-standard lines change nothing: the contracts have lines of the seat offers only. */
  async function checkNoExtraLines(label: string): Promise<void> {
    for (const { customer: c, contract, offers } of customers) {
      expect
        .soft(await lineSkus(contract), `${label} ${c.name}: contract lines`)
        .toEqual(offers.map(skuOf).sort());
    }
  }

  /** Each non-standard line of the invoice is listed in its customer's run, skipped, with the spec's message. */
  async function checkSkipped(label: string, run: SyncOutcome, inv: Invoice): Promise<void> {
    for (const { customer: c } of customers) {
      const lines = inv.lines.filter((l) => l.customer === c && isNonStandard(l));
      const runs = runOf(run, c);
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
      // Each one names its charge type.
      for (const l of lines)
        expect
          .soft(
            skipped.filter((x) => x.label.toLowerCase().includes(l.chargeType!.toLowerCase())).length,
            `${label} ${c.name}: a skipped item for the ${l.chargeType} line; items:\n${items}`,
          )
          .toBeGreaterThan(0);
    }
  }

  /** Maps the customers (known from the first invoice): sync start 1 Jan 2026; Northwind with its annual contract. */
  async function mapCustomers(): Promise<void> {
    for (const { customer, company, contract } of customers) {
      const annualFlag =
        customer === NORTHWIND ? ['--annual-contract', String(cw ? CW_ONE_TIME : AT_FIXED_PRICE)] : [];
      await s.json(
        ...['map', customer.tenantId, '--company', String(company), '--contract', String(contract)],
        ...[
          '--strategy',
          'cost-and-retail',
          '--start',
          SYNC_START,
          '--sync',
          'on',
          ...annualFlag,
          ...targetFlag,
        ],
      );
    }
  }

  async function syncMonth(inv: Invoice): Promise<SyncOutcome> {
    await s.importInvoice(reconFile(s.dir, inv.number, inv.lines), {
      period: inv.period,
      issued: inv.issued,
    });
    if (synced.length === 0) await mapCustomers();
    const products = await s.syncProducts({ asOf: inv.asOf });
    expect(products.code, await s.explain(products)).toBe(0);
    const run = await s.syncCustomers({ asOf: inv.asOf });
    synced.push(inv);
    return run;
  }

  // -- the months -----------------------------------------------------------------------------------------------

  for (const inv of INVOICES) {
    it(`invoice ${inv.number} (${inv.period}, issued ${inv.issued}) synced on ${inv.asOf}`, async () => {
      const run = await syncMonth(inv);
      const label = `after ${inv.number}`;
      expect
        .soft(
          run.runs.filter((r) => r.status === 'error').map((r) => r.customerName),
          await s.explain(run),
        )
        .toEqual([]);
      expect.soft(run.code, await s.explain(run)).toBe(0);
      await checkSkipped(label, run, inv);
      await checkUnits(label);
      await checkAdjustments(label);
      await checkMoney(label, nextMonth(inv.period));
      await checkAnnual(label);
      await checkNoExtraLines(label);
      await expectRerunWritesNothing(s, inv.asOf);
      await checkAnnual(`${label}, after the re-run`);
    });
  }
});
