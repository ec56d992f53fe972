import { type Decimal, ZERO } from '../money/decimal';
import type { PlainDate } from '../time/plain-date';
import { changeDays, dayBefore, type LineState, type StateSegment, sameDecimal, stateAt } from './line-state';

/** One effective-dated change of a contract line: a unit delta and, optionally, the price/cost from that day. */
export interface LineAdjustment {
  effectiveDate: PlainDate;
  unitChange: Decimal;
  unitPrice: Decimal | undefined;
  unitCost: Decimal | undefined;
  unitsBefore: Decimal;
  unitsAfter: Decimal;
}

export interface DiffOptions {
  /** First day to reconcile (the first synced day, or the contract start when later). */
  from: PlainDate;
  /** First day not to touch (the day after the contract end); undefined = open-ended. */
  until: PlainDate | undefined;
  /** Compare and set prices (strategy says so). */
  syncPrice: boolean;
  syncCost: boolean;
}

/**
 * The fewest effective-dated adjustments that turn the PSA's line (`actual`) into the wanted one (`desired`)
 * from `from` on, with PSA adjustment semantics: a unit change applies from its day on (a delta, not a
 * quantity), and a price/cost given with it holds from its day until the PSA's own next price change. Same-day
 * changes come out netted (one adjustment per day). Pure; `actual` after these adjustments equals `desired`.
 */
export function diffLine(
  desired: readonly StateSegment[],
  actual: readonly StateSegment[],
  options: DiffOptions,
): LineAdjustment[] {
  const out: LineAdjustment[] = [];
  let delta = ZERO;
  let priceOverride: { price: Decimal | undefined; cost: Decimal | undefined } | undefined;
  for (const day of changeDays([desired, actual], options.from, options.until)) {
    const have = stateAt(actual, day);
    // A price change of the PSA's own on this day (a later adjustment) ends the price we set earlier.
    if (priceOverride && day > options.from) {
      const prev = stateAt(actual, dayBefore(day));
      if (!sameDecimal(prev.price, have.price) || !sameDecimal(prev.cost, have.cost))
        priceOverride = undefined;
    }
    const applied: LineState = {
      units: have.units.plus(delta),
      price: priceOverride ? priceOverride.price : have.price,
      cost: priceOverride ? priceOverride.cost : have.cost,
    };
    const want = stateAt(desired, day);
    const unitsDiffer = !want.units.eq(applied.units);
    const billed = want.units.gt(ZERO);
    const priceDiffers =
      options.syncPrice && billed && want.price !== undefined && !sameDecimal(want.price, applied.price);
    const costDiffers =
      options.syncCost && billed && want.cost !== undefined && !sameDecimal(want.cost, applied.cost);
    if (!unitsDiffer && !priceDiffers && !costDiffers) continue;
    const setPrice =
      options.syncPrice && want.price !== undefined && (priceDiffers || (unitsDiffer && billed));
    const setCost = options.syncCost && want.cost !== undefined && (costDiffers || (unitsDiffer && billed));
    const adj: LineAdjustment = {
      effectiveDate: day,
      unitChange: want.units.minus(applied.units),
      unitPrice: setPrice ? want.price : undefined,
      unitCost: setCost ? want.cost : undefined,
      unitsBefore: applied.units,
      unitsAfter: want.units,
    };
    out.push(adj);
    delta = delta.plus(adj.unitChange);
    if (setPrice || setCost) {
      priceOverride = {
        price: setPrice ? want.price : applied.price,
        cost: setCost ? want.cost : applied.cost,
      };
    }
  }
  return out;
}
