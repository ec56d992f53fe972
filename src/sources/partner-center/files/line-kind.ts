import type { ChargeType, InvoiceLineKind } from '../../../core/model/source';

/** The Azure plan product: its line in the OneTime recon file carries the month's Azure consumption. */
export const AZURE_PLAN_PRODUCT_ID = 'DZH318Z0BPS6';

/** New-commerce license-based (seat) products all have ids of this family (`CFQ7TTC0LCHC`, `CFQ7TTC0LH18`...). */
const LICENSE_PRODUCT_PREFIX = 'CFQ7TTC0';

/** Charge types that are credits rather than charges for a service period. [UNVERIFIED: creditNote, credit.] */
const CREDIT_CHARGE_TYPES: ReadonlySet<string> = new Set(['customercredit', 'creditnote', 'credit']);

/** The facts of a recon row that decide its kind. */
export interface KindFacts {
  productId: string;
  chargeType: ChargeType;
  /** TermAndBillingCycle and BillingFrequency said "one time" / "perpetual". */
  oneTimeBilling: boolean;
  /** ReservationOrderId is filled (an Azure reservation purchase). */
  reservation: boolean;
  /** TermAndBillingCycle names a trial (`One-Month commitment for trial`) on a row that is not its conversion. */
  trial?: boolean;
}

/**
 * Sorts a OneTime recon row into the kinds the invoice sync treats differently (spec section 6), first rule wins:
 * 1. ProductId `DZH318Z0BPS6` (Azure plan, any SKU) -> `azure_usage`;
 * 2. ChargeType customerCredit / creditNote / credit -> `credit` (not synced, listed as skipped); a free trial
 *    (TermAndBillingCycle names a trial, not its conversion) -> `one_time` (listed as skipped);
 * 3. a `CFQ7TTC0...` product billed per term (not one-time, no reservation) -> `license`;
 * 4. everything else -> `one_time`: perpetual software (`DG7GMGF0...`), Azure reservations (ReservationOrderId),
 *    marketplace and any product outside the license family.
 * [UNVERIFIED: Microsoft documents no such classification; the product-id families come from its catalog docs.
 * Credits on license lines (cancelImmediate, removeQuantity reversals) stay `license`: they move the seat
 * timeline.]
 */
export function classifyLine(f: KindFacts): InvoiceLineKind {
  if (f.productId.toUpperCase() === AZURE_PLAN_PRODUCT_ID) return 'azure_usage';
  if (CREDIT_CHARGE_TYPES.has(f.chargeType)) return 'credit';
  // A free trial is not billed by Microsoft and not to the customer: listed as skipped, never seats. Its paid
  // conversion (`trialConversion`, with the paid term) is a license line like any purchase (docs/vendors/microsoft-csp.md, "Kind").
  if (f.trial && f.chargeType !== 'trialconversion') return 'one_time';
  if (f.productId.toUpperCase().startsWith(LICENSE_PRODUCT_PREFIX) && !f.oneTimeBilling && !f.reservation) {
    return 'license';
  }
  return 'one_time';
}
