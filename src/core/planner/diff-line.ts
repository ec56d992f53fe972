import { type Decimal, ZERO } from '../money/decimal';
import { type PlainDate, startOfMonth, startOfNextMonth } from '../time/plain-date';
import { type DaySet, hasDay } from './day-set';
import { type LineLocks, nextFreeDay } from './line-locks';
import {
  changeDays,
  dayBefore,
  type LineState,
  rowBoundaries,
  type StateSegment,
  sameDecimal,
  stateAt,
} from './line-state';

/** One effective-dated change of a contract line: a unit delta and, optionally, the price/cost from that day. */
export interface LineAdjustment {
  effectiveDate: PlainDate;
  unitChange: Decimal;
  unitPrice: Decimal | undefined;
  unitCost: Decimal | undefined;
  unitsBefore: Decimal;
  unitsAfter: Decimal;
}

/** Which prices the mapping's strategy lets the sync set (spec section 5). */
export interface PriceSync {
  /** Set the unit price from the invoices / price list. */
  price: boolean;
  /** Set the unit cost from the invoices. */
  cost: boolean;
  /** Only the adjustment that creates the line sets prices ("Don't sync any pricing when updating"). */
  onCreateOnly: boolean;
}

export interface DiffOptions {
  /** First day to reconcile (the contract start when it is later than the decided days). */
  from: PlainDate;
  /** First day not to touch (the day after the contract end); undefined = open-ended. */
  until: PlainDate | undefined;
  /** The days the synced invoices decide: a change is written only on one of them, or on a fix day. */
  decided: DaySet;
  locks: LineLocks;
  sync: PriceSync;
  /** Price and cost a new line starts from (the PSA product's), used where the strategy does not set them. */
  base: { price: Decimal | undefined; cost: Decimal | undefined };
  /** The line does not exist yet: the first adjustment creates it. */
  newLine: boolean;
  /**
   * Days whose existing adjustment set the line's price and cost: the PSA row from there has them, so a price
   * set on an earlier day ends there (a locked one: the line's fix day sets the wanted price again).
   */
  pricedDays?: ReadonlySet<PlainDate>;
  /**
   * Each change holds to the end of its month only: from the next 1st the line bills what it did without it
   * (ConnectWise's Azure plan additions, `TargetContract.azureByMonth`). Every decided month is then written.
   */
  byMonth?: boolean;
}

/** A decided day the PSA could not take a change on, and where the line was put right instead. */
export interface LockedChange {
  day: PlainDate;
  /** The first free day after it, where the change went; undefined = none before the contract end. */
  fixedFrom: PlainDate | undefined;
}

export interface LineDiff {
  adjustments: LineAdjustment[];
  locked: LockedChange[];
}

/**
 * The fewest effective-dated adjustments that make the PSA's line (`actual`) carry the wanted state (`desired`)
 * on every decided day, with PSA adjustment semantics: a unit change applies from its day on (a delta, not a
 * quantity), and a price/cost given with it holds from its day until the PSA's own next price change. Same-day
 * changes come out netted. A change is written only on a decided day (spec section 6, "Write only what is
 * decided"); on a locked day it cannot be, so the line is put right from the first free day after it (even an
 * undecided one: the state there is the continuation) and the locked day is reported for a charge. Every
 * adjustment that sets a price sends both price and cost. Pure.
 */
export function diffLine(
  desired: readonly StateSegment[],
  actual: readonly StateSegment[],
  o: DiffOptions,
): LineDiff {
  const out: LineAdjustment[] = [];
  const locked: LockedChange[] = [];
  const days = changeDays([desired, actual], o.from, o.until);
  for (const r of o.decided)
    if (r.start >= o.from && (o.until === undefined || r.start < o.until)) days.push(r.start);
  for (const d of o.pricedDays ?? []) if (d > o.from && (o.until === undefined || d < o.until)) days.push(d);
  if (o.byMonth) days.push(...monthStarts(o.decided, o.from, o.until));
  const queue = [...new Set(days)].sort() as PlainDate[];
  const fixDays = new Set<PlainDate>();
  let delta = ZERO;
  let override: { price: Decimal | undefined; cost: Decimal | undefined } | undefined;
  const boundaries = rowBoundaries(actual);
  for (let i = 0; i < queue.length; i += 1) {
    const day = queue[i]!;
    const have = stateAt(actual, day);
    // Written by month: what was written for an earlier month has ended.
    if (o.byMonth && newMonth(out.at(-1)?.effectiveDate, day)) {
      delta = ZERO;
      override = undefined;
    }
    // A price change of the PSA's own on this day (a later adjustment) ends the price we set earlier.
    let ambiguous = false;
    if (override && day > o.from) {
      const prev = stateAt(actual, dayBefore(day));
      if (o.pricedDays?.has(day)) override = undefined;
      else if (!sameDecimal(prev.price, have.price) || !sameDecimal(prev.cost, have.cost))
        override = undefined;
      // A new row that continues the old price: a PSA may carry the price we set into it, or keep the price
      // the row got when it was made (Autotask variant "stored"). Set it there explicitly when it matters.
      else if (boundaries.has(day))
        ambiguous = !sameDecimal(override.price, have.price) || !sameDecimal(override.cost, have.cost);
    }
    const current: LineState = {
      units: have.units.plus(delta),
      price: override ? override.price : (have.price ?? o.base.price),
      cost: override ? override.cost : (have.cost ?? o.base.cost),
    };
    const want = stateAt(desired, day);
    const creating = o.newLine && out.length === 0;
    const setPrices = o.sync.onCreateOnly ? creating : true;
    const wantPrice = setPrices && o.sync.price && want.price !== undefined ? want.price : current.price;
    const wantCost = setPrices && o.sync.cost && want.cost !== undefined ? want.cost : current.cost;
    const billed = want.units.gt(ZERO);
    const unitsDiffer = !want.units.eq(current.units);
    const pricesDiffer =
      billed && (ambiguous || !sameDecimal(wantPrice, current.price) || !sameDecimal(wantCost, current.cost));
    if (!unitsDiffer && !pricesDiffer) continue;
    if (!hasDay(o.decided, day) && !fixDays.has(day)) continue;
    if (o.locks.isLocked(day)) {
      const free = nextFreeDay(o.locks, day);
      const fixedFrom = o.until === undefined || free < o.until ? free : undefined;
      locked.push({ day, fixedFrom });
      if (fixedFrom !== undefined && !fixDays.has(fixedFrom)) {
        fixDays.add(fixedFrom);
        insertSorted(queue, fixedFrom, i + 1);
      }
      continue;
    }
    // A new line, or any price change: both prices go explicitly (a PSA may store a row's price when the row
    // is made, or take the line's; sending both leaves nothing to its defaults).
    const withPrices = creating || pricesDiffer || (unitsDiffer && billed);
    const adj: LineAdjustment = {
      effectiveDate: day,
      unitChange: want.units.minus(current.units),
      unitPrice: withPrices ? wantPrice : undefined,
      unitCost: withPrices ? wantCost : undefined,
      unitsBefore: current.units,
      unitsAfter: want.units,
    };
    out.push(adj);
    delta = delta.plus(adj.unitChange);
    if (withPrices) override = { price: wantPrice, cost: wantCost };
  }
  return { adjustments: out, locked };
}

/** Whether `day` is in a later month than `last` (a change of `last`'s month no longer holds on it). */
export function newMonth(last: PlainDate | undefined, day: PlainDate): boolean {
  return last !== undefined && startOfMonth(day) > last;
}

/** The 1st of every month with a decided day from `from` (before `until`). */
function monthStarts(decided: DaySet, from: PlainDate, until: PlainDate | undefined): PlainDate[] {
  const out: PlainDate[] = [];
  for (const r of decided) {
    for (let m = startOfMonth(r.start); m < r.end; m = startOfNextMonth(m))
      if (m >= from && (until === undefined || m < until)) out.push(m);
  }
  return out;
}

function insertSorted(queue: PlainDate[], day: PlainDate, from: number): void {
  let j = from;
  while (j < queue.length && queue[j]! < day) j += 1;
  if (queue[j] !== day) queue.splice(j, 0, day);
}
