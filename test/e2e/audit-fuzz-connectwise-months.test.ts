import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import {
  type AdditionView,
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  runMessages,
  showRun,
} from '../support/cli-scenario';
import { type ConnectWiseVariant, CW_BILLING_VARIANTS } from '../support/connectwise-variants';
import { CW_IDS } from '../support/connectwise-world';
import {
  AZURE_PLAN_OFFER,
  BUSINESS_PREMIUM,
  type CustomerSpec,
  guidOf,
  type OfferSpec,
  type PriceSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
  type UsageRowSpec,
  usageFile,
} from '../support/csp-files';
import { BASIC, E3 } from '../support/months-data';

/**
 * A seeded, end-to-end, month-by-month property audit of billsync on ConnectWise (spec sections 4-7, R-7, R-8,
 * R-9; decisions 0006, 0008, 0012 and their addenda, 0013), under every ConnectWise billing variant
 * (test/support/connectwise-variants.ts).
 *
 * fast-check generates an MSP's history over 3-5 months (January .. May 2026; the invoice of month M is issued
 * on the 7th of M+1 and synced on the 8th, sync start 1 Feb 2026 so every invoice is synced): 2-3 customers with
 * 1-3 subscriptions each (Business Premium, E3, Business Basic), cycles on the 1st or on another day (periods
 * across two months), seats added and removed on random days (Microsoft's reversal of the old quantity and the
 * new quantity from the change day to the cycle end; a change inside the cycle billed before the first invoice is
 * a synced reversal of an unsynced cycle, decision 0008 addendum), subscriptions bought mid-month, cancelled ones
 * (no line for the next cycle, or a cancelImmediate reversal), the price list's retail changing between months
 * and in the middle of a month (R-8), Azure plan usage from daily usage files (R-9, markup 10 %), a customer who
 * joins in month 2, an invoice imported late (two months in one sync), and an old month's file imported again.
 *
 * The oracle is computed here from the spec and the generated invoice lines only:
 * - seats(day) per subscription = the signed quantities of its synced lines covering the day; after its latest
 *   charge period it carries forward, unless a synced invoice of the month its next cycle would start in (or
 *   later) exists: then it ended the day after its last charge period (spec section 6). Summed per offer.
 * - ConnectWise (decision 0012): a line changes only on a 1st, so every day of month M carries the seats of M's
 *   1st (0 where the synced invoices net below 0, decision 0008 addendum), the rest is money; what the agreement
 *   bills in month M per offer (line additions plus charge additions, from the emulator's billing report under
 *   the variant) = seat-days x retail of M's 1st / days in M, rounded once to the cent (half up; the half cent
 *   of a credit toward +infinity, decision 0008 eleventh addendum); Azure usage of M = one addition of quantity 1
 *   over M+1 at round(total x 1.10), cost round(total) (R-9, decision 0008 eleventh addendum).
 * - nothing written ahead: no line addition after the 1st of the month after the last synced invoice, no charge
 *   for a month no synced invoice decides; an addition on that 1st carries the last synced month's price unless
 *   a synced line covers the day (spec section 6, "Write only what is decided").
 * - R-8: each retail change inside a month whose day a synced line of the customer's offer bills (decision 0006,
 *   ninth-session addendum: "an invoice new to the offer bills its day") is told exactly once, with the spec's
 *   text; no other warning is given but the one for days where synced lines net below 0 seats (decision 0008
 *   addendum); the period keeps its price.
 * - a re-run writes nothing (`expectRerunWritesNothing`).
 */

// ------------------------------------------------------------------------------------------------ world

const OFFERS: readonly OfferSpec[] = [BUSINESS_PREMIUM, E3, BASIC];
/** Microsoft's unit price (our cost) per offer: constant, so no cost warnings are expected. */
const COSTS = ['20.00', '30.00', '6.00'] as const;
/** The price list's retail (ERP) choices per offer. */
const RETAILS = [
  ['23.10', '24.65', '22.37'],
  ['34.00', '35.71', '36.93'],
  ['7.20', '6.07', '6.45'],
] as const;
const AZURE_MARKUP = '10';
const SYNC_START = '2026-02-01';

const CUSTOMERS: readonly CustomerSpec[] = ['Aurora Vets', 'Beacon Law', 'Cobalt Labs'].map((name, i) => ({
  tenantId: `f0220000-0000-4000-8000-00000000000${i + 1}`,
  name,
  domain: `${name.toLowerCase().replace(/[^a-z]/g, '')}.onmicrosoft.com`,
  country: 'US',
}));
/** PSA company and agreement of customer i (Contoso's seeded agreement, then the seed's extra customers). */
const placeOf = (i: number) =>
  i === 0 ? { company: CW_IDS.company, contract: CW_IDS.agreement } : { company: 599 + i, contract: 499 + i };

const day = (text: string) => parsePlainDate(text) as string;
const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const monthOf = (i: number) => (addMonths(parsePlainDate('2026-01-01'), i) as string).slice(0, 7);
const firstOf = (i: number) => `${monthOf(i)}-01`;
const lastOf = (i: number) => plus(firstOf(i + 1), -1);
const indexOf = (d: string) => (Number(d.slice(0, 4)) - 2026) * 12 + Number(d.slice(5, 7)) - 1;
const dim = (i: number) => daysInMonth(Number(monthOf(i).slice(0, 4)), Number(monthOf(i).slice(5, 7)));
const dd = (n: number) => String(n).padStart(2, '0');
const skuOf = (o: OfferSpec) => `${o.productId}:${o.skuId}`;
const AZURE_SKU = skuOf(AZURE_PLAN_OFFER);
const numberOf = (i: number) => `G9${monthOf(i).replace('-', '')}`;
const issuedOf = (i: number) => `${monthOf(i + 1)}-07`;
const asOfOf = (i: number) => `${monthOf(i + 1)}-08`;
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The spec's DD MMM YYYY. */
const spelled = (d: string) => `${d.slice(8)} ${MONTH_NAMES[Number(d.slice(5, 7)) - 1]} ${d.slice(0, 4)}`;

/** Half up to the cent (positive amounts). */
const halfUp = (x: Decimal) => x.round(2, 1);
/** Nearest cent, a half cent toward +infinity (decision 0008, eleventh addendum: a credit's half cent). */
function halfCeiling(x: Decimal): Decimal {
  const y = x.times(100).plus(dec('0.5'));
  let f = y.round(0, 0);
  if (f.gt(y)) f = f.minus(1);
  return f.div(100);
}
const cents = (x: Decimal) => x.toFixed(2);

// ------------------------------------------------------------------------------------------------ generator

const rawSubArb = fc.record({
  offer: fc.integer({ min: 0, max: 2 }),
  /** The day its cycles start on: the 1st (calendar cycles) or another day (periods across two months). */
  anchor: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 28 })),
  /** 0: billed before the history starts; later: bought in that month, on its anchor day. */
  start: fc.integer({ min: 0, max: 4 }),
  seats: fc.integer({ min: 1, max: 25 }),
  changes: fc.array(
    fc.record({
      month: fc.integer({ min: 0, max: 4 }),
      day: fc.integer({ min: 1, max: 28 }),
      seats: fc.integer({ min: 1, max: 25 }),
    }),
    { maxLength: 3 },
  ),
  /** No cycle from this month on; optionally cancelled (cancelImmediate) this many days into its last cycle. */
  end: fc.option(
    fc.record({
      month: fc.integer({ min: 1, max: 4 }),
      cancelDay: fc.option(fc.integer({ min: 1, max: 27 })),
    }),
    { freq: 3 },
  ),
});
const rawCustomerArb = fc.record({
  joinsLate: fc.boolean(),
  subs: fc.array(rawSubArb, { minLength: 1, maxLength: 3 }),
  /** Azure plan usage per month in 1/100000 of a dollar (null: no usage). */
  azure: fc.array(fc.option(fc.integer({ min: 100_000, max: 250_000_000 }), { freq: 2 }), {
    minLength: 5,
    maxLength: 5,
  }),
});
const rawHistoryArb = fc.record({
  months: fc.integer({ min: 3, max: 5 }),
  customers: fc.array(rawCustomerArb, { minLength: 2, maxLength: 3 }),
  /** Per offer: the retail before the history, and per month (six: one after the last invoice) an optional change. */
  prices: fc.array(
    fc.record({
      base: fc.integer({ min: 0, max: 2 }),
      changes: fc.array(
        fc.option(
          fc.record({
            day: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 28 })),
            erp: fc.integer({ min: 0, max: 2 }),
          }),
          { freq: 2 },
        ),
        { minLength: 6, maxLength: 6 },
      ),
    }),
    { minLength: 3, maxLength: 3 },
  ),
  /** This month's invoice is imported late, with the next one. */
  late: fc.option(fc.integer({ min: 1, max: 3 })),
  /** This month's file is imported again after the last month. */
  again: fc.option(fc.integer({ min: 0, max: 3 })),
});
type RawHistory = typeof rawHistoryArb extends fc.Arbitrary<infer T> ? T : never;

interface SeatEvent {
  day: string;
  seats: number;
  chargeType?: string;
}
interface Sub {
  customer: number;
  offer: number;
  id: string;
  anchor: number;
  startMonth: number;
  seats: number;
  events: SeatEvent[];
  /** No cycle starts in this month or later (null: goes on). */
  endMonth: number | null;
}
interface History {
  months: number;
  /** Month each customer first appears in (0 or 1). */
  joins: number[];
  subs: Sub[];
  /** usage[customer][month]: exact total (five decimals) or null. */
  usage: (string | null)[][];
  /** Per offer: [first day, retail] windows, sorted. */
  retail: [string, string][][];
  late: number | null;
  again: number | null;
}

const cycleStart = (s: Sub, k: number) => addMonths(parsePlainDate(`2026-01-${dd(s.anchor)}`), k) as string;
const cycleEnd = (s: Sub, k: number) => plus(cycleStart(s, k + 1), -1);
/** The cycle (index by the month it starts in; -1 = December 2025) a day falls in. */
const cycleOf = (s: Sub, d: string) => indexOf(d) - (Number(d.slice(8)) < s.anchor ? 1 : 0);
const seatsAt = (s: Sub, d: string) => s.events.filter((e) => e.day <= d).reduce((_, e) => e.seats, s.seats);

function buildHistory(raw: RawHistory): History {
  const n = raw.months;
  const customers = raw.customers;
  const joins = customers.map((c, i) =>
    i > 0 && c.joinsLate && !customers.slice(1, i).some((x) => x.joinsLate) ? 1 : 0,
  );
  const subs: Sub[] = [];
  customers.forEach((c, ci) => {
    c.subs.forEach((r, si) => {
      const startMonth = si === 0 ? joins[ci]! : Math.max(joins[ci]!, Math.min(r.start, n - 1));
      const sub: Sub = {
        customer: ci,
        offer: r.offer,
        id: guidOf(`fuzz-cw|${ci}|${si}`),
        anchor: r.anchor,
        startMonth,
        seats: r.seats,
        events: [],
        endMonth: null,
      };
      // The first subscription of the first customer goes on: every month has an invoice.
      if (r.end && !(ci === 0 && si === 0)) {
        const e = Math.max(startMonth + 1, r.end.month);
        if (e < n) sub.endMonth = e;
      }
      const firstCycle = startMonth === 0 && r.anchor > 1 ? -1 : startMonth;
      const valid = (d: string) => {
        const k = cycleOf(sub, d);
        return (
          indexOf(d) < n &&
          k >= firstCycle &&
          (sub.endMonth === null || k < sub.endMonth) &&
          !(k === startMonth && d === cycleStart(sub, k) && startMonth > 0)
        );
      };
      const byDay = new Map<string, number>();
      for (const ch of r.changes) {
        const d = `${monthOf(ch.month)}-${dd(ch.day)}`;
        if (valid(d)) byDay.set(d, ch.seats);
      }
      let events: SeatEvent[] = [...byDay]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([d, seats]) => ({ day: d, seats }));
      if (r.end?.cancelDay && sub.endMonth !== null) {
        const k = sub.endMonth - 1;
        const d = plus(cycleStart(sub, k), r.end.cancelDay);
        if (d <= cycleEnd(sub, k) && indexOf(d) < n) {
          events = [...events.filter((e) => e.day < d), { day: d, seats: 0, chargeType: 'cancelImmediate' }];
        }
      }
      // Drop changes that change nothing.
      let current = r.seats;
      sub.events = events.filter((e) => {
        const keep = e.seats !== current;
        current = e.seats;
        return keep;
      });
      subs.push(sub);
    });
  });
  const usage = customers.map((c, ci) =>
    Array.from({ length: n }, (_, m) => {
      const v = c.azure[m];
      return m >= joins[ci]! && v !== null && v !== undefined ? dec(v).div(100_000).toFixed(5) : null;
    }),
  );
  const retail = raw.prices.map((p, o) => {
    const windows: [string, string][] = [['2024-01-01', RETAILS[o]![p.base]!]];
    p.changes.forEach((ch, m) => {
      if (!ch || m > n) return;
      const erp = RETAILS[o]![ch.erp]!;
      if (erp === windows.at(-1)![1]) return;
      windows.push([`${monthOf(m)}-${dd(ch.day)}`, erp]);
    });
    return windows;
  });
  const late = raw.late !== null && raw.late <= n - 2 ? raw.late : null;
  const again = raw.again !== null && raw.again <= n - 2 ? raw.again : null;
  return { months: n, joins, subs, usage, retail, late, again };
}

const retailAt = (h: History, o: number, d: string) => h.retail[o]!.filter(([from]) => from <= d).at(-1)![1];

/** The license lines of month i's invoice: the cycles starting in it and the seat changes made in it. */
function invoiceLines(h: History, i: number): ReconLineSpec[] {
  const out: ReconLineSpec[] = [];
  for (const s of h.subs) {
    const base = {
      customer: CUSTOMERS[s.customer]!,
      offer: OFFERS[s.offer]!,
      subscriptionId: s.id,
      subscriptionStart: cycleStart(s, s.startMonth === 0 ? -1 : s.startMonth),
      unitPrice: COSTS[s.offer]!,
    };
    if (s.startMonth <= i && (s.endMonth === null || i < s.endMonth)) {
      const quantity = seatsAt(s, cycleStart(s, i));
      if (quantity > 0)
        out.push({
          ...base,
          chargeStart: cycleStart(s, i),
          chargeEnd: cycleEnd(s, i),
          quantity,
          chargeType: i === s.startMonth && i > 0 ? 'new' : 'cycleCharge',
        });
    }
    for (const e of s.events) {
      if (indexOf(e.day) !== i) continue;
      const k = cycleOf(s, e.day);
      if (e.day === cycleStart(s, k)) continue; // the cycle's own quantity
      const before = seatsAt(s, plus(e.day, -1));
      const chargeType = e.chargeType ?? (e.seats > before ? 'addQuantity' : 'removeQuantity');
      const span = { chargeStart: e.day, chargeEnd: cycleEnd(s, k), chargeType };
      out.push({ ...base, ...span, quantity: before, reversal: true });
      if (e.seats > 0) out.push({ ...base, ...span, quantity: e.seats });
    }
  }
  return out;
}

/** Azure usage rows of month i: two meter rows with five decimals per customer with usage. */
function usageRows(h: History, i: number): UsageRowSpec[] {
  const rows: UsageRowSpec[] = [];
  h.usage.forEach((months, ci) => {
    const total = months[i];
    if (!total) return;
    const a = dec(total).div(3).round(5, 0);
    const b = dec(total).minus(a);
    rows.push(
      { customer: CUSTOMERS[ci]!, usageDate: `${monthOf(i)}-03`, meterName: 'D2s v3', cost: a.toFixed(5) },
      { customer: CUSTOMERS[ci]!, usageDate: `${monthOf(i)}-19`, meterName: 'Bandwidth', cost: b.toFixed(5) },
    );
  });
  return rows.filter((r) => dec(r.cost).gt(ZERO));
}

function priceSpecs(h: History): PriceSpec[] {
  return h.retail.flatMap((windows, o) =>
    windows.map(([from, erp], w) => ({
      offer: OFFERS[o]!,
      cost: COSTS[o]!,
      erp,
      start: from,
      ...(w + 1 < windows.length ? { end: plus(windows[w + 1]![0], -1) } : {}),
    })),
  );
}

// ------------------------------------------------------------------------------------------------ oracle

/** What the synced invoices say, from the generated lines only. */
class Oracle {
  readonly synced = new Map<number, ReconLineSpec[]>();
  constructor(readonly h: History) {}

  lines(c: number, o: number): ReconLineSpec[] {
    return [...this.synced.values()]
      .flat()
      .filter((l) => l.customer === CUSTOMERS[c] && l.offer === OFFERS[o]);
  }

  /** Spec section 6: per subscription, synced lines covering the day; carried forward unless ended. */
  seats(c: number, o: number, d: string): number {
    const lines = this.lines(c, o);
    let n = 0;
    for (const sub of new Set(lines.map((l) => l.subscriptionId))) {
      const mine = lines.filter((l) => l.subscriptionId === sub);
      const last = mine
        .map((l) => l.chargeEnd)
        .sort()
        .at(-1)!;
      const at = (x: string) =>
        mine
          .filter((l) => l.chargeStart <= x && x <= l.chargeEnd)
          .reduce((t, l) => t + (l.reversal ? -l.quantity : l.quantity), 0);
      if (d <= last) n += at(d);
      else {
        const next = indexOf(plus(last, 1));
        const ended = [...this.synced.keys()].some((m) => m >= next);
        if (!ended) n += at(last);
      }
    }
    return n;
  }

  /** The offer's money in month i: seat-days x retail of the 1st / days, rounded once. */
  money(c: number, o: number, i: number): Decimal {
    let seatDays = 0;
    for (let d = firstOf(i); d <= lastOf(i); d = plus(d, 1)) seatDays += this.seats(c, o, d);
    return halfCeiling(
      dec(seatDays)
        .times(retailAt(this.h, o, firstOf(i)))
        .div(dim(i)),
    );
  }

  /** Azure usage of month i (synced), as [cost, retail]. */
  azure(c: number, i: number): [Decimal, Decimal] | null {
    if (!this.synced.has(i)) return null;
    const total = this.h.usage[c]![i];
    if (!total) return null;
    return [halfUp(dec(total)), halfUp(dec(total).times(dec(AZURE_MARKUP).div(100).plus(1)))];
  }

  /** Does a synced line of the customer's offer bill this day? */
  covers(c: number, o: number, d: string): boolean {
    return this.lines(c, o).some((l) => !l.reversal && l.chargeStart <= d && d <= l.chargeEnd);
  }

  /**
   * R-8 (decision 0008 addendum, thirteenth session): does the offer bill a seat from this day to the next month's
   * first day? A change after a cancellation (its reversal nets the seats to 0) prices nothing billed.
   */
  billsFrom(c: number, o: number, d: string): boolean {
    // A synced line bills a seat from the change's day to the month's end (decision 0008, fourteenth-session
    // addendum: seats bought later in the period keep its old price too), or, when a synced line bills the change's
    // day, on the next month's first day (where the new price starts).
    const next = `${(addMonths(parsePlainDate(`${d.slice(0, 7)}-01`), 1) as string).slice(0, 10)}`;
    const last = this.covers(c, o, d) ? next : plus(next, -1);
    for (let x = d; x <= last; x = plus(x, 1))
      if (this.covers(c, o, x) && this.seats(c, o, x) > 0) return true;
    return false;
  }
}

/** R-8: the retail warnings the customer's runs must give (each once), once every invoice is synced. */
function expectedWarnings(h: History, oracle: Oracle, c: number): string[] {
  const out: string[] = [];
  h.retail.forEach((windows, o) => {
    for (let w = 1; w < windows.length; w++) {
      const [d, to] = windows[w]!;
      if (d.endsWith('-01')) continue; // between two periods: no warning
      const from = windows[w - 1]![1];
      if (oracle.billsFrom(c, o, d))
        out.push(`warning: Subscription retail unit price changed from ${from} to ${to} on ${spelled(d)}`);
    }
  });
  return out.sort();
}

/** Months with a day where an offer's synced lines net below 0 seats (decision 0008 addendum). */
function negativeMonths(h: History, oracle: Oracle, c: number): string[] {
  const out = new Set<string>();
  for (let o = 0; o < OFFERS.length; o++)
    for (let i = 0; i < h.months; i++)
      for (let d = firstOf(i); d <= lastOf(i); d = plus(d, 1))
        if (oracle.seats(c, o, d) < 0) out.add(monthOf(i));
  return [...out];
}

// ------------------------------------------------------------------------------------------------ the PSA side

const LINE = 'billsync:';
const CHARGE = 'billsync-charge:';
const isCharge = (a: AdditionView) => a.serialNumber?.startsWith(CHARGE) === true;
const chargeMonth = (a: AdditionView) => a.serialNumber!.slice(CHARGE.length, CHARGE.length + 7);
const show = (a: AdditionView) =>
  `#${a.id} ${a.vendorSku} ${a.serialNumber} ${a.effectiveDate}..${a.cancelledDate ?? 'open'} q${a.quantity.toFixed()} @${a.unitPrice.toFixed()} (${a.unitCost.toFixed()})`;
const covering = (adds: AdditionView[], sku: string, d: string) =>
  adds.filter(
    (a) =>
      a.vendorSku === sku &&
      !isCharge(a) &&
      a.effectiveDate <= d &&
      (a.cancelledDate === null || d <= a.cancelledDate),
  );
const unitsOn = (adds: AdditionView[], sku: string, d: string) =>
  covering(adds, sku, d).reduce((t, a) => t + Number(a.quantity.minus(a.lessIncluded).toFixed()), 0);

/**
 * One customer's agreement after the invoices of months `synced` are synced (the last one `last`): shape, units
 * per day, line prices, nothing ahead, Azure, and the money per month and offer to the cent.
 */
async function checkAgreement(
  s: CliScenario<'connectwise'>,
  h: History,
  oracle: Oracle,
  c: number,
  last: number,
  problems: string[],
): Promise<void> {
  const { contract } = placeOf(c);
  const adds = await s.readback.additions(contract);
  const listing = `\n    ${adds.map(show).join('\n    ')}`;
  const who = CUSTOMERS[c]!.name;
  const bad = (text: string) => problems.push(`${who}: ${text}`);
  // Shape (decision 0012).
  const markers = adds.map((a) => `${a.vendorSku}|${a.serialNumber}`);
  if (new Set(markers).size !== markers.length) bad('two additions with one marker');
  for (const a of adds) {
    if (isCharge(a)) {
      if (
        a.quantity.toFixed() !== '1' ||
        !a.effectiveDate.endsWith('-01') ||
        a.cancelledDate !== lastOf(indexOf(a.effectiveDate))
      )
        bad(`charge not one unit over a whole month: ${show(a)}`);
    } else if (!a.serialNumber?.startsWith(LINE)) bad(`not billsync's: ${show(a)}`);
    else {
      if (!a.effectiveDate.endsWith('-01')) bad(`line addition not from a 1st: ${show(a)}`);
      if (a.cancelledDate !== null && a.cancelledDate !== lastOf(indexOf(a.cancelledDate)))
        bad(`line addition not ending on a month end: ${show(a)}`);
    }
  }
  const next = firstOf(last + 1);
  // Nothing ahead.
  for (const a of adds) {
    if (!isCharge(a) && a.effectiveDate > next) bad(`line addition after ${next}: ${show(a)}`);
    if (isCharge(a) && chargeMonth(a) > monthOf(last)) bad(`charge for a month not decided yet: ${show(a)}`);
  }
  // Units per day (R-7 on decision 0012's model) and prices per period (R-8: no proration).
  for (let o = 0; o < OFFERS.length; o++) {
    const sku = skuOf(OFFERS[o]!);
    for (let i = 0; i <= last + 1; i++) {
      const want = Math.max(0, oracle.seats(c, o, firstOf(i)));
      const to = i <= last ? lastOf(i) : firstOf(i);
      const wrong: string[] = [];
      for (let d = firstOf(i); d <= to; d = plus(d, 1)) {
        const got = unitsOn(adds, sku, d);
        if (got !== want) wrong.push(`${d}: ${got}`);
      }
      if (wrong.length > 0)
        bad(
          `${OFFERS[o]!.title} units in ${monthOf(i)} want ${want} (seats of the 1st): ${wrong.slice(0, 3).join(', ')}${listing}`,
        );
      if (want === 0) continue;
      const decided = i <= last || oracle.covers(c, o, firstOf(i));
      const price = retailAt(h, o, firstOf(decided ? i : last));
      const prices = covering(adds, sku, firstOf(i)).map((a) => a.unitPrice.toFixed(2));
      if (prices.some((p) => p !== price))
        bad(`${OFFERS[o]!.title} price on ${firstOf(i)}: ${prices.join(',')} want ${price}${listing}`);
    }
  }
  // Azure (R-9): exactly one addition per synced month of usage, over the month after.
  const azure = adds
    .filter((a) => a.vendorSku === AZURE_SKU)
    .map(
      (a) =>
        `${a.effectiveDate}..${a.cancelledDate} ${a.quantity.toFixed()} @${a.unitPrice.toFixed(2)} (${a.unitCost.toFixed(2)})`,
    );
  const wantAzure: string[] = [];
  for (let i = 0; i <= last; i++) {
    const u = oracle.azure(c, i);
    if (u) wantAzure.push(`${firstOf(i + 1)}..${lastOf(i + 1)} 1 @${cents(u[1])} (${cents(u[0])})`);
  }
  if (JSON.stringify(azure) !== JSON.stringify(wantAzure))
    bad(`Azure additions ${JSON.stringify(azure)} want ${JSON.stringify(wantAzure)}`);
  // Money per month and offer (spec section 6; decision 0012: whatever the variant).
  const skuById = new Map(adds.map((a) => [a.id, a.vendorSku]));
  const bills = await s.readback.billing(contract, monthOf(0), monthOf(last + 1));
  for (let i = 0; i <= last + 1; i++) {
    const lines = bills.find((b) => b.month === monthOf(i))?.lines ?? [];
    const billed = (sku: string) =>
      lines.filter((l) => skuById.get(l.additionId) === sku).reduce((t, l) => t.plus(l.amount), ZERO);
    const usage = i > 0 ? oracle.azure(c, i - 1) : null;
    const azureBilled = billed(AZURE_SKU);
    if (cents(azureBilled) !== cents(usage?.[1] ?? ZERO))
      bad(`Azure billed in ${monthOf(i)}: ${cents(azureBilled)} want ${cents(usage?.[1] ?? ZERO)}`);
    if (i > last) continue;
    let total = usage?.[1] ?? ZERO;
    for (let o = 0; o < OFFERS.length; o++) {
      const want = oracle.money(c, o, i);
      total = total.plus(want);
      const got = billed(skuOf(OFFERS[o]!));
      if (cents(got) !== cents(want))
        bad(
          `${OFFERS[o]!.title} billed in ${monthOf(i)}: ${cents(got)}, the invoices say ${cents(want)}${listing}`,
        );
    }
    const all = lines.reduce((t, l) => t.plus(l.amount), ZERO);
    if (cents(all) !== cents(total)) bad(`total billed in ${monthOf(i)}: ${cents(all)} want ${cents(total)}`);
  }
}

function describeHistory(h: History): string {
  const subs = h.subs.map(
    (s) =>
      `  ${CUSTOMERS[s.customer]!.name} ${OFFERS[s.offer]!.title}: cycles on the ${s.anchor}, from ${monthOf(s.startMonth)}, ${s.seats} seats${s.events.map((e) => `, ${e.day} -> ${e.seats}${e.chargeType ? ` (${e.chargeType})` : ''}`).join('')}${s.endMonth !== null ? `, no cycle from ${monthOf(s.endMonth)}` : ''}`,
  );
  return [
    `months ${monthOf(0)}..${monthOf(h.months - 1)}, joins ${h.joins.join(',')}, late ${h.late}, again ${h.again}`,
    ...subs,
    `  usage ${JSON.stringify(h.usage)}`,
    `  retail ${JSON.stringify(h.retail)}`,
  ].join('\n');
}

// ------------------------------------------------------------------------------------------------ one history

/** Runs one history end to end on a fresh database and emulator; throws with every problem found. */
async function runHistory(variant: ConnectWiseVariant, h: History): Promise<void> {
  const s = await createCliScenario({
    target: 'connectwise',
    now: '2026-02-08T09:00:00Z',
    seed: { prorate: variant.prorate, extraCustomers: 2 },
    ...(variant.rules ? { rules: variant.rules } : {}),
    inProcess: true,
  });
  const oracle = new Oracle(h);
  const mapped = new Set<number>();
  const warnings = new Map<number, string[]>();
  /**
   * R-8 warnings the invoices synced at some step warranted: a later invoice may take the seats of the change's
   * period back (a cancellation), yet the run that told it was right with what it knew.
   */
  const warranted = new Map<number, Set<string>>();
  /** Which sync told what, for the failure message. */
  const toldBy: string[] = [];
  const fail = (what: string, problems: string[]) => {
    if (problems.length > 0)
      throw new Error(`${variant.name}, ${what}:\n${problems.join('\n')}\nhistory:\n${describeHistory(h)}`);
  };
  const importMonth = async (i: number) => {
    const dates = { period: monthOf(i), issued: issuedOf(i) };
    const lines = invoiceLines(h, i);
    if (lines.length > 0) await s.importInvoice(reconFile(s.dir, numberOf(i), lines), dates);
    const rows = usageRows(h, i);
    if (rows.length > 0) await s.importInvoice(usageFile(s.dir, numberOf(i), rows), dates);
  };
  try {
    await s.setup(['--azure', 'on', '--azure-markup', AZURE_MARKUP]);
    await s.importPriceList(priceListFile(s.dir, priceSpecs(h)));
    let last = -1;
    for (let step = 0; step < h.months; step++) {
      const months = h.late === step ? [] : h.late === step - 1 ? [step - 1, step] : [step];
      const asOf = asOfOf(step);
      for (const i of months) await importMonth(i);
      for (let c = 0; c < h.joins.length; c++) {
        if (mapped.has(c) || !months.some((i) => i >= h.joins[c]!)) continue;
        await s.map(CUSTOMERS[c]!.tenantId, { ...placeOf(c), syncStart: SYNC_START });
        mapped.add(c);
      }
      const products = await s.syncProducts({ asOf });
      // The product sync may write (the catalog item takes the price list's price of the day, spec section 4).
      const before = s.writes();
      const run = await s.syncCustomers({ asOf });
      for (const i of months) oracle.synced.set(i, invoiceLines(h, i));
      for (let c = 0; c < h.joins.length; c++)
        for (const w of expectedWarnings(h, oracle, c))
          warranted.set(c, new Set([...(warranted.get(c) ?? []), w]));
      if (months.length > 0) last = Math.max(...months);
      const problems: string[] = [];
      if (products.code !== 0)
        problems.push(`product sync exit ${products.code}: ${await s.explain(products)}`);
      const failed = run.runs.filter((r) => r.status === 'error');
      if (run.code === 1 || failed.length > 0)
        problems.push(`customer sync exit ${run.code}: ${await s.explain(run)}`);
      if (months.length === 0 && s.writes() !== before)
        problems.push(`${asOf}: no new invoice, yet ${s.writes() - before} writes`);
      for (const r of run.runs) {
        if (r.status !== 'warning') continue;
        const c = CUSTOMERS.findIndex((x) => x.tenantId === r.tenantId);
        const told = runMessages(await showRun(s, r.runId)).filter((m) => !m.startsWith('info:'));
        warnings.set(c, [...(warnings.get(c) ?? []), ...told]);
        toldBy.push(...told.map((m) => `  ${asOf} ${CUSTOMERS[c]?.name}: ${m}`));
      }
      for (let c = 0; c < h.joins.length; c++) {
        if (mapped.has(c)) await checkAgreement(s, h, oracle, c, last, problems);
        else if ((await s.readback.additions(placeOf(c).contract)).length > 0)
          problems.push(`${CUSTOMERS[c]!.name}: additions before it is mapped`);
      }
      fail(`after the sync of ${asOf} (invoices through ${monthOf(last)})`, problems);
      await expectRerunWritesNothing(s, asOf);
    }
    // An old month's file imported again: the same lines, nothing to write.
    if (h.again !== null) {
      const i = h.again;
      await s.importInvoice(reconFile(s.dir, numberOf(i), invoiceLines(h, i)), {
        period: monthOf(i),
        issued: issuedOf(i),
      });
      await expectRerunWritesNothing(s, asOfOf(h.months - 1));
    }
    // R-8: every retail change inside a period told once, with the spec's text; a change the invoices synced at
    // some step warranted may be told too, once. The only other warning allowed: days where the synced invoices
    // net below 0 seats (decision 0008 addendum), for the months that have them.
    const problems: string[] = [];
    for (let c = 0; c < h.joins.length; c++) {
      const told = warnings.get(c) ?? [];
      const below = told.filter((m) => m.includes('net below 0 seats'));
      const want = expectedWarnings(h, oracle, c);
      const got = told.filter((m) => !below.includes(m)).sort();
      const allowed = warranted.get(c) ?? new Set<string>();
      const missing = want.filter((w) => !got.includes(w));
      const extra = got.filter((w) => !want.includes(w) && !allowed.has(w));
      if (missing.length > 0 || extra.length > 0 || new Set(got).size !== got.length)
        problems.push(
          `${CUSTOMERS[c]!.name} warnings ${JSON.stringify(got)} want ${JSON.stringify(want)}${allowed.size > want.length ? ` (or also one of ${JSON.stringify([...allowed].filter((w) => !want.includes(w)))})` : ''}`,
        );
      const named = new Set(
        below.map((m) => {
          const hit = /^warning: [\d-]+ ([A-Z][a-z]{2}) (\d{4})/.exec(m);
          return hit ? `${hit[2]}-${dd(MONTH_NAMES.indexOf(hit[1]!) + 1)}` : m;
        }),
      );
      const negative = new Set(negativeMonths(h, oracle, c));
      if (JSON.stringify([...named].sort()) !== JSON.stringify([...negative].sort()))
        problems.push(
          `${CUSTOMERS[c]!.name}: below-0 warnings for ${JSON.stringify([...named])}, months below 0 ${JSON.stringify([...negative])}`,
        );
    }
    fail(`the runs' warnings over the history\n${toldBy.join('\n')}`, problems);
  } finally {
    await s.close();
  }
}

// ------------------------------------------------------------------------------------------------ the tests

// FUZZ_SEED / FUZZ_RUNS explore further by hand; the suite runs the fixed seed.
const SEED = 20260412 + Number(process.env.FUZZ_SEED ?? 0);
/**
 * Histories per variant: each costs 10-25 s (3-5 months, each an import, two syncs, a re-run and the readbacks), so
 * the default variant runs two and the others one each (different seeds: six histories), under 4 minutes in all.
 */
const runsOf = (index: number) => Number(process.env.FUZZ_RUNS ?? (index === 0 ? 2 : 1));

describe.each(CW_BILLING_VARIANTS.map((v, i) => ({ ...v, index: i })))(
  'ConnectWise month-by-month property, CLI + emulator + PostgreSQL: $name',
  (variant) => {
    it('every generated history bills the invoices to the cent, month by month, and re-runs write nothing', async () => {
      await fc.assert(
        fc.asyncProperty(rawHistoryArb, async (raw) => {
          await runHistory(variant, buildHistory(raw));
        }),
        { seed: SEED + variant.index, numRuns: runsOf(variant.index), endOnFailure: true },
      );
    }, 600_000);
  },
);

describe('the oracle, by hand', () => {
  it('seats, carry-forward, the end of a subscription and the money of a month', () => {
    const h = buildHistory({
      months: 3,
      customers: [
        {
          joinsLate: false,
          subs: [
            {
              offer: 0,
              anchor: 1,
              start: 0,
              seats: 5,
              changes: [{ month: 0, day: 20, seats: 7 }],
              end: null,
            },
            { offer: 0, anchor: 15, start: 0, seats: 3, changes: [], end: { month: 1, cancelDay: null } },
          ],
          azure: [100_000, null, null, null, null],
        },
        {
          joinsLate: true,
          subs: [{ offer: 1, anchor: 10, start: 0, seats: 2, changes: [], end: null }],
          azure: [null, null, null, null, null],
        },
      ],
      prices: [
        { base: 0, changes: [null, { day: 15, erp: 1 }, null, null, null, null] },
        { base: 0, changes: [null, null, null, null, null, null] },
        { base: 0, changes: [null, null, null, null, null, null] },
      ],
      late: null,
      again: null,
    });
    const oracle = new Oracle(h);
    oracle.synced.set(0, invoiceLines(h, 0));
    // January: X 5 then 7 from 20 Jan; Y (cycles on the 15th) 3 from 15 Jan (its December cycle is not synced).
    expect(
      ['2026-01-14', '2026-01-15', '2026-01-20', '2026-02-01', '2026-02-15'].map((d) =>
        oracle.seats(0, 0, day(d)),
      ),
    ).toEqual([5, 8, 10, 10, 10]);
    // (5 x 14 + 8 x 5 + 10 x 12) x 23.10 / 31 = 171.387.
    expect(cents(oracle.money(0, 0, 0))).toBe('171.39');
    oracle.synced.set(1, invoiceLines(h, 1));
    // Y has no line for its 15 Feb cycle: ended on 15 Feb.
    expect(['2026-02-14', '2026-02-15'].map((d) => oracle.seats(0, 0, day(d)))).toEqual([10, 7]);
    // February at the retail of its 1st (23.10; the rise on 15 Feb is R-8's): (10 x 14 + 7 x 14) x 23.10 / 28.
    expect(cents(oracle.money(0, 0, 1))).toBe('196.35');
    expect(oracle.azure(0, 0)?.map(cents)).toEqual(['1.00', '1.10']);
    // The customer joining in February: its first sub is new on 10 Feb.
    expect(h.joins).toEqual([0, 1]);
    expect(oracle.seats(1, 1, day('2026-02-09'))).toBe(0);
    expect(oracle.seats(1, 1, day('2026-02-10'))).toBe(2);
    expect(expectedWarnings(h, oracle, 0)).toEqual([
      'warning: Subscription retail unit price changed from 23.10 to 24.65 on 15 Feb 2026',
    ]);
    expect(halfCeiling(dec('-0.125')).toFixed(2)).toBe('-0.12');
    expect(halfCeiling(dec('0.125')).toFixed(2)).toBe('0.13');
  });
});

// ------------------------------------------------------------------------------------------------ shrunk cases

/** A history written by hand (the shape `buildHistory` makes), for the shrunk counterexamples. */
function handHistory(h: Partial<History> & Pick<History, 'months' | 'subs'>): History {
  const customers = Math.max(...h.subs.map((s) => s.customer)) + 1;
  return {
    joins: Array.from({ length: customers }, () => 0),
    usage: Array.from({ length: customers }, () => Array.from({ length: h.months }, () => null)),
    retail: RETAILS.map((r) => [['2024-01-01', r[0]]]),
    late: null,
    again: null,
    ...h,
  };
}
const handSub = (s: Omit<Sub, 'id' | 'events' | 'endMonth'> & Partial<Sub>): Sub => ({
  id: guidOf(`hand|${s.customer}|${s.offer}|${s.anchor}`),
  events: [],
  endMonth: null,
  ...s,
});

describe('shrunk counterexamples (default variant)', () => {
  // Found by this audit (FUZZ_SEED=22000), fixed (R-8, decision 0008 fourteenth-session addendum): whether a retail
  // change was told depended on another subscription's end. E3's list retail moves on 4 Mar; Beacon buys E3 on
  // 20 Mar (14 seats): March keeps 35.71 for them, so the change is told, with or without an E3 that ended on 1 Mar.
  const E3_4_MARCH: [string, string][] = [
    ['2024-01-01', '35.71'],
    ['2026-03-04', '36.93'],
  ];
  it('R-8: a change before seats bought later in the period is told (alone)', async () => {
    const h = handHistory({
      months: 3,
      joins: [0, 2],
      subs: [
        handSub({ customer: 0, offer: 0, anchor: 1, startMonth: 0, seats: 5 }),
        handSub({ customer: 1, offer: 1, anchor: 20, startMonth: 2, seats: 14 }),
      ],
      retail: [[['2024-01-01', '23.10']], E3_4_MARCH, [['2024-01-01', '7.20']]],
    });
    await runHistory(CW_BILLING_VARIANTS[0]!, h);
  }, 180_000);
  it('R-8: a change before seats bought later in the period is told (after another subscription ended)', async () => {
    const h = handHistory({
      months: 3,
      subs: [
        handSub({ customer: 0, offer: 0, anchor: 1, startMonth: 0, seats: 5 }),
        handSub({ customer: 1, offer: 1, anchor: 1, startMonth: 0, seats: 18, endMonth: 2 }),
        handSub({ customer: 1, offer: 1, anchor: 20, startMonth: 2, seats: 14 }),
      ],
      retail: [[['2024-01-01', '23.10']], E3_4_MARCH, [['2024-01-01', '7.20']]],
    });
    await runHistory(CW_BILLING_VARIANTS[0]!, h);
  }, 180_000);

  // Found by this audit, fixed (R-8). Spec section 6: "A price that changes in the middle of a contract period is not prorated:
  // the run gets a warning `Subscription ... unit price changed from X to Y on DD MMM YYYY` ..., the period keeps
  // the old price, and the new price applies from the first day of the next period"; decision 0006 (ninth-session
  // addendum): the planner tells a change "when an invoice new to the offer bills its day or the first day of the
  // next period". Here no invoice bills 13 Feb (or 1 Mar) for Beacon's E3, which has 0 seats from 25 Jan: there is
  // no period keeping an old price, and the run warned (a Warning, mailed to the MSP).
  it('a cancelled subscription: no R-8 warning for a retail change in a month it no longer has seats', async () => {
    // Found by the property (prorateFlag true, seed 20260413): Beacon's E3 was cancelled on 25 Jan (cancelImmediate,
    // no February cycle); E3's list retail moves on 13 Feb. billsync: the January invoice's run (8 Feb, before the
    // change and before any invoice bills February) warns "retail unit price changed from 34.00 to 36.93 on 13 Feb
    // 2026". Expected: no warning. Money and units were right.
    const h = handHistory({
      months: 2,
      subs: [
        handSub({ customer: 0, offer: 0, anchor: 1, startMonth: 0, seats: 5 }),
        handSub({
          customer: 1,
          offer: 1,
          anchor: 1,
          startMonth: 0,
          seats: 11,
          events: [{ day: '2026-01-25', seats: 0, chargeType: 'cancelImmediate' }],
          endMonth: 1,
        }),
      ],
      retail: [
        [['2024-01-01', '23.10']],
        [
          ['2024-01-01', '34.00'],
          ['2026-02-13', '36.93'],
        ],
        [['2024-01-01', '7.20']],
      ],
    });
    await runHistory(CW_BILLING_VARIANTS[0]!, h);
  }, 120_000);
  // Found by this audit, fixed (R-8), the same rule as above: the February invoice has no line for Beacon's E3 (it ended on
  // 1 Feb, 0 seats all February), yet the February run (8 Mar) warned about the 13 Feb retail change.
  it('a subscription ended by its missing next cycle: no R-8 warning for a retail change after its end', async () => {
    const h = handHistory({
      months: 2,
      subs: [
        handSub({ customer: 0, offer: 0, anchor: 1, startMonth: 0, seats: 5 }),
        handSub({ customer: 1, offer: 1, anchor: 1, startMonth: 0, seats: 11, endMonth: 1 }),
      ],
      retail: [
        [['2024-01-01', '23.10']],
        [
          ['2024-01-01', '34.00'],
          ['2026-02-13', '36.93'],
        ],
        [['2024-01-01', '7.20']],
      ],
    });
    await runHistory(CW_BILLING_VARIANTS[0]!, h);
  }, 120_000);
});
