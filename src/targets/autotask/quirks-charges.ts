import { type Decimal, ZERO } from '../../core/money/decimal';
import type { PlainDate } from '../../core/time/plain-date';

/*
 * Quirks of Autotask ContractCharges (one-time charges and credits on a contract) as billsync uses them for
 * locked days. See docs/vendors/autotask.md, "Contract charges".
 */

/** BillingCodes.useType 4 = Material Cost Code: the code a contract charge needs (notes §4.7; one client). */
export const MATERIAL_COST_USE_TYPE = 4;

/** ContractCharges.chargeType label billsync books ("Operational"; the other is "Capitalized"). */
export const OPERATIONAL_CHARGE_LABEL = 'Operational';

/** Field lengths when the tenant's metadata gives none: SOAP-era values (REST lengths UNVERIFIED, §8.8). */
export const CHARGE_NAME_MAX = 100;
export const CHARGE_DESCRIPTION_MAX = 2000;

/** What identifies a billsync charge: (product = Autotask service, month of its date, sequence). */
export interface ChargeMarker {
  serviceId: string;
  /** `YYYY-MM`. */
  month: string;
  sequence: number;
}

const MARKER = /^billsync:(\d{1,15}):(\d{4}-(?:0[1-9]|1[0-2])):([1-9]\d{0,5})$/i;

/**
 * billsync's marker on its charges: `billsync:<serviceId>:<YYYY-MM>:<sequence>` in `internalPurchaseOrderNumber`
 * (50 characters). That field is internal-only: it is never printed on the customer's invoice (unlike the name,
 * description and purchaseOrderNumber), it is queryable, and users rarely fill it on contract charges, so the
 * marker finds our charges again (probe, readState) without showing anything to the customer.
 */
export function chargeMarker(serviceId: string, date: PlainDate, sequence: number): string {
  if (!/^\d{1,15}$/.test(serviceId)) throw new RangeError(`not an Autotask service id: ${serviceId}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) {
    throw new RangeError(`charge sequence must be 1..999999, not ${sequence}`);
  }
  return `billsync:${serviceId}:${date.slice(0, 7)}:${sequence}`;
}

/** The marker of a charge, or undefined when `internalPurchaseOrderNumber` is not one (someone else's charge). */
export function parseChargeMarker(value: unknown): ChargeMarker | undefined {
  if (typeof value !== 'string') return undefined;
  const m = MARKER.exec(value.trim());
  if (!m) return undefined;
  return { serviceId: m[1] as string, month: m[2] as string, sequence: Number(m[3]) };
}

/**
 * The quantity and unit amounts of a charge or credit. Autotask's unitPrice and unitCost are kept >= 0 (negative
 * prices are UNVERIFIED: the UI shows them as non-negative money), so a credit is one unit of -1 at |amount|:
 * billableAmount = unitQuantity x unitPrice keeps the sign. Amount and cost of opposite signs cannot be one
 * charge (the port promises they never are): refused.
 */
export function chargeUnits(
  amount: Decimal,
  cost: Decimal,
): { unitQuantity: 1 | -1; unitPrice: Decimal; unitCost: Decimal } {
  if ((amount.gt(ZERO) && cost.lt(ZERO)) || (amount.lt(ZERO) && cost.gt(ZERO))) {
    throw new RangeError(`a charge's amount (${amount}) and cost (${cost}) must not have opposite signs`);
  }
  const credit = amount.lt(ZERO) || cost.lt(ZERO);
  return { unitQuantity: credit ? -1 : 1, unitPrice: amount.abs(), unitCost: cost.abs() };
}
