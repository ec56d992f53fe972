import { hasColumns } from './columns';

/** The Microsoft CSV files billsync reads. */
export type PartnerCenterFileKind = 'recon' | 'azure_usage' | 'price_list';

/**
 * Tells the files apart by the columns only one of them has: daily-rated usage has UsageDate + MeterId-ish
 * columns and BillingPreTaxTotal; the recon file has ChargeStartDate + Subtotal + TermAndBillingCycle; the price
 * list has EffectiveStartDate + BillingPlan. Undefined when none fits.
 */
export function detectFileKind(header: readonly string[]): PartnerCenterFileKind | undefined {
  if (hasColumns(header, ['UsageDate', 'BillingPreTaxTotal'])) return 'azure_usage';
  if (hasColumns(header, ['ChargeStartDate', 'Subtotal', 'SubscriptionId'])) return 'recon';
  if (hasColumns(header, ['EffectiveStartDate', 'BillingPlan', 'UnitPrice'])) return 'price_list';
  return undefined;
}

export const FILE_KIND_NAMES: Record<PartnerCenterFileKind, string> = {
  recon: 'NCE invoice reconciliation file',
  azure_usage: 'Azure plan daily-rated usage file',
  price_list: 'NCE license-based price list',
};
