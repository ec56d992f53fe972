import { type Decimal, dec, ZERO } from '../money/decimal';
import { type BillingPeriod, daysInPeriod, firstDayOf, nextPeriod, periodOf } from '../time/billing-period';
import { containsDay, type DateRange } from '../time/date-range';
import { addDays, dateParts, daysBetween, type PlainDate, startOfNextMonth } from '../time/plain-date';
import { clipDays, type DaySet } from './day-set';
import type { LineLocks, LockReason } from './line-locks';
import { type StateSegment, stateAt } from './line-state';

/** The money of one month's locked days: what the invoices want billed there minus what the PSA bills. */
export interface MonthGap {
  month: BillingPeriod;
  /** Exact (not rounded) differences of the month's locked decided days. */
  amount: Decimal;
  cost: Decimal;
  /** The locked days whose state differs, as half-open stretches (for the label). */
  stretches: DateRange[];
  /** The same days in pieces, with each day's difference (not divided by the month's days). */
  parts: { start: PlainDate; end: PlainDate; amount: Decimal; cost: Decimal }[];
  reasons: Set<LockReason>;
}

export interface GapInput {
  desired: readonly StateSegment[];
  /** The PSA's line after this plan's adjustments. */
  projected: readonly StateSegment[];
  decided: DaySet;
  locks: LineLocks;
  from: PlainDate;
  until: PlainDate | undefined;
  /** Whether the wanted price / cost come from the invoices (else the PSA's own stays: units only). */
  syncPrice: boolean;
  syncCost: boolean;
  /**
   * The price and cost a line billsync creates starts from (the PSA product's, strategies 2-4). Where the PSA has no
   * line yet on a locked day (a ConnectWise line starts on the 1st), the days before it are priced as the line is
   * when it starts (its first priced state after the day), else, for a line not created yet, from these.
   */
  base: { price: StateSegment['state']['price']; cost: StateSegment['state']['cost'] };
  /** Days the line is held above the wanted units so a later locked day stays at 0 or more (held-units.ts). */
  held?: readonly DateRange[];
  /**
   * The months billsync booked charges of this line in. Each one with decided days (from `from`, before `until`)
   * is returned, with a zero gap where none of its days differs any more: a corrected invoice that takes back a
   * change on locked days (or days no longer locked) leaves nothing to charge, and the earlier charge is credited.
   */
  bookedMonths?: ReadonlySet<BillingPeriod>;
}

/**
 * Spec section 6, "Locked days": per calendar month, the money difference on the decided days the PSA can no
 * longer change, priced per day as a PSA prorates a monthly period (units x price x days / days in the month).
 * Only months with a difference, and the decided months billsync booked charges in (`bookedMonths`), are returned.
 * Pure.
 */
export function lockedGaps(g: GapInput): MonthGap[] {
  const months = new Map<BillingPeriod, MonthGap>();
  const lockEnd = walkEnd(g);
  const until =
    lockEnd === undefined ? g.from : g.until !== undefined && g.until < lockEnd ? g.until : lockEnd;
  for (const range of clipDays(g.decided, g.from, until)) {
    for (const [start, end] of pieces(range, g)) {
      const want = stateAt(g.desired, start);
      // Days the line is held at 0 units because the wanted units are below 0 (see floorUnits) count as locked,
      // and say so also where the day is locked for another reason (a ConnectWise line's days after the 1st).
      const lock = g.locks.reason(start) ?? (g.held?.some((h) => containsDay(h, start)) ? 'held' : undefined);
      const negative = want.units.lt(ZERO);
      if (!lock && !negative) continue;
      const have = stateAt(g.projected, start);
      const next = have.price === undefined || have.cost === undefined ? lineAfter(g, start) : have;
      const wantPrice = (g.syncPrice ? want.price : undefined) ?? have.price ?? next.price ?? ZERO;
      const wantCost = (g.syncCost ? want.cost : undefined) ?? have.cost ?? next.cost ?? ZERO;
      const amount = want.units.times(wantPrice).minus(have.units.times(have.price ?? ZERO));
      const cost = want.units.times(wantCost).minus(have.units.times(have.cost ?? ZERO));
      if (amount.eq(ZERO) && cost.eq(ZERO)) continue;
      const days = dec(daysBetween(start, end));
      const key = periodOf(start);
      const m = months.get(key) ?? {
        month: key,
        amount: ZERO,
        cost: ZERO,
        stretches: [],
        parts: [],
        reasons: new Set(),
      };
      // Summed as day-weighted amounts and divided by the month's days once (below): dividing each piece first
      // leaves 66.4249999... for 66.425, which half-up rounds a cent short.
      m.amount = m.amount.plus(amount.times(days));
      m.cost = m.cost.plus(cost.times(days));
      m.parts.push({ start, end, amount, cost });
      if (lock) m.reasons.add(lock);
      if (negative) m.reasons.add('negative');
      const last = m.stretches.at(-1);
      if (last && last.end === start) m.stretches[m.stretches.length - 1] = { start: last.start, end };
      else m.stretches.push({ start, end });
      months.set(key, m);
    }
  }
  for (const month of g.bookedMonths ?? []) {
    if (months.has(month)) continue;
    const start = firstDayOf(month) < g.from ? g.from : firstDayOf(month);
    const end = firstDayOf(nextPeriod(month));
    if (clipDays(g.decided, start, g.until !== undefined && g.until < end ? g.until : end).length === 0)
      continue;
    months.set(month, { month, amount: ZERO, cost: ZERO, stretches: [], parts: [], reasons: new Set() });
  }
  return [...months.values()].map((m) => {
    const dim = daysInPeriod(m.month);
    return { ...m, amount: m.amount.div(dim), cost: m.cost.div(dim) };
  });
}

/** The line's first priced state after `day` (the line as it starts), else the price a new line starts from. */
function lineAfter(g: GapInput, day: PlainDate): { price: Decimal | undefined; cost: Decimal | undefined } {
  const later = g.projected
    .filter((s) => s.start > day && s.state.price !== undefined)
    .sort((a, b) => (a.start < b.start ? -1 : 1))[0];
  return later ? later.state : g.base;
}

/**
 * Where the walk for gaps can stop. Only locked days can have a gap. Posted days and change days are finite:
 * never walk past the last one. A line that changes only on the 1st (ConnectWise) has locked days in every
 * month, but after the month of the last state change of either side both stay constant, and the diff put the
 * line right on the first 1st after a locked change: walk to the end of that month.
 */
function walkEnd(g: GapInput): PlainDate | undefined {
  const lastChange = [...g.locks.changeDays].sort().at(-1);
  const ends = [g.locks.postedThrough, lastChange]
    .filter((x): x is PlainDate => x !== undefined)
    .map((x) => addDays(x, 1));
  // Wanted units below 0 come only from synced charge periods (finite: what carries forward is a real seat
  // count, offer-seats.ts), so their segments end.
  for (const s of g.desired) if (s.state.units.lt(ZERO) && s.end !== undefined) ends.push(s.end);
  for (const h of g.held ?? []) ends.push(h.end);
  if (g.locks.changesOn === 'month-start') {
    for (const list of [g.desired, g.projected])
      for (const s of list) ends.push(startOfNextMonth(s.end ?? s.start));
    ends.push(startOfNextMonth(g.from));
  }
  return ends.sort().at(-1);
}

/** Cuts a range where anything the money depends on may change: states, months, locks. */
function pieces(range: DateRange, g: GapInput): [PlainDate, PlainDate][] {
  const cuts = new Set<PlainDate>([range.start, range.end]);
  const add = (d: PlainDate | undefined) => {
    if (d !== undefined && d > range.start && d < range.end) cuts.add(d);
  };
  for (const list of [g.desired, g.projected]) {
    for (const s of list) {
      add(s.start);
      add(s.end);
    }
  }
  for (let m = startOfNextMonth(range.start); m < range.end; m = startOfNextMonth(m)) {
    add(m);
    // Lines that change only on the 1st: the 1st is free, the 2nd on is locked.
    if (g.locks.changesOn === 'month-start') add(addDays(m, 1));
  }
  if (g.locks.changesOn === 'month-start' && dateParts(range.start).day === 1) add(addDays(range.start, 1));
  if (g.locks.postedThrough !== undefined) add(addDays(g.locks.postedThrough, 1));
  for (const h of g.held ?? []) {
    add(h.start);
    add(h.end);
  }
  for (const d of g.locks.changeDays) {
    add(d);
    add(addDays(d, 1));
  }
  const sorted = [...cuts].sort() as PlainDate[];
  return sorted.slice(0, -1).map((d, i) => [d, sorted[i + 1]!]);
}
