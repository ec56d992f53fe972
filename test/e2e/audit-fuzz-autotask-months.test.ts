import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  runMessages,
  type SyncOutcome,
  showRun,
} from '../support/cli-scenario';
import {
  AZURE_PLAN_OFFER,
  BUSINESS_PREMIUM,
  type CustomerSpec,
  type OfferSpec,
  type PriceSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { BASIC, E3 } from '../support/months-data';

/**
 * Seeded fuzz audit, end to end: random month-by-month histories of an MSP's Microsoft CSP invoices, driven through
 * the real CLI (in process) against the Autotask emulator (its default switches) and a real PostgreSQL database.
 * Billing in arrears (the mapping's default), strategy "Sync cost and retail pricing" for every customer, a price rule
 * (markup on cost or on list retail, to the cent or up to .99, for one SKU or for all offers, Azure plan included) on
 * some customers (spec section 5 and 9, decision 0013).
 *
 * A history: 3-5 invoices (January 2026 onwards, issued on the 7th of the month after, synced on the 8th), 2-4
 * customers, each with 1-3 subscriptions of 2-3 offers (cycles on the 1st or another day, existing before the history
 * or new mid-month, seats added and removed on random days as Microsoft invoices them: the old quantity reversed and
 * the new one billed over the rest of the cycle, a cancellation to 0, a subscription not renewed), a customer joining
 * later, price-list changes on a 1st or mid-month (R-8), Azure plan usage of one customer in some months (R-9), an
 * invoice imported late (two months synced at once) and a re-run after re-importing an old month's file.
 *
 * The oracle is computed from the generated invoice lines and price list only (spec sections 6 and 9, decisions
 * 0006, 0008, 0013), never from billsync's code:
 * - seats(day) per subscription = the signed quantities of the synced lines covering the day; after its latest charge
 *   period it carries forward, unless the synced invoice of the month its next cycle starts in has no line for it
 *   (then 0 from the day after); per offer the sum. Contract units per day = that timeline (R-7), except on a locked
 *   day that a billsync charge names (spec section 6, "Locked days": the line is right from the next free day and the
 *   day's money is booked, with the documented warning), and at most one adjustment per contract service and day;
 * - a contract period (calendar month) is priced from its first day: the price list's retail (ERP) or the winning
 *   price rule applied to that day's cost / list retail, rounded to the cent (or up to .99); never prorated (R-8);
 * - the PSA bills per customer and month (unit rows x price x days / days of the month, plus contract charges) the
 *   seat-days x that price, plus the Azure plan usage of the month before at quantity 1 (cost x rule, half-up): to
 *   the cent; the Azure line bills the month's usage once, in the month after, and 0 after a month without usage;
 * - every mid-period change of a customer's ruled retail for an offer it is billed for is told once as
 *   `Subscription retail unit price changed from X to Y on DD MMM YYYY`; no warning is told twice;
 * - a re-run right after writes nothing.
 */

// --------------------------------------------------------------------------------------------------- the world

const OFFERS: OfferSpec[] = [BUSINESS_PREMIUM, E3, BASIC];
const BASE_PRICES = [
  { cost: '19.37', erp: '22.87' },
  { cost: '32.13', erp: '35.71' },
  { cost: '5.47', erp: '6.07' },
];
const skuOf = (o: OfferSpec) => `${o.productId}:${o.skuId}`;
const AZURE_SKU = skuOf(AZURE_PLAN_OFFER);
const MONTH0 = '2026-01-01';

const CUSTOMERS: CustomerSpec[] = ['Alder Dental', 'Birch Bakery', 'Cedar Law', 'Dogwood Clinic'].map(
  (name, i) => ({
    tenantId: `f0220000-0000-4000-8000-00000000000${i + 1}`,
    name,
    domain: `${name.toLowerCase().replace(/[^a-z]/g, '')}.onmicrosoft.com`,
    country: 'US',
  }),
);
/** A customer of the MSP that is never mapped (its lines are on every invoice, never synced). */
const ELM: CustomerSpec = {
  tenantId: 'f0220000-0000-4000-8000-0000000000e1',
  name: 'Elm Freight',
  domain: 'elmfreight.onmicrosoft.com',
  country: 'US',
};
/** The emulator's extra customers: company 600 + i with its Recurring Service contract 500 + i. */
const companyOf = (i: number) => 600 + i;
const contractOf = (i: number) => 500 + i;

const firstOf = (m: number) => addMonths(parsePlainDate(MONTH0), m) as string;
const lastOf = (m: number) => addDays(addMonths(parsePlainDate(MONTH0), m + 1), -1) as string;
const monthIndex = (day: string) => (Number(day.slice(0, 4)) - 2026) * 12 + Number(day.slice(5, 7)) - 1;
const plus = (day: string, n: number) => addDays(parsePlainDate(day), n) as string;
const dim = (m: number) => daysInMonth(Number(firstOf(m).slice(0, 4)), Number(firstOf(m).slice(5, 7)));
const halfUp = (x: Decimal) => x.round(2, 1);
const cents = (x: Decimal) => halfUp(x).toFixed(2);
const money = (n: number) => dec(n).div(100).toFixed(2);
const fmtDay = (day: string) => {
  const [y, m, d] = day.split('-');
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d} ${names[Number(m) - 1]} ${y}`;
};
/** Prices in messages: two decimals at least. */
const priceText = (x: Decimal) => {
  const plain = x.toFixed();
  return (plain.split('.')[1]?.length ?? 0) >= 2 ? plain : x.toFixed(2);
};

// --------------------------------------------------------------------------------------------------- a history

interface Change {
  month: number;
  day: number;
  seats: number;
}
interface Sub {
  offer: number;
  /** The day of the month its cycles start on. */
  anchorDay: number;
  /** The month it is bought in (a 'new' line); -1: it existed before the history. */
  startMonth: number;
  seats: number;
  changes: Change[];
  /** Not renewed: its first cycle starting in this month (or later) is not billed. */
  endMonth: number | null;
}
interface Rule {
  percent: string;
  basis: 'cost' | 'retail';
  /** An offer index (its SKU), or null: every offer (Azure plan included). */
  offer: number | null;
  rounding: 'cent' | '99';
}
interface Cust {
  subs: Sub[];
  /** Every subscription is bought in month 1 or later (the customer joins then). */
  joins: boolean;
  rule: Rule | null;
}
interface PriceStep {
  month: number;
  /** 1: a new price from the month's first day; else mid-period (R-8). */
  day: number;
  costDelta: number;
  erpDelta: number;
}
interface History {
  months: number;
  offers: number;
  customers: Cust[];
  steps: PriceStep[][];
  azure: { customer: number; usage: (number | null)[] } | null;
  /** Imported with the next month's invoice and synced together with it. */
  late: boolean[];
  /** After the month's sync: the previous month's file imported again and the customers synced again. */
  rerun: boolean[];
}

const historyArb: fc.Arbitrary<History> = fc
  .record({ months: fc.integer({ min: 3, max: 5 }), offers: fc.integer({ min: 2, max: 3 }) })
  .chain(({ months, offers }) => {
    const change = fc.record({
      month: fc.integer({ min: 0, max: months - 1 }),
      day: fc.integer({ min: 1, max: 28 }),
      seats: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 1, max: 25 }) },
        { weight: 1, arbitrary: fc.constant(0) },
      ),
    });
    const sub = fc.record({
      offer: fc.integer({ min: 0, max: offers - 1 }),
      anchorDay: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 28 })),
      startMonth: fc.oneof(
        { weight: 2, arbitrary: fc.constant(-1) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: months - 1 }) },
      ),
      seats: fc.integer({ min: 1, max: 25 }),
      changes: fc.array(change, { maxLength: 3 }),
      endMonth: fc.option(fc.integer({ min: 1, max: months - 1 }), { nil: null, freq: 4 }),
    });
    const rule = fc.record({
      percent: fc.constantFrom('7.5', '12', '17.5', '20', '33'),
      basis: fc.constantFrom('cost' as const, 'retail' as const),
      offer: fc.option(fc.integer({ min: 0, max: offers - 1 }), { nil: null }),
      rounding: fc.constantFrom('cent' as const, '99' as const),
    });
    const cust = fc.record({
      subs: fc.array(sub, { minLength: 1, maxLength: 3 }),
      joins: fc.boolean(),
      rule: fc.option(rule, { nil: null }),
    });
    const step = fc.record({
      month: fc.integer({ min: 1, max: months - 1 }),
      day: fc.oneof(fc.constant(1), fc.integer({ min: 10, max: 20 })),
      costDelta: fc.integer({ min: -60, max: 180 }),
      erpDelta: fc.integer({ min: -60, max: 200 }),
    });
    return fc.record({
      months: fc.constant(months),
      offers: fc.constant(offers),
      customers: fc.array(cust, { minLength: 2, maxLength: 4 }),
      steps: fc.tuple(...OFFERS.map(() => fc.array(step, { maxLength: 2 }))),
      azure: fc.option(
        fc.record({
          customer: fc.integer({ min: 0, max: 3 }),
          usage: fc.array(fc.option(fc.integer({ min: 1, max: 250_000 }), { nil: null, freq: 3 }), {
            minLength: months,
            maxLength: months,
          }),
        }),
        { nil: null, freq: 3 },
      ),
      late: fc.array(
        fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        {
          minLength: months,
          maxLength: months,
        },
      ),
      rerun: fc.array(
        fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        {
          minLength: months,
          maxLength: months,
        },
      ),
    });
  });

// --------------------------------------------------------------------------------------------------- prices

interface PriceWindow {
  start: string;
  cost: Decimal;
  erp: Decimal;
}

/** Per offer, the price list's windows: the base prices, then each step from its day (later steps on the same day win). */
function priceWindows(h: History): PriceWindow[][] {
  return OFFERS.map((_, o) => {
    let cost = dec(BASE_PRICES[o]!.cost);
    let erp = dec(BASE_PRICES[o]!.erp);
    const out: PriceWindow[] = [{ start: '2024-01-01', cost, erp }];
    const steps = [...(h.steps[o] ?? [])]
      .map((s) => ({ ...s, date: plus(firstOf(s.month), s.day - 1) }))
      .sort((a, b) => a.date.localeCompare(b.date));
    for (const s of steps) {
      cost = cost.plus(dec(s.costDelta).div(100));
      erp = erp.plus(dec(s.erpDelta).div(100));
      if (cost.lte(ZERO)) cost = dec('0.50');
      if (erp.lt(cost)) erp = cost;
      const last = out.at(-1)!;
      if (last.start === s.date) out.pop();
      out.push({ start: s.date, cost, erp });
    }
    return out;
  });
}

const priceOn = (windows: PriceWindow[], day: string) => [...windows].reverse().find((w) => w.start <= day)!;

function applyRule(rule: Rule, cost: Decimal, erp: Decimal): Decimal {
  const basis = rule.basis === 'cost' ? cost : erp;
  const cent = halfUp(basis.times(dec(rule.percent).plus(100)).div(100));
  if (rule.rounding === 'cent' || cent.lte(ZERO)) return cent;
  return cent.round(0, 0).plus(dec('0.99'));
}

const ruleCovers = (rule: Rule | null, offer: number | 'azure') =>
  rule !== null && (rule.offer === null || rule.offer === offer);

/** The customer's retail of an offer on a day: the winning rule on the day's cost / list retail, else the list retail. */
function retailOn(h: History, windows: PriceWindow[][], c: number, o: number, day: string): Decimal {
  const w = priceOn(windows[o]!, day);
  const rule = h.customers[c]!.rule;
  return ruleCovers(rule, o) ? applyRule(rule!, w.cost, w.erp) : w.erp;
}

/** Azure plan: the month's usage cost priced by a rule covering it (cost and list retail both the usage), else at cost. */
function azureRetail(h: History, c: number, total: Decimal): Decimal {
  const rule = h.customers[c]!.rule;
  return ruleCovers(rule, 'azure') ? applyRule(rule!, total, total) : halfUp(total);
}

// --------------------------------------------------------------------------------------------------- invoices

interface SubPlan {
  customer: number;
  offer: number;
  id: string;
  anchor: string;
  isNew: boolean;
  seats: number;
  changes: { date: string; seats: number }[];
  /** Cycle starts billed (on invoices of the history). */
  cycles: { start: string; end: string }[];
}

/** The concrete subscriptions: clamped to the history, changes only inside billed cycles, nothing after a cancellation. */
function plansOf(h: History): SubPlan[] {
  const out: SubPlan[] = [];
  h.customers.forEach((c, ci) => {
    c.subs.forEach((s, si) => {
      const startMonth = c.joins ? Math.max(1, s.startMonth) : s.startMonth;
      const anchor = plus(firstOf(startMonth < 0 ? -2 : startMonth), s.anchorDay - 1);
      const isNew = startMonth >= 0;
      const cycleOf = (day: string) => {
        for (let k = 0; ; k++) {
          const start = addMonths(parsePlainDate(anchor), k) as string;
          const end = plus(addMonths(parsePlainDate(anchor), k + 1), -1);
          if (start <= day && day <= end) return { start, end };
        }
      };
      const endDate =
        s.endMonth !== null && s.endMonth > Math.max(0, startMonth) ? firstOf(s.endMonth) : null;
      const seen = new Set<string>();
      const changes: { date: string; seats: number }[] = [];
      for (const ch of [...s.changes].sort((a, b) => a.month - b.month || a.day - b.day)) {
        const date = plus(firstOf(ch.month), ch.day - 1);
        if (date <= anchor || seen.has(date)) continue;
        const cycle = cycleOf(date);
        if (cycle.start < MONTH0) continue; // its cycle is on an invoice before the history
        if (endDate !== null && cycle.start >= endDate) continue; // not renewed by then
        if (changes.at(-1)?.seats === 0) break; // cancelled
        seen.add(date);
        changes.push({ date, seats: ch.seats });
      }
      const seatsAt = (day: string) =>
        changes.filter((x) => x.date <= day).reduce((_, x) => x.seats, s.seats);
      const cycles: { start: string; end: string }[] = [];
      for (let k = 0; ; k++) {
        const start = addMonths(parsePlainDate(anchor), k) as string;
        if (start > lastOf(h.months - 1)) break;
        if (endDate !== null && start >= endDate) break;
        if (seatsAt(start) === 0) break;
        if (start >= MONTH0) cycles.push(cycleOf(start));
      }
      out.push({
        customer: ci,
        offer: s.offer,
        id: `f0220000-0000-4000-8000-0000000${ci}${si}${s.offer}${String(s.anchorDay).padStart(2, '0')}`,
        anchor,
        isNew,
        seats: s.seats,
        // Changes after the last billed cycle cannot happen (the subscription ended).
        changes: changes.filter((x) => cycles.some((cy) => cy.start <= x.date && x.date <= cy.end)),
        cycles,
      });
    });
  });
  return out;
}

interface Line extends ReconLineSpec {
  sub: string;
  customerIndex: number;
  offerIndex: number | null;
}

/** The invoice of month m: the cycles starting in it and the seat changes made in it; the Azure usage of the month. */
function invoiceOf(h: History, plans: SubPlan[], windows: PriceWindow[][], m: number): Line[] {
  const out: Line[] = [];
  const inMonth = (day: string) => monthIndex(day) === m;
  for (const p of plans) {
    const seatsAt = (day: string) =>
      p.changes.filter((x) => x.date <= day).reduce((_, x) => x.seats, p.seats);
    const base = {
      customer: CUSTOMERS[p.customer]!,
      offer: OFFERS[p.offer]!,
      subscriptionId: p.id,
      subscriptionStart: p.anchor,
      sub: p.id,
      customerIndex: p.customer,
      offerIndex: p.offer,
    };
    for (const cy of p.cycles) {
      if (!inMonth(cy.start)) continue;
      out.push({
        ...base,
        chargeType: p.isNew && cy.start === p.anchor ? 'new' : 'cycleCharge',
        unitPrice: priceOn(windows[p.offer]!, cy.start).cost.toFixed(2),
        quantity: seatsAt(cy.start),
        chargeStart: cy.start,
        chargeEnd: cy.end,
      });
    }
    for (const ch of p.changes) {
      if (!inMonth(ch.date)) continue;
      const cy = p.cycles.find((x) => x.start <= ch.date && ch.date <= x.end)!;
      if (cy.start === ch.date) continue; // the cycle's own quantity
      const before = seatsAt(plus(ch.date, -1));
      if (before === ch.seats) continue;
      const chargeType =
        ch.seats > before ? 'addQuantity' : ch.seats === 0 ? 'cancelImmediate' : 'removeQuantity';
      const unitPrice = priceOn(windows[p.offer]!, cy.start).cost.toFixed(2);
      const common = { ...base, chargeType, unitPrice, chargeStart: ch.date, chargeEnd: cy.end };
      if (before > 0) out.push({ ...common, quantity: before, reversal: true });
      if (ch.seats > 0) out.push({ ...common, quantity: ch.seats });
    }
  }
  // An unmapped customer billed every month (never synced): no invoice of the history is empty.
  out.push({
    customer: ELM,
    offer: BUSINESS_PREMIUM,
    subscriptionId: 'f0220000-0000-4000-8000-00000000e1e1',
    subscriptionStart: '2025-06-01',
    chargeType: 'cycleCharge',
    unitPrice: priceOn(windows[0]!, firstOf(m)).cost.toFixed(2),
    quantity: 40,
    chargeStart: firstOf(m),
    chargeEnd: lastOf(m),
    sub: 'elm',
    customerIndex: -1,
    offerIndex: 0,
  });
  const usage = h.azure?.usage[m];
  if (h.azure && usage != null) {
    const c = h.azure.customer % h.customers.length;
    const total = money(usage);
    out.push({
      customer: CUSTOMERS[c]!,
      offer: AZURE_PLAN_OFFER,
      unitPrice: total,
      quantity: 1,
      subtotal: total,
      chargeStart: firstOf(m),
      chargeEnd: lastOf(m),
      sub: `azure-${c}`,
      customerIndex: c,
      offerIndex: null,
    });
  }
  return out;
}

// --------------------------------------------------------------------------------------------------- the oracle

/** Seats of one customer's offer on a day, from the synced months' lines (spec section 6). */
function seatsOn(invoices: Line[][], synced: number, c: number, o: number, day: string): number {
  const lines = invoices
    .slice(0, synced)
    .flat()
    .filter((l) => l.customerIndex === c && l.offerIndex === o);
  let n = 0;
  for (const sub of new Set(lines.map((l) => l.sub))) {
    const mine = lines.filter((l) => l.sub === sub);
    const signed = (l: Line) => (l.reversal ? -l.quantity : l.quantity);
    const at = (d: string) =>
      mine.filter((l) => l.chargeStart <= d && d <= l.chargeEnd).reduce((t, l) => t + signed(l), 0);
    const first = mine.map((l) => l.chargeStart).sort()[0]!;
    const last = mine
      .map((l) => l.chargeEnd)
      .sort()
      .at(-1)!;
    if (day < first) continue;
    if (day <= last) n += at(day);
    // After its latest period: ended when the invoice of the month its next cycle starts in is synced without it.
    else if (monthIndex(plus(last, 1)) >= synced) n += at(last);
  }
  return n;
}

interface Expect {
  /** Month index -> the customer's bill (exact). */
  bill: Map<number, Decimal>;
  detail: Map<number, string>;
}

function expectedBills(
  h: History,
  windows: PriceWindow[][],
  invoices: Line[][],
  synced: number,
  c: number,
  fromMonth: number,
): Expect {
  const bill = new Map<number, Decimal>();
  const detail = new Map<number, string>();
  for (let m = fromMonth; m < synced; m++) {
    let total = ZERO;
    const parts: string[] = [];
    for (let o = 0; o < h.offers; o++) {
      let seatDays = 0;
      for (const d of eachDay(firstOf(m), lastOf(m))) seatDays += seatsOn(invoices, synced, c, o, d);
      if (seatDays === 0) continue;
      const price = retailOn(h, windows, c, o, firstOf(m));
      total = total.plus(halfUp(dec(seatDays).times(price).div(dim(m))));
      parts.push(`${skuOf(OFFERS[o]!)} ${seatDays} seat-days x ${price.toFixed(2)} / ${dim(m)}`);
    }
    const azure = azureFor(h, invoices, synced, c, m - 1);
    if (azure && m - 1 >= fromMonth) {
      total = total.plus(azure);
      parts.push(`Azure ${azure.toFixed(2)}`);
    }
    bill.set(m, total);
    detail.set(m, parts.join(' + '));
  }
  return { bill, detail };
}

/** The Azure line's price for the month after `m` (R-9), when month m is synced; undefined: nothing to bill. */
function azureFor(h: History, invoices: Line[][], synced: number, c: number, m: number): Decimal | undefined {
  if (m < 0 || m >= synced) return undefined;
  const line = invoices[m]!.find((l) => l.customerIndex === c && l.offerIndex === null);
  return line ? azureRetail(h, c, dec(line.subtotal!)) : undefined;
}

/** Every mid-period change of the customer's ruled retail of an offer: [text, day]. */
function midPeriodChanges(h: History, windows: PriceWindow[][], c: number, o: number): [string, string][] {
  const out: [string, string][] = [];
  for (const w of windows[o]!) {
    if (w.start < MONTH0 || w.start.endsWith('-01')) continue;
    const from = retailOn(h, windows, c, o, plus(w.start, -1));
    const to = retailOn(h, windows, c, o, w.start);
    if (!from.eq(to))
      out.push([
        `Subscription retail unit price changed from ${priceText(from)} to ${priceText(to)} on ${fmtDay(w.start)}`,
        w.start,
      ]);
  }
  return out;
}

// --------------------------------------------------------------------------------------------------- driving it

interface State {
  ContractServiceAdjustments: { contractServiceID: number; effectiveDate: string; unitChange: number }[];
}

/** Runs one history end to end; returns the problems found (empty: the history passed). */
async function runHistory(
  h: History,
  log: (line: string) => void = () => {},
  notes: string[] = [],
): Promise<string[]> {
  const windows = priceWindows(h);
  const plans = plansOf(h);
  const invoices = Array.from({ length: h.months }, (_, m) => invoiceOf(h, plans, windows, m));
  const problems: string[] = [];
  const s: CliScenario = await createCliScenario({
    now: '2026-02-08T09:00:00Z',
    seed: { extraCustomers: 4 },
    inProcess: true,
  });
  try {
    await s.setup();
    const entries: PriceSpec[] = [];
    windows.forEach((ws, o) => {
      ws.forEach((w, i) => {
        const next = ws[i + 1];
        entries.push({
          offer: OFFERS[o]!,
          cost: w.cost.toFixed(2),
          erp: w.erp.toFixed(2),
          start: w.start,
          ...(next ? { end: plus(next.start, -1) } : {}),
        });
      });
    });
    await s.importPriceList(priceListFile(s.dir, entries));
    /** Customer index -> its first month (mapped). */
    const mapped = new Map<number, number>();
    const told = new Map<string, number>();
    let synced = 0;
    const asOfOf = (m: number) => plus(firstOf(m + 1), 7);
    const importMonth = async (m: number, fileName?: string) => {
      await s.importInvoice(
        reconFile(s.dir, `G88${firstOf(m).slice(0, 7).replace('-', '')}`, invoices[m]!, fileName),
        {
          period: firstOf(m).slice(0, 7),
          issued: plus(firstOf(m + 1), 6),
        },
      );
    };

    for (let m = 0; m < h.months; m++) {
      const asOf = asOfOf(m);
      await importMonth(m);
      // New customers: mapped once their first invoice is in, sync start the first day of its issue month; their rule.
      for (let c = 0; c < h.customers.length; c++) {
        if (mapped.has(c) || !invoices[m]!.some((l) => l.customerIndex === c)) continue;
        const rule = h.customers[c]!.rule;
        if (rule) {
          await s.json(
            ...['rules', 'add', '--customer', CUSTOMERS[c]!.tenantId, '--basis', rule.basis],
            ...[
              '--markup',
              rule.percent,
              '--rounding',
              rule.rounding,
              '--from',
              '2025-12-01',
              '--as-of',
              asOf,
            ],
            ...(rule.offer === null ? [] : ['--sku', skuOf(OFFERS[rule.offer]!)]),
          );
        }
        await s.map(CUSTOMERS[c]!.tenantId, {
          company: companyOf(c),
          contract: contractOf(c),
          strategy: 'cost-and-retail',
          syncStart: firstOf(m + 1),
        });
        mapped.set(c, m);
      }
      if (h.late[m] && m < h.months - 1) {
        log(`month ${m}: imported, synced with the next one`);
        continue;
      }
      const products = await s.syncProducts({ asOf });
      if (products.code !== 0)
        problems.push(`month ${m} product sync exited ${products.code}: ${await s.explain(products)}`);
      const run = await s.syncCustomers({ asOf });
      synced = m + 1;
      if (!Array.isArray(run.runs)) {
        problems.push(
          `month ${m}: sync customers exited ${run.code}: ${JSON.stringify(run.runs)} ${run.stderr}`,
        );
        break;
      }
      const label = `after syncing month ${m} (${firstOf(m).slice(0, 7)}) on ${asOf}`;
      log(
        `${label}: exit ${run.code}, ${run.runs.map((r) => `${r.customerName} ${r.status} ${r.writes}w`).join(', ')}`,
      );
      if (![0, 2].includes(run.code) || run.runs.some((r) => r.status === 'error'))
        problems.push(`${label}: customer sync exited ${run.code}: ${await s.explain(run)}`);
      await collectWarnings(s, run, told, problems, label);
      await checkPsa(s, h, windows, invoices, synced, mapped, problems, label, notes);
      const before = s.writes();
      try {
        await expectRerunWritesNothing(s, asOf);
      } catch (error) {
        problems.push(`${label}: the re-run wrote: ${(error as Error).message.slice(0, 3000)}`);
      }
      if (h.rerun[m] && m > 0) {
        // The previous month's file imported again (the same lines) and the customers synced again: nothing new.
        await importMonth(m - 1, 'again.csv');
        const again = await s.syncCustomers({ asOf });
        const wrote = again.runs.filter((r) => r.status !== 'no_change' || r.writes !== 0);
        if (again.code !== 0 || wrote.length > 0 || s.writes() !== before)
          problems.push(
            `${label}: re-importing month ${m - 1} and syncing again wrote (exit ${again.code}): ${wrote.map((r) => `${r.customerName} ${r.status} ${r.writes}`).join(', ')} ${await s.explain(again)}`,
          );
      }
      if (problems.length > 0) break;
    }
    // R-8: every mid-period change of a billed customer's ruled retail was told (once: checked per run).
    if (problems.length === 0) {
      for (const [c] of mapped) {
        for (let o = 0; o < h.offers; o++) {
          for (const [text, day] of midPeriodChanges(h, windows, c, o)) {
            if (monthIndex(day) >= synced) continue;
            const billed =
              seatsOn(invoices, synced, c, o, day) > 0 && seatsOn(invoices, synced, c, o, plus(day, -1)) > 0;
            const key = `${CUSTOMERS[c]!.name}|${text}`;
            if (billed && !told.has(key))
              problems.push(`R-8: ${CUSTOMERS[c]!.name} was never told "${text}"`);
          }
        }
      }
      // Every retail warning told names a real mid-period change of that customer's ruled retail.
      for (const key of told.keys()) {
        const [name, text] = key.split('|') as [string, string];
        if (!text.startsWith('Subscription retail')) continue;
        const c = CUSTOMERS.findIndex((x) => x.name === name);
        const real = Array.from({ length: h.offers }, (_, o) => midPeriodChanges(h, windows, c, o)).flat();
        if (!real.some(([t]) => t === text)) problems.push(`R-8: ${name} was told "${text}", no such change`);
      }
    }
  } finally {
    await s.close();
  }
  return problems;
}

/** Spec section 6, "Locked days": the day's money booked as a charge, the run item a warning that says so. */
const LOCKED_WARNING =
  /^\d{1,2} \w{3} \d{4} could not be changed \(the PSA already has a change of this line on that day\): booked a (charge|credit) of [\d.]+ \(cost -?[\d.]+\) on the contract; the line is right from \d\d \w{3} \d{4}$/;

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The days billsync's charges name ("Correction: Office 365 E3, 1, 3-5 Feb 2026"), as `title|YYYY-MM-DD`. */
function lockedDaysOf(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const m = /^(?:Correction|Credit): (.+), ([\d, -]+) (\w{3}) (\d{4})$/.exec(name);
    if (!m) continue;
    const month = String(MONTH_NAMES.indexOf(m[3]!) + 1).padStart(2, '0');
    for (const part of m[2]!.split(', ')) {
      const [a, b] = part.split('-').map(Number);
      for (let d = a!; d <= (b ?? a!); d++) out.add(`${m[1]}|${m[4]}-${month}-${String(d).padStart(2, '0')}`);
    }
  }
  return out;
}

/** The warnings of a sync's runs: R-8's texts, each told once over the history; no other warning is expected. */
async function collectWarnings(
  s: CliScenario,
  run: SyncOutcome,
  told: Map<string, number>,
  problems: string[],
  label: string,
): Promise<void> {
  for (const r of run.runs) {
    if (r.status !== 'warning') continue;
    const messages = runMessages(await showRun(s, r.runId)).filter((x) => x.startsWith('warning: '));
    for (const m of messages) {
      const text = m.slice('warning: '.length);
      if (
        /^Subscription (cost|retail) unit price changed from [\d.]+ to [\d.]+ on \d\d \w{3} \d{4}$/.test(text)
      ) {
        const key = `${r.customerName}|${text}`;
        if (told.has(key)) problems.push(`${label}: ${r.customerName} told "${text}" again`);
        told.set(key, (told.get(key) ?? 0) + 1);
      } else if (!LOCKED_WARNING.test(text))
        problems.push(`${label}: ${r.customerName}: unexpected warning "${text}"`);
    }
  }
}

/** Units per day (R-7), one adjustment per service and day, each customer's month to the cent, the Azure line (R-9). */
async function checkPsa(
  s: CliScenario,
  h: History,
  windows: PriceWindow[][],
  invoices: Line[][],
  synced: number,
  mapped: Map<number, number>,
  problems: string[],
  label: string,
  notes: string[],
): Promise<void> {
  const state = (await (await fetch(`${s.base}/_emulator/state`)).json()) as State;
  const days = eachDay(MONTH0, lastOf(synced));
  for (const [c, from] of mapped) {
    const who = `${label}, ${CUSTOMERS[c]!.name}`;
    const services = await s.readback.contractServices(contractOf(c));
    // Locked days (spec section 6, decision 0008): days the PSA could not change, named by billsync's charges.
    const charges = await s.readback.charges(contractOf(c));
    const locked = lockedDaysOf(charges.map((x) => x.name));
    // R-7: units per day of each offer's line = the seat timeline (a locked day: the line is right from the next).
    for (let o = 0; o < h.offers; o++) {
      const lines = services.filter((x) => x.serviceName === `PC_${skuOf(OFFERS[o]!)}`);
      const want = days.map((d) => [d, Math.max(0, seatsOn(invoices, synced, c, o, d))] as [string, number]);
      const got: [string, number][] = days.map((d) => [d, 0]);
      const rows: string[] = [];
      for (const cs of lines) {
        const segs = await s.readback.unitSegments(cs.id);
        rows.push(...segs.map((g) => `${g.start}..${g.end} ${g.units.toFixed()} @${g.price?.toFixed(2)}`));
        got.forEach((g, i) => {
          const seg = segs.find((x) => x.start <= g[0] && g[0] <= x.end);
          if (seg) got[i] = [g[0], g[1] + Number(seg.units.toFixed())];
        });
      }
      const title = OFFERS[o]!.title;
      const off = got.filter(([d, n], i) => n !== want[i]![1] && !locked.has(`${title}|${d}`));
      const lockedOff = got.filter(([d, n], i) => n !== want[i]![1] && locked.has(`${title}|${d}`));
      if (lockedOff.length > 0)
        notes.push(
          `${who} ${skuOf(OFFERS[o]!)}: locked day(s) ${lockedOff.map(([d]) => d).join(', ')} charged instead`,
        );
      if (off.length > 0)
        problems.push(
          `${who} ${skuOf(OFFERS[o]!)} units per day:\n  expected ${dayRuns(want)}\n  actual   ${dayRuns(got)}\n  rows ${rows.join(', ')}`,
        );
      const ids = new Set(lines.map((x) => x.id));
      const perDay = new Map<string, number>();
      for (const a of state.ContractServiceAdjustments.filter((x) => ids.has(x.contractServiceID))) {
        const k = `${a.contractServiceID} ${String(a.effectiveDate).slice(0, 10)}`;
        perDay.set(k, (perDay.get(k) ?? 0) + 1);
      }
      const twice = [...perDay].filter(([, n]) => n > 1);
      if (twice.length > 0)
        problems.push(`${who}: more than one adjustment on a day: ${JSON.stringify(twice)}`);
    }
    // Money per month, from the customer's first month to the latest synced one: what the PSA bills is a sum of
    // amounts in cents (each contract service's month half-up, plus the charges), as the invoice's offers are
    // (decision 0016: each offer's month in cents, then added up).
    const want = expectedBills(h, windows, invoices, synced, c, from);
    for (const [m, total] of want.bill) {
      const bill = await s.readback.billedPerMonth(contractOf(c), firstOf(m).slice(0, 7));
      const got = bill.services
        .reduce((t, x) => t.plus(halfUp(x.amount)), ZERO)
        .plus(bill.charges.reduce((t, x) => t.plus(x.amount), ZERO));
      if (cents(got) !== cents(total))
        problems.push(
          `${who} ${firstOf(m).slice(0, 7)}: billed ${cents(got)} (${bill.services.map((x) => `${x.serviceName} ${x.amount.toFixed(4)}`).join(', ')}; charges ${bill.charges.map((x) => `${x.date} ${x.amount.toFixed(2)} ${x.name}`).join(', ')}), expected ${cents(total)} = ${want.detail.get(m)}`,
        );
    }
    // R-9: the month after the latest synced one bills the latest month's usage on the Azure line, or nothing.
    const next = synced;
    const azure = azureFor(h, invoices, synced, c, next - 1);
    const bill = await s.readback.billedPerMonth(contractOf(c), firstOf(next).slice(0, 7));
    const azureBilled = bill.services
      .filter((x) => x.serviceName === `PC_${AZURE_SKU}`)
      .reduce((t, x) => t.plus(x.amount), ZERO);
    if (cents(azureBilled) !== cents(azure ?? ZERO))
      problems.push(
        `${who}: the Azure line bills ${azureBilled.toFixed(4)} in ${firstOf(next).slice(0, 7)}, expected ${cents(azure ?? ZERO)} (R-9)`,
      );
  }
}

// --------------------------------------------------------------------------------------------------- the tests

/** A history from its parts, the rest quiet (no price change, no Azure, nothing late, no re-run). */
function history(months: number, customers: Cust[], extra: Partial<History> = {}): History {
  return {
    months,
    offers: 3,
    customers,
    steps: [[], [], []],
    azure: null,
    late: Array.from({ length: months }, () => false),
    rerun: Array.from({ length: months }, () => false),
    ...extra,
  };
}
const quiet = (sub: Partial<Sub> & Pick<Sub, 'offer' | 'seats'>): Sub => ({
  anchorDay: 1,
  startMonth: -1,
  changes: [],
  endMonth: null,
  ...sub,
});

describe('fuzz: Autotask months, arrears, cost and retail with price rules (seeded)', () => {
  /**
   * Shrunk from the property (seed 20261208, path 11). January's invoice bills E3 subscription A (cycles on the 28th)
   * through 27 February, so it decides 1 February, where E3's list retail rises (35.71 -> 36.70): billsync writes
   * February's price with an adjustment on 1 February. February's invoice then brings subscription B, bought on
   * 1 February (+5 seats): Autotask takes one adjustment per contract service and day, so 1 February is locked
   * (spec section 6, "Locked days"; decision 0008 "Consequences": an offer's unsynced subscriptions count as 0 on a
   * day another one decides). The line is right from 2 February and 5 x 36.70 / 28 = 6.55 is booked as a charge
   * dated 1 February; February bills the invoice's money to the cent.
   */
  it('a price change on a 1st decided early locks the day a new subscription starts on: booked as a charge, to the cent', async () => {
    const notes: string[] = [];
    const h = history(
      2,
      [
        {
          subs: [quiet({ offer: 1, seats: 16, anchorDay: 28 }), quiet({ offer: 1, seats: 5, startMonth: 1 })],
          joins: false,
          rule: null,
        },
      ],
      { steps: [[], [{ month: 1, day: 1, costDelta: 69, erpDelta: 99 }], []] },
    );
    expect(await runHistory(h, process.env.FUZZ_LOG ? (x) => console.log(x) : undefined, notes)).toEqual([]);
    expect(notes).toEqual([
      'after syncing month 1 (2026-02) on 2026-03-08, Alder Dental CFQ7TTC0LF8R:0001: locked day(s) 2026-02-01 charged instead',
    ]);
  }, 120_000);

  it('a customer with no line on an invoice: its subscription not renewed ends, its Azure line goes back to 0', async () => {
    const h = history(3, [{ subs: [quiet({ offer: 2, seats: 5, endMonth: 2 })], joins: false, rule: null }], {
      azure: { customer: 0, usage: [null, 10_000, null] },
    });
    expect(await runHistory(h, process.env.FUZZ_LOG ? (x) => console.log(x) : undefined)).toEqual([]);
  }, 120_000);

  it('random histories bill what the invoices say, month by month', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (h) => {
        const problems = await runHistory(h, process.env.FUZZ_LOG ? (x) => console.log(x) : undefined);
        expect(problems, JSON.stringify(h)).toEqual([]);
      }),
      {
        seed: 20261208 + Number(process.env.FUZZ_SEED ?? 0),
        numRuns: Number(process.env.FUZZ_RUNS ?? 6),
        endOnFailure: true,
      },
    );
  }, 600_000);
});
