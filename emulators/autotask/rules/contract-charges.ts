import { MESSAGES, ruleError } from '../http/errors';
import { USE_TYPE_MATERIAL_COST } from '../metadata/picklists';
import type { EmulatorCtx, Row } from '../store/state';
import type { EntityRule } from './entity-rules';
import { roundTo } from './money';

/*
 * ContractCharges rules. The notes have no REST page for this entity; the rules follow the UI (a charge needs a
 * product or a material code) and the swagger model. Wording of every message is the emulator's (UNVERIFIED).
 */

const num = (v: unknown) => (typeof v === 'number' ? v : null);

/**
 * The read-only amounts: billableAmount = unitQuantity x unitPrice, extendedCost = unitQuantity x unitCost
 * (kept to 4 decimals, UNVERIFIED), internal-currency fields equal the customer ones (no multi-currency).
 */
export function chargeAmounts(row: Record<string, unknown>): void {
  const quantity = num(row.unitQuantity) ?? 0;
  const billable = roundTo(quantity * (num(row.unitPrice) ?? 0), 4);
  Object.assign(row, {
    billableAmount: billable,
    extendedCost: roundTo(quantity * (num(row.unitCost) ?? 0), 4),
    internalCurrencyBillableAmount: billable,
    internalCurrencyUnitPrice: num(row.unitPrice),
  });
}

const changed = (field: string, next: Record<string, unknown>, existing?: Row) =>
  !existing || next[field] !== existing[field];

/** Checks run after the generic field checks (required fields, types, picklists, references). */
export const chargeRules: EntityRule = (ctx, next, existing) => {
  if (existing?.isBilled === true) {
    throw ruleError('A contract charge that has been approved and posted (billed) cannot be changed.');
  }
  if (next.unitQuantity === 0) throw ruleError('unitQuantity: The unit quantity cannot be zero.');
  if (ctx.rules.negativeChargePrices === 'reject') {
    for (const f of ['unitPrice', 'unitCost']) {
      const v = num(next[f]);
      if (v !== null && v < 0) throw ruleError(`${f}: The value cannot be negative.`);
    }
  }
  // The UI asks for a product or a material code; Products are not modelled (a productID is a bad reference).
  if (next.billingCodeID == null && next.productID == null) {
    throw ruleError(
      'billingCodeID: A contract charge needs a product (productID) or a billing code (billingCodeID).',
    );
  }
  if (next.billingCodeID != null && changed('billingCodeID', next, existing)) {
    const code = ctx.state.tables.BillingCodes.get(next.billingCodeID as number);
    if (code?.isActive !== true || code.useType !== USE_TYPE_MATERIAL_COST) {
      throw ruleError(MESSAGES.badReference('billingCodeID'));
    }
  }
  if (next.contractServiceID != null && changed('contractServiceID', next, existing)) {
    const line = ctx.state.tables.ContractServices.get(next.contractServiceID as number);
    if (line?.contractID !== next.contractID) throw ruleError(MESSAGES.badReference('contractServiceID'));
  }
  chargeAmounts(next);
};

/** Audit fields: creator and create date; who changed the status and when. */
export function stampCharge(ctx: EmulatorCtx, row: Row, actor: number, existing?: Row): void {
  const now = ctx.clock.now().toISOString();
  if (!existing) Object.assign(row, { isBilled: false, createDate: now, creatorResourceID: actor });
  if (existing ? row.status !== existing.status : row.status != null) {
    Object.assign(row, { statusLastModifiedBy: actor, statusLastModifiedDate: now });
  }
}

/** A billed charge cannot be deleted either. */
export function chargeDeleteRule(_ctx: EmulatorCtx, row: Row): void {
  if (row.isBilled === true) {
    throw ruleError('A contract charge that has been approved and posted (billed) cannot be deleted.');
  }
}
