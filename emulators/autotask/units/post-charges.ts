import { BILLING_ITEM_TYPE_CONTRACT_CHARGE } from '../metadata/picklists';
import { toCents } from '../rules/money';
import { allocateId, type EmulatorCtx, sortedRows } from '../store/state';

/**
 * The ContractCharges part of "Approve and Post": every billable charge (isBillableToCompany) not billed yet
 * and dated on or before `through` (of one contract, or all) becomes billed (`isBilled`) and gets one
 * BillingItem (billingItemType "Contract Cost", UNVERIFIED number) with its amounts rounded to cents, half
 * away from zero. Non-billable charges stay as they are. Returns how many were posted.
 */
export function postCharges(ctx: EmulatorCtx, through: string, contractId?: number): number {
  const now = ctx.clock.now().toISOString();
  let posted = 0;
  for (const charge of sortedRows(ctx.state, 'ContractCharges')) {
    if (contractId !== undefined && charge.contractID !== contractId) continue;
    if (charge.isBilled === true || charge.isBillableToCompany !== true) continue;
    if (String(charge.datePurchased) > through) continue;
    const contract = ctx.state.tables.Contracts.get(charge.contractID as number);
    const line = ctx.state.tables.ContractServices.get(charge.contractServiceID as number);
    const amount = toCents((charge.billableAmount as number | null) ?? 0) / 100;
    const item = {
      id: allocateId(ctx.state),
      billingItemType: BILLING_ITEM_TYPE_CONTRACT_CHARGE,
      companyID: contract?.companyID ?? null,
      contractID: charge.contractID,
      contractServiceID: charge.contractServiceID ?? null,
      contractServicePeriodID: null,
      contractChargeID: charge.id,
      serviceID: line?.serviceID ?? null,
      itemDate: charge.datePurchased,
      postedDate: now,
      invoiceID: null,
      description: charge.name,
      quantity: charge.unitQuantity,
      rate: charge.unitPrice ?? 0,
      ourCost: toCents((charge.extendedCost as number | null) ?? 0) / 100,
      extendedPrice: amount,
      totalAmount: amount,
    };
    ctx.state.tables.BillingItems.set(item.id, item);
    charge.isBilled = true;
    posted++;
  }
  return posted;
}
