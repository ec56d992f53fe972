import { round2OrNull } from '../rules/money';
import { allocateId, type EmulatorCtx, type Row, sortedRows, unitKey } from '../store/state';
import { billedOn, billedSegments } from './billed-days';
import { storedPriceOf } from './row-prices';
import { segmentsOf } from './segments';

/**
 * ContractServiceUnits rows of one contract service, with stable ids per (contract service, start date).
 * Price/cost per rules.unitRowPrice: the latest price-setting change on or before the row's start, or the
 * price stored when the row came into existence.
 */
export function unitRowsOf(ctx: EmulatorCtx, cs: Row): Row[] {
  const contract = ctx.state.tables.Contracts.get(cs.contractID as number);
  if (!contract) return [];
  const service = ctx.state.tables.Services.get(cs.serviceID as number);
  const stored = ctx.rules.unitRowPrice === 'stored';
  return segmentsOf(ctx, cs, contract).map((seg) => {
    const key = unitKey(cs.id, seg.start);
    let id = ctx.state.unitIds.get(key);
    if (id === undefined) {
      id = allocateId(ctx.state);
      ctx.state.unitIds.set(key, id);
    }
    const kept = storedPriceOf(ctx, cs, seg.start);
    const price = round2OrNull(stored ? kept.price : seg.price);
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
      cost: round2OrNull(stored ? kept.cost : seg.cost),
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

/**
 * Units/price/cost of a contract service on one day, as the PSA bills them: rows read as segments by start
 * date (a later row wins from its start), 0 units outside any row.
 */
export function unitsOnDay(ctx: EmulatorCtx, cs: Row, date: string) {
  const row = billedOn(billedSegments(unitRowsOf(ctx, cs)), date)?.row;
  return row
    ? { units: row.units as number, price: row.price as number | null, cost: row.cost as number | null, row }
    : { units: 0, price: null, cost: null, row: null };
}
