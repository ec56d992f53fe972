import { describe, expect, it } from 'vitest';
import { decimalText } from '../../../core/money';
import { FileParseError } from './file-error';
import { parsePriceListFile } from './price-list-file';
import { parseReconFile } from './recon-file';
import { reconLineFromRecord } from './recon-line';
import { parseUsageFile } from './usage-file';

/** One recon row (csp-billing.md 7.2's cycle charge) with some values replaced. */
function reconRow(over: Record<string, string> = {}): Record<string, string> {
  return {
    CustomerId: 'org:8B2F0C1E-1111-4AAA-8BBB-000000000001',
    CustomerName: 'Contoso Dental',
    CustomerCountry: 'US',
    InvoiceNumber: 'G000000123',
    ProductId: 'CFQ7TTC0LCHC',
    SkuId: '0002',
    ChargeType: 'cycleCharge',
    UnitPrice: '23.10',
    Quantity: '10',
    Subtotal: '231.00',
    Currency: 'USD',
    SubscriptionId: 'A1B2C3D4-1111-4AAA-8BBB-000000000001',
    ChargeStartDate: '2025-07-15',
    ChargeEndDate: '2025-08-14',
    TermAndBillingCycle: 'One-Year commitment for monthly/yearly billing',
    EffectiveUnitPrice: '23.10',
    BillingFrequency: 'Monthly',
    ...over,
  };
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const recon = (...rows: Record<string, string>[]) => {
  const columns = Object.keys(rows[0]!);
  return [columns.join(','), ...rows.map((r) => columns.map((c) => r[c]).join(','))].join('\n');
};

async function refusal(p: Promise<unknown>): Promise<FileParseError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileParseError);
  return error as FileParseError;
}

const HUGE = `1${'0'.repeat(399)}`;

describe('quantities and amounts are bounded to what Microsoft can bill', () => {
  it('a 400-digit Quantity is refused, naming the row and the column', async () => {
    const error = await refusal(
      collect(parseReconFile(once(recon(reconRow(), reconRow({ Quantity: HUGE }))), 'invoice.csv')),
    );
    expect(error.row).toBe(3);
    expect(error.message).toMatch(
      /^invoice\.csv row 3, column "Quantity": "1000.*\.\.\." is not valid; expected a quantity from -1,000,000 to 1,000,000 with at most 28 decimals/,
    );
  });

  it('amounts beyond 10^12 or with more than 28 decimals are refused; the bounds themselves are read', async () => {
    const big = await refusal(
      collect(parseReconFile(once(recon(reconRow({ Subtotal: '1000000000000.01' }))), 'invoice.csv')),
    );
    expect(big.message).toMatch(
      /row 2, column "Subtotal".*an amount from -1,000,000,000,000 to 1,000,000,000,000/,
    );
    const fine = await refusal(
      collect(parseReconFile(once(recon(reconRow({ UnitPrice: `0.${'1'.repeat(29)}` }))), 'invoice.csv')),
    );
    expect(fine.message).toMatch(/row 2, column "UnitPrice".*with at most 28 decimals/);
    const [edge] = await collect(
      parseReconFile(
        once(
          recon(
            reconRow({
              Quantity: '1000000',
              Subtotal: '-1000000000000',
              EffectiveUnitPrice: `0.${'7'.repeat(28)}`,
              UnitPrice: '12.5000000000000000000000000000000000',
            }),
          ),
        ),
        'invoice.csv',
      ),
    );
    expect(decimalText(edge!.quantity)).toBe('-1000000');
    expect(edge!.effectiveUnitPrice.toJSON().amount).toBe(`0.${'7'.repeat(28)}`);
  });

  it('the Partner Center API records go through the same bounds', () => {
    const camel = Object.entries(reconRow()).map(([k, v]) => [k[0]!.toLowerCase() + k.slice(1), v]);
    const record = { ...Object.fromEntries(camel), quantity: HUGE };
    expect(() => reconLineFromRecord(record, 1, 'invoice G000000123 line items')).toThrow(
      /invoice G000000123 line items row 1, column "quantity".*expected a quantity from/,
    );
  });

  it('Azure usage quantities and costs, and price-list prices, are bounded too', async () => {
    const usage = [
      'CustomerId,CustomerName,InvoiceNumber,SubscriptionId,EntitlementId,UsageDate,Quantity,UnitPrice,EffectiveUnitPrice,BillingPreTaxTotal,BillingCurrency,PricingCurrency',
      `org:C0FFEE00-1234-4ABC-8DEF-0123456789AB,Northwind,G1,AA00AA00-3333-4EEE-8FFF-000000000005,99999999-0000-4000-8000-00000000AAAA,2025-07-01,${HUGE},0.1,0.1,2.41,USD,USD`,
    ].join('\n');
    const u = await refusal(collect(parseUsageFile(once(usage), 'usage.csv', () => {})));
    expect(u.message).toMatch(
      /^usage\.csv row 2, column "Quantity".*expected a quantity from -1,000,000,000 to 1,000,000,000/,
    );
    const prices = [
      'ProductTitle,ProductId,SkuId,SkuTitle,TermDuration,BillingPlan,Market,Currency,UnitPrice,EffectiveStartDate,EffectiveEndDate,ERP Price',
      `M365 BP,CFQ7TTC0LCHC,0002,M365 BP,P1Y,Monthly,US,USD,20.79,2025-04-01,9999-12-31,${HUGE}`,
    ].join('\n');
    const p = await refusal(collect(parsePriceListFile(once(prices), 'pricelist.csv')));
    expect(p.message).toMatch(/^pricelist\.csv row 2, column "ERP Price".*expected an amount from/);
  });
});
