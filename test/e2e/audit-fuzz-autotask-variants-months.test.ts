import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { segmentsOfRows, type UnitSegment } from '../support/autotask-readback';
import { type AutotaskVariant, BILLING_VARIANTS, DIALECT_VARIANTS } from '../support/autotask-variants';
import { IDS } from '../support/autotask-world';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  runMessages,
  showRun,
} from '../support/cli-scenario';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  type OfferSpec,
  type PriceSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { BASIC, E3, subscription } from '../support/months-data';

/**
 * Seeded property audit, month by month, of billsync against the Autotask emulator under EVERY variant of
 * `BILLING_VARIANTS` and `DIALECT_VARIANTS` (test/support/autotask-variants.ts; emulator README "Variants"):
 * the billing behaviours no public source settles (how unit rows end, whether an adjustment into a posted period
 * is refused or billed prorated, whether a row's price is stored, how far rows reach) and how Autotask says no.
 *
 * The generator (fast-check, fixed seed per variant) focuses on what those switches touch, over 3-4 Microsoft
 * invoices (December 2025 ..):
 * - mid-month seat changes (Microsoft: the old quantity reversed + the new one from the change day to the cycle
 *   end), a cancellation to 0, a subscription not renewed, new subscriptions mid-month (cycles from their start day),
 *   a subscription on cycles from the 20th;
 * - the MSP approving and posting months in the PSA: before the month's invoice arrives, right after its sync, or
 *   the coming month in advance (Autotask bills recurring services in advance);
 * - corrected re-issues of an earlier invoice (same number, different lines): a seat change moved to another day,
 *   another quantity on the same day (a day already carrying an adjustment), another cycle quantity, a missing
 *   subscription added;
 * - one customer billed in advance (decision 0014, the mapping's `--billing advance`), joining in month 1 or 2;
 * - list retail changes between months and in the middle of a month (R-8).
 *
 * The oracle is computed here from the spec (sections 6 and 10) and the decisions (0006, 0008, 0014) and the
 * generated invoice lines only, never from billsync's code. After every sync (the month's, and each re-issue's):
 * - per customer and calendar month decided by the synced invoices (and, in advance, the coming month from the
 *   seats carried forward at its price), what the PSA bills (unit rows prorated by days + contract charges dated
 *   in the month) equals seats(day) x retail of the day's period / days of the month, to within the half cent each
 *   one-time booking rounds (decision 0008); the emulator's own billing report within a half cent per row;
 * - R-7: on every decided day that is not locked (after the contract's posted days, not a day that already carried
 *   an adjustment of the line before the sync), the contract line's units equal the invoice seat timeline, at the
 *   period's retail and the invoice cost;
 * - no adjustment dated on a posted day, no prorated posted-day billing item, no second adjustment of a line on a
 *   day, no charge written twice;
 * - a re-run right after writes nothing (`expectRerunWritesNothing`);
 * - R-8: a mid-period list retail change is told once (`Subscription retail unit price changed from X to Y on D`)
 *   and not prorated (the money check prices each period from its first day).
 */

// ------------------------------------------------------------------------------------------------ calendar

/** Invoice periods (index 0 = December 2025); the one after the last generated invoice is the coming month. */
const MONTHS = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];
const M = (i: number) => MONTHS[i]!;
const plus = (day: string, n: number) => addDays(parsePlainDate(day), n) as string;
const lastDay = (month: string) =>
  plus((addMonths(parsePlainDate(`${month}-01`), 1) as string).slice(0, 10), -1);
const dim = (month: string) => daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
const dayOf = (month: string, d: number) => `${month}-${String(d).padStart(2, '0')}`;
const cents = (x: Decimal) => decimalFixed(x, 2);
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const spoken = (day: string) =>
  `${day.slice(8)} ${MONTH_NAMES[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;

// ------------------------------------------------------------------------------------------------ the world

/** Contoso (IDS.contract) in arrears; Falcon (company 600, contract 500 of the seed's extra customer) in advance. */
const FALCON: CustomerSpec = {
  tenantId: 'fa1c0000-0000-4000-8000-0000000000b2',
  name: 'Falcon Optics',
  domain: 'falconoptics.onmicrosoft.com',
  country: 'US',
};
type Who = 'A' | 'B';
const CUSTOMERS: Record<Who, { spec: CustomerSpec; company: number; contract: number }> = {
  A: { spec: CONTOSO, company: IDS.company, contract: IDS.contract },
  B: { spec: FALCON, company: 600, contract: 500 },
};

const OFFERS = [BUSINESS_PREMIUM, BASIC, E3] as const;
type OfferKey = 'BP' | 'BASIC' | 'E3';
const OFFER: Record<OfferKey, OfferSpec> = { BP: BUSINESS_PREMIUM, BASIC, E3 };
const keyOf = (o: OfferSpec): OfferKey => (o === BUSINESS_PREMIUM ? 'BP' : o === BASIC ? 'BASIC' : 'E3');
/** Microsoft's unit price (the MSP's cost), constant per offer. */
const COST: Record<OfferKey, string> = { BP: '20.00', BASIC: '6.00', E3: '30.00' };
/** The list retails a month can have. */
const RETAILS: Record<OfferKey, readonly string[]> = {
  BP: ['23.10', '24.65', '22.40'],
  BASIC: ['7.20', '7.85'],
  E3: ['34.00', '36.50'],
};
const serviceName = (o: OfferSpec) => `PC_${o.productId}:${o.skuId}`;

// ------------------------------------------------------------------------------------------------ the generator

const weighted = <T>(...pairs: [T, number][]) =>
  fc.oneof(...pairs.map(([v, weight]) => ({ arbitrary: fc.constant(v), weight })));

const changeArb = fc.record({ day: fc.integer({ min: 2, max: 27 }), seats: fc.integer({ min: 0, max: 14 }) });
/** Seat changes per month (index = invoice month). */
const changesArb = fc.array(fc.array(changeArb, { maxLength: 2 }), { minLength: 6, maxLength: 6 });
const endArb = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 },
);
const subArb = fc.record({ seats: fc.integer({ min: 1, max: 14 }), changes: changesArb, end: endArb });

/** What the MSP posts in the PSA around month k's invoice. */
type Post = 'none' | 'before' | 'after' | 'ahead';
const postArb = weighted<Post>(['none', 2], ['before', 2], ['after', 1], ['ahead', 2]);

type ReissueKind = 'shift' | 'requantity' | 'cycle' | 'addE3';
const reissueArb = fc.record({
  /** Which month: k - back (k = the month just synced). */
  back: fc.integer({ min: 0, max: 2 }),
  kind: weighted<ReissueKind>(['shift', 2], ['requantity', 2], ['cycle', 1], ['addE3', 1]),
  who: weighted<Who>(['A', 1], ['B', 1]),
  delta: fc.integer({ min: 1, max: 4 }),
  down: fc.boolean(),
  day: fc.integer({ min: 2, max: 27 }),
  seats: fc.integer({ min: 1, max: 6 }),
});

const historyArb = fc.record({
  months: fc.integer({ min: 3, max: 4 }),
  a: fc.record({ bp: subArb, basic: fc.option(subArb, { freq: 3 }) }),
  b: fc.record({
    join: fc.integer({ min: 1, max: 2 }),
    bp: subArb,
    e3: fc.option(
      fc.record({ month: fc.integer({ min: 1, max: 3 }), day: fc.integer({ min: 2, max: 27 }), sub: subArb }),
      { freq: 2 },
    ),
  }),
  /** Index into RETAILS per offer, for every month up to the coming one. */
  retail: fc.record({
    BP: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }),
    BASIC: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 6, maxLength: 6 }),
    E3: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 6, maxLength: 6 }),
  }),
  /** The change to month k+1's retail comes on the 15th of month k (mid-period, R-8) instead of the 1st. */
  mid: fc.array(weighted([false, 3], [true, 1]), { minLength: 6, maxLength: 6 }),
  post: fc.array(postArb, { minLength: 6, maxLength: 6 }),
  reissue: fc.array(fc.option(reissueArb, { freq: 2 }), { minLength: 6, maxLength: 6 }),
});
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

// ------------------------------------------------------------------------------------------------ invoices

interface Sub {
  id: string;
  who: Who;
  offer: OfferSpec;
  startMonth: number;
  /** The day of startMonth the subscription starts; its cycles run from this day of each month. */
  anchor: number;
  seats: number;
  changes: { day: number; seats: number }[][];
  /** Not renewed after this many months (no line from startMonth + end on). */
  end: number | null;
  /** A re-issue's other quantity for the cycle starting in a month. */
  cycleSeats?: Map<number, number>;
}

function subsOf(h: History): Sub[] {
  const out: Sub[] = [
    {
      id: 'a0b50000-0000-4000-8000-0000000000a1',
      who: 'A',
      offer: BUSINESS_PREMIUM,
      startMonth: 0,
      anchor: 1,
      ...h.a.bp,
    },
    {
      id: 'b0b50000-0000-4000-8000-0000000000b1',
      who: 'B',
      offer: BUSINESS_PREMIUM,
      startMonth: h.b.join,
      anchor: 1,
      ...h.b.bp,
    },
  ];
  if (h.a.basic)
    out.push({
      id: 'a0b50000-0000-4000-8000-0000000000a2',
      who: 'A',
      offer: BASIC,
      startMonth: 0,
      anchor: 20,
      ...h.a.basic,
    });
  if (h.b.e3 && Math.max(h.b.join, h.b.e3.month) < h.months)
    out.push({
      id: 'b0b50000-0000-4000-8000-0000000000b3',
      who: 'B',
      offer: E3,
      startMonth: Math.max(h.b.join, h.b.e3.month),
      anchor: h.b.e3.day,
      ...h.b.e3.sub,
    });
  return out;
}

/** The last day of the cycle (anchored on `anchor`) that contains `day`. */
function cycleEnd(day: string, anchor: number): string {
  const d = Number(day.slice(8));
  const month = day.slice(0, 7);
  const start =
    d >= anchor ? dayOf(month, anchor) : (addMonths(parsePlainDate(dayOf(month, anchor)), -1) as string);
  return plus(addMonths(parsePlainDate(start), 1) as string, -1);
}

/**
 * The subscription's invoice lines per month, as Microsoft writes them: a charge for each cycle starting in the
 * month (the first one `new`), and each seat change as the old quantity reversed plus the new one, from the change
 * day to the end of its cycle. A change to 0 ends it (no next cycle); so does `end`.
 */
function simulate(sub: Sub, months: number): ReconLineSpec[][] {
  const out: ReconLineSpec[][] = Array.from({ length: months }, () => []);
  const customer = CUSTOMERS[sub.who].spec;
  const s = subscription(customer, sub.offer, sub.id, dayOf(M(sub.startMonth), sub.anchor));
  const cost = COST[keyOf(sub.offer)];
  let current = 0;
  for (let m = sub.startMonth; m < months; m += 1) {
    if (sub.end !== null && m >= sub.startMonth + sub.end) break;
    const month = M(m);
    const first = m === sub.startMonth;
    // One change a day, none on the cycle's own day (nor before the start).
    const byDay = new Map<number, number>();
    for (const c of sub.changes[m] ?? [])
      if (c.day !== sub.anchor && !byDay.has(c.day) && (!first || c.day > sub.anchor))
        byDay.set(c.day, c.seats);
    const changes = [...byDay].map(([day, seats]) => ({ day, seats }));
    const events = [
      { day: sub.anchor, cycle: true, seats: 0 },
      ...changes.map((c) => ({ day: c.day, cycle: false, seats: c.seats })),
    ].sort((x, y) => x.day - y.day);
    let ended = false;
    for (const e of events) {
      const day = dayOf(month, e.day);
      if (e.cycle) {
        const seats = sub.cycleSeats?.get(m) ?? (first ? sub.seats : current);
        if (seats <= 0) {
          ended = true;
          break;
        }
        current = seats;
        out[m]!.push(
          s.cycle(day, cycleEnd(day, sub.anchor), seats, cost, first ? { chargeType: 'new' } : {}),
        );
      } else {
        if (e.seats === current) continue;
        const type = e.seats < current ? 'removeQuantity' : 'addQuantity';
        out[m]!.push(...s.change(day, cycleEnd(day, sub.anchor), current, e.seats, cost, type));
        current = e.seats;
        if (current === 0) {
          ended = true;
          break;
        }
      }
    }
    if (ended) break;
  }
  return out;
}

/**
 * A customer of the MSP that billsync does not sync (never mapped): its line keeps every invoice non-empty (a
 * Microsoft invoice always has other customers) when Contoso's and Falcon's subscriptions have all ended.
 */
const OTHER: CustomerSpec = {
  tenantId: '07e40000-0000-4000-8000-0000000000c3',
  name: 'Unmapped Traders',
  domain: 'unmappedtraders.onmicrosoft.com',
  country: 'US',
};
const otherLine = (k: number) =>
  subscription(OTHER, BUSINESS_PREMIUM, '07e40000-0000-4000-8000-0000000000c4', `${M(0)}-01`).cycle(
    `${M(k)}-01`,
    lastDay(M(k)),
    1,
    COST.BP,
  );

const invoiceNumber = (k: number) => `G7310${String(k).padStart(4, '0')}`;

/** The price list: per offer, month i's retail from its 1st, or from the 15th of month i-1 when `mid[i-1]`. */
function priceSpecs(h: History): PriceSpec[] {
  const out: PriceSpec[] = [];
  for (const key of ['BP', 'BASIC', 'E3'] as const) {
    const starts = Array.from({ length: h.months + 1 }, (_, i) =>
      i === 0 ? '2024-01-01' : h.mid[i - 1] ? `${M(i - 1)}-15` : `${M(i)}-01`,
    );
    for (const [i, start] of starts.entries()) {
      const next = starts[i + 1];
      out.push({
        offer: OFFER[key],
        cost: COST[key],
        erp: RETAILS[key][h.retail[key][i]!]!,
        start,
        ...(next ? { end: plus(next, -1) } : {}),
      });
    }
  }
  return out;
}

/** Retail of an offer in month i's contract period: the list's price on its first day (spec section 6, R-8). */
const retailOf = (h: History, o: OfferSpec, i: number) => RETAILS[keyOf(o)][h.retail[keyOf(o)][i]!]!;

// ------------------------------------------------------------------------------------------------ the oracle

/** The invoices synced so far: month index -> its lines (a re-issue replacing the earlier version). */
type Synced = Map<number, ReconLineSpec[]>;

/** First month a customer's invoices are synced from (its sync start). */
const firstMonthOf = (h: History, who: Who) => (who === 'A' ? 0 : h.b.join);

/**
 * Seats of a customer's offer on a day (spec section 6): per subscription, the signed quantities of the synced
 * lines covering the day; after its latest charge period its seats carry forward, unless the synced invoice of the
 * month its next cycle would start in has no line for that cycle (it ended the day after its last charge period).
 */
function seatsOn(h: History, synced: Synced, who: Who, offer: OfferSpec, day: string): number {
  const from = firstMonthOf(h, who);
  const tenant = CUSTOMERS[who].spec.tenantId;
  const lines = [...synced.entries()]
    .filter(([m]) => m >= from)
    .flatMap(([, ls]) => ls)
    .filter((l) => l.customer?.tenantId === tenant && l.offer === offer);
  let n = 0;
  for (const sub of new Set(lines.map((l) => l.subscriptionId))) {
    const mine = lines.filter((l) => l.subscriptionId === sub);
    const first = mine.map((l) => l.chargeStart).sort()[0]!;
    const last = mine
      .map((l) => l.chargeEnd)
      .sort()
      .at(-1)!;
    if (day < first) continue;
    if (day > last) {
      const next = plus(last, 1);
      const decider = MONTHS.indexOf(next.slice(0, 7));
      if (synced.has(decider) && !mine.some((l) => !l.reversal && l.chargeStart === next)) continue;
    }
    const at = day <= last ? day : last;
    n += mine
      .filter((l) => l.chargeStart <= at && at <= l.chargeEnd)
      .reduce((t, l) => t + (l.reversal ? -l.quantity : l.quantity), 0);
  }
  return n;
}

/** What a customer's contract must bill in month i: seat-days x the period's retail / days of the month. */
function wantedMoney(h: History, synced: Synced, who: Who, i: number): Decimal {
  const month = M(i);
  let total = ZERO;
  for (const o of OFFERS) {
    let seatDays = 0;
    for (const day of eachDay(`${month}-01`, lastDay(month))) seatDays += seatsOn(h, synced, who, o, day);
    total = total.plus(dec(seatDays).times(dec(retailOf(h, o, i))));
  }
  return total.div(dim(month));
}

// ------------------------------------------------------------------------------------------------ re-issues

/** The lines of a re-issue of month j (null when the mutation changes nothing), and what it did, in words. */
function reissueOf(
  h: History,
  subs: Sub[],
  current: ReconLineSpec[],
  j: number,
  r: NonNullable<History['reissue'][number]>,
): { lines: ReconLineSpec[]; what: string } | null {
  let who: Who = r.who;
  if (who === 'B' && h.b.join > j) who = 'A';
  let kind = r.kind;
  const bp = subs.find((s) => s.who === who && s.offer === BUSINESS_PREMIUM)!;
  const hasE3 = (w: Who) =>
    current.some((l) => l.customer?.tenantId === CUSTOMERS[w].spec.tenantId && l.offer === E3);
  const bpLines = simulate(bp, h.months)[j] ?? [];
  if (kind !== 'addE3' && bpLines.length === 0) kind = 'addE3';
  if (kind === 'addE3') {
    if (hasE3('A') || subs.some((s) => s.who === 'A' && s.offer === E3)) return null;
    const e3: Sub = {
      id: `a0b50000-0000-4000-8000-00000000e3${String(j).padStart(2, '0')}`,
      who: 'A',
      offer: E3,
      startMonth: j,
      anchor: r.day,
      seats: r.seats,
      changes: [],
      end: 1,
    };
    return {
      lines: [...current, ...(simulate(e3, h.months)[j] ?? [])],
      what: `re-issue of ${M(j)}: Contoso's missing E3 (${r.seats} seats from ${dayOf(M(j), r.day)}) added`,
    };
  }
  const clone: Sub = { ...bp, changes: bp.changes.map((c) => c.map((x) => ({ ...x }))) };
  const month = clone.changes[j]!;
  let what = '';
  if ((kind === 'shift' || kind === 'requantity') && month.length === 0) kind = 'cycle';
  if (kind === 'shift') {
    const c = month[r.delta % month.length]!;
    const day = Math.min(27, Math.max(2, c.day + (r.down ? -r.delta : r.delta)));
    if (month.some((x) => x.day === day)) return null;
    what = `the change to ${c.seats} on ${dayOf(M(j), c.day)} moved to ${dayOf(M(j), day)}`;
    c.day = day;
  } else if (kind === 'requantity') {
    const c = month[r.delta % month.length]!;
    const seats = (c.seats + (r.down ? 15 - r.delta : r.delta)) % 15;
    what = `the change on ${dayOf(M(j), c.day)} to ${seats} seats instead of ${c.seats}`;
    c.seats = seats;
  } else {
    const first = bpLines.find((l) => !l.reversal && l.chargeStart === `${M(j)}-01`);
    const was = first?.quantity ?? 0;
    const seats = Math.max(1, was + (r.down ? -r.delta : r.delta));
    what = `the cycle of ${M(j)} at ${seats} seats instead of ${was}`;
    clone.cycleSeats = new Map([[j, seats]]);
  }
  const tenant = CUSTOMERS[who].spec.tenantId;
  const others = current.filter((l) => !(l.customer?.tenantId === tenant && l.subscriptionId === bp.id));
  const lines = [...others, ...(simulate(clone, h.months)[j] ?? [])];
  const print = (ls: ReconLineSpec[]) =>
    JSON.stringify(
      ls.map((l) => [l.subscriptionId, l.chargeStart, l.chargeEnd, l.quantity, l.reversal ?? false]).sort(),
    );
  if (print(lines) === print(current)) return null;
  return { lines, what: `re-issue of ${M(j)} (${who === 'A' ? 'Contoso' : 'Falcon'}): ${what}` };
}

// ------------------------------------------------------------------------------------------------ reading the PSA

// biome-ignore lint/suspicious/noExplicitAny: the emulator's state dump.
type Row = Record<string, any>;

async function emulatorState(s: CliScenario): Promise<Row> {
  return (await (await fetch(`${s.base}/_emulator/state`)).json()) as Row;
}

/** What billsync (or anyone) wrote, per contract, to compare across a sync. */
interface Writes {
  /** Adjustment days per contract service. */
  adjustmentDays: Map<number, Set<string>>;
  adjustments: Row[];
  charges: Row[];
  /** Recurring-service BillingItems (approve & post, or prorated items of a change to posted days). */
  billingItems: number;
  /** The last posted day per contract (the end of its posted unit rows), '' if none. */
  postedThrough: Map<number, string>;
  lineContract: Map<number, number>;
}

async function writesOf(s: CliScenario): Promise<Writes> {
  const state = await emulatorState(s);
  const lineContract = new Map<number, number>(
    (state.ContractServices as Row[]).map((cs) => [cs.id as number, cs.contractID as number]),
  );
  const adjustmentDays = new Map<number, Set<string>>();
  for (const a of state.ContractServiceAdjustments as Row[]) {
    const set = adjustmentDays.get(a.contractServiceID) ?? new Set<string>();
    set.add(String(a.effectiveDate).slice(0, 10));
    adjustmentDays.set(a.contractServiceID, set);
  }
  const postedThrough = new Map<number, string>();
  const rows = state.ContractServiceUnits as Row[];
  for (const csId of lineContract.keys()) {
    const contract = lineContract.get(csId)!;
    for (const seg of segmentsOfRows(rows.filter((r) => r.contractServiceID === csId)))
      if (seg.posted && seg.end > (postedThrough.get(contract) ?? '')) postedThrough.set(contract, seg.end);
  }
  return {
    adjustmentDays,
    adjustments: state.ContractServiceAdjustments as Row[],
    charges: state.ContractCharges as Row[],
    billingItems: (state.BillingItems as Row[]).filter((b) => b.billingItemType === 5).length,
    postedThrough,
    lineContract,
  };
}

// ------------------------------------------------------------------------------------------------ one history

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The days a billsync charge's name labels ("Credit: Office 365 E3, 1, 3-4 Feb 2026"), as YYYY-MM-DD. */
function namedDays(name: string): string[] {
  const m = /((?:\d+(?:-\d+)?, )*\d+(?:-\d+)?) ([A-Z][a-z]{2}) (\d{4})$/.exec(name);
  if (!m) return [];
  const month = `${m[3]}-${String(MON.indexOf(m[2]!) + 1).padStart(2, '0')}`;
  return m[1]!.split(', ').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return Array.from(
      { length: (b ?? a!) - a! + 1 },
      (_, i) => `${month}-${String(a! + i).padStart(2, '0')}`,
    );
  });
}

async function runHistory(h: History, variant: AutotaskVariant, log: string[]): Promise<void> {
  const subs = subsOf(h);
  const planned = subs.map((sub) => ({ sub, lines: simulate(sub, h.months) }));
  const invoiceLines = (k: number) => [...planned.flatMap((p) => p.lines[k] ?? []), otherLine(k)];
  const synced: Synced = new Map();
  const messages: Record<Who, string[]> = { A: [], B: [] };
  /** Per customer, the run items' "<days> could not be changed" warnings: "<item label>: <text>". */
  const unchangeable: Record<Who, string[]> = { A: [], B: [] };
  const joined = (who: Who, k: number) => k >= firstMonthOf(h, who);
  const s = await createCliScenario({
    now: '2026-01-02T09:00:00Z',
    inProcess: true,
    seed: { extraCustomers: 1 },
    ...(variant.rules ? { rules: variant.rules } : {}),
    ...(variant.limits ? { limits: variant.limits } : {}),
  });
  let reissues = 0;
  /** The latest synced invoice period (k): arrears customers are decided through it, advance ones one more. */
  let latest = -1;

  const t0 = Date.now();
  const say = (line: string) => log.push(line);
  const tick = (what: string) => process.env.FUZZ_TIMING && console.info(`${Date.now() - t0} ms ${what}`);

  async function audit(label: string, before: Writes): Promise<void> {
    const after = await writesOf(s);
    const failures: string[] = [];
    // No write on a posted day, nothing twice, no prorated posted-day item.
    const oldIds = new Set(before.adjustments.map((a) => a.id));
    for (const a of after.adjustments) {
      if (oldIds.has(a.id)) continue;
      const contract = after.lineContract.get(a.contractServiceID)!;
      const posted = before.postedThrough.get(contract) ?? '';
      const day = String(a.effectiveDate).slice(0, 10);
      if (day <= posted)
        failures.push(`adjustment ${a.unitChange} on ${day} (contract ${contract} posted through ${posted})`);
    }
    const days = after.adjustments.map(
      (a) => `${a.contractServiceID} ${String(a.effectiveDate).slice(0, 10)}`,
    );
    const twice = days.filter((d, i) => days.indexOf(d) !== i);
    if (twice.length) failures.push(`two adjustments of a line on a day: ${twice.join(', ')}`);
    // A marker names the PSA product and month; it is unique per contract.
    const markers = after.charges.map(
      (c) => `${c.contractID} ${c.internalPurchaseOrderNumber ?? `no marker ${c.id}`}`,
    );
    const dup = markers.filter((m, i) => markers.indexOf(m) !== i);
    if (dup.length) failures.push(`charges written twice: ${dup.join(', ')}`);
    if (after.billingItems !== before.billingItems)
      failures.push(`${after.billingItems - before.billingItems} prorated billing item(s) of posted days`);

    for (const who of ['A', 'B'] as const) {
      if (!joined(who, latest)) continue;
      const { contract } = CUSTOMERS[who];
      const lines = await s.readback.contractServices(contract);
      const segments = new Map<number, UnitSegment[]>();
      for (const l of lines) segments.set(l.id, await s.readback.unitSegments(l.id));
      const charges = await s.readback.charges(contract);
      const postedThrough = [...segments.values()]
        .flat()
        .filter((x) => x.posted)
        .reduce((p, x) => (x.end > p ? x.end : p), '');
      const lastMonth = who === 'B' ? latest + 1 : latest;
      const report = (await (
        await fetch(`${s.base}/_emulator/billing?contractId=${contract}&from=${M(0)}&to=${M(lastMonth)}`)
      ).json()) as { months: { month: string; total: { amount: string } }[] };
      for (let i = 0; i <= lastMonth; i += 1) {
        const month = M(i);
        const first = `${month}-01`;
        const last = lastDay(month);
        // Money: rows prorated by days (exact) + charges dated in the month.
        let billed = ZERO;
        let rows = 0;
        for (const segs of segments.values())
          for (const x of segs) {
            const from = x.start > first ? x.start : first;
            const to = x.end < last ? x.end : last;
            if (from > to) continue;
            rows += 1;
            const n = eachDay(from, to).length;
            billed = billed.plus(
              x.units
                .times(x.price ?? ZERO)
                .times(dec(n))
                .div(dim(month)),
            );
          }
        const mine = charges.filter((c) => c.date.slice(0, 7) === month);
        billed = mine.reduce((t, c) => t.plus(c.amount), billed);
        const wanted = wantedMoney(h, synced, who, i);
        const slack = dec('0.005').times(dec(mine.length)).plus(dec('0.000001'));
        if (billed.minus(wanted).abs().gt(slack))
          failures.push(
            `${who === 'A' ? 'Contoso' : 'Falcon (advance)'} ${month}: billed ${cents(billed)} (${billed.toFixed(4)}), the invoices say ${cents(wanted)} (${wanted.toFixed(4)}); charges ${mine.map((c) => `${c.date} ${c.amount.toFixed(2)} ${c.name}`).join('; ') || 'none'}`,
          );
        const reported = dec(report.months.find((m) => m.month === month)?.total.amount ?? '0');
        const reportSlack = dec('0.005')
          .times(dec(rows + mine.length))
          .plus(dec('0.000001'));
        if (reported.minus(wanted).abs().gt(reportSlack))
          failures.push(
            `${who} ${month}: the PSA's billing report says ${cents(reported)}, the invoices ${cents(wanted)}`,
          );
      }
      // R-7: units, price and cost per free decided day.
      for (const o of OFFERS) {
        const ls = lines.filter((l) => l.serviceName === serviceName(o));
        // Locked days: those that already carried an adjustment, the days a billsync charge of the product names
        // and those its run items said could not be changed (spec section 6 "Locked days": "the run item is a
        // warning that says so"; a line held higher before a locked decrease, held-units.ts).
        const locked = new Set([
          ...ls.flatMap((l) => [...(before.adjustmentDays.get(l.id) ?? [])]),
          ...charges.filter((c) => c.name.includes(o.title)).flatMap((c) => namedDays(c.name)),
          ...unchangeable[who]
            .filter((m) => m.includes(o.title))
            .flatMap((m) => namedDays(m.slice(0, m.indexOf(' could not be changed')))),
        ]);
        const bad: [string, string][] = [];
        for (const day of eachDay(`${M(firstMonthOf(h, who))}-01`, lastDay(M(lastMonth)))) {
          if (day <= postedThrough || locked.has(day)) continue;
          const want = seatsOn(h, synced, who, o, day);
          let units = ZERO;
          const prices = new Set<string>();
          for (const l of ls) {
            const x = segments.get(l.id)!.find((seg) => seg.start <= day && day <= seg.end);
            if (!x || x.units.eq(ZERO)) continue;
            units = units.plus(x.units);
            prices.add(`${cents(x.price ?? ZERO)}/${cents(x.cost ?? ZERO)}`);
          }
          const i = MONTHS.indexOf(day.slice(0, 7));
          const wantPrice = `${cents(dec(retailOf(h, o, i)))}/${cents(dec(COST[keyOf(o)]))}`;
          const ok = units.eq(dec(want)) && (want === 0 || (prices.size === 1 && prices.has(wantPrice)));
          if (!ok)
            bad.push([
              day,
              `${units.toFixed()} @ ${[...prices].join('+') || '-'} (want ${want} @ ${wantPrice})`,
            ]);
        }
        if (bad.length)
          failures.push(
            `${who} ${o.title}: line differs from the invoice seat timeline on free days: ${dayRuns(bad)}`,
          );
      }
    }
    if (failures.length) say(`FAILED ${label}:\n  ${failures.join('\n  ')}`);
    expect(failures, `${label} (${variant.name})\n${log.join('\n')}`).toEqual([]);
  }

  async function sync(label: string, asOf: string, products = true): Promise<void> {
    tick(`${label} start`);
    const before = await writesOf(s);
    if (products) {
      const done = await s.syncProducts({ asOf });
      expect(done.code, `${label}: products\n${await s.explain(done)}`).toBe(0);
      tick('products');
    }
    const outcome = await s.syncCustomers({ asOf });
    tick('customers');
    const statuses = outcome.runs.map((r) => r.status);
    say(
      `${label} (as of ${asOf}): ${outcome.runs.map((r) => `${r.customerName} ${r.status} ${r.writes} writes`).join(', ')}`,
    );
    expect(
      statuses.filter((x) => !['success', 'warning', 'no_change'].includes(x)),
      `${label}: runs\n${await s.explain(outcome)}\n${log.join('\n')}`,
    ).toEqual([]);
    // Only a run with warnings can tell a price change (R-8).
    for (const r of outcome.runs.filter((x) => x.status === 'warning')) {
      const who: Who | null =
        r.tenantId === CONTOSO.tenantId ? 'A' : r.tenantId === FALCON.tenantId ? 'B' : null;
      if (!who) continue;
      const detail = await showRun(s, r.runId);
      messages[who].push(...runMessages(detail));
      for (const l of detail.lines)
        for (const m of l.messages)
          if (m.text.includes(' could not be changed')) {
            unchangeable[who].push(`${l.label}: ${m.text}`);
            say(`${label}: ${l.label}: ${m.text}`);
          }
    }
    tick('messages');
    await audit(label, before);
    tick('audit');
    await expectRerunWritesNothing(s, asOf);
    tick('rerun');
  }

  try {
    await s.setup();
    await s.importPriceList(priceListFile(s.dir, priceSpecs(h)));
    for (let k = 0; k < h.months; k += 1) {
      const next = M(k + 1);
      const post = h.post[k]!;
      if (post === 'before') {
        s.setClock(`${next}-02T09:00:00Z`);
        await s.approveAndPost(lastDay(M(k)));
        say(`${next}-02: the MSP posts through ${lastDay(M(k))}`);
      }
      const lines = invoiceLines(k);
      await s.importInvoice(reconFile(s.dir, invoiceNumber(k), lines), {
        period: M(k),
        issued: `${next}-07`,
      });
      synced.set(k, lines);
      latest = k;
      if (k === 0) await s.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
      if (k === h.b.join)
        await s.json(
          ...['map', FALCON.tenantId, '--company', String(CUSTOMERS.B.company)],
          ...['--contract', String(CUSTOMERS.B.contract), '--strategy', 'cost-and-retail'],
          ...['--start', `${next}-01`, '--sync', 'on', '--billing', 'advance'],
        );
      await sync(`invoice ${M(k)}`, `${next}-08`);
      if (post === 'after' || post === 'ahead') {
        const through = lastDay(post === 'after' ? M(k) : next);
        s.setClock(`${next}-09T09:00:00Z`);
        await s.approveAndPost(through);
        say(`${next}-09: the MSP posts through ${through}`);
      }
      const r = h.reissue[k];
      if (r && k - r.back >= 0) {
        const j = k - r.back;
        const re = reissueOf(h, subs, synced.get(j)!, j, r);
        if (re) {
          reissues += 1;
          say(`${next}-15: ${re.what}`);
          await s.importInvoice(reconFile(s.dir, invoiceNumber(j), re.lines, `reissue-${reissues}.csv`), {
            period: M(j),
            issued: `${M(j + 1)}-07`,
          });
          synced.set(j, re.lines);
          // The daily check runs the product sync too; only a subscription new to the customers needs it.
          await sync(`re-issue of ${M(j)}`, `${next}-15`, re.what.includes('E3'));
        }
      }
    }
    // R-8: each mid-period list retail change the synced invoices bill is told once, to the customer billed then.
    for (const who of ['A', 'B'] as const)
      for (const o of OFFERS)
        for (let i = 0; i < h.months; i += 1) {
          const from = retailOf(h, o, i);
          const to = retailOf(h, o, i + 1);
          if (!h.mid[i] || from === to) continue;
          const day = `${M(i)}-15`;
          if (seatsOn(h, synced, who, o, day) <= 0) continue;
          const told = messages[who].filter((m) => {
            const x = /retail unit price changed from ([\d.]+) to ([\d.]+) on (\d\d \w{3} \d{4})/.exec(m);
            return x && dec(x[1]!).eq(dec(from)) && dec(x[2]!).eq(dec(to)) && x[3] === spoken(day);
          });
          expect(
            told.length,
            `R-8 ${who} ${o.title}: retail ${from} -> ${to} on ${day}, told ${told.length} times\n${messages[who].join('\n')}\n${log.join('\n')}`,
          ).toBe(1);
        }
  } finally {
    await s.close();
  }
}

// ------------------------------------------------------------------------------------------------ the properties

const VARIANTS: { variant: AutotaskVariant; runs: number }[] = [
  ...BILLING_VARIANTS.map((variant) => ({ variant, runs: 1 })),
  ...DIALECT_VARIANTS.map((variant) => ({ variant, runs: 1 })),
];

describe.each(VARIANTS.map((v, i) => ({ ...v, index: i, name: v.variant.name })))(
  'fuzzed months against Autotask: $name',
  ({ variant, runs, index }) => {
    it('every month bills the invoices to the cent, the line follows the seat timeline, a re-run writes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(historyArb, async (h) => {
          await runHistory(h, variant, []);
        }),
        // FUZZ_RUNS / FUZZ_SEED explore further by hand; the suite runs the fixed seed.
        {
          seed: 20260 + index + Number(process.env.FUZZ_SEED ?? 0),
          numRuns: Number(process.env.FUZZ_RUNS ?? runs),
          endOnFailure: true,
        },
      );
    }, 180_000);
  },
);

// ------------------------------------------------------------------------------------------------ by hand

const NO_CHANGES = () => Array.from({ length: 6 }, () => [] as { day: number; seats: number }[]);

/** A history with nothing happening but what `edit` sets: Contoso's Business Premium only, nothing posted. */
function historyOf(edit: (h: History) => void): History {
  const h: History = {
    months: 1,
    a: { bp: { seats: 3, changes: NO_CHANGES(), end: null }, basic: null },
    b: { join: 5, bp: { seats: 1, changes: NO_CHANGES(), end: null }, e3: null },
    retail: { BP: [0, 0, 0, 0, 0, 0], BASIC: [0, 0, 0, 0, 0, 0], E3: [0, 0, 0, 0, 0, 0] },
    mid: [false, false, false, false, false, false],
    post: ['none', 'none', 'none', 'none', 'none', 'none'],
    reissue: [null, null, null, null, null, null],
  };
  edit(h);
  return h;
}

describe('the oracle, by hand (no PSA)', () => {
  it('a seat change is a reversal plus the new quantity to the cycle end; seats carry until an invoice ends them', () => {
    const h = historyOf((x) => {
      x.months = 3;
      x.a.bp.changes[0] = [{ day: 16, seats: 1 }];
      x.a.basic = { seats: 2, changes: NO_CHANGES(), end: 2 };
      x.a.basic.changes[1] = [{ day: 5, seats: 4 }];
    });
    const [bp, , basic] = subsOf(h).map((sub) => simulate(sub, h.months));
    expect(
      bp![0]!.map((l) => `${l.chargeStart}..${l.chargeEnd} ${l.reversal ? '-' : '+'}${l.quantity}`),
    ).toEqual(['2025-12-01..2025-12-31 +3', '2025-12-16..2025-12-31 -3', '2025-12-16..2025-12-31 +1']);
    // Basic: new on 20 Dec (2 seats, cycles from the 20th), 4 from 5 Jan, not renewed on 20 Feb.
    expect(
      basic!.map((ls) =>
        ls.map((l) => `${l.chargeStart}..${l.chargeEnd} ${l.reversal ? '-' : '+'}${l.quantity}`),
      ),
    ).toEqual([
      ['2025-12-20..2026-01-19 +2'],
      ['2026-01-05..2026-01-19 -2', '2026-01-05..2026-01-19 +4', '2026-01-20..2026-02-19 +4'],
      [],
    ]);
    const synced: Synced = new Map([[0, [...bp![0]!, ...basic![0]!]]]);
    expect(
      ['2025-12-15', '2025-12-16', '2026-01-31'].map((d) => seatsOn(h, synced, 'A', BUSINESS_PREMIUM, d)),
    ).toEqual([3, 1, 1]);
    // December's invoice alone: Basic carries its 2 seats past 19 Jan.
    expect(seatsOn(h, synced, 'A', BASIC, '2026-01-25')).toBe(2);
    synced.set(1, [...bp![1]!, ...basic![1]!]);
    expect(['2026-01-04', '2026-01-05', '2026-02-25'].map((d) => seatsOn(h, synced, 'A', BASIC, d))).toEqual([
      2, 4, 4,
    ]);
    // February's invoice has no cycle of 20 Feb: it ended on 20 Feb.
    synced.set(2, [...bp![2]!, ...basic![2]!]);
    expect(['2026-02-19', '2026-02-20'].map((d) => seatsOn(h, synced, 'A', BASIC, d))).toEqual([4, 0]);
    // December: Business Premium (3 x 15 + 1 x 16) x 23.10 / 31 + Basic 2 x 12 x 7.20 / 31.
    expect(cents(wantedMoney(h, synced, 'A', 0))).toBe(
      cents(dec('1581.90').div(31)) /* 61 x 23.10 + 24 x 7.20 */,
    );
  });

  it('a re-issue moving a change, or another quantity on the same day, keeps the reversals consistent', () => {
    const h = historyOf((x) => {
      x.a.bp.changes[0] = [{ day: 16, seats: 1 }];
    });
    const subs = subsOf(h);
    const dec0 = simulate(subs[0]!, 1)[0]!;
    const moved = reissueOf(h, subs, dec0, 0, {
      back: 0,
      kind: 'shift',
      who: 'A',
      delta: 2,
      down: true,
      day: 2,
      seats: 1,
    });
    expect(moved?.what).toBe(
      're-issue of 2025-12 (Contoso): the change to 1 on 2025-12-16 moved to 2025-12-14',
    );
    const again = reissueOf(h, subs, dec0, 0, {
      back: 0,
      kind: 'requantity',
      who: 'A',
      delta: 1,
      down: false,
      day: 2,
      seats: 1,
    });
    expect(again?.lines.map((l) => `${l.chargeStart} ${l.reversal ? '-' : '+'}${l.quantity}`)).toEqual([
      '2025-12-01 +3',
      '2025-12-16 -3',
      '2025-12-16 +2',
    ]);
  });
});

describe('fuzzed months, shrunk by hand (Autotask defaults)', () => {
  /**
   * Found by the property (seed 20260, run 1, "defaults"; it recurs under every variant, since all of them refuse
   * negative units). Shrunk: ONE month. December's invoice: Contoso's Business Premium 3 seats from 1 Dec, 1 seat
   * from 16 Dec (reversal of 3 + 1 from the 16th). Synced on 8 Jan: +3 on 1 Dec, -2 on 16 Dec. On 15 Jan Microsoft
   * re-issues December with the decrease on 14 Dec instead.
   *
   * Spec section 6 ("Locked days", "Corrected invoices"): the line is put right from the first day it can be and
   * the days it cannot change are booked as a one-time charge, "so the customer's billed total still equals the
   * invoice to the cent"; decision 0008 addendum: "No contract line holds negative units (Autotask refuses them by
   * default ...)"; emulator README (`rules.negativeUnits`): "Never let units go below 0".
   * Expected: December bills (3 x 13 + 1 x 18) x 23.10 / 31 = 42.47.
   * Found by this audit: billsync planned -2 on 14 Dec under the locked -2 of 16 Dec (the line at -1 that day);
   * Autotask refused it, the run was an Error and December stayed at 45.45. Fixed: the line is held at 2 on
   * 14-15 Dec (held-units.ts) and those days are booked with the locked one.
   */
  it('a re-issue moving a seat decrease two days earlier: the line is held above 0 before the locked day', async () => {
    const h = historyOf((x) => {
      x.a.bp.changes[0] = [{ day: 16, seats: 1 }];
      x.reissue[0] = { back: 0, kind: 'shift', who: 'A', delta: 2, down: true, day: 2, seats: 1 };
    });
    const log: string[] = [];
    await runHistory(h, BILLING_VARIANTS[0]!, log);
  }, 60_000);

  /**
   * Found by the property (FUZZ_SEED=2000, seed 22265, "harshest: overlapping rows, stored prices, current period
   * only, posted refused"); shrunk to ONE month under the single switch `unitsHorizon: 'current-period'`.
   * December's invoice: Contoso's Business Premium 3 seats, synced on 8 Jan. On 9 Jan the MSP approves and posts
   * through 31 Jan (Autotask bills recurring services in advance). On 15 Jan Microsoft re-issues December with a
   * missing Office 365 E3 subscription (3 seats, new on 4 Dec, cycle 4 Dec - 3 Jan).
   *
   * Spec section 6 ("Locked days"): the posted days 4 Dec - 3 Jan are booked as one-time charges and the line is
   * put right from the first day it can be (1 Feb); emulator README, `rules.unitsHorizon`: "Do not require future
   * rows; treat a missing future period as continuing the last row".
   * Expected: December bills 3 x 23.10 + 3 x 28 x 34.00 / 31 = 161.43, the run is a Warning, the customer syncs on.
   * Actual: the charges land (92.13 for 4-31 Dec, 9.87 for 1-3 Jan) and the new E3 line gets +3 from 1 Feb, but
   * Autotask has no unit rows beyond the current period (January) yet, so billsync's check after writing reads the
   * new line as billing nothing from 1 Feb: "The PSA does not bill what billsync wrote", the run is an Error and
   * the customer's sync is paused (every later month unbilled until someone switches it on again).
   * Fixed (thirteenth session): checking only the days Autotask shows rows for was not enough (the next sync read
   * the new line as 0 units from 1 Feb and wrote +3 again, a double charge). The adapter now says from which day a
   * line has no rows (`unitsReadUntil`), and the engine adds billsync's own journalled writes there
   * (core/planner/own-writes.ts) for both the plan and the check after writing.
   */
  it('a re-issue adding a subscription to a posted month, rows only up to the current period: billsync takes its own write for the days past the rows (no pause, no second write)', async () => {
    const h = historyOf((x) => {
      x.post[0] = 'ahead';
      x.reissue[0] = { back: 0, kind: 'addE3', who: 'A', delta: 1, down: false, day: 4, seats: 3 };
    });
    const variant = BILLING_VARIANTS.find(
      (v) => v.rules?.unitsHorizon === 'current-period' && !v.rules.unitRowPrice,
    )!;
    await runHistory(h, variant, []);
  }, 60_000);

  /**
   * Found exploring other seeds (thirteenth session, FUZZ_SEED=3000, seed 23264, "unit rows only up to the current
   * period"), shrunk to two months; any variant. Contoso's Business Premium: 11 seats; January's invoice raises it
   * to 13 on 20 Jan. On 2 Feb the MSP posts through 31 Jan, so billsync books 20-31 Jan as a charge
   * (2 x 12 x 23.10 / 31 = 17.88) and +2 from 1 Feb. On 15 Feb Microsoft re-issues January without the increase.
   * Spec section 6 ("Locked days", "Corrected invoices"): January bills 11 x 23.10 = 254.10, so the charge is
   * credited (-17.88). Was: no change, nothing written, January billed 271.98 (locked-gaps.ts returned no month
   * where no locked day differs any more, so the earlier charge was never taken back).
   */
  for (const [name, variant] of [
    ['defaults', BILLING_VARIANTS[0]!],
    [
      'current period',
      BILLING_VARIANTS.find((v) => v.rules?.unitsHorizon === 'current-period' && !v.rules.unitRowPrice)!,
    ],
  ] as const)
    it(`a re-issue taking back a posted month's increase credits the earlier charge (${name})`, async () => {
      const h = historyOf((x) => {
        x.months = 2;
        x.a.bp.seats = 11;
        x.a.bp.changes[1] = [{ day: 20, seats: 13 }];
        x.post[1] = 'before';
        x.reissue[1] = { back: 0, kind: 'requantity', who: 'A', delta: 2, down: true, day: 2, seats: 1 };
      });
      await runHistory(h, variant, []);
    }, 60_000);

  /**
   * Found exploring other seeds (FUZZ_SEED=1000, seed 21261, "unit rows end the day before the next adjustment"),
   * shrunk to one month under the defaults. December: 3 seats, 1 from 6 Dec, 6 from 26 Dec (synced: +3, -2 on
   * 6 Dec, +5 on 26 Dec). The re-issue moves the decrease to 5 Dec. 6 Dec is locked (its -2), so the line is held
   * at 2 on 5 Dec and is 0 on 6 Dec: one seat-day too many and one too few, the money exact, nothing to book.
   * Spec section 6: the run item is a warning that says so. Was: a Success that said nothing about 5-6 Dec.
   */
  it("a held day whose money cancels the locked day's: nothing booked, the run says so (once)", async () => {
    const h = historyOf((x) => {
      x.months = 3;
      x.a.bp.changes[0] = [
        { day: 26, seats: 6 },
        { day: 6, seats: 1 },
      ];
      // Later months write the line again: December is not told again (each run would be a Warning, an e-mail).
      x.a.bp.changes[1] = [{ day: 12, seats: 8 }];
      x.a.bp.changes[2] = [{ day: 12, seats: 9 }];
      x.reissue[0] = { back: 0, kind: 'shift', who: 'A', delta: 1, down: true, day: 2, seats: 1 };
    });
    const log: string[] = [];
    await runHistory(h, BILLING_VARIANTS[0]!, log);
    expect(
      log.filter((l) => l.includes('cancel out')),
      log.join('\n'),
    ).toHaveLength(1);
  }, 90_000);

  /**
   * The same over three months, posting ahead each month and a second re-issue a month later: the months after
   * the fix day reach the period whose rows now show billsync's write (taken from the rows, not added twice), and
   * every re-run writes nothing.
   */
  it('rows only up to the current period, over months: own writes past the rows are counted once as the rows come', async () => {
    const h = historyOf((x) => {
      x.months = 3;
      x.a.bp.changes[1] = [{ day: 10, seats: 5 }];
      x.post = ['ahead', 'ahead', 'after', 'none', 'none', 'none'];
      x.reissue[0] = { back: 0, kind: 'addE3', who: 'A', delta: 1, down: false, day: 4, seats: 3 };
      x.reissue[1] = { back: 0, kind: 'requantity', who: 'A', delta: 2, down: false, day: 12, seats: 2 };
    });
    const variant = BILLING_VARIANTS.find(
      (v) => v.rules?.unitsHorizon === 'current-period' && !v.rules.unitRowPrice,
    )!;
    await runHistory(h, variant, []);
  }, 120_000);
});
