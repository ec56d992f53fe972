import { addDays, daysBetween, minDate, type PlainDate } from '../../../core/time';
import { cyclesOf } from './cycles';
import type { DemoPlan } from './pricing';
import type { Rng } from './prng';
import type { SeatEvent } from './seat-event';

/**
 * Random seat changes of a subscription inside the window, at most one per charge cycle: now and then seats are
 * added on any day of a cycle (NCE allows additions at any time), and removed only within the 7-day window
 * after a term starts (NCE refunds reductions only then, csp-billing.md 4.3).
 */
export function randomSeatEvents(
  rng: Rng,
  sub: { anchor: PlainDate; plan: DemoPlan; quantity: number; windowStart: PlainDate; windowEnd: PlainDate },
): SeatEvent[] {
  const events: SeatEvent[] = [];
  let quantity = sub.quantity;
  for (const cycle of cyclesOf(sub.anchor, sub.plan, sub.windowEnd)) {
    const lastDay = minDate(cycle.end, sub.windowEnd);
    if (lastDay < sub.windowStart || lastDay <= cycle.start) continue;
    const renewal = cycle.start === cycle.termStart && cycle.index > 0;
    if (renewal && quantity > 1 && cycle.start >= sub.windowStart && rng.chance(0.04)) {
      const date = addDays(cycle.start, rng.int(1, 6));
      if (date <= lastDay) {
        quantity -= rng.int(1, Math.min(3, quantity - 1));
        events.push({ date, kind: 'change', quantity });
        continue;
      }
    }
    if (rng.chance(0.07)) {
      const from = cycle.start < sub.windowStart ? addDays(sub.windowStart, -1) : cycle.start;
      const span = daysBetween(from, lastDay);
      if (span < 1) continue;
      const date = addDays(from, rng.int(1, span));
      quantity += rng.int(1, 5);
      events.push({ date, kind: 'change', quantity });
    }
  }
  return events;
}
