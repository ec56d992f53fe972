import {
  offerKeyText,
  type PriceListEntry,
  type Segment,
  type TermDuration,
} from '../../../core/model/source';
import { Money, ONE } from '../../../core/money';
import { type ColumnSpec, columnLabels, resolveColumns } from './columns';
import { mapCsvRows } from './csv-rows';
import { exclusiveEndOf } from './dates';
import { MARKET_EXPECTED, normalizeSkuId, SKU_EXPECTED } from './ids';
import { RowCursor } from './row-cursor';
import { billingPlanFromFrequency } from './term';

/** Columns of the NCE license-based price list (csp-billing.md 3) that normalization reads. */
export const PRICE_LIST_COLUMNS = [
  { name: 'ChangeIndicator', required: false },
  { name: 'ProductTitle', required: true },
  { name: 'ProductId', required: true },
  { name: 'SkuId', required: true },
  { name: 'SkuTitle', required: true },
  { name: 'UnitOfMeasure', required: false },
  { name: 'TermDuration', required: true },
  { name: 'BillingPlan', required: true },
  { name: 'Market', required: true },
  { name: 'Currency', required: true },
  { name: 'UnitPrice', required: true },
  { name: 'PricingTierRangeMin', required: false },
  { name: 'EffectiveStartDate', required: true },
  { name: 'EffectiveEndDate', required: true },
  { name: 'Tags', required: false },
  { name: 'ERP Price', aliases: ['ERPPrice'], required: true },
  { name: 'Segment', required: false },
] as const satisfies readonly ColumnSpec[];

export type PriceListColumn = (typeof PRICE_LIST_COLUMNS)[number]['name'];

const SEGMENTS: Record<string, Segment> = {
  commercial: 'Commercial',
  education: 'Education',
  academic: 'Education',
  charity: 'Charity',
  nonprofit: 'Charity',
  government: 'Government',
};
const TERMS: ReadonlySet<string> = new Set(['P1M', 'P1Y', 'P3Y']);

/** A price-list row the parser leaves out on purpose, and why. */
export interface SkippedRow {
  line: number;
  reason: string;
}

function priceEntryFromRow(c: RowCursor<PriceListColumn>): PriceListEntry {
  const term = c.text('TermDuration').toUpperCase();
  if (!TERMS.has(term)) c.fail('TermDuration', 'P1M, P1Y or P3Y');
  const billingPlan =
    billingPlanFromFrequency(c.text('BillingPlan'), term as TermDuration) ??
    c.fail('BillingPlan', 'Monthly, Annual, Triennial, OneTime, or None/blank (billed upfront for the term)');
  // A file without a Segment column is a commercial price list. [UNVERIFIED: the spelling of other segments.]
  const segmentText = c.text('Segment').toLowerCase().replace(/[\s-]/g, '');
  const segment =
    segmentText === ''
      ? 'Commercial'
      : (SEGMENTS[segmentText] ?? c.fail('Segment', 'Commercial, Education, Charity or Government'));
  const market = c.text('Market').toUpperCase();
  if (!/^[A-Z]{2}$/.test(market)) c.fail('Market', MARKET_EXPECTED);
  const currency = c.currency('Currency');
  const start = c.date('EffectiveStartDate').date;
  const endValue = c.optionalDate('EffectiveEndDate');
  const end = endValue ? exclusiveEndOf(endValue) : undefined;
  if (end !== undefined && end <= start)
    c.fail('EffectiveEndDate', `a date after EffectiveStartDate (${start})`);
  return {
    offer: {
      productId: c.required('ProductId', 'a product id such as CFQ7TTC0LCHC').toUpperCase(),
      skuId: normalizeSkuId(c.required('SkuId', SKU_EXPECTED)),
      term: term as TermDuration,
      billingPlan,
      segment,
      market,
      currency,
    },
    productTitle: c.required('ProductTitle', 'the product title'),
    skuTitle: c.required('SkuTitle', 'the SKU title'),
    cost: Money.of(c.decimal('UnitPrice'), currency),
    retail: Money.of(c.decimal('ERP Price'), currency),
    effective: { start, end },
    unitOfMeasure: c.text('UnitOfMeasure'),
    tags: c
      .text('Tags')
      .split(/[;,]/)
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  };
}

/**
 * Streams the entries of an NCE license-based price list CSV. Tiered offers list one row per quantity band
 * (PricingTierRangeMin/Max); the normalized model has no bands, so only the first band (min empty, 0 or 1) is
 * kept and the others are reported through `onSkip`. [UNVERIFIED: M365 license rows are rarely tiered.] The same
 * offer key and start date on two rows is refused (the list would contradict itself).
 */
export async function* parsePriceListFile(
  input: AsyncIterable<string | Uint8Array>,
  file: string,
  onSkip?: (skipped: SkippedRow) => void,
): AsyncGenerator<PriceListEntry> {
  yield* mapCsvRows(input, file, (header) => {
    const index = resolveColumns(header, PRICE_LIST_COLUMNS, file);
    const cursor = new RowCursor(file, index, columnLabels(header, index), header.length);
    const firstLineOf = new Map<string, number>();
    return (batch, row) => {
      cursor.at(batch, row);
      const line = cursor.row;
      const tierMin = cursor.optionalDecimal('PricingTierRangeMin');
      if (tierMin?.gt(ONE)) {
        onSkip?.({
          line,
          reason: `quantity band from ${tierMin.toFixed()} of a tiered offer (only the first band is kept)`,
        });
        return undefined;
      }
      const entry = priceEntryFromRow(cursor);
      const key = `${offerKeyText(entry.offer)}|${entry.effective.start}`;
      const earlier = firstLineOf.get(key);
      if (earlier !== undefined) {
        cursor.fail(
          'EffectiveStartDate',
          `one row per offer and start date (row ${earlier} has the same offer from the same date)`,
        );
      }
      firstLineOf.set(key, line);
      return entry;
    };
  });
}
