import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { IDS } from '../support/autotask-world';
import {
  type AdditionView,
  type CliRun,
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
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
import { E3, FABRIKAM, NORTHWIND } from '../support/months-data';
import { billed } from '../support/psa-picture';

/**
 * Audit of spec section 6 "Annual seat-based" and decision 0015 over a year of Microsoft invoices, on Autotask and
 * ConnectWise, annual motion on (`program set --annual on`), every customer mapped with an annual contract
 * (Autotask Fixed Price; ConnectWise an agreement billed one time). Sync start 1 Dec 2025.
 *
 * Contoso (Sync cost and retail; a customer price rule on `P1Y:A:` Business Premium: markup 12.5 % on cost):
 *   - Business Premium in three offers at once: P1M (3 seats), P1Y:M (annual term billed monthly, 4 seats: stays on
 *     the recurring contract), P1Y:A (annual billing: only on the annual contract). They must not mix.
 *   - CA: P1Y:A bought mid-month (10 Dec 2025), 5 seats; 2 seats added on 20 Jan (prorated to the term end); the
 *     January invoice is re-issued after it was synced with 3 seats added instead of 2 (one correction).
 *   - R: P1Y:A bought 16 Feb 2025 (an invoice issued before the sync start: never booked), renewed on 16 Feb 2026
 *     at Microsoft's new price (the price list rises on 1 Feb 2026): the new term is booked at the new retail.
 * Fabrikam (Only sync cost pricing; a customer rule on E3 annual that the strategy must ignore: the PSA product's
 *   price bills): FA E3 P1Y:A bought 15 Dec (2 seats); FB bought 28 Jan and cancelled on 2 Feb inside the
 *   7-day window (a credit); FA +1 seat on 10 Mar while the annual motion is OFF (skipped), the motion ON again
 *   for the April invoice: the March addition is booked then, once.
 * Northwind (Don't sync any pricing: the PSA product's price): P1Y:M Business Premium 3 seats; NCO P1Y:A bought
 *   12 Dec co-termed to 31 Mar (a stub term, prorated by Microsoft) and renewed on 1 Apr for a year at the new
 *   price; the approval threshold (50 %) is on for the April invoice: an annual charge of 1,108.80 against a
 *   monthly value of 69.30 waits for approval; approved, it is booked once.
 *
 * Decision 0015: each annual line books subtotal x retail / Microsoft unit price (half up to cents) as a one-time
 * charge, per product and month of charge start, dated to that month's earliest charge start; the retail is the
 * price list's annual retail under price rules at the charge date (cost and retail), or the PSA product's price
 * (other strategies). A re-plan books nothing; a corrected re-issue books only the difference.
 *
 * After every month: each annual contract's bookings and money per month equal the invoices' annual lines, the
 * recurring contracts carry only the monthly-billed offers (units per day, money per month) and no charge, and a
 * re-run writes nothing.
 */

// ---------------------------------------------------------------------------------------------------------------
// Offers and prices.

const BP_M: OfferSpec = { ...BUSINESS_PREMIUM, term: 'P1Y', billingPlan: 'Monthly' };
const BP_A: OfferSpec = { ...BUSINESS_PREMIUM, term: 'P1Y', billingPlan: 'Annual' };
const E3_A: OfferSpec = { ...E3, term: 'P1Y', billingPlan: 'Annual' };
const skuOf = (o: OfferSpec) =>
  `${o.term === 'P1Y' ? (o.billingPlan === 'Annual' ? 'P1Y:A:' : 'P1Y:M:') : ''}${o.productId}:${o.skuId}`;

/** Monthly-billed offers: cost and retail per seat and month (no change over the scenario). */
const MONTHLY_PRICES = new Map<OfferSpec, { cost: string; erp: string }>([
  [BUSINESS_PREMIUM, { cost: '22.00', erp: '24.20' }],
  [BP_M, { cost: '20.79', erp: '23.10' }],
]);
/** Microsoft's Business Premium annual price rises by 5 % on 1 Feb 2026. */
const PRICE_RISE = '2026-02-01';
/** Annual-billed offers: cost and list retail per seat and year, by the day. */
function annualPrice(offer: OfferSpec, day: string): { cost: string; erp: string } {
  if (offer === E3_A) return { cost: '248.40', erp: '276.00' };
  return day < PRICE_RISE ? { cost: '237.60', erp: '264.00' } : { cost: '249.48', erp: '277.20' };
}
const CONTOSO_MARKUP = '12.5';
const FABRIKAM_MARKUP = '50';

const AT_ANNUAL = { contoso: 1060, fabrikam: 1061, northwind: 1062 };
const CW_ANNUAL = { contoso: 1050, fabrikam: 1051, northwind: 1052 };

interface Who {
  customer: CustomerSpec;
  strategy: 'cost-and-retail' | 'cost-only' | 'none';
  /** The monthly-billed offers on the recurring contract and their seats (constant, calendar cycles). */
  monthly: [OfferSpec, number][];
  at: { company: number; contract: number; annual: number };
  cw: { company: number; contract: number; annual: number };
}
const WHO: Who[] = [
  {
    customer: CONTOSO,
    strategy: 'cost-and-retail',
    monthly: [
      [BUSINESS_PREMIUM, 3],
      [BP_M, 4],
    ],
    at: { company: IDS.company, contract: IDS.contract, annual: AT_ANNUAL.contoso },
    cw: { company: CW_IDS.company, contract: CW_IDS.agreement, annual: CW_ANNUAL.contoso },
  },
  {
    customer: FABRIKAM,
    strategy: 'cost-only',
    monthly: [],
    at: { company: 600, contract: 500, annual: AT_ANNUAL.fabrikam },
    cw: { company: 600, contract: 500, annual: CW_ANNUAL.fabrikam },
  },
  {
    customer: NORTHWIND,
    strategy: 'none',
    monthly: [[BP_M, 3]],
    at: { company: 601, contract: 501, annual: AT_ANNUAL.northwind },
    cw: { company: 601, contract: 501, annual: CW_ANNUAL.northwind },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// The invoices.

const SUB = {
  cp1m: 'a1000000-0000-4000-8000-00000000c1m0',
  cm: 'a1000000-0000-4000-8000-00000000c0m0',
  ca: 'a1000000-0000-4000-8000-00000000c0a0',
  r: 'a1000000-0000-4000-8000-00000000c0r0',
  fa: 'a1000000-0000-4000-8000-00000000f0a0',
  fb: 'a1000000-0000-4000-8000-00000000f0b0',
  nm: 'a1000000-0000-4000-8000-00000000n0m0',
  nco: 'a1000000-0000-4000-8000-0000000n0c00',
};

/** A monthly-billed line for a calendar month. */
function monthlyLine(
  c: CustomerSpec,
  offer: OfferSpec,
  sub: string,
  month: string,
  seats: number,
): ReconLineSpec {
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  const cost = MONTHLY_PRICES.get(offer)!.cost;
  return {
    customer: c,
    offer,
    subscriptionId: sub,
    subscriptionStart: '2025-12-01',
    ...(offer.term === 'P1Y' ? { subscriptionEnd: '2026-11-30' } : {}),
    chargeStart: `${month}-01`,
    chargeEnd: `${month}-${last}`,
    quantity: seats,
    unitPrice: cost,
    effectiveUnitPrice: cost,
    subtotal: decimalFixed(dec(cost).times(seats), 2),
  };
}

/** An annual-billed line with Microsoft's explicit amounts (unit price per seat and year, prorated price, subtotal). */
function annualLine(
  c: CustomerSpec,
  offer: OfferSpec,
  sub: string,
  term: [string, string],
  l: { type: string; start: string; quantity: number; unitPrice: string; eup: string; subtotal: string },
): ReconLineSpec {
  return {
    customer: c,
    offer,
    subscriptionId: sub,
    subscriptionStart: term[0],
    subscriptionEnd: term[1],
    chargeType: l.type,
    chargeStart: l.start,
    chargeEnd: term[1],
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    effectiveUnitPrice: l.eup,
    subtotal: l.subtotal,
    reversal: l.subtotal.startsWith('-'),
  };
}

/** Everyone's monthly-billed lines of a month. */
const monthlyLines = (month: string): ReconLineSpec[] => [
  monthlyLine(CONTOSO, BUSINESS_PREMIUM, SUB.cp1m, month, 3),
  monthlyLine(CONTOSO, BP_M, SUB.cm, month, 4),
  monthlyLine(NORTHWIND, BP_M, SUB.nm, month, 3),
];

interface Invoice {
  number: string;
  period: string;
  issued: string;
  asOf: string;
  lines: ReconLineSpec[];
}

const CA_TERM: [string, string] = ['2025-12-10', '2026-12-09'];
const FA_TERM: [string, string] = ['2025-12-15', '2026-12-14'];
const FB_TERM: [string, string] = ['2026-01-28', '2027-01-27'];

/** Issued 7 Mar 2025, before the sync start: R's first term. Never synced. */
const HISTORY: Invoice = {
  number: 'G800002502',
  period: '2025-02',
  issued: '2025-03-07',
  asOf: '2025-03-08',
  lines: [
    annualLine(CONTOSO, BP_A, SUB.r, ['2025-02-16', '2026-02-15'], {
      type: 'new',
      start: '2025-02-16',
      quantity: 10,
      unitPrice: '237.60',
      eup: '237.60',
      subtotal: '2376.00',
    }),
  ],
};

/** January's addition to CA: 2 seats from 20 Jan to 9 Dec (324 of 365 days): ROUNDDOWN(237.60 x 324 / 365, 2). */
const caAddition = (quantity: number) =>
  annualLine(CONTOSO, BP_A, SUB.ca, CA_TERM, {
    type: 'addQuantity',
    start: '2026-01-20',
    quantity,
    unitPrice: '237.60',
    eup: '210.91',
    subtotal: decimalFixed(dec('210.91').times(quantity), 2),
  });

const DECEMBER: Invoice = {
  number: 'G800002512',
  period: '2025-12',
  issued: '2026-01-07',
  asOf: '2026-01-08',
  lines: [
    ...monthlyLines('2025-12'),
    // CA: 5 seats bought on 10 Dec for a year, billed in full: 5 x 237.60.
    annualLine(CONTOSO, BP_A, SUB.ca, CA_TERM, {
      type: 'new',
      start: '2025-12-10',
      quantity: 5,
      unitPrice: '237.60',
      eup: '237.60',
      subtotal: '1188.00',
    }),
    // FA: 2 seats of E3 annual from 15 Dec: 2 x 248.40.
    annualLine(FABRIKAM, E3_A, SUB.fa, FA_TERM, {
      type: 'new',
      start: '2025-12-15',
      quantity: 2,
      unitPrice: '248.40',
      eup: '248.40',
      subtotal: '496.80',
    }),
    // NCO: 4 seats from 12 Dec co-termed to 31 Mar (110 days): ROUNDDOWN(237.60 x 110 / 365, 2) = 71.60 a seat.
    annualLine(NORTHWIND, BP_A, SUB.nco, ['2025-12-12', '2026-03-31'], {
      type: 'new',
      start: '2025-12-12',
      quantity: 4,
      unitPrice: '237.60',
      eup: '71.60',
      subtotal: '286.40',
    }),
  ],
};

const JANUARY: Invoice = {
  number: 'G800002601',
  period: '2026-01',
  issued: '2026-02-07',
  asOf: '2026-02-08',
  lines: [
    ...monthlyLines('2026-01'),
    caAddition(2),
    // FB: 1 seat of E3 annual bought on 28 Jan.
    annualLine(FABRIKAM, E3_A, SUB.fb, FB_TERM, {
      type: 'new',
      start: '2026-01-28',
      quantity: 1,
      unitPrice: '248.40',
      eup: '248.40',
      subtotal: '248.40',
    }),
  ],
};

const FEBRUARY: Invoice = {
  number: 'G800002602',
  period: '2026-02',
  issued: '2026-03-07',
  asOf: '2026-03-08',
  lines: [
    ...monthlyLines('2026-02'),
    // R renewed on 16 Feb for a year at the new price: 10 x 249.48.
    annualLine(CONTOSO, BP_A, SUB.r, ['2026-02-16', '2027-02-15'], {
      type: 'renew',
      start: '2026-02-16',
      quantity: 10,
      unitPrice: '249.48',
      eup: '249.48',
      subtotal: '2494.80',
    }),
    // FB cancelled on 2 Feb, inside the window: 360 of 365 days refunded, ROUNDDOWN(248.40 x 360 / 365, 2).
    annualLine(FABRIKAM, E3_A, SUB.fb, FB_TERM, {
      type: 'Cancel',
      start: '2026-02-02',
      quantity: 1,
      unitPrice: '248.40',
      eup: '244.99',
      subtotal: '-244.99',
    }),
  ],
};

/** January re-issued after it was synced: Microsoft added 3 seats to CA on 20 Jan, not 2. */
const JANUARY_CORRECTED: Invoice = {
  ...JANUARY,
  lines: JANUARY.lines.map((l) => (l.subscriptionId === SUB.ca ? caAddition(3) : l)),
};

const MARCH: Invoice = {
  number: 'G800002603',
  period: '2026-03',
  issued: '2026-04-07',
  asOf: '2026-04-08',
  lines: [
    ...monthlyLines('2026-03'),
    // FA +1 seat from 10 Mar to 14 Dec (280 days): ROUNDDOWN(248.40 x 280 / 365, 2). Synced with the motion OFF.
    annualLine(FABRIKAM, E3_A, SUB.fa, FA_TERM, {
      type: 'addQuantity',
      start: '2026-03-10',
      quantity: 1,
      unitPrice: '248.40',
      eup: '190.55',
      subtotal: '190.55',
    }),
  ],
};

const APRIL: Invoice = {
  number: 'G800002604',
  period: '2026-04',
  issued: '2026-05-07',
  asOf: '2026-05-08',
  lines: [
    ...monthlyLines('2026-04'),
    // NCO renewed on 1 Apr for a year at the new price: 4 x 249.48.
    annualLine(NORTHWIND, BP_A, SUB.nco, ['2026-04-01', '2027-03-31'], {
      type: 'renew',
      start: '2026-04-01',
      quantity: 4,
      unitPrice: '249.48',
      eup: '249.48',
      subtotal: '997.92',
    }),
  ],
};

/** A quiet month: no annual line; nothing more is booked (annual subscriptions are not billed monthly). */
const MAY: Invoice = {
  number: 'G800002605',
  period: '2026-05',
  issued: '2026-06-07',
  asOf: '2026-06-08',
  lines: monthlyLines('2026-05'),
};

// ---------------------------------------------------------------------------------------------------------------
// The expectations, from the invoices, the spec and decision 0015 only.

const cents = (x: Decimal) => decimalFixed(x, 2);
/** Half up (away from zero) to cents. */
const halfUp = (x: Decimal) =>
  x
    .abs()
    .round(2, 1)
    .times(x.lt(ZERO) ? dec(-1) : dec(1));
const isAnnual = (l: ReconLineSpec) => l.offer?.billingPlan === 'Annual' && l.offer.term === 'P1Y';

/**
 * The customer's retail per seat and year for an annual line charged on `day`, booked by a sync on `asOf`
 * (decision 0015): cost and retail: the price list's annual retail at the charge date under the customer's rule
 * (Contoso: cost x 1.125, half up); other strategies: the PSA product's price, which the product sync keeps at the
 * list retail of the sync day (Fabrikam's own rule does not move the product).
 */
function retailPerSeat(w: Who, offer: OfferSpec, day: string, asOf: string): Decimal {
  if (w.strategy === 'cost-and-retail')
    return dec(annualPrice(offer, day).cost)
      .times(dec(1).plus(dec(CONTOSO_MARKUP).div(100)))
      .round(2, 1);
  return dec(annualPrice(offer, asOf).erp);
}

interface Booking {
  date: string;
  amount: string;
}

/**
 * The bookings on a customer's annual contract after a sequence of syncs. Each sync sees the invoices synced so
 * far (the latest version of each number) and whether the annual motion was on; per annual product and month of
 * charge start it books the month's retail (each line's subtotal x retail / unit price, half up) minus what is
 * booked already, dated to the month's earliest charge start. A month once booked keeps its price (the PSA product
 * price of the day it was booked): a later product price change books nothing.
 */
function expectedBookings(
  w: Who,
  steps: readonly { invoices: readonly Invoice[]; asOf: string; annual: boolean }[],
) {
  const out: Booking[] = [];
  const priced = new Map<string, string>(); // offer|month -> asOf that first booked it
  const booked = new Map<string, Decimal>();
  for (const step of steps) {
    if (!step.annual) continue;
    const byNumber = new Map(step.invoices.map((i) => [i.number, i]));
    const lines = [...byNumber.values()].flatMap((i) =>
      i.lines.filter((l) => l.customer === w.customer && isAnnual(l)),
    );
    const groups = new Map<string, { offer: OfferSpec; first: string; lines: ReconLineSpec[] }>();
    for (const l of lines) {
      const k = `${skuOf(l.offer!)}|${l.chargeStart.slice(0, 7)}`;
      const g = groups.get(k) ?? { offer: l.offer!, first: l.chargeStart, lines: [] };
      g.lines.push(l);
      if (l.chargeStart < g.first) g.first = l.chargeStart;
      groups.set(k, g);
    }
    for (const [k, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      if (!priced.has(k)) priced.set(k, step.asOf);
      const total = g.lines.reduce(
        (t, l) =>
          t.plus(
            halfUp(
              dec(l.subtotal!)
                .times(retailPerSeat(w, g.offer, l.chargeStart, priced.get(k)!))
                .div(dec(l.unitPrice)),
            ),
          ),
        ZERO,
      );
      const diff = total.minus(booked.get(k) ?? ZERO);
      if (diff.eq(ZERO)) continue;
      booked.set(k, total);
      out.push({ date: g.first, amount: cents(diff) });
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || Number(a.amount) - Number(b.amount));
}

// The scenario's steps: which invoices are synced, on which day, with the annual motion on or off.
const STEPS = [
  { key: 'December', invoice: DECEMBER, annual: true, threshold: false },
  { key: 'January', invoice: JANUARY, annual: true, threshold: false },
  { key: 'February', invoice: FEBRUARY, annual: true, threshold: false },
  {
    key: 'January re-issued',
    invoice: JANUARY_CORRECTED,
    annual: true,
    threshold: false,
    asOf: '2026-03-10',
  },
  { key: 'March (annual motion off)', invoice: MARCH, annual: false, threshold: false },
  { key: 'April (motion on again, approval threshold 50 %)', invoice: APRIL, annual: true, threshold: true },
  { key: 'May', invoice: MAY, annual: true, threshold: false },
] as const;
const asOfOf = (i: number) => (STEPS[i] as { asOf?: string }).asOf ?? STEPS[i]!.invoice.asOf;
const stepsThrough = (n: number) =>
  STEPS.slice(0, n + 1).map((s, i) => ({
    invoices: STEPS.slice(0, i + 1).map((x) => x.invoice),
    asOf: asOfOf(i),
    annual: s.annual,
  }));

describe('the expectations (decision 0015), by hand', () => {
  it('bookings per customer after the whole year', () => {
    const all = stepsThrough(STEPS.length - 1);
    // Contoso: 1188.00 x 267.30 / 237.60; 421.82 x 1.125 = 474.5475; 2494.80 x 280.67 / 249.48 (249.48 x 1.125 =
    // 280.665 -> 280.67); re-issue 632.73 x 1.125 = 711.82125 -> 711.82, 237.27 more than booked.
    expect(expectedBookings(WHO[0]!, all)).toEqual([
      { date: '2025-12-10', amount: '1336.50' },
      { date: '2026-01-20', amount: '237.27' },
      { date: '2026-01-20', amount: '474.55' },
      { date: '2026-02-16', amount: '2806.70' },
    ]);
    // Fabrikam at the product's 276.00 (not its own rule's 372.60): 552.00, 276.00, -244.99 x 276 / 248.40 =
    // -272.21, and 190.55 x 276 / 248.40 = 211.72 once the motion is on again.
    expect(expectedBookings(WHO[1]!, all)).toEqual([
      { date: '2025-12-15', amount: '552.00' },
      { date: '2026-01-28', amount: '276.00' },
      { date: '2026-02-02', amount: '-272.21' },
      { date: '2026-03-10', amount: '211.72' },
    ]);
    // Northwind at the product's price: 286.40 x 264 / 237.60 = 318.22 (booked on 8 Jan), 997.92 x 277.20 / 249.48.
    expect(expectedBookings(WHO[2]!, all)).toEqual([
      { date: '2025-12-12', amount: '318.22' },
      { date: '2026-04-01', amount: '1108.80' },
    ]);
    // While the motion is off, March's addition is not booked.
    expect(expectedBookings(WHO[1]!, stepsThrough(4)).map((b) => b.date)).not.toContain('2026-03-10');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The scenario, per PSA.

const monthsOf = (from: string, to: string) => {
  const out: string[] = [];
  for (let m = from; m <= to; ) {
    out.push(m);
    const [y, mo] = m.split('-').map(Number) as [number, number];
    m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  }
  return out;
};

interface RunShow {
  status: string;
  lines: { label: string; status: string; messages: { level?: string; text: string }[] }[];
}

describe.each(['autotask', 'connectwise'] as const)('%s: annual subscriptions over a year', (target) => {
  // biome-ignore lint/suspicious/noExplicitAny: one scenario type per target, used through the helpers below.
  let s: CliScenario<any>;
  const cw = target === 'connectwise';
  const ids = (w: Who) => (cw ? w.cw : w.at);
  const targetFlag = cw ? ['--target', 'connectwise'] : [];

  beforeAll(async () => {
    s = await createCliScenario({
      target,
      now: '2026-01-08T09:00:00Z',
      seed: { extraCustomers: 2 },
      inProcess: true,
      editSeed: (seed: never) => {
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
          for (const w of WHO) {
            const base = x.agreements.find((a: { id: number }) => a.id === w.cw.contract);
            x.agreements.push({
              ...base,
              id: w.cw.annual,
              name: `${w.customer.name} annual licences`,
              type: { id: 9 },
              billingCycle: { id: 5 },
            });
          }
        } else {
          for (const w of WHO) {
            const base = x.Contracts.find((c: { id: number }) => c.id === w.at.contract);
            x.Contracts.push({
              ...base,
              id: w.at.annual,
              contractName: `${w.customer.name} annual licences`,
              contractType: 3,
              contractPeriodType: null,
            });
          }
        }
      },
    } as never);
    await s.setup(['--annual', 'on']);
    await s.importPriceList(
      priceListFile(s.dir, [
        { offer: BUSINESS_PREMIUM, ...MONTHLY_PRICES.get(BUSINESS_PREMIUM)! },
        { offer: BP_M, ...MONTHLY_PRICES.get(BP_M)! },
        { offer: BP_A, ...annualPrice(BP_A, '2025-01-01'), end: '2026-01-31' },
        { offer: BP_A, ...annualPrice(BP_A, PRICE_RISE), start: PRICE_RISE, changed: true },
        { offer: E3_A, ...annualPrice(E3_A, '2025-01-01') },
      ]),
    );
    // The pre-history invoice (issued before the sync start) and December: the customers are known from them.
    for (const inv of [HISTORY, DECEMBER])
      await s.importInvoice(reconFile(s.dir, inv.number, inv.lines), {
        period: inv.period,
        issued: inv.issued,
      });
    for (const w of WHO) {
      const { company, contract, annual } = ids(w);
      await s.json(
        ...['map', w.customer.tenantId, '--company', String(company), '--contract', String(contract)],
        ...['--strategy', w.strategy, '--start', '2025-12-01', '--sync', 'on'],
        ...['--annual-contract', String(annual), ...targetFlag],
      );
    }
    // Contoso's own annual price: 12.5 % on cost; Fabrikam's (ignored: it syncs cost only): 50 % on cost.
    for (const [c, markup, sku] of [
      [CONTOSO, CONTOSO_MARKUP, skuOf(BP_A)],
      [FABRIKAM, FABRIKAM_MARKUP, skuOf(E3_A)],
    ] as const)
      await s.json(
        ...['rules', 'add', '--customer', c.tenantId, '--sku', sku, '--basis', 'cost', '--markup', markup],
        ...['--from', '2025-01-01', '--as-of', '2026-01-08'],
      );
  }, 90_000);
  afterAll(async () => {
    await s?.close();
  });

  // -- PSA readback ---------------------------------------------------------------------------------------------

  const isCwCharge = (a: AdditionView) => a.serialNumber?.startsWith('billsync-charge:') === true;

  /** The one-time charges on a contract: date and amount, sorted. */
  async function charges(contract: number): Promise<Booking[]> {
    const list: Booking[] = cw
      ? (await s.readback.additions(contract)).filter(isCwCharge).map((a: AdditionView) => ({
          date: a.effectiveDate,
          amount: cents(a.quantity.times(a.unitPrice)),
        }))
      : (await s.readback.charges(contract)).map((c: { date: string; amount: Decimal }) => ({
          date: c.date,
          amount: cents(c.amount),
        }));
    return list.sort((a, b) => a.date.localeCompare(b.date) || Number(a.amount) - Number(b.amount));
  }

  /** The SKU codes of the contract's lines (Autotask contract services; ConnectWise additions that are no charge). */
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

  /** Units per day of an offer's line on the recurring contract. */
  async function unitsPerDay(
    contract: number,
    offer: OfferSpec,
    days: string[],
  ): Promise<[string, number][]> {
    if (cw) {
      const additions = (await s.readback.additions(contract)).filter(
        (a: AdditionView) => a.vendorSku === skuOf(offer) && !isCwCharge(a),
      );
      return days.map((d) => [
        d,
        Number(
          additions
            .filter(
              (a: AdditionView) => a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate),
            )
            .reduce((t: Decimal, a: AdditionView) => t.plus(a.quantity.minus(a.lessIncluded)), ZERO)
            .toFixed(),
        ),
      ]);
    }
    const lines = (await s.readback.contractServices(contract)).filter(
      (cs: { serviceName: string }) => cs.serviceName === `PC_${skuOf(offer)}`,
    );
    const perDay = days.map((d): [string, number] => [d, 0]);
    for (const cs of lines) {
      const segs = await s.readback.unitSegments(cs.id);
      perDay.forEach((p) => {
        const row = segs.find((r: { start: string; end: string }) => r.start <= p[0] && p[0] <= r.end);
        p[1] += row ? Number(row.units.toFixed()) : 0;
      });
    }
    return perDay;
  }

  // -- the checks -----------------------------------------------------------------------------------------------

  async function checkMonth(label: string, n: number, period: string): Promise<void> {
    const steps = stepsThrough(n);
    for (const w of WHO) {
      const { contract, annual } = ids(w);
      const want = expectedBookings(w, steps);
      // The annual contract: its bookings, and what it bills = the bookings (Autotask: each month the charges dated
      // in it; ConnectWise: a one-time agreement bills its additions once, in its single billing period).
      expect
        .soft(await charges(annual), `${label} ${w.customer.name}: bookings on the annual contract`)
        .toEqual(want);
      if (cw) {
        const all = want.reduce((t, b) => t.plus(dec(b.amount)), ZERO);
        const bills = await s.readback.billing(annual, '2025-01', '2027-12');
        const total = bills.reduce((t: Decimal, b: { total: Decimal }) => t.plus(b.total), ZERO);
        expect
          .soft(cents(total), `${label} ${w.customer.name}: the one-time agreement bills, in all`)
          .toBe(cents(all));
      } else
        for (const month of monthsOf('2025-12', period)) {
          const m = want
            .filter((b) => b.date.startsWith(month))
            .reduce((t, b) => t.plus(dec(b.amount)), ZERO);
          expect
            .soft(
              cents(await billed(s, annual, month)),
              `${label} ${w.customer.name}: annual contract bills in ${month}`,
            )
            .toBe(cents(m));
        }
      // The recurring contract: only the monthly-billed offers, never a charge, never an annual-billed line.
      expect
        .soft(await lineSkus(contract), `${label} ${w.customer.name}: recurring contract lines`)
        .toEqual(w.monthly.map(([o]) => skuOf(o)).sort());
      expect
        .soft(await charges(contract), `${label} ${w.customer.name}: recurring contract charges`)
        .toEqual([]);
      const days = eachDay('2025-11-01', `${period}-28`);
      for (const [offer, seats] of w.monthly) {
        const got = await unitsPerDay(contract, offer, days);
        const wantUnits = days.map((d): [string, number] => [d, d >= '2025-12-01' ? seats : 0]);
        expect
          .soft(dayRuns(got), `${label} ${w.customer.name} ${skuOf(offer)} units per day`)
          .toBe(dayRuns(wantUnits));
      }
      // Money per month: the monthly offers' seats x retail (whole calendar months; every strategy's price is the
      // list retail here: the PSA product carries it), nothing from the annual subscriptions.
      for (const month of monthsOf('2025-11', period)) {
        const m =
          month < '2025-12'
            ? ZERO
            : w.monthly.reduce((t, [o, seats]) => t.plus(dec(MONTHLY_PRICES.get(o)!.erp).times(seats)), ZERO);
        expect
          .soft(
            cents(await billed(s, contract, month)),
            `${label} ${w.customer.name}: recurring contract bills in ${month}`,
          )
          .toBe(cents(m));
      }
    }
  }

  const show = (runId: string) => s.json<RunShow>('run', 'show', runId);
  const runOf = (o: { runs: CliRun[] }, w: Who) => o.runs.filter((r) => r.tenantId === w.customer.tenantId);

  async function approve(runId: string): Promise<{ code: number; runs: CliRun[]; text: string }> {
    const res = await s.run('--json', 'run', 'approve', runId);
    return {
      code: res.code,
      runs: res.stdout.trim().startsWith('[') ? (JSON.parse(res.stdout) as CliRun[]) : [],
      text: res.stdout + res.stderr,
    };
  }

  async function programSet(...flags: string[]): Promise<void> {
    await s.json('program', 'set', '--target', target, ...flags);
  }

  // -- the months -----------------------------------------------------------------------------------------------

  STEPS.forEach((step, n) => {
    it(`${step.key}: invoice ${step.invoice.number} synced on ${asOfOf(n)}`, async () => {
      const inv = step.invoice;
      const asOf = asOfOf(n);
      const label = `after ${step.key}`;
      if (n > 0)
        await s.importInvoice(reconFile(s.dir, inv.number, inv.lines, `${inv.number}-${n}.csv`), {
          period: inv.period,
          issued: inv.issued,
        });
      await programSet('--annual', step.annual ? 'on' : 'off');
      await programSet('--approval-threshold', step.threshold ? '50' : 'off');
      const products = await s.syncProducts({ asOf });
      expect(products.code, await s.explain(products)).toBe(0);
      const run: SyncOutcome = await s.syncCustomers({ asOf });
      expect
        .soft(
          run.runs.filter((r) => r.status === 'error').map((r) => r.customerName),
          await s.explain(run),
        )
        .toEqual([]);

      if (!step.annual) {
        // The motion off: Fabrikam's annual line is listed as skipped with its reason; nothing is booked.
        const [fab] = runOf(run, WHO[1]!);
        const detail = await show(fab!.runId);
        expect
          .soft(
            detail.lines.filter((l) => l.status === 'skipped').flatMap((l) => l.messages.map((m) => m.text)),
            `${label}: Fabrikam's annual line skipped`,
          )
          .toContain('skipped: the seat-based annual billing motion is off');
      }

      if (step.threshold) {
        // Spec section 9: an annual charge far above the monthly value (Northwind 1,108.80 against 69.30; Fabrikam
        // 211.72 against 0) waits for approval; Contoso has nothing to change.
        const statuses = (w: Who) => runOf(run, w).map((r) => [r.status, r.writes]);
        expect
          .soft(statuses(WHO[2]!), `${label}: Northwind waits for approval`)
          .toEqual([['awaiting_approval', 0]]);
        expect
          .soft(statuses(WHO[1]!), `${label}: Fabrikam waits for approval`)
          .toEqual([['awaiting_approval', 0]]);
        expect.soft(statuses(WHO[0]!), `${label}: Contoso has nothing to do`).toEqual([['no_change', 0]]);
        // Approved: written exactly as planned.
        for (const r of run.runs.filter((x) => x.status === 'awaiting_approval')) {
          const ok = await approve(r.runId);
          expect
            .soft(
              ok.runs.map((x) => x.status),
              ok.text,
            )
            .toEqual(['success']);
        }
      } else {
        expect.soft(run.code, await s.explain(run)).toBe(0);
      }

      await checkMonth(label, n, inv.period);
      await expectRerunWritesNothing(s, asOf);
      await checkMonth(`${label}, after the re-run`, n, inv.period);
    });
  });
});
