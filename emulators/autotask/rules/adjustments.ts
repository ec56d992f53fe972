import { addDays } from '../../kit';
import { MESSAGES, ruleError } from '../http/errors';
import { CONTRACT_SERVICE_ADJUSTMENTS } from '../metadata/contract-children';
import { allocateId, type EmulatorCtx, type Row } from '../store/state';
import { postedDaysFrom, postedRanges } from '../units/billed-days';
import { billPostedChange, snapshotPostedDays } from '../units/prorate-posted';
import { materializePrices, storeAdjustmentPrice } from '../units/row-prices';
import { adjustmentsOf } from '../units/segments';
import { insertContractService, recurringContract, serviceForContract } from './contract-services';
import { prepareCreate } from './write-fields';

/** The line an adjustment is for: `contractServiceID`, or `contractID` + `serviceID` [CLIENT n8n]. */
function resolveLine(ctx: EmulatorCtx, v: Record<string, unknown>, parentId?: number) {
  if (parentId !== undefined && v.contractID != null && v.contractID !== parentId) {
    throw ruleError('contractID: The contractID does not match the parent Contract of this URL.');
  }
  let cs: Row | undefined;
  if (v.contractServiceID != null) {
    cs = ctx.state.tables.ContractServices.get(v.contractServiceID as number);
    if (!cs) throw ruleError(MESSAGES.badReference('contractServiceID'));
    if (v.serviceID != null && v.serviceID !== cs.serviceID) {
      throw ruleError('serviceID: The serviceID does not match the Service of the contract service.');
    }
  }
  const contractId = parentId ?? v.contractID ?? cs?.contractID;
  if (contractId == null) throw ruleError(MESSAGES.badReference('contractID'));
  const contract = recurringContract(ctx, contractId);
  if (cs && cs.contractID !== contract.id) throw ruleError(MESSAGES.badReference('contractServiceID'));
  if (!cs) {
    if (v.serviceID == null) throw ruleError(MESSAGES.badReference('serviceID'));
    if (v.allowRepeatService !== true) {
      cs = ctx.state.tables.ContractServices.where('contractID', contract.id).find(
        (c) => c.serviceID === v.serviceID,
      );
    }
  }
  return { contract, cs };
}

/** Units may not go below 0 at any date (rules.negativeUnits); wording is the emulator's (UNVERIFIED). */
function checkUnits(existing: readonly Row[], date: string, unitChange: number) {
  const changes = [...existing, { effectiveDate: date, unitChange }].sort((a, b) =>
    String(a.effectiveDate).localeCompare(String(b.effectiveDate)),
  );
  let units = 0;
  for (const a of changes) {
    units += (a.unitChange as number | null) ?? 0;
    if (units < 0)
      throw ruleError('unitChange: The number of units of a contract service cannot be less than zero.');
  }
}

/**
 * Creates a ContractServiceAdjustment: the only way a contract service's quantity changes [DOC].
 * The effective date is moved by rules.adjustmentDayShift (a fault mode: a PSA that stores another day), then
 * checked, in order: the contract window (real error text), posted periods (rules.postedPeriodAdjustments),
 * the same-day duplicate (real error text), the negative-units guard; then the contract service is created
 * when it is missing [DOC], the adjustment stored, the line's price/cost and the new row's stored price set,
 * and a change to posted days billed as prorated items. Returns the new id (the API answers
 * `{"itemId":null}` per rules.adjustmentItemId).
 */
export function createAdjustment(ctx: EmulatorCtx, body: Record<string, unknown>, parentId?: number): number {
  const v = prepareCreate(ctx, CONTRACT_SERVICE_ADJUSTMENTS, body);
  const { contract, cs } = resolveLine(ctx, v, parentId);
  const shift = ctx.rules.adjustmentDayShift;
  const date = shift === 0 ? String(v.effectiveDate) : addDays(String(v.effectiveDate), shift);
  if (date < String(contract.startDate) || date > String(contract.endDate)) {
    throw ruleError(MESSAGES.adjustmentOutsideContract);
  }
  const existing = cs ? adjustmentsOf(ctx, cs.id) : [];
  const prorate = ctx.rules.postedPeriodAdjustments === 'bill-prorated';
  if (cs && !prorate && postedDaysFrom(postedRanges(ctx.state, cs.id), date).length > 0) {
    throw ruleError(MESSAGES.postedPeriod);
  }
  if (existing.some((a) => a.effectiveDate === date)) throw ruleError(MESSAGES.adjustmentSameDay);
  const unitChange = (v.unitChange as number | null) ?? 0;
  if (ctx.rules.negativeUnits === 'reject') checkUnits(existing, date, unitChange);
  const line =
    cs ??
    insertContractService(
      ctx,
      { unitPrice: v.adjustedUnitPrice ?? null, unitCost: v.adjustedUnitCost ?? null },
      contract,
      serviceForContract(ctx, v.serviceID),
      date,
    );
  materializePrices(ctx, line);
  const snapshot = cs && prorate ? snapshotPostedDays(ctx, cs, date) : undefined;
  const row: Row = {
    ...v,
    id: allocateId(ctx.state),
    contractID: contract.id,
    serviceID: line.serviceID,
    contractServiceID: line.id,
    effectiveDate: date,
    unitChange,
  };
  ctx.state.tables.ContractServiceAdjustments.set(row.id, row);
  // The line's unitPrice/unitCost follow the most recently created price-setting adjustment (UNVERIFIED).
  if (typeof v.adjustedUnitPrice === 'number') {
    Object.assign(line, {
      unitPrice: v.adjustedUnitPrice,
      internalCurrencyUnitPrice: v.adjustedUnitPrice,
      internalCurrencyAdjustedPrice: v.adjustedUnitPrice,
    });
  }
  if (typeof v.adjustedUnitCost === 'number') line.unitCost = v.adjustedUnitCost;
  storeAdjustmentPrice(ctx, line, date);
  materializePrices(ctx, line);
  if (snapshot) billPostedChange(ctx, snapshot);
  return row.id;
}
