import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '../../../core/model/source';
import { decimalText, ZERO } from '../../../core/money';
import { containsDay, lengthInDays, type PlainDate } from '../../../core/time';
import { FileParseError } from './file-error';
import { parseReconFile } from './recon-file';
import { reconLineFromRecord } from './recon-line';

const TENANT = '8b2f0c1e-1111-4aaa-8bbb-000000000001';
const SUB = 'A1B2C3D4-1111-4AAA-8BBB-000000000001';
const TERM = 'One-Year commitment for monthly/yearly billing';

/** The rows of csp-billing.md 7.2 (July 2025 invoice G000000123, Business Premium, P1Y billed monthly). */
const FIXTURE_72: Record<string, string>[] = [
  ['cycleCharge', '2025-07-15', '2025-08-14', '10', '23.10', '231.00'],
  ['addQuantity', '2025-07-20', '2025-08-14', '10', '19.37', '-193.70'],
  ['addQuantity', '2025-07-20', '2025-08-14', '12', '19.37', '232.44'],
].map(([ChargeType, ChargeStartDate, ChargeEndDate, Quantity, EffectiveUnitPrice, Subtotal]) => ({
  CustomerId: `org:${TENANT.toUpperCase()}`,
  CustomerName: 'Contoso Dental',
  CustomerDomainName: 'contosodental.onmicrosoft.com',
  CustomerCountry: 'US',
  InvoiceNumber: 'G000000123',
  MPNID: '1234567',
  ProductId: 'CFQ7TTC0LCHC',
  SkuId: '0002',
  SkuName: 'Microsoft 365 Business Premium',
  ProductName: 'Microsoft 365 Business Premium',
  ChargeType: ChargeType!,
  UnitPrice: '23.10',
  Quantity: Quantity!,
  Subtotal: Subtotal!,
  Currency: 'USD',
  SubscriptionId: SUB,
  ChargeStartDate: ChargeStartDate!,
  ChargeEndDate: ChargeEndDate!,
  TermAndBillingCycle: TERM,
  EffectiveUnitPrice: EffectiveUnitPrice!,
  BillingFrequency: 'Monthly',
  PricingCurrency: 'USD',
  SubscriptionStartDate: '1/15/2025',
  SubscriptionEndDate: '1/14/2026',
  OrderDate: '7/20/2025 9:12:44 AM',
}));

function csv(rows: Record<string, string>[], columns = Object.keys(rows[0]!)): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [columns.join(','), ...rows.map((r) => columns.map((c) => q(r[c] ?? '')).join(','))].join('\r\n');
}

async function* text(s: string): AsyncGenerator<string> {
  yield s;
}

async function parse(s: string): Promise<InvoiceLine[]> {
  const out: InvoiceLine[] = [];
  for await (const l of parseReconFile(text(s), 'invoice.csv')) out.push(l);
  return out;
}

async function parseError(s: string): Promise<FileParseError> {
  const e = await parse(s).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FileParseError);
  return e as FileParseError;
}

describe('parseReconFile: the 7.2 fixture', () => {
  it('normalizes ids, dates, kind, offer and money', async () => {
    const [cycle] = await parse(csv(FIXTURE_72));
    expect(cycle).toMatchObject({
      invoiceId: 'G000000123',
      lineNumber: 1,
      customerTenantId: TENANT,
      customerName: 'Contoso Dental',
      subscriptionId: SUB.toLowerCase(),
      offer: {
        productId: 'CFQ7TTC0LCHC',
        skuId: '0002',
        term: 'P1Y',
        billingPlan: 'Monthly',
        segment: 'Commercial',
        market: 'US',
        currency: 'USD',
      },
      chargeType: 'cyclecharge',
      kind: 'license',
      chargePeriod: { start: '2025-07-15', end: '2025-08-15' },
      subscriptionTerm: { start: '2025-01-15', end: '2026-01-15' },
      orderDate: '2025-07-20',
    });
    expect(lengthInDays(cycle!.chargePeriod)).toBe(31);
    expect(cycle!.unitPrice.toJSON()).toEqual({ amount: '23.1', currency: 'USD' });
  });

  it('signs quantities by Subtotal: the reversal is -10, the new quantity +12', async () => {
    const lines = await parse(csv(FIXTURE_72));
    expect(lines.map((l) => decimalText(l.quantity))).toEqual(['10', '-10', '12']);
    expect(lines.map((l) => l.subtotal.toString())).toEqual(['231', '-193.7', '232.44']);
    // Seats on a day after the change: 10 - 10 + 12 = 12, the 7.2 snapshot quantity.
    const seats = lines
      .filter((l) => containsDay(l.chargePeriod, '2025-07-25' as PlainDate))
      .reduce((n, l) => n.plus(l.quantity), ZERO);
    expect(decimalText(seats)).toBe('12');
    // 19.37 = 23.10 / 31 x 26 rounded to cents; subtotal = EffectiveUnitPrice x Quantity.
    expect(lengthInDays(lines[1]!.chargePeriod)).toBe(26);
    expect(lines[2]!.effectiveUnitPrice.times(12).toString()).toBe('232.44');
  });

  it('does not depend on column order, accepts MPNID or MpnId and ignores unknown columns', async () => {
    const columns = [...Object.keys(FIXTURE_72[0]!)].reverse();
    const rows = FIXTURE_72.map((r) => ({ ...r, ProductCategory: 'Cloud' }));
    const reordered = await parse(csv(rows, [...columns, 'ProductCategory']));
    expect(reordered).toEqual(await parse(csv(FIXTURE_72)));
    const renamed = csv(FIXTURE_72.map(({ MPNID, ...r }) => ({ ...r, MpnId: MPNID! })));
    expect(await parse(renamed)).toEqual(reordered);
  });

  it('reads an API record (camelCase JSON names, numbers) into the same line', async () => {
    const [fromFile] = await parse(csv(FIXTURE_72));
    const record = {
      ...Object.fromEntries(
        Object.entries(FIXTURE_72[0]!).map(([k, v]) => [k[0]!.toLowerCase() + k.slice(1), v]),
      ),
      unitPrice: 23.1,
      quantity: 10,
      subtotal: 231,
      effectiveUnitPrice: 23.1,
      chargeStartDate: '2025-07-15T00:00:00Z',
      chargeEndDate: '2025-08-14T00:00:00Z',
      subscriptionStartDate: '2025-01-15T00:00:00Z',
      subscriptionEndDate: '2026-01-14T00:00:00Z',
      orderDate: '2025-07-20T09:12:44Z',
      attributes: { objectType: 'OneTimeInvoiceLineItem' },
    };
    expect(JSON.stringify(reconLineFromRecord(record, 1, 'api'))).toBe(JSON.stringify(fromFile));
  });
});

describe('parseReconFile: kinds, terms and plans', () => {
  const base = FIXTURE_72[0]!;
  const one = async (patch: Record<string, string>) => (await parse(csv([{ ...base, ...patch }])))[0]!;

  it('sorts lines into license, azure_usage, one_time and credit', async () => {
    expect((await one({})).kind).toBe('license');
    const azure = await one({
      ProductId: 'DZH318Z0BPS6',
      SkuId: '0001',
      ChargeType: 'usage',
      TermAndBillingCycle: '',
      BillingFrequency: '',
    });
    expect(azure).toMatchObject({ kind: 'azure_usage', offer: { term: 'P1M', billingPlan: 'Monthly' } });
    expect((await one({ ChargeType: 'customerCredit', Subtotal: '-5.00' })).kind).toBe('credit');
    const software = await one({
      ProductId: 'DG7GMGF0DVT1',
      TermAndBillingCycle: 'One-Time purchase',
      BillingFrequency: '',
    });
    expect(software).toMatchObject({ kind: 'one_time', offer: { billingPlan: 'OneTime' } });
    expect(
      (await one({ ProductId: 'DZH318Z0BQ3Q', ReservationOrderId: 'ri-1' } as Record<string, string>)).kind,
    ).toBe('one_time');
    expect((await one({ ChargeType: 'SomethingNew' })).chargeType).toBe('somethingnew');
  });

  it('a free trial is listed as skipped (one_time), its paid conversion is a license line', async () => {
    const trial = {
      TermAndBillingCycle: 'One-Month commitment for trial',
      Subtotal: '0.00',
      UnitPrice: '0.00',
    };
    expect((await one(trial)).kind).toBe('one_time');
    expect((await one({ ...trial, ChargeType: 'new' })).kind).toBe('one_time');
    expect(
      (
        await one({
          TermAndBillingCycle: 'One-Month commitment for monthly billing',
          ChargeType: 'trialConversion',
        })
      ).kind,
    ).toBe('license');
  });

  it('a SkuId a spreadsheet saved as a number gets its leading zeros back', async () => {
    expect((await one({ SkuId: '2' })).offer.skuId).toBe('0002');
    expect((await one({ SkuId: '0002' })).offer.skuId).toBe('0002');
    expect((await one({ SkuId: '00A1' })).offer.skuId).toBe('00A1');
  });

  it('maps annual upfront (blank BillingFrequency) and month-to-month', async () => {
    expect((await one({ BillingFrequency: '' })).offer).toMatchObject({ term: 'P1Y', billingPlan: 'Annual' });
    expect(
      (await one({ TermAndBillingCycle: 'One-Month commitment for monthly billing' })).offer,
    ).toMatchObject({ term: 'P1M', billingPlan: 'Monthly' });
  });
});

describe('parseReconFile: errors name file, row, column, value and what was expected', () => {
  const withRow3 = (patch: Record<string, string>) =>
    csv([FIXTURE_72[0]!, { ...FIXTURE_72[1]!, ...patch }, FIXTURE_72[2]!]);

  it('a bad date', async () => {
    const e = await parseError(withRow3({ ChargeEndDate: '31/07/2025' }));
    expect(e).toMatchObject({ file: 'invoice.csv', row: 3, column: 'ChargeEndDate', value: '31/07/2025' });
    expect(e.message).toMatch(
      /^invoice\.csv row 3, column "ChargeEndDate": "31\/07\/2025" is not valid; expected a date as YYYY-MM-DD/,
    );
  });

  it('a bad decimal', async () => {
    const e = await parseError(withRow3({ Subtotal: '1,193.70' }));
    expect(e).toMatchObject({ row: 3, column: 'Subtotal', value: '1,193.70' });
    expect(e.message).toMatch(/expected a decimal number/);
  });

  it('an empty required value, a bad tenant id, an unknown term, an end before the start', async () => {
    expect(await parseError(withRow3({ SubscriptionId: '' }))).toMatchObject({
      row: 3,
      column: 'SubscriptionId',
      value: '',
    });
    expect(await parseError(withRow3({ CustomerId: 'contoso' }))).toMatchObject({
      row: 3,
      column: 'CustomerId',
    });
    expect(await parseError(withRow3({ TermAndBillingCycle: 'Forever' }))).toMatchObject({
      row: 3,
      column: 'TermAndBillingCycle',
    });
    expect(await parseError(withRow3({ BillingFrequency: 'Weekly' }))).toMatchObject({
      row: 3,
      column: 'BillingFrequency',
    });
    expect(await parseError(withRow3({ ChargeEndDate: '2025-07-01' }))).toMatchObject({
      row: 3,
      column: 'ChargeEndDate',
    });
  });

  it('a missing column, on the header row', async () => {
    const { Subtotal: _dropped, ...rest } = FIXTURE_72[0]!;
    const e = await parseError(csv([rest]));
    expect(e).toMatchObject({ row: 1, column: 'Subtotal' });
    expect(e.message).toBe(
      'invoice.csv row 1, column "Subtotal": expected a column named "Subtotal" in the header (it is missing)',
    );
  });

  it('a row with too few fields, a second invoice number, a second currency', async () => {
    const short = `${csv(FIXTURE_72)}\r\nonly,three,fields`;
    expect((await parseError(short)).message).toMatch(/row 5: expected 25 fields like the header, found 3/);
    expect(await parseError(withRow3({ InvoiceNumber: 'G000000999' }))).toMatchObject({
      row: 3,
      column: 'InvoiceNumber',
    });
    expect(await parseError(withRow3({ Currency: 'EUR', PricingCurrency: 'EUR' }))).toMatchObject({
      row: 3,
      column: 'Currency',
    });
  });

  it('an empty file', async () => {
    expect((await parseError('')).message).toBe(
      'invoice.csv row 1: expected a header row (the file is empty)',
    );
  });
});
