import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { AzureUsageLine, InvoiceHeader, InvoiceLine, PriceListEntry } from '../../src/core/model/source';
import { dec, Money } from '../../src/core/money';
import type { BillingPeriod, PlainDate } from '../../src/core/time';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import {
  getAzureUsageTotals,
  getInvoice,
  getInvoiceLines,
  getInvoiceLinesByCustomer,
  listInvoices,
  listPriceEntries,
  listSourceCustomers,
  storeAzureUsage,
  storeInvoice,
  storePriceList,
  upsertSourceCustomers,
} from '../../src/db/repos/source-data';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { createTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
let pool: Pool;
let ws: WorkspaceId;
let other: WorkspaceId;

beforeAll(async () => {
  db = await createTestDatabase('source');
  await migrate(db.url);
  pool = createPool(db.url, 4);
  ws = (await insertWorkspace(pool, 'A')).id;
  other = (await insertWorkspace(pool, 'B')).id;
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

const d = (s: string) => s as PlainDate;
const T1 = '8b2f0c1e-1111-4aaa-8bbb-000000000001';
const T2 = '8b2f0c1e-1111-4aaa-8bbb-000000000002';

function line(n: number, over: Partial<InvoiceLine> = {}): InvoiceLine {
  return {
    invoiceId: 'G000000123',
    lineNumber: n,
    customerTenantId: T1,
    customerName: 'Contoso\tDental',
    customerDomain: 'contoso.onmicrosoft.com',
    subscriptionId: 'a1b2c3d4-1111-4aaa-8bbb-000000000001',
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
    skuTitle: 'Microsoft 365 Business Premium',
    chargeType: 'cyclecharge',
    kind: 'license',
    chargePeriod: { start: d('2025-07-15'), end: d('2025-08-15') },
    quantity: dec(10),
    unitPrice: Money.of('23.10', 'USD'),
    effectiveUnitPrice: Money.of('23.10', 'USD'),
    subtotal: Money.of('231.00', 'USD'),
    subscriptionTerm: { start: d('2025-01-15'), end: d('2026-01-15') },
    orderDate: undefined,
    ...over,
  };
}

const header = (over: Partial<InvoiceHeader> = {}): InvoiceHeader => ({
  id: 'G000000123',
  billingPeriod: '2025-07' as BillingPeriod,
  issueDate: d('2025-08-07'),
  currency: 'USD',
  datesFrom: 'inferred',
  ...over,
});

describe('storeInvoice', () => {
  const lines = [
    line(1),
    line(2, { chargeType: 'addquantity', quantity: dec(-10), subtotal: Money.of('-193.70', 'USD') }),
    line(3, { customerTenantId: T2, kind: 'azure_usage', subtotal: Money.of('12.34', 'USD') }),
  ];

  it('creates, then finds the same content unchanged, then replaces a corrected re-issue', async () => {
    const first = await storeInvoice(pool, ws, header(), lines);
    expect(first).toMatchObject({
      status: 'created',
      lines: { counts: { created: 3, updated: 0, unchanged: 0 } },
      headerChanged: false,
    });
    const again = await storeInvoice(pool, ws, header(), lines);
    expect(again).toMatchObject({
      status: 'unchanged',
      lines: { counts: { created: 0, updated: 0, unchanged: 3 }, previousLineCount: 3 },
    });
    expect(again.header.revision).toBe(1);
    const corrected = [
      ...lines.slice(0, 2),
      line(3, { customerTenantId: T2, kind: 'azure_usage', subtotal: Money.of('12.35', 'USD') }),
      line(4),
    ];
    const replaced = await storeInvoice(pool, ws, header(), corrected);
    expect(replaced).toMatchObject({
      status: 'replaced',
      lines: { counts: { created: 0, updated: 4, unchanged: 0 }, previousLineCount: 3 },
    });
    expect(replaced.header).toMatchObject({ lineCount: 4, revision: 2 });
    expect((await getInvoiceLines(pool, ws, 'G000000123')).map((l) => l.subtotal.toString())).toEqual([
      '231',
      '-193.7',
      '12.35',
      '231',
    ]);
  });

  it('reads lines back exactly as stored (signed decimals, half-open ranges, escaped text), per customer', async () => {
    const [first, second] = await getInvoiceLines(pool, ws, 'G000000123', { customerTenantId: T1 });
    expect(JSON.stringify(first)).toBe(JSON.stringify(line(1)));
    expect(second!.quantity.toString()).toBe('-10');
    expect(await getInvoiceLines(pool, other, 'G000000123')).toEqual([]);
    const grouped = await getInvoiceLinesByCustomer(pool, ws, 'G000000123');
    expect([...grouped.keys()].sort()).toEqual([T1, T2]);
    expect(grouped.get(T1)!.map((l) => l.lineNumber)).toEqual([1, 2, 4]);
  });

  it('keeps dates a source stated over inferred ones, and lets a user override', async () => {
    await storeInvoice(pool, ws, header({ id: 'G2', issueDate: d('2025-08-06'), datesFrom: 'source' }), [
      line(1, { invoiceId: 'G2' }),
    ]);
    const inferred = await storeInvoice(pool, ws, header({ id: 'G2' }), [line(1, { invoiceId: 'G2' })]);
    expect(inferred).toMatchObject({
      keptStoredDates: true,
      headerChanged: false,
      header: { issueDate: '2025-08-06', datesFrom: 'source' },
    });
    const user = await storeInvoice(
      pool,
      ws,
      header({ id: 'G2', issueDate: d('2025-08-08'), datesFrom: 'user' }),
      [line(1, { invoiceId: 'G2' })],
    );
    expect(user).toMatchObject({
      status: 'unchanged',
      headerChanged: true,
      header: { issueDate: '2025-08-08', datesFrom: 'user', revision: 2 },
    });
    expect((await listInvoices(pool, ws, { since: d('2025-08-08') })).map((i) => i.id)).toEqual(['G2']);
    expect((await listInvoices(pool, other)).length).toBe(0);
  });

  it('refuses lines of another invoice or currency, and stores nothing then', async () => {
    await expect(
      storeInvoice(pool, ws, header({ id: 'G3' }), [line(1, { invoiceId: 'G9' })]),
    ).rejects.toThrow(/invoice G9/);
    await expect(
      storeInvoice(pool, ws, header({ id: 'G3', currency: 'EUR' }), [line(1, { invoiceId: 'G3' })]),
    ).rejects.toThrow(/in EUR/);
    expect(await getInvoice(pool, ws, 'G3')).toBeUndefined();
  });

  it('stores Azure daily usage beside the lines and totals the Azure cost per customer', async () => {
    const usage = (n: number, cost: string): AzureUsageLine => ({
      invoiceId: 'G000000123',
      lineNumber: n,
      customerTenantId: T2,
      customerName: 'Northwind',
      subscriptionId: 's',
      entitlementId: 'e',
      usageDate: d(`2025-07-0${n}`),
      meterId: 'm',
      meterName: 'D2s v3',
      meterCategory: 'Virtual Machines',
      quantity: dec(24),
      unitPrice: Money.of('0.1', 'USD'),
      effectiveUnitPrice: Money.of('0.1', 'USD'),
      cost: Money.of(cost, 'USD'),
    });
    const r = await storeAzureUsage(pool, ws, header(), [usage(1, '6.17'), usage(2, '6.18')]);
    expect(r).toMatchObject({
      status: 'created',
      usage: { counts: { created: 2 } },
      header: { lineCount: 4, usageLineCount: 2 },
    });
    expect((await storeAzureUsage(pool, ws, header(), [usage(1, '6.17'), usage(2, '6.18')])).status).toBe(
      'unchanged',
    );
    const totals = await getAzureUsageTotals(pool, ws, 'G000000123');
    expect(totals).toHaveLength(1);
    expect(totals[0]).toMatchObject({ customerTenantId: T2, invoiceLineCount: 1, usageLineCount: 2 });
    expect(totals[0]!.cost.toString()).toBe('12.35');
    expect(totals[0]!.dailyUsage?.toString()).toBe('12.35');
  });

  it('deletes lines with their invoice and their workspace', async () => {
    const scratch = (await insertWorkspace(pool, 'scratch')).id;
    await storeInvoice(pool, scratch, header(), lines);
    await pool.query('delete from workspaces where id = $1', [scratch]);
    const left = await pool.query('select count(*)::int as n from invoice_lines where workspace_id = $1', [
      scratch,
    ]);
    expect(left.rows[0].n).toBe(0);
  });
});

describe('storePriceList and customers', () => {
  const entry = (start: string, cost: string, end?: string): PriceListEntry => ({
    offer: {
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      term: 'P1M',
      billingPlan: 'Monthly',
      segment: 'Commercial',
      market: 'US',
      currency: 'USD',
    },
    productTitle: 'Microsoft 365 Business Basic',
    skuTitle: 'Microsoft 365 Business Basic',
    cost: Money.of(cost, 'USD'),
    retail: Money.of('7.20', 'USD'),
    effective: { start: d(start), end: end ? d(end) : undefined },
    unitOfMeasure: 'Licenses',
    tags: ['License'],
  });

  it('is idempotent by offer key and effective start, and answers as of a day', async () => {
    expect(
      await storePriceList(pool, ws, [
        entry('2024-01-01', '6.48', '2025-02-01'),
        entry('2025-02-01', '7.56'),
      ]),
    ).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(
      await storePriceList(pool, ws, [
        entry('2024-01-01', '6.48', '2025-02-01'),
        entry('2025-02-01', '7.56'),
      ]),
    ).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(
      await storePriceList(pool, ws, [
        entry('2024-01-01', '6.48', '2025-02-01'),
        entry('2025-02-01', '7.60'),
      ]),
    ).toEqual({ created: 0, updated: 1, unchanged: 1 });
    const asOf = await listPriceEntries(pool, ws, { asOf: d('2025-01-31') });
    expect(asOf.map((e) => e.cost.toString())).toEqual(['6.48']);
    expect(
      (await listPriceEntries(pool, ws, { asOf: d('2025-02-01') })).map((e) => e.cost.toString()),
    ).toEqual(['7.6']);
    expect(await listPriceEntries(pool, other)).toEqual([]);
    await expect(
      storePriceList(pool, ws, [entry('2026-01-01', '1'), entry('2026-01-01', '2')]),
    ).rejects.toThrow(/twice/);
    expect((await listPriceEntries(pool, ws)).length).toBe(2);
    // Only the products and SKUs asked for (a batch's offers): the same SKU of another product is not one of them.
    const basic = entry('2024-01-01', '6.48', '2025-02-01');
    await storePriceList(pool, ws, [
      { ...basic, offer: { ...basic.offer, skuId: '0002' } },
      { ...basic, offer: { ...basic.offer, productId: 'CFQ7TTC0LCHC' } },
    ]);
    expect((await listPriceEntries(pool, ws)).length).toBe(4);
    const asked = await listPriceEntries(pool, ws, {
      skus: [
        { productId: 'CFQ7TTC0LH18', skuId: '0001' },
        { productId: 'CFQ7TTC0LCHC', skuId: '0002' },
      ],
    });
    expect(asked.map((e) => `${e.offer.productId}/${e.offer.skuId}`)).toEqual([
      'CFQ7TTC0LH18/0001',
      'CFQ7TTC0LH18/0001',
    ]);
    expect(await listPriceEntries(pool, ws, { skus: [] })).toEqual([]);
  });

  it('upserts customers by tenant id, never erasing a known domain', async () => {
    const c = { tenantId: T1, name: 'Contoso Limited', defaultDomain: 'contoso.onmicrosoft.com' };
    expect(await upsertSourceCustomers(pool, ws, [c])).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(await upsertSourceCustomers(pool, ws, [{ ...c, defaultDomain: '' }])).toEqual({
      created: 0,
      updated: 0,
      unchanged: 1,
    });
    expect(await upsertSourceCustomers(pool, ws, [{ ...c, name: 'Contoso Ltd' }])).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect(await listSourceCustomers(pool, ws)).toEqual([
      { tenantId: T1, name: 'Contoso Ltd', defaultDomain: 'contoso.onmicrosoft.com' },
    ]);
    expect(await listSourceCustomers(pool, other)).toEqual([]);
    expect(await listSourceCustomers(pool, ws, [T1])).toHaveLength(1);
    expect(await listSourceCustomers(pool, ws, ['another-tenant'])).toEqual([]);
  });
});
