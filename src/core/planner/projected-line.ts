import { type Decimal, ZERO } from '../money/decimal';
import { type PlainDate, startOfNextMonth } from '../time/plain-date';
import { type LineAdjustment, newMonth } from './diff-line';
import {
  dayBefore,
  type LineState,
  normalizeSegments,
  type StateSegment,
  sameDecimal,
  stateAt,
} from './line-state';

/**
 * What the PSA will bill once `adjustments` landed on top of `actual` (PSA semantics, as in `diffLine`): units
 * are deltas from each adjustment's day on; a price/cost sent with an adjustment holds until the PSA's own next
 * price change. Days where neither has anything read as the base price/cost with 0 units. Pure.
 */
export function projectedLine(
  actual: readonly StateSegment[],
  adjustments: readonly LineAdjustment[],
  base: { price: Decimal | undefined; cost: Decimal | undefined },
  /** Days whose existing adjustment set price and cost: a price set earlier ends there (as in `diffLine`). */
  pricedDays: ReadonlySet<PlainDate> = new Set(),
  /** Each adjustment holds to the end of its month only (`DiffOptions.byMonth`). */
  byMonth = false,
): StateSegment[] {
  const byDay = new Map(adjustments.map((a) => [a.effectiveDate, a]));
  const days = new Set<PlainDate>(adjustments.map((a) => a.effectiveDate));
  if (byMonth) for (const a of adjustments) days.add(startOfNextMonth(a.effectiveDate));
  for (const s of actual) {
    days.add(s.start);
    if (s.end) days.add(s.end);
  }
  for (const d of pricedDays) days.add(d);
  const sorted = [...days].sort();
  const out: StateSegment[] = [];
  let delta = ZERO;
  let override: { price: Decimal | undefined; cost: Decimal | undefined } | undefined;
  let last: PlainDate | undefined;
  for (const [i, day] of sorted.entries()) {
    const have = stateAt(actual, day);
    if (byMonth && newMonth(last, day)) {
      delta = ZERO;
      override = undefined;
      last = undefined;
    }
    if (override && i > 0) {
      const prev = stateAt(actual, dayBefore(day));
      if (pricedDays.has(day)) override = undefined;
      else if (!sameDecimal(prev.price, have.price) || !sameDecimal(prev.cost, have.cost))
        override = undefined;
    }
    const adj = byDay.get(day);
    if (adj) {
      last = day;
      delta = delta.plus(adj.unitChange);
      if (adj.unitPrice !== undefined || adj.unitCost !== undefined) {
        const before = override ?? { price: have.price ?? base.price, cost: have.cost ?? base.cost };
        override = { price: adj.unitPrice ?? before.price, cost: adj.unitCost ?? before.cost };
      }
    }
    const state: LineState = {
      units: have.units.plus(delta),
      price: override ? override.price : (have.price ?? base.price),
      cost: override ? override.cost : (have.cost ?? base.cost),
    };
    out.push({ start: day, end: sorted[i + 1], state });
  }
  return normalizeSegments(out);
}
