import { type EmulatorCtx, type Row, type StoredPrice, unitKey } from '../store/state';
import { contractPeriods, periodMonths, periodOf } from './periods';
import { adjustmentsOf, type PriceEdit, segmentsOf } from './segments';

/*
 * Prices fixed when a unit row comes into existence (rules.unitRowPrice 'stored'). They are kept in every
 * mode (so the switch can be flipped at run time), keyed like the row ids (`contractServiceId|startDate`):
 * - a row started by an adjustment takes the adjustment's adjustedUnitPrice/Cost, else the contract
 *   service's unitPrice/unitCost at that moment (storeAdjustmentPrice);
 * - any other row takes the contract service's unitPrice/unitCost when it is first derived (rows are
 *   derived after every write to the line and on every read, so "first derived" is when the row first exists).
 */

/** The stored price of the row of `contractService` starting on `start`, stored now if it has none. */
export function storedPriceOf(ctx: EmulatorCtx, contractService: Row, start: string): StoredPrice {
  const key = unitKey(contractService.id, start);
  let kept = ctx.state.storedPrices.get(key);
  if (!kept) {
    kept = {
      price: (contractService.unitPrice as number | null) ?? null,
      cost: (contractService.unitCost as number | null) ?? null,
    };
    ctx.state.storedPrices.set(key, kept);
  }
  return kept;
}

/** Stores the price of every row of a contract service that exists now and has none yet. */
export function materializePrices(ctx: EmulatorCtx, contractService: Row): void {
  const contract = ctx.state.tables.Contracts.get(contractService.contractID as number);
  if (!contract) return;
  for (const seg of segmentsOf(ctx, contractService, contract))
    storedPriceOf(ctx, contractService, seg.start);
}

/**
 * The row an adjustment starts on `date` takes the line's price/cost as they are once the adjustment's own
 * adjustedUnitPrice/Cost were applied to the line; an adjustment dated on an existing row's start replaces
 * that row's stored price.
 */
export function storeAdjustmentPrice(ctx: EmulatorCtx, line: Row, date: string): void {
  ctx.state.storedPrices.set(unitKey(line.id, date), {
    price: (line.unitPrice as number | null) ?? null,
    cost: (line.unitCost as number | null) ?? null,
  });
}

/** First day of the billing period containing today (the contract start before it; none after the end). */
function todaysPeriodStart(ctx: EmulatorCtx, contract: Row): string | undefined {
  const start = String(contract.startDate);
  const today = ctx.clock.today();
  if (today < start) return start;
  return periodOf(contractPeriods(start, String(contract.endDate), periodMonths(contract)), today)?.start;
}

/**
 * PATCH `adjustedPrice` of a contract service (the emulator's choice, UNVERIFIED): the line's price from the
 * start of today's billing period. `before` is the stored line, `next` the one about to replace it. The
 * line's unitPrice and internal-currency prices become the new price; unit rows starting in today's period or
 * later take it up to the next price-setting adjustment after that day: as a dated price change
 * ('latest-adjustment') and by replacing those rows' stored prices ('stored'). After the contract end only
 * the line's fields change.
 */
export function applyAdjustedPrice(ctx: EmulatorCtx, before: Row, next: Row, price: number): void {
  materializePrices(ctx, before);
  Object.assign(next, {
    unitPrice: price,
    internalCurrencyUnitPrice: price,
    internalCurrencyAdjustedPrice: price,
  });
  const contract = ctx.state.tables.Contracts.get(next.contractID as number);
  const from = contract && todaysPeriodStart(ctx, contract);
  if (!contract || from === undefined) return;
  const edit: PriceEdit = { date: from, price, order: ctx.state.nextId - 0.5 };
  next._priceEdits = [...((before._priceEdits as PriceEdit[] | undefined) ?? []), edit];
  const until = adjustmentsOf(ctx, next.id).find(
    (a) => String(a.effectiveDate) > from && typeof a.adjustedUnitPrice === 'number',
  )?.effectiveDate as string | undefined;
  for (const seg of segmentsOf(ctx, next, contract)) {
    if (seg.start < from || (until !== undefined && seg.start >= until)) continue;
    const kept = storedPriceOf(ctx, next, seg.start);
    ctx.state.storedPrices.set(unitKey(next.id, seg.start), { ...kept, price });
  }
}
