import { describe, expect, it } from 'vitest';
import type { AzureUsageLine, InvoiceLine, PriceListEntry } from '../../../core/model/source';
import { dec, decimalText, ZERO } from '../../../core/money';
import type { BillingPeriod, PlainDate } from '../../../core/time';
import { parsePriceListFile } from '../files/price-list-file';
import { parseReconFile } from '../files/recon-file';
import { parseUsageFile } from '../files/usage-file';
import { licenseSubtotal, proratedUnitPrice } from './cycles';
import { type DemoData, generateDemoData } from './generate';

const OPTIONS = { months: 12, customers: 25, seed: 42, endPeriod: '2025-07' as BillingPeriod };
const data = generateDemoData(OPTIONS);

async function parsed<T>(
  parser: (input: AsyncIterable<string>, file: string) => AsyncIterable<T>,
  d: DemoData,
  name: string,
): Promise<T[]> {
  const file = d.files.find((f) => f.name === name);
  if (!file) throw new Error(`no ${name}`);
  const out: T[] = [];
  for await (const x of parser(
    (async function* () {
      yield* file.lines;
    })(),
    name,
  ))
    out.push(x);
  return out;
}

const invoiceLines = async (period: string) =>
  parsed<InvoiceLine>(parseReconFile, data, `invoice-${period}.csv`);
const allLines = async () => (await Promise.all(data.scenario.periods.map(invoiceLines))).flat();

describe('demo data', () => {
  it('is deterministic for a seed and differs for another seed', () => {
    const again = generateDemoData(OPTIONS);
    expect(again.files).toEqual(data.files);
    expect(again.invoices).toEqual(data.invoices);
    const other = generateDemoData({ ...OPTIONS, seed: 43 });
    expect(other.files.find((f) => f.name === 'invoice-2025-07.csv')).not.toEqual(
      data.files.find((f) => f.name === 'invoice-2025-07.csv'),
    );
  });

  it('has one recon and one usage file per month, invoices issued on the 7th of the next month, and parses cleanly', async () => {
    expect(data.invoices.map((i) => i.billingPeriod)).toEqual(data.scenario.periods);
    expect(data.invoices.at(-1)).toMatchObject({
      billingPeriod: '2025-07',
      issueDate: '2025-08-07',
      currency: 'USD',
    });
    expect(new Set(data.invoices.map((i) => i.id)).size).toBe(12);
    for (const inv of data.invoices) {
      const lines = await invoiceLines(inv.billingPeriod);
      expect(lines.every((l) => l.invoiceId === inv.id)).toBe(true);
      expect(lines.every((l) => l.chargePeriod.start.startsWith(inv.billingPeriod))).toBe(true);
      const total = lines.reduce((s, l) => s.plus(l.subtotal.amount), ZERO);
      expect(decimalText(total)).toBe(decimalText(dec(inv.total)));
    }
    expect(data.scenario.customers[0]!.name).toBe('Contoso Limited');
  });

  it('contains each required event, with events in the last months', async () => {
    const lines = await allLines();
    const last = await invoiceLines('2025-07');
    const types = (ls: InvoiceLine[]) => new Set(ls.map((l) => l.chargeType));
    expect(types(lines)).toEqual(
      new Set(['new', 'renew', 'cyclecharge', 'addquantity', 'removequantity', 'cancelimmediate', 'usage']),
    );
    expect(types(last)).toContain('addquantity');
    expect(types(last)).toContain('new');
    expect(types(await invoiceLines('2025-06'))).toContain('removequantity');
    expect(types(await invoiceLines('2025-06'))).toContain('cancelimmediate');
    // annual term billed monthly and billed annually
    expect(lines.some((l) => l.offer.term === 'P1Y' && l.offer.billingPlan === 'Monthly')).toBe(true);
    expect(lines.some((l) => l.offer.term === 'P1Y' && l.offer.billingPlan === 'Annual')).toBe(true);
    // two subscriptions of one SKU for one customer
    const subsByCustomerOffer = new Map<string, Set<string>>();
    for (const l of lines.filter((x) => x.kind === 'license')) {
      const key = `${l.customerTenantId}|${l.offer.productId}:${l.offer.skuId}|${l.offer.term}|${l.offer.billingPlan}`;
      subsByCustomerOffer.set(key, (subsByCustomerOffer.get(key) ?? new Set()).add(l.subscriptionId));
    }
    expect([...subsByCustomerOffer.values()].some((s) => s.size >= 2)).toBe(true);
    // a reversal is always paired with the new quantity over the same remaining days
    for (const rev of lines.filter((l) => l.quantity.lt(ZERO) && l.chargeType !== 'cancelimmediate')) {
      const pair = lines.filter(
        (l) =>
          l.subscriptionId === rev.subscriptionId &&
          l.chargePeriod.start === rev.chargePeriod.start &&
          l.chargeType === rev.chargeType,
      );
      expect(pair).toHaveLength(2);
    }
  });

  it('has a mid-window price increase, a legacy SKU missing from the price list, and Azure usage that adds up', async () => {
    const prices = await parsed<PriceListEntry>(parsePriceListFile, data, 'pricelist.csv');
    const basic = prices.filter((p) => p.offer.productId === 'CFQ7TTC0LH18' && p.offer.term === 'P1M');
    expect(basic.map((p) => [p.effective.start, p.effective.end, p.retail.toString()])).toEqual([
      ['2023-08-01', '2025-02-01', '7.2'],
      ['2025-02-01', undefined, '8.4'],
    ]);
    const lines = await allLines();
    expect(lines.some((l) => l.offer.productId === 'CFQ7TTC0LF8Q')).toBe(true);
    expect(prices.some((p) => p.offer.productId === 'CFQ7TTC0LF8Q')).toBe(false);
    const usage = await parsed<AzureUsageLine>(parseUsageFile, data, 'azure-usage-2025-07.csv');
    const azure = (await invoiceLines('2025-07')).filter((l) => l.kind === 'azure_usage');
    expect(azure.length).toBeGreaterThan(0);
    for (const tenant of new Set(azure.map((l) => l.customerTenantId))) {
      const invoiced = azure
        .filter((l) => l.customerTenantId === tenant)
        .reduce((s, l) => s.plus(l.subtotal.amount), ZERO);
      const daily = usage
        .filter((u) => u.customerTenantId === tenant)
        .reduce((s, u) => s.plus(u.cost.amount), ZERO);
      expect(decimalText(invoiced)).toBe(decimalText(daily));
    }
  });
});

describe('proration arithmetic (csp-billing.md 4.2 and 7.2)', () => {
  const d = (s: string) => s as PlainDate;
  it('reproduces Microsoft’s examples', () => {
    expect(
      proratedUnitPrice(
        dec('23.10'),
        { start: d('2025-07-15'), end: d('2025-08-14') },
        d('2025-07-20'),
      ).toFixed(2),
    ).toBe('19.37');
    expect(licenseSubtotal(dec('19.37'), 10).toFixed(2)).toBe('193.70');
    expect(licenseSubtotal(dec('19.37'), 12).toFixed(2)).toBe('232.44');
    // 4.2: $4 a month, a 30-day cycle, one seat added with 29 days left: (4 / 30) x 29 = 3.8667 -> 3.87.
    expect(
      proratedUnitPrice(dec('4'), { start: d('2022-06-11'), end: d('2022-07-10') }, d('2022-06-12')).toFixed(
        2,
      ),
    ).toBe('3.87');
    expect(licenseSubtotal(dec('3.87'), 2).toFixed(2)).toBe('7.74');
    expect(
      proratedUnitPrice(dec('4'), { start: d('2022-06-11'), end: d('2022-07-10') }, d('2022-06-11')).toFixed(
        2,
      ),
    ).toBe('4.00');
  });

  it('prices every demo change line that way', () => {
    const changes = data.licenseLines.filter(
      (l) =>
        l.chargeType === 'addQuantity' ||
        l.chargeType === 'removeQuantity' ||
        l.chargeType === 'cancelImmediate',
    );
    expect(changes.length).toBeGreaterThan(4);
    for (const l of changes) {
      expect(l.effectiveUnitPrice.toFixed(2)).toBe(
        proratedUnitPrice(l.unitPrice, l.cycle, l.chargeStart).toFixed(2),
      );
      expect(l.subtotal.abs().toFixed(2)).toBe(licenseSubtotal(l.effectiveUnitPrice, l.quantity).toFixed(2));
    }
  });
});
