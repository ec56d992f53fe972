import type { SeatSegment } from '../derive/seat-steps';
import type { Decimal } from '../money/decimal';
import { type BillingPeriod, firstDayOf, nextPeriod, periodOf } from '../time/billing-period';
import { maxDate, type PlainDate, startOfNextMonth } from '../time/plain-date';
import { normalizeSegments, type StateSegment } from './line-state';

export interface PeriodPricing {
  price: Decimal | undefined;
  cost: Decimal | undefined;
}

/**
 * The wanted state of a contract line per day: the seat timeline, cut at calendar months so each contract
 * period carries its own price and cost (never prorated inside a period). Periods after `lastPeriod` keep
 * `lastPeriod`'s prices (seats carry forward; so do prices).
 */
export function desiredSegments(
  seats: readonly SeatSegment[],
  from: PlainDate,
  lastPeriod: BillingPeriod,
  pricing: (period: BillingPeriod) => PeriodPricing,
): StateSegment[] {
  const out: StateSegment[] = [];
  const tailStart = firstDayOf(nextPeriod(lastPeriod));
  for (const seg of seats) {
    let start = maxDate(seg.start, from);
    if (seg.end !== undefined && seg.end <= start) continue;
    while (start < tailStart && (seg.end === undefined || start < seg.end)) {
      const monthEnd = startOfNextMonth(start);
      const end = seg.end !== undefined && seg.end < monthEnd ? seg.end : monthEnd;
      const p = pricing(periodOf(start));
      out.push({ start, end, state: { units: seg.seats, price: p.price, cost: p.cost } });
      start = end;
    }
    if (seg.end === undefined || start < seg.end) {
      const p = pricing(lastPeriod);
      out.push({ start, end: seg.end, state: { units: seg.seats, price: p.price, cost: p.cost } });
    }
  }
  return normalizeSegments(out);
}
