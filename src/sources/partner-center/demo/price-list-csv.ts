import { decimalFixed } from '../../../core/money';
import { addDays, type PlainDate } from '../../../core/time';
import { DEMO_SKUS } from './catalog';
import { csvLine, csvRecord } from './csv-text';
import { DEMO_PLANS, type PriceSchedule, priceWindows } from './pricing';

/** The NCE license-based price list columns, in the order of real files (csp-billing.md 3). */
export const PRICE_LIST_CSV_COLUMNS = [
  'ChangeIndicator',
  'ProductTitle',
  'ProductId',
  'SkuId',
  'SkuTitle',
  'Publisher',
  'SkuDescription',
  'UnitOfMeasure',
  'TermDuration',
  'BillingPlan',
  'Market',
  'Currency',
  'UnitPrice',
  'PricingTierRangeMin',
  'PricingTierRangeMax',
  'EffectiveStartDate',
  'EffectiveEndDate',
  'Tags',
  'ERP Price',
  'Segment',
] as const;

type PriceListCsvColumn = (typeof PRICE_LIST_CSV_COLUMNS)[number];

const stamp = (d: PlainDate) => `${d}T00:00:00.0000000Z`;
/** The last moment of the day before an exclusive end, as Microsoft writes window ends. */
const endStamp = (exclusiveEnd: PlainDate | undefined) =>
  exclusiveEnd ? `${addDays(exclusiveEnd, -1)}T23:59:59.9999999Z` : '9999-12-31T23:59:59.9999999Z';

/**
 * The whole demo price list in one file: every listed SKU in its three plans, with effective windows. A SKU
 * whose price rises mid-window has two rows per plan (the old one ending the day before the increase), so one
 * file describes every month of the demo; the legacy SKU is left out on purpose.
 */
export function priceListLines(schedule: PriceSchedule): string[] {
  const header = csvLine(PRICE_LIST_CSV_COLUMNS);
  const lines = [header];
  for (const sku of DEMO_SKUS) {
    for (const plan of DEMO_PLANS) {
      for (const w of priceWindows(sku, plan, schedule)) {
        lines.push(
          csvRecord<PriceListCsvColumn>(PRICE_LIST_CSV_COLUMNS, {
            ChangeIndicator: w.start === schedule.increaseOn ? 'Changed' : 'Unchanged',
            ProductTitle: sku.title,
            ProductId: sku.productId,
            SkuId: sku.skuId,
            SkuTitle: sku.title,
            Publisher: 'Microsoft Corporation',
            SkuDescription: `${sku.title} for businesses`,
            UnitOfMeasure: 'Licenses',
            TermDuration: plan.term,
            BillingPlan: plan.billingPlan,
            Market: 'US',
            Currency: 'USD',
            UnitPrice: decimalFixed(w.prices.cost, 2),
            EffectiveStartDate: stamp(w.start),
            EffectiveEndDate: endStamp(w.end),
            Tags: 'License',
            'ERP Price': decimalFixed(w.prices.erp, 2),
            Segment: 'Commercial',
          }),
        );
      }
    }
  }
  return lines;
}
