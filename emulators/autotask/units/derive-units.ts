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
  const key = inputsOf(ctx, cs, contract, service);
  const kept = derived.get(cs);
  if (kept?.key === key && kept.rules === ctx.rules) return kept.rows.slice();
  const rows = deriveRows(ctx, cs, contract, service);
  derived.set(cs, { key, rules: ctx.rules, rows });
  return rows.slice();
}

/**
 * The rows of a contract service, derived last time, with what they were derived from: a read of a few thousand
 * lines page by page (500 rows a page) would otherwise derive them all again for every page.
 */
const derived = new WeakMap<Row, { key: string; rules: EmulatorCtx['rules']; rows: Row[] }>();

/**
 * Everything a line's rows depend on besides the line object itself (a write to a line replaces or changes it,
 * see the parts below): its contract's window and periods, its adjustments (a new one changes the count and the
 * last id), price edits, prices, today (rules.unitsHorizon), postings and the service's vendor.
 */
function inputsOf(ctx: EmulatorCtx, cs: Row, contract: Row, service: Row | undefined): string {
  const adjustments = ctx.state.tables.ContractServiceAdjustments.where('contractServiceID', cs.id);
  return [
    contract.startDate,
    contract.endDate,
    contract.contractPeriodType,
    contract.organizationalLevelAssociationID,
    adjustments.length,
    adjustments.at(-1)?.id,
    (cs._priceEdits as unknown[] | undefined)?.length ?? 0,
    cs.unitPrice,
    cs.unitCost,
    cs._startDate,
    ctx.clock.today(),
    ctx.state.posted.size,
    service?.vendorCompanyID,
  ].join('|');
}

function deriveRows(ctx: EmulatorCtx, cs: Row, contract: Row, service: Row | undefined): Row[] {
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
