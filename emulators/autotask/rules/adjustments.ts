import { MESSAGES, ruleError } from '../http/errors';
import { CONTRACT_SERVICE_ADJUSTMENTS } from '../metadata/contract-children';
import { allocateId, type EmulatorCtx, type Row } from '../store/state';
import { adjustmentsOf } from '../units/derive-units';
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
      cs = [...ctx.state.tables.ContractServices.values()]
        .sort((a, b) => a.id - b.id)
        .find((c) => c.contractID === contract.id && c.serviceID === v.serviceID);
    }
  }
  return { contract, cs };
}

/**
 * Creates a ContractServiceAdjustment: the only way a contract service's quantity changes [DOC].
 * Checks, in order: the contract window (real error text), posted periods, the same-day duplicate (real error
 * text), the negative-units guard; then creates the contract service when it is missing [DOC] and stores the
 * adjustment. Returns the new id (the API answers `{"itemId":null}` per rules.adjustmentItemId).
 */
export function createAdjustment(ctx: EmulatorCtx, body: Record<string, unknown>, parentId?: number): number {
  const v = prepareCreate(ctx, CONTRACT_SERVICE_ADJUSTMENTS, body);
  const { contract, cs } = resolveLine(ctx, v, parentId);
  const date = String(v.effectiveDate);
  if (date < String(contract.startDate) || date > String(contract.endDate)) {
    throw ruleError(MESSAGES.adjustmentOutsideContract);
  }
  const existing = cs ? adjustmentsOf(ctx, cs.id) : [];
  if (cs && ctx.rules.adjustmentInPostedPeriod === 'reject') {
    for (const p of ctx.state.posted.values()) {
      if (p.contractServiceId === cs.id && p.endDate >= date) throw ruleError(MESSAGES.postedPeriod);
    }
  }
  if (existing.some((a) => a.effectiveDate === date)) throw ruleError(MESSAGES.adjustmentSameDay);
  const unitChange = (v.unitChange as number | null) ?? 0;
  if (ctx.rules.negativeUnits === 'reject') {
    const changes = [...existing, { effectiveDate: date, unitChange }].sort((a, b) =>
      String(a.effectiveDate).localeCompare(String(b.effectiveDate)),
    );
    let units = 0;
    for (const a of changes) {
      units += (a.unitChange as number | null) ?? 0;
      // Wording is the emulator's (UNVERIFIED); the notes expect a 500 for negative totals.
      if (units < 0)
        throw ruleError('unitChange: The number of units of a contract service cannot be less than zero.');
    }
  }
  const line =
    cs ??
    insertContractService(
      ctx,
      { unitPrice: v.adjustedUnitPrice ?? null, unitCost: v.adjustedUnitCost ?? null },
      contract,
      serviceForContract(ctx, v.serviceID),
      date,
    );
  const row: Row = {
    ...v,
    id: allocateId(ctx.state),
    contractID: contract.id,
    serviceID: line.serviceID,
    contractServiceID: line.id,
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
  return row.id;
}
