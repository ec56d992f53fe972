import { addDays } from '../../kit';
import type { EmulatorCtx, Row } from '../store/state';
import { contractPeriods, periodMonths, periodOf } from './periods';

/** A price set on a contract service outside adjustments (PATCH adjustedPrice), from `date` on. */
export interface PriceEdit {
  date: string;
  price: number;
  /** Orders it among adjustments of the same date: adjustment ids below it came first. */
  order: number;
}

export interface Segment {
  start: string;
  /** The row's endDate as the API reports it (rules.unitRowEnd). */
  end: string;
  units: number;
  /** Price/cost of the latest price-setting change on or before `start` (rules.unitRowPrice 'latest-adjustment'). */
  price: number | null;
  cost: number | null;
}

/** The adjustments of one contract service, oldest effective date first (ties: oldest first). */
export function adjustmentsOf(ctx: EmulatorCtx, contractServiceId: number): Row[] {
  return ctx.state.tables.ContractServiceAdjustments.where('contractServiceID', contractServiceId)
    .slice()
    .sort((a, b) => String(a.effectiveDate).localeCompare(String(b.effectiveDate)));
}

interface PriceEvent {
  date: string;
  order: number;
  price?: number;
  cost?: number;
}

function priceEvents(cs: Row, adjustments: readonly Row[]): PriceEvent[] {
  const events: PriceEvent[] = adjustments.map((a) => ({
    date: String(a.effectiveDate),
    order: a.id,
    ...(typeof a.adjustedUnitPrice === 'number' ? { price: a.adjustedUnitPrice } : {}),
    ...(typeof a.adjustedUnitCost === 'number' ? { cost: a.adjustedUnitCost } : {}),
  }));
  for (const e of (cs._priceEdits as PriceEdit[] | undefined) ?? []) events.push({ ...e });
  return events.sort((a, b) => a.date.localeCompare(b.date) || a.order - b.order);
}

/** Units, price and cost in force on `date`: the sum of unit changes and the latest price/cost set. */
export function stateOn(cs: Row, adjustments: readonly Row[], date: string) {
  let units = 0;
  for (const a of adjustments) {
    if (String(a.effectiveDate) > date) break;
    units += (a.unitChange as number | null) ?? 0;
  }
  let price = (cs._basePrice as number | null) ?? null;
  let cost = (cs._baseCost as number | null) ?? null;
  for (const e of priceEvents(cs, adjustments)) {
    if (e.date > date) break;
    if (e.price !== undefined) price = e.price;
    if (e.cost !== undefined) cost = e.cost;
  }
  return { units, price, cost };
}

/**
 * Segments of one contract service: one per billing period, split at each adjustment's effective date ("an
 * adjustment starts a new row on its effective date; that row ends at the end of the current billing period,
 * or, if another adjustment is made in the same billing period, the effective date of that adjustment"
 * [DOC SOAP]). A split row ends ON the next adjustment's date (rules.unitRowEnd 'overlap', rows overlap by a
 * day) or the day before. The first row starts on the contract service's start (or an earlier adjustment);
 * rows run to the contract end, or to the current period (rules.unitsHorizon).
 */
export function segmentsOf(ctx: EmulatorCtx, cs: Row, contract: Row): Segment[] {
  const start = String(contract.startDate);
  const end = String(contract.endDate);
  const adjustments = adjustmentsOf(ctx, cs.id).filter((a) => {
    const d = String(a.effectiveDate);
    return d >= start && d <= end;
  });
  const first = [
    String(cs._startDate ?? start),
    ...adjustments.map((a) => String(a.effectiveDate)),
  ].sort()[0];
  const from = first !== undefined && first > start ? first : start;
  const periods = contractPeriods(start, end, periodMonths(contract));
  let horizon = end;
  if (ctx.rules.unitsHorizon === 'current-period') {
    if (ctx.clock.today() < start) return [];
    const current = periodOf(periods, ctx.clock.today());
    if (current) horizon = current.end;
  }
  const overlap = ctx.rules.unitRowEnd === 'overlap';
  const segments: Segment[] = [];
  for (const p of periods) {
    if (p.end < from || p.start > horizon) continue;
    const cuts = [[p.start, from].sort()[1] as string]; // the later of two dates
    for (const a of adjustments) {
      const d = String(a.effectiveDate);
      if (d > (cuts[0] as string) && d <= p.end && !cuts.includes(d)) cuts.push(d);
    }
    cuts.forEach((s, i) => {
      const next = cuts[i + 1];
      const e = next === undefined ? p.end : overlap ? next : addDays(next, -1);
      segments.push({ start: s, end: e, ...stateOn(cs, adjustments, s) });
    });
  }
  return segments;
}
