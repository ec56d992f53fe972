import type { Decimal } from '../money/decimal';
import type { DateRange } from '../time/date-range';
import type { PlainDate } from '../time/plain-date';
import type { LineAdjustment } from './diff-line';
import { normalizeSegments, type StateSegment, sameDecimal, stateAt } from './line-state';

/**
 * Spec section 6, "Locked days", and decision 0008 addendum: no contract line holds fewer than 0 units (Autotask
 * refuses such a change, ConnectWise an addition below 0). A change the PSA already has on a day this plan cannot
 * change (written by an earlier run ahead of the invoice that decides it, or by someone in the PSA) applies on top
 * of whatever the plan sets before that day. Where the plan's new level would take that day below 0 (10 seats,
 * -8 already written on 1 Mar, and a later-imported February invoice asking for 2 from 15 Feb), the line is held
 * higher before the day instead: from the plan's last adjustment before it, at the units that bring the day to 0
 * at least. The held days' money goes with the locked days' (reason `held`), so the month still bills the
 * invoice. Pure.
 */
export interface Hold {
  /** The wanted states with the held days raised. */
  wanted: StateSegment[];
  /** The days held higher than the invoices want. */
  range: DateRange;
}

/**
 * The first day from `from` on where the PSA's line is below 0 units after `adjustments`, within what is known of
 * the line: its rows are read up to a horizon (the last segment's end), past which `actual` says nothing (not 0
 * units).
 */
function firstBelowZero(
  actual: readonly StateSegment[],
  adjustments: readonly LineAdjustment[],
  from: PlainDate,
): PlainDate | undefined {
  const last = actual.at(-1);
  if (!last) return undefined;
  const days = new Set<PlainDate>([from, ...adjustments.map((a) => a.effectiveDate)]);
  for (const s of actual) days.add(s.start);
  for (const day of [...days].sort()) {
    if (day < from) continue;
    if (last.end !== undefined && day >= last.end) break;
    let units = stateAt(actual, day).units;
    for (const a of adjustments) if (a.effectiveDate <= day) units = units.plus(a.unitChange);
    if (units.lt(0)) return day;
  }
  return undefined;
}

/**
 * The hold that lifts the first day the line goes below 0 after the plan's adjustments, or undefined when it never
 * does (or no adjustment of this plan comes before that day: nothing of ours to hold). With `everyWrite`, after
 * each adjustment as the PSA checks them when written in the plan's order, not only after the last.
 */
export function holdAboveZero(
  wanted: readonly StateSegment[],
  actual: readonly StateSegment[],
  adjustments: readonly LineAdjustment[],
  from: PlainDate,
  everyWrite = false,
): Hold | undefined {
  for (let k = everyWrite ? 1 : adjustments.length; k <= adjustments.length; k += 1) {
    const written = adjustments.slice(0, k);
    const day = firstBelowZero(actual, written, from);
    if (day === undefined) continue;
    const last = written
      .map((a) => a.effectiveDate)
      .filter((d) => d < day)
      .sort()
      .at(-1);
    if (last === undefined) return undefined;
    const range = { start: last, end: day };
    // With no adjustment of ours between t and the day, the line there is (units on t) + (the PSA's own changes
    // from t to the day): at least 0 when the units on t are at least actual(t) - actual(day).
    const raised = raiseUnits(wanted, actual, range, stateAt(actual, day).units);
    return raised && { wanted: raised, range };
  }
  return undefined;
}

/**
 * The order to write a line's adjustments in so that no write takes a day below 0 (the PSA checks each one): by
 * day, except that an increase goes before a decrease that would otherwise go below 0 first (a change the PSA
 * keeps between them: someone's, or an earlier run's on a locked day). Every adjustment carries its own price
 * where it sets one, and the line's own price is the last one written's: that must stay the latest day's, as
 * written in day order. Undefined: no safe order; hold the line instead (`everyWrite`).
 */
export function writeOrder(
  actual: readonly StateSegment[],
  adjustments: readonly LineAdjustment[],
  from: PlainDate,
): LineAdjustment[] | undefined {
  const out: LineAdjustment[] = [];
  const left = [...adjustments];
  const fits = (a: LineAdjustment) => firstBelowZero(actual, [...out, a], from) === undefined;
  while (left.length > 0) {
    const next = fits(left[0]!) ? 0 : left.findIndex((a, j) => j > 0 && a.unitChange.gt(0) && fits(a));
    if (next < 0) return undefined;
    out.push(...left.splice(next, 1));
  }
  const priced = (list: readonly LineAdjustment[]) =>
    list.filter((a) => a.unitPrice !== undefined || a.unitCost !== undefined).at(-1);
  const [byDay, written] = [priced(adjustments), priced(out)];
  const samePrice =
    byDay === undefined ||
    (sameDecimal(byDay.unitPrice, written?.unitPrice) && sameDecimal(byDay.unitCost, written?.unitCost));
  return samePrice ? out : undefined;
}

/** `wanted` with the units on `range` raised to at least actual(t) - `onDay` (prices kept); undefined: no change. */
function raiseUnits(
  wanted: readonly StateSegment[],
  actual: readonly StateSegment[],
  range: DateRange,
  onDay: Decimal,
): StateSegment[] | undefined {
  const cuts = new Set<PlainDate>([range.start, range.end]);
  const inside = (d: PlainDate | undefined) => d !== undefined && d > range.start && d < range.end;
  for (const list of [wanted, actual])
    for (const s of list) {
      if (inside(s.start)) cuts.add(s.start);
      if (inside(s.end)) cuts.add(s.end!);
    }
  const days = [...cuts].sort() as PlainDate[];
  let raised = false;
  const held: StateSegment[] = days.slice(0, -1).map((start, i) => {
    const want = stateAt(wanted, start);
    const floor = stateAt(actual, start).units.minus(onDay);
    if (!floor.gt(want.units)) return { start, end: days[i + 1]!, state: want };
    raised = true;
    return { start, end: days[i + 1]!, state: { ...want, units: floor } };
  });
  if (!raised) return undefined;
  const before = wanted
    .filter((s) => s.start < range.start)
    .map((s) => (s.end === undefined || s.end > range.start ? { ...s, end: range.start } : s));
  const after = wanted
    .filter((s) => s.end === undefined || s.end > range.end)
    .map((s) => (s.start < range.end ? { ...s, start: range.end } : s));
  return normalizeSegments([...before, ...held, ...after]);
}
