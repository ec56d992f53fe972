import { describe, expect, it } from 'vitest';
import { dec } from '../../core/money/decimal';
import { parsePlainDate as d } from '../../core/time/plain-date';
import { chargeMonth } from './line-writes';
import { contractLines, FAR_END, lineSegments, toAddition, toCharges, toContract } from './mapping';
import { chargeMarker, chunkIds, lineMarker, parseMarker, skuCodeOfKey } from './quirks';

const addition = (over: Record<string, unknown>) =>
  toAddition(
    {
      id: 1,
      product: { id: 30 },
      quantity: 5,
      unitPrice: 10,
      unitCost: 8,
      billCustomer: 'Billable',
      effectiveDate: '2025-07-01T00:00:00Z',
      ...over,
    },
    '1040',
  );

describe('ConnectWise mapping (decision 0012)', () => {
  it('an agreement is a contract posted through the day before nextInvoiceDate, changed on the 1st only', () => {
    const c = toContract({
      id: 1040,
      name: 'Contoso CSP',
      company: { id: 250 },
      startDate: '2025-01-01T00:00:00Z',
      endDate: '2027-12-31T00:00:00Z',
      billingCycle: { id: 2, name: 'Monthly' },
      nextInvoiceDate: '2025-10-01T00:00:00Z',
      agreementStatus: 'Active',
    });
    expect(c).toMatchObject({
      id: '1040',
      companyId: '250',
      recurring: true,
      active: true,
      startDate: '2025-01-01',
      endDate: '2027-12-31',
      postedThrough: '2025-09-30',
      changesOn: 'month-start',
    });
    const open = toContract({
      id: 1,
      startDate: '2025-01-01T00:00:00Z',
      noEndingDateFlag: true,
      endDate: '2026-01-01T00:00:00Z',
    });
    expect(open.endDate).toBeUndefined();
    const cancelled = toContract({
      id: 2,
      startDate: '2025-01-01T00:00:00Z',
      endDate: '2027-01-01T00:00:00Z',
      cancelledFlag: true,
      dateCancelled: '2025-05-31T00:00:00Z',
      agreementStatus: 'Cancelled',
      billingCycle: { name: 'Quarterly' },
    });
    expect(cancelled).toMatchObject({ endDate: '2025-05-31', active: false, recurring: false });
  });

  it('the line is the additions of an item: summed per piece, the latest addition pricing it, charges apart', () => {
    const additions = [
      addition({
        id: 1,
        quantity: 5,
        effectiveDate: '2025-07-01T00:00:00Z',
        cancelledDate: '2025-07-31T00:00:00Z',
      }),
      addition({
        id: 2,
        quantity: 7,
        unitPrice: 11,
        effectiveDate: '2025-08-01T00:00:00Z',
        serialNumber: lineMarker(d('2025-08-01')),
      }),
      // A hand-made extra of 2 seats in August only, NoCharge lines count 0.
      addition({
        id: 3,
        quantity: 2,
        unitPrice: 9,
        effectiveDate: '2025-08-01T00:00:00Z',
        cancelledDate: '2025-08-31T00:00:00Z',
      }),
      addition({ id: 4, quantity: 9, billCustomer: 'NoCharge', effectiveDate: '2025-09-01T00:00:00Z' }),
      addition({
        id: 5,
        quantity: 1,
        unitPrice: -15.65,
        unitCost: -13.55,
        effectiveDate: '2025-09-01T00:00:00Z',
        cancelledDate: '2025-09-30T00:00:00Z',
        serialNumber: chargeMarker(d('2025-08-25'), 1),
      }),
    ];
    const segments = lineSegments({ id: '1040', postedThrough: d('2025-07-31') }, '30', additions).map(
      (s) => [s.start, s.end, s.units.toString(), s.price?.toString(), s.posted],
    );
    expect(segments).toEqual([
      ['2025-07-01', '2025-08-01', '5', '10', true],
      ['2025-08-01', '2025-09-01', '9', '9', false],
      ['2025-09-01', FAR_END, '7', '10', false],
    ]);
    // Additions that are not billsync's (no marker) are not edited: their start days are change days.
    expect(contractLines(additions)).toMatchObject([
      {
        id: '1040:30',
        contractId: '1040',
        productId: '30',
        changeDays: ['2025-07-01', '2025-08-01', '2025-09-01'],
      },
    ]);
    const charges = toCharges(additions, () => d('2025-08-31'));
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ date: '2025-08-25', sequence: 1, billsync: true, billed: false });
    expect(charges[0]!.amount.eq(dec('-15.65'))).toBe(true);
  });

  it('markers round-trip and nothing else is one', () => {
    expect(parseMarker(lineMarker(d('2025-08-01')))).toEqual({ kind: 'line', day: '2025-08-01' });
    expect(parseMarker(chargeMarker(d('2025-08-25'), 3))).toEqual({
      kind: 'charge',
      day: '2025-08-25',
      sequence: 3,
    });
    expect(parseMarker('SN-12345')).toBeUndefined();
    expect(parseMarker('billsync:2025-13-01')).toBeUndefined();
    expect(chargeMarker(d('2025-08-25'), 999999).length).toBeLessThanOrEqual(50);
  });

  it('a charge bills in its own month, or in the first month not invoiced', () => {
    expect(chargeMonth(d('2025-08-25'), d('2025-08-01'))).toBe('2025-08-01');
    expect(chargeMonth(d('2025-08-25'), d('2025-10-01'))).toBe('2025-10-01');
    expect(chargeMonth(d('2025-08-25'), undefined)).toBe('2025-08-01');
  });

  it("a charge never bills in an agreement's partial first month: the first whole month takes it", () => {
    // Billing from 15 Aug: August is partial (0, full or prorated depending on the agreement): September.
    expect(chargeMonth(d('2025-08-20'), d('2025-08-01'), d('2025-08-15'))).toBe('2025-09-01');
    expect(chargeMonth(d('2025-08-20'), undefined, d('2025-08-15'))).toBe('2025-09-01');
    // Billing from the 1st: its month is whole.
    expect(chargeMonth(d('2025-08-20'), undefined, d('2025-08-01'))).toBe('2025-08-01');
    // Started long before: its own month, or the first not invoiced.
    expect(chargeMonth(d('2025-08-20'), d('2025-10-01'), d('2025-01-15'))).toBe('2025-10-01');
  });

  it('SKU codes from offer keys; id lists chunked under the query-length budget', () => {
    expect(skuCodeOfKey('CFQ7TTC0LCHC|0002|P1Y|Monthly|Commercial|US|USD')).toBe('P1Y:M:CFQ7TTC0LCHC:0002');
    expect(skuCodeOfKey('CFQ7TTC0LH18|0001|P1M|Monthly|Commercial|US|USD')).toBe('CFQ7TTC0LH18:0001');
    const ids = Array.from({ length: 1000 }, (_, i) => 100000 + i);
    const chunks = chunkIds(ids, 200);
    expect(chunks.flat()).toEqual(ids);
    for (const c of chunks) expect(c.join(',').length).toBeLessThanOrEqual(200);
  });
});
