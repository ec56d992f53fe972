import { describe, expect, it } from 'vitest';
import type { AzureUsageLine } from '../../../core/model/source';
import { decimalText } from '../../../core/money';
import { parseUsageFile, type UsageCustomer } from './usage-file';

const HEADER =
  'PartnerId,CustomerId,CustomerName,CustomerDomainName,InvoiceNumber,SubscriptionId,UsageDate,MeterId,MeterName,MeterCategory,Quantity,UnitPrice,EffectiveUnitPrice,BillingPreTaxTotal,BillingCurrency,PricingCurrency,EntitlementId';
const row = (date: string, cost: string, invoice = 'G000000123') =>
  `p,org:C0FFEE00-1234-4ABC-8DEF-0123456789AB,Northwind Traders,northwind.onmicrosoft.com,${invoice},AA00AA00-3333-4EEE-8FFF-000000000005,${date},11111111-AAAA-4BBB-8CCC-000000000001,D2s v3,Virtual Machines,24,0.1008,0.1008,${cost},USD,USD,99999999-0000-4000-8000-00000000AAAA`;

async function parse(text: string, customers: UsageCustomer[] = []): Promise<AzureUsageLine[]> {
  const out: AzureUsageLine[] = [];
  const input = (async function* () {
    yield text;
  })();
  for await (const l of parseUsageFile(input, 'azure-usage.csv', (c) => customers.push(c))) out.push(l);
  return out;
}

describe('parseUsageFile', () => {
  it('normalizes daily usage rows', async () => {
    const customers: UsageCustomer[] = [];
    const [a, b] = await parse(
      `${HEADER}\n${row('7/1/2025', '2.41')}\n${row('2025-07-02', '2.41')}\n`,
      customers,
    );
    expect(a).toMatchObject({
      invoiceId: 'G000000123',
      lineNumber: 1,
      customerTenantId: 'c0ffee00-1234-4abc-8def-0123456789ab',
      subscriptionId: 'aa00aa00-3333-4eee-8fff-000000000005',
      entitlementId: '99999999-0000-4000-8000-00000000aaaa',
      usageDate: '2025-07-01',
      meterId: '11111111-aaaa-4bbb-8ccc-000000000001',
      meterName: 'D2s v3',
    });
    expect(decimalText(a!.quantity)).toBe('24');
    expect(a!.cost.toJSON()).toEqual({ amount: '2.41', currency: 'USD' });
    expect(b!.usageDate).toBe('2025-07-02');
    expect(customers[0]).toEqual({
      tenantId: 'c0ffee00-1234-4abc-8def-0123456789ab',
      name: 'Northwind Traders',
      domain: 'northwind.onmicrosoft.com',
    });
  });

  it('refuses a bad cost and a second invoice, naming row and column', async () => {
    await expect(parse(`${HEADER}\n${row('7/1/2025', '2.41')}\n${row('7/2/2025', 'two')}\n`)).rejects.toThrow(
      /azure-usage\.csv row 3, column "BillingPreTaxTotal": "two" is not valid/,
    );
    await expect(
      parse(`${HEADER}\n${row('7/1/2025', '1')}\n${row('7/2/2025', '1', 'G000000999')}\n`),
    ).rejects.toThrow(/row 3, column "InvoiceNumber"/);
  });
});
