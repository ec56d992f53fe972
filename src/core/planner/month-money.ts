import { type Decimal, dec, ZERO } from '../money/decimal';
import type { TargetCharge } from '../ports/target';
import { type BillingPeriod, periodOf } from '../time/billing-period';
import { dateParts, daysBetween, daysInMonth, startOfNextMonth } from '../time/plain-date';
import { clipDays, type DaySet } from './day-set';
import type { StateSegment } from './line-state';

/** Money of one calendar month: what the customer is billed (amount) and what it costs the MSP. */
export interface MonthMoney {
  month: BillingPeriod;
  amount: Decimal;
  cost: Decimal;
}

/**
 * What a contract line bills per calendar month over some days, as a PSA prorates a monthly period: units x
 * price x days / days in the month (exact, not rounded), plus the given charges dated in those months. Pure.
 */
export function monthMoney(
  segments: readonly StateSegment[],
  days: DaySet,
  charges: readonly Pick<TargetCharge, 'date' | 'amount' | 'cost'>[] = [],
): MonthMoney[] {
  // Per month: units x price x days summed over the segments, divided once by the month's days at the end, so
  // the sum is exact (15 x 23.10 x 23 / 28 is 284.625; three pieces divided apart may sum to 184.87499..).
  const out = new Map<BillingPeriod, MonthMoney & { dim: number }>();
  const at = (month: BillingPeriod, dim: number) => {
    const m = out.get(month) ?? { month, amount: ZERO, cost: ZERO, dim };
    out.set(month, m);
    return m;
  };
  for (const range of days) {
    for (const s of segments) {
      for (const piece of clipDays([{ start: s.start, end: s.end ?? range.end }], range.start, range.end)) {
        for (let start = piece.start; start < piece.end; start = startOfNextMonth(start)) {
          const end = startOfNextMonth(start) < piece.end ? startOfNextMonth(start) : piece.end;
          const { year, month } = dateParts(start);
          const days = dec(daysBetween(start, end));
          const m = at(periodOf(start), daysInMonth(year, month));
          m.amount = m.amount.plus(s.state.units.times(s.state.price ?? ZERO).times(days));
          m.cost = m.cost.plus(s.state.units.times(s.state.cost ?? ZERO).times(days));
        }
      }
    }
  }
  const money = new Map<BillingPeriod, MonthMoney>(
    [...out.values()].map(({ month, amount, cost, dim }) => [
      month,
      { month, amount: amount.div(dim), cost: cost.div(dim) },
    ]),
  );
  for (const c of charges) {
    const month = periodOf(c.date);
    const m = money.get(month) ?? { month, amount: ZERO, cost: ZERO };
    money.set(month, { month, amount: m.amount.plus(c.amount), cost: m.cost.plus(c.cost) });
  }
  return [...money.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
}
