import { describe, expect, it } from 'vitest';
import type { PriceListEntry } from '../../../core/model/source';
import { parsePriceListFile, type SkippedRow } from './price-list-file';

const HEADER =
  'ChangeIndicator,ProductTitle,ProductId,SkuId,SkuTitle,Publisher,SkuDescription,UnitOfMeasure,TermDuration,BillingPlan,Market,Currency,UnitPrice,PricingTierRangeMin,PricingTierRangeMax,EffectiveStartDate,EffectiveEndDate,Tags,ERP Price,Segment';
const ROW = (over: Partial<Record<string, string>> = {}) => {
  const v = {
    ChangeIndicator: 'Unchanged',
    ProductTitle: 'Microsoft 365 Business Premium',
    ProductId: 'CFQ7TTC0LCHC',
    SkuId: '0002',
    SkuTitle: 'Microsoft 365 Business Premium',
    Publisher: 'Microsoft Corporation',
    SkuDescription: '"Desktop apps, security"',
    UnitOfMeasure: 'Licenses',
    TermDuration: 'P1Y',
    BillingPlan: 'Monthly',
    Market: 'US',
    Currency: 'USD',
    UnitPrice: '20.79',
    PricingTierRangeMin: '',
    PricingTierRangeMax: '',
    EffectiveStartDate: '2025-04-01T00:00:00.0000000Z',
    EffectiveEndDate: '9999-12-31T23:59:59.0000000Z',
    Tags: 'License;Business',
    'ERP Price': '23.10',
    Segment: 'Commercial',
    ...over,
  };
  return Object.values(v).join(',');
};

async function parse(text: string, skipped: SkippedRow[] = []): Promise<PriceListEntry[]> {
  const out: PriceListEntry[] = [];
  const input = (async function* () {
    yield text;
  })();
  for await (const e of parsePriceListFile(input, 'pricelist.csv', (s) => skipped.push(s))) out.push(e);
  return out;
}

describe('parsePriceListFile', () => {
  it('reads cost, retail (the "ERP Price" column), the offer key and the validity window', async () => {
    const [e] = await parse(`${HEADER}\n${ROW()}\n`);
    expect(e).toMatchObject({
      offer: {
        productId: 'CFQ7TTC0LCHC',
        skuId: '0002',
        term: 'P1Y',
        billingPlan: 'Monthly',
        segment: 'Commercial',
        market: 'US',
        currency: 'USD',
      },
      productTitle: 'Microsoft 365 Business Premium',
      effective: { start: '2025-04-01', end: undefined },
      unitOfMeasure: 'Licenses',
      tags: ['License', 'Business'],
    });
    expect(e!.cost.toJSON()).toEqual({ amount: '20.79', currency: 'USD' });
    expect(e!.retail.toJSON()).toEqual({ amount: '23.1', currency: 'USD' });
  });

  it('makes Microsoft end dates half-open and defaults a missing BillingPlan by term', async () => {
    const [a, b] = await parse(
      `${HEADER}\n${ROW({ EffectiveEndDate: '2025-06-30T23:59:59.9999999Z' })}\n${ROW({ TermDuration: 'P1M', BillingPlan: 'None', EffectiveStartDate: '3/1/2018 12:00:00 AM', EffectiveEndDate: '6/30/2025' })}\n`,
    );
    expect(a!.effective).toEqual({ start: '2025-04-01', end: '2025-07-01' });
    expect(b!.offer).toMatchObject({ term: 'P1M', billingPlan: 'Monthly' });
    expect(b!.effective).toEqual({ start: '2018-03-01', end: '2025-07-01' });
  });

  it('keeps the first band of a tiered offer and reports the others', async () => {
    const skipped: SkippedRow[] = [];
    const entries = await parse(
      `${HEADER}\n${ROW({ PricingTierRangeMin: '1', PricingTierRangeMax: '300' })}\n${ROW({ PricingTierRangeMin: '301', UnitPrice: '19.00' })}\n`,
      skipped,
    );
    expect(entries).toHaveLength(1);
    expect(skipped).toEqual([
      { line: 3, reason: 'quantity band from 301 of a tiered offer (only the first band is kept)' },
    ]);
  });

  it('refuses the same offer and start twice, bad prices, terms and segments, with row and column', async () => {
    await expect(parse(`${HEADER}\n${ROW()}\n${ROW()}\n`)).rejects.toThrow(
      'pricelist.csv row 3, column "EffectiveStartDate": "2025-04-01T00:00:00.0000000Z" is not valid; expected one row per offer and start date (row 2 has the same offer from the same date)',
    );
    await expect(parse(`${HEADER}\n${ROW({ 'ERP Price': 'n/a' })}\n`)).rejects.toThrow(
      /row 2, column "ERP Price": "n\/a" is not valid; expected a decimal/,
    );
    await expect(parse(`${HEADER}\n${ROW({ TermDuration: 'P2Y' })}\n`)).rejects.toThrow(
      /column "TermDuration"/,
    );
    await expect(parse(`${HEADER}\n${ROW({ Segment: 'Retail' })}\n`)).rejects.toThrow(/column "Segment"/);
    await expect(parse(`${HEADER.replace(',ERP Price', ',Retail')}\n`)).rejects.toThrow(
      /row 1, column "ERP Price": expected a column named "ERP Price"/,
    );
  });
});
