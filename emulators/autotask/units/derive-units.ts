import { addDays } from '../../kit';
import { round2OrNull } from '../rules/money';
import { allocateId, type EmulatorCtx, type Row, sortedRows, unitKey } from '../store/state';
import { contractPeriods, periodMonths, periodOf } from './periods';

/** The adjustments of one contract service, oldest effective date first. */
export function adjustmentsOf(ctx: EmulatorCtx, contractServiceId: number): Row[] {
  return sortedRows(ctx.state, 'ContractServiceAdjustments')
    .filter((a) => a.contractServiceID === contractServiceId)
    .sort((a, b) => String(a.effectiveDate).localeCompare(String(b.effectiveDate)));
}

interface Segment {
  start: string;
  end: string;
  units: number;
  price: number | null;
  cost: number | null;
}

/** Units, price and cost in force on `date`: the sum of unit changes and the latest adjusted price/cost. */
export function stateOn(cs: Row, adjustments: readonly Row[], date: string) {
  let units = 0;
  let price = (cs._basePrice as number | null) ?? null;
  let cost = (cs._baseCost as number | null) ?? null;
  for (const a of adjustments) {
    if (String(a.effectiveDate) > date) break;
    units += (a.unitChange as number | null) ?? 0;
    if (typeof a.adjustedUnitPrice === 'number') price = a.adjustedUnitPrice;
    if (typeof a.adjustedUnitCost === 'number') cost = a.adjustedUnitCost;
  }
  return { units, price, cost };
}

/**
 * Segments of one contract service: one per billing period, split at each adjustment's effective date
 * ("an adjustment starts a new row on its effective date; that row ends at the end of the current billing
 * period, or at the next adjustment's effective date" [DOC]). The first row starts on the contract service's
 * start (or an earlier adjustment); rows run to the contract end, or to the current period (rules.unitsHorizon).
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
    const current = periodOf(periods, ctx.clock.today());
    if (ctx.clock.today() < start) return [];
    if (current) horizon = current.end;
  }
  const segments: Segment[] = [];
  for (const p of periods) {
    if (p.end < from || p.start > horizon) continue;
    const cuts = [[p.start, from].sort()[1] as string]; // the later of two dates
    for (const a of adjustments) {
      const d = String(a.effectiveDate);
      if (d > cuts[0]! && d <= p.end && !cuts.includes(d)) cuts.push(d);
    }
    cuts.forEach((s, i) => {
      const next = cuts[i + 1];
      const e = next === undefined ? p.end : addDays(next, -1);
      segments.push({ start: s, end: e, ...stateOn(cs, adjustments, s) });
    });
  }
  return segments;
}

/** ContractServiceUnits rows of one contract service, with stable ids per (contract service, start date). */
export function unitRowsOf(ctx: EmulatorCtx, cs: Row): Row[] {
  const contract = ctx.state.tables.Contracts.get(cs.contractID as number);
  if (!contract) return [];
  const service = ctx.state.tables.Services.get(cs.serviceID as number);
  return segmentsOf(ctx, cs, contract).map((seg) => {
    const key = unitKey(cs.id, seg.start);
    let id = ctx.state.unitIds.get(key);
    if (id === undefined) {
      id = allocateId(ctx.state);
      ctx.state.unitIds.set(key, id);
    }
    const price = round2OrNull(seg.price);
    return {
      id,
      contractID: cs.contractID,
      contractServiceID: cs.id,
      serviceID: cs.serviceID,
      startDate: seg.start,
      endDate: seg.end,
      units: seg.units,
      price,
      internalCurrencyPrice: price,
      cost: round2OrNull(seg.cost),
      approveAndPostDate: ctx.state.posted.get(key)?.approveAndPostDate ?? null,
      vendorCompanyID: service?.vendorCompanyID ?? null,
      organizationalLevelAssociationID: contract.organizationalLevelAssociationID ?? null,
    };
  });
}

/** All ContractServiceUnits rows, ordered by id. */
export function allUnitRows(ctx: EmulatorCtx): Row[] {
  return sortedRows(ctx.state, 'ContractServices')
    .flatMap((cs) => unitRowsOf(ctx, cs))
    .sort((a, b) => a.id - b.id);
}

/** Units/price/cost of a contract service on one day, as the PSA would bill them (0 units outside rows). */
export function unitsOnDay(ctx: EmulatorCtx, cs: Row, date: string) {
  const row = unitRowsOf(ctx, cs).find((r) => String(r.startDate) <= date && date <= String(r.endDate));
  return row
    ? { units: row.units as number, price: row.price as number | null, cost: row.cost as number | null, row }
    : { units: 0, price: null, cost: null, row: null };
}
