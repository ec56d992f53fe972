import { type Decimal, dec, round } from '../../../core/money';
import { addDays, addMonths, daysBetween, type PlainDate } from '../../../core/time';
import type { DemoPlan } from './pricing';

/** One charge cycle of a subscription (inclusive days, as Microsoft writes them) and the term it belongs to. */
export interface Cycle {
  index: number;
  start: PlainDate;
  /** Inclusive last day. */
  end: PlainDate;
  termStart: PlainDate;
  /** Inclusive last day of the term. */
  termEnd: PlainDate;
}

/**
 * The charge cycles of a subscription anchored on `anchor`, from the first on, while they start on or before
 * `until`. Cycles are a month (monthly billing) or a year (annual billing) from the anchor day, clamped to the
 * month's length (Jan 31 -> Feb 28 -> Mar 31, counted from the anchor, so days never drift) [MS 4.1].
 */
export function* cyclesOf(anchor: PlainDate, plan: DemoPlan, until: PlainDate): Generator<Cycle> {
  const cycleMonths = plan.billingPlan === 'Annual' ? 12 : 1;
  const termMonths = plan.term === 'P1Y' ? 12 : plan.term === 'P3Y' ? 36 : 1;
  for (let index = 0; ; index++) {
    const start = addMonths(anchor, index * cycleMonths);
    if (start > until) return;
    const term = Math.floor((index * cycleMonths) / termMonths);
    yield {
      index,
      start,
      end: addDays(addMonths(anchor, (index + 1) * cycleMonths), -1),
      termStart: addMonths(anchor, term * termMonths),
      termEnd: addDays(addMonths(anchor, (term + 1) * termMonths), -1),
    };
  }
}

/**
 * Microsoft's proration of a mid-cycle change (csp-billing.md 4.2): the cycle's price divided by the days of the
 * cycle, times the days left counting the change day, rounded to cents. Microsoft's own 4.2 example ($4, 30-day
 * cycle, 29 days left -> 3.87) rounds half-up; so does the 7.2 fixture (23.10 / 31 x 26 = 19.3742 -> 19.37).
 * [UNVERIFIED: the rounding of real NCE rows; a ROUNDDOWN would give 3.86 in the 4.2 example.]
 */
export function proratedUnitPrice(
  price: Decimal,
  cycle: Pick<Cycle, 'start' | 'end'>,
  changeDay: PlainDate,
): Decimal {
  const cycleDays = daysBetween(cycle.start, cycle.end) + 1;
  const daysLeft = daysBetween(changeDay, cycle.end) + 1;
  return round(price.times(dec(daysLeft)).div(dec(cycleDays)), 2, 'half-up');
}

/** Subtotal of a license line: ROUNDDOWN(EffectiveUnitPrice x PCToBCExchangeRate, 2) x Quantity, rate 1 (USD). */
export function licenseSubtotal(effectiveUnitPrice: Decimal, quantity: number): Decimal {
  return round(effectiveUnitPrice.times(dec('1')), 2, 'down').times(dec(quantity));
}
