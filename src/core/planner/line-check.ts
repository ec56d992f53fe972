import { type Decimal, dec, ZERO } from '../money/decimal';
import type { TargetCharge } from '../ports/target';
import { periodOf } from '../time/billing-period';
import { addDays, formatDayMonthYear, type PlainDate } from '../time/plain-date';
import { clipDays, type DaySet, daySet, FOREVER } from './day-set';
import { changeDays, type LineState, type StateSegment, sameDecimal, stateAt } from './line-state';
import type { LineCheck } from './types';
import { CHECKED_TAIL_DAYS } from './unit-window';

const text = (v: Decimal | undefined) => (v === undefined ? null : v.toFixed());
const value = (v: string | null) => (v === null ? undefined : dec(v));

/** The check of one written line: the days to compare and what the PSA must bill there after the writes. */
export function lineCheck(
  key: { itemKey: string; contractId: string; productId: string },
  days: DaySet,
  expected: readonly StateSegment[],
  charges: readonly Pick<TargetCharge, 'date' | 'amount' | 'cost'>[],
  months: readonly string[],
): LineCheck {
  const sums = months.map((month) => {
    const mine = charges.filter((c) => periodOf(c.date) === month);
    const sum = (f: (c: (typeof mine)[number]) => Decimal) => mine.reduce((a, c) => a.plus(f(c)), ZERO);
    return { month, amount: sum((c) => c.amount).toFixed(), cost: sum((c) => c.cost).toFixed() };
  });
  return {
    ...key,
    days: days.map((r) => ({ start: r.start, end: r.end })),
    expected: expected.map((s) => ({
      start: s.start,
      end: s.end ?? null,
      units: s.state.units.toFixed(),
      price: text(s.state.price),
      cost: text(s.state.cost),
    })),
    charges: sums,
  };
}

function differs(want: LineState, have: LineState): string | undefined {
  if (!want.units.eq(have.units))
    return `${have.units.toFixed()} units where billsync wrote ${want.units.toFixed()}`;
  if (want.units.eq(ZERO)) return undefined;
  if (want.price !== undefined && !sameDecimal(want.price, have.price))
    return `price ${have.price?.toFixed() ?? 'none'} where billsync wrote ${want.price.toFixed()}`;
  if (want.cost !== undefined && !sameDecimal(want.cost, have.cost))
    return `cost ${have.cost?.toFixed() ?? 'none'} where billsync wrote ${want.cost.toFixed()}`;
  return undefined;
}

/**
 * Compares a written line with what the PSA shows after the run: per stretch of days with one difference, the
 * difference in words ("15-16 Jan 2026: 10 units where billsync wrote 12"), and per month the charges. Empty
 * when the PSA bills exactly what was written. Pure.
 */
export function verifyLine(
  check: LineCheck,
  actual: readonly StateSegment[],
  charges: readonly Pick<TargetCharge, 'date' | 'amount' | 'cost'>[],
): string[] {
  const expected: StateSegment[] = check.expected.map((s) => ({
    start: s.start,
    end: s.end ?? undefined,
    state: { units: dec(s.units), price: value(s.price), cost: value(s.cost) },
  }));
  const out: string[] = [];
  for (const range of daySet(check.days)) {
    const cuts = changeDays([expected, actual], range.start, range.end);
    for (const [i, day] of cuts.entries()) {
      const end = cuts[i + 1] ?? range.end;
      const problem = differs(stateAt(expected, day), stateAt(actual, day));
      if (problem) out.push(`${stretch(day, end)}: ${problem}`);
    }
  }
  for (const m of check.charges) {
    const mine = charges.filter((c) => periodOf(c.date) === m.month);
    const amount = mine.reduce((a, c) => a.plus(c.amount), ZERO);
    if (!amount.eq(dec(m.amount)))
      out.push(
        `charges of ${m.month}: ${amount.toFixed(2)} where billsync booked ${dec(m.amount).toFixed(2)}`,
      );
  }
  return out;
}

function stretch(start: PlainDate, end: PlainDate): string {
  const last = addDays(end, -1);
  return last === start
    ? formatDayMonthYear(start)
    : `${formatDayMonthYear(start)} - ${formatDayMonthYear(last)}`;
}

/** The days to verify: the decided and fix days from the first write up to `until` (never the open tail). */
export function checkDays(
  decided: DaySet,
  fixDays: readonly PlainDate[],
  firstWrite: PlainDate,
  until: PlainDate,
): DaySet {
  const fixes = fixDays.map((d) => ({ start: d, end: addDays(d, 1) }));
  return clipDays(
    daySet([...decided, ...fixes]),
    firstWrite,
    until < FOREVER ? until : addDays(firstWrite, CHECKED_TAIL_DAYS),
  );
}
