import { daysBetween } from '../../kit';
import { proratedCents } from '../rules/money';
import type { EmulatorCtx, Row } from '../store/state';
import { type BilledSegment, billedSegments, openDays, postedRanges } from './billed-days';
import { unitRowsOf } from './derive-units';
import { derivePeriods, type Period, periodOf } from './periods';

/** The not-yet-posted part of one unit row and what billing it comes to, in cents. */
export interface OpenBill {
  segment: BilledSegment;
  /** Billed days no posting covers yet (all of the segment's, unless prorated billing covered some). */
  days: string[];
  amount: number;
  cost: number;
}

/**
 * What `days` days of a segment bill, in cents: units x price (cost) x days / days of the billing period the
 * segment starts in, rounded half away from zero (the emulator's approximation of Autotask billing).
 */
export function segmentCents(
  segment: BilledSegment,
  days: number,
  periods: readonly Period[],
): { amount: number; cost: number } {
  const period = periodOf(periods, segment.start);
  const periodDays = period ? daysBetween(period.start, period.end) + 1 : 1;
  const { units, price, cost } = segment.row as Row & { units: number };
  return {
    amount: proratedCents(units, (price as number | null) ?? 0, days, periodDays),
    cost: proratedCents(units, (cost as number | null) ?? 0, days, periodDays),
  };
}

/** Unit rows of a contract service not posted yet, with what approve & post would bill for each. */
export function openBills(ctx: EmulatorCtx, cs: Row): OpenBill[] {
  const contract = ctx.state.tables.Contracts.get(cs.contractID as number);
  if (!contract) return [];
  const periods = derivePeriods(contract);
  const ranges = postedRanges(ctx.state, cs.id);
  return billedSegments(unitRowsOf(ctx, cs))
    .filter((segment) => !ctx.state.posted.has(segment.key))
    .map((segment) => {
      const days = openDays(segment, ranges);
      return { segment, days, ...segmentCents(segment, days.length, periods) };
    });
}
