import { describe, expect, it } from 'vitest';
import { parsePlainDate } from '../../core/time/plain-date';
import { crossCheckSeats, historyFromWire } from './cross-check';
import { invoiceFromWire, subscriptionFromWire } from './map-invoices';
import { BP, COMPANY, cents, invoice, item, PRODUCT, SUB } from './test-fixtures';
import type { WireSubscription } from './wire-types';

/** March 10 seats in advance, then +2 from 15 March (prorate line) and April's 12 in advance. */
function lines() {
  const ctx = {
    products: new Map([[PRODUCT, BP]]),
    subscriptions: new Map([
      [
        SUB,
        subscriptionFromWire({ id: SUB, billingTerm: 'Monthly', commitmentTerm: null, status: 'Active' }),
      ],
    ]),
  };
  const march = invoiceFromWire(
    invoice('11111111-0000-4000-8000-000000000001', '2026-03-01'),
    [item({})],
    ctx,
  );
  const april = invoiceFromWire(
    invoice('11111111-0000-4000-8000-000000000002', '2026-04-01'),
    [
      item({ startPeriod: '2026-04-01', endPeriod: '2026-04-30', quantity: 12, costTotal: 240 }),
      item({
        type: 'prorate',
        startPeriod: '2026-03-15',
        endPeriod: '2026-03-31',
        quantity: 2,
        costTotal: Number(cents((2 * 20 * 17) / 31)),
      }),
    ],
    ctx,
  );
  return [...march.lines, ...april.lines];
}

/** A history snapshot as `GET /subscriptions/{id}/history` sends it (full subscription records, newest first). */
const snapshot = (
  quantity: number,
  updatedDate: string,
  over: Partial<WireSubscription> = {},
): WireSubscription => ({
  id: SUB,
  companyId: COMPANY,
  productId: PRODUCT,
  quantity,
  status: 'Active',
  startDate: '2026-02-01T00:00:00Z',
  updatedDate,
  billingTerm: 'Monthly',
  ...over,
});

describe('cross-check: invoiced seats vs subscription history', () => {
  it('says where the invoices bill seats the history does not know', () => {
    const history = historyFromWire([snapshot(10, '2026-02-01T09:00:00.000-0700')]);
    const found = crossCheckSeats(lines(), new Map([[SUB, history]]));
    expect(found.map((d) => d.text)).toEqual([
      `Pax8 subscription ${SUB}: the invoices bill 12 seats from 15 Mar 2026, its history says 10`,
    ]);
    expect(found[0]).toMatchObject({
      days: { start: '2026-03-15', end: '2026-05-01' },
      customerTenantId: COMPANY,
    });
    expect(found[0]!.invoiced.toFixed()).toBe('12');
    expect(found[0]!.history.toFixed()).toBe('10');
  });

  it('agrees with a history that has the change (newest first, offsets without colon); a day apart is no disagreement', () => {
    const same = historyFromWire([snapshot(12, '2026-03-15T10:12:14.453-0600'), snapshot(10, '2026-02-01')]);
    expect(crossCheckSeats(lines(), new Map([[SUB, same]]))).toEqual([]);
    const dayEarly = historyFromWire([snapshot(12, '2026-03-14T23:30:00Z'), snapshot(10, '2026-02-01')]);
    expect(crossCheckSeats(lines(), new Map([[SUB, dayEarly]]))).toEqual([]);
    expect(crossCheckSeats(lines(), new Map([[SUB, dayEarly]]), { graceDays: 0 }).map((d) => d.text)).toEqual(
      [
        `Pax8 subscription ${SUB}: the invoices bill 10 seats from 14 Mar 2026 to 14 Mar 2026, its history says 12`,
      ],
    );
  });

  it('names a stretch that ends, and a cancellation in the history', () => {
    const back = historyFromWire([
      snapshot(12, '2026-04-01'),
      snapshot(14, '2026-03-15'),
      snapshot(10, '2026-02-01'),
    ]);
    expect(crossCheckSeats(lines(), new Map([[SUB, back]])).map((d) => d.text)).toEqual([
      `Pax8 subscription ${SUB}: the invoices bill 12 seats from 15 Mar 2026 to 31 Mar 2026, its history says 14`,
    ]);
    const cancelled = historyFromWire([
      snapshot(12, '2026-04-10', { status: 'Cancelled', endDate: '2026-04-10T00:00:00Z' }),
      snapshot(12, '2026-03-15'),
      snapshot(10, '2026-02-01'),
    ]);
    expect(crossCheckSeats(lines(), new Map([[SUB, cancelled]])).map((d) => d.text)).toEqual([
      `Pax8 subscription ${SUB}: the invoices bill 12 seats from 10 Apr 2026, its history says 0`,
    ]);
  });

  it('does not compare a change made after the newest invoice: the next invoice bills it', () => {
    const through = parsePlainDate('2026-04-01');
    const later = historyFromWire([
      snapshot(14, '2026-04-10'),
      snapshot(12, '2026-03-15'),
      snapshot(10, '2026-02-01'),
    ]);
    expect(crossCheckSeats(lines(), new Map([[SUB, later]]), { billedThrough: through })).toEqual([]);
    const cancelled = historyFromWire([
      snapshot(12, '2026-04-10', { status: 'Cancelled', endDate: '2026-04-10T00:00:00Z' }),
      snapshot(12, '2026-03-15'),
      snapshot(10, '2026-02-01'),
    ]);
    expect(crossCheckSeats(lines(), new Map([[SUB, cancelled]]), { billedThrough: through })).toEqual([]);
    // A change on the invoice's own date is in its seats in advance: compared.
    const onTheFirst = historyFromWire([
      snapshot(14, '2026-04-01'),
      snapshot(12, '2026-03-15'),
      snapshot(10, '2026-02-01'),
    ]);
    expect(
      crossCheckSeats(lines(), new Map([[SUB, onTheFirst]]), { billedThrough: through }).map((d) => d.text),
    ).toEqual([`Pax8 subscription ${SUB}: the invoices bill 12 seats from 01 Apr 2026, its history says 14`]);
    // What was billed before still disagrees where it should.
    const wrong = historyFromWire([snapshot(14, '2026-04-10'), snapshot(10, '2026-02-01')]);
    expect(
      crossCheckSeats(lines(), new Map([[SUB, wrong]]), { billedThrough: through }).map((d) => d.text),
    ).toEqual([`Pax8 subscription ${SUB}: the invoices bill 12 seats from 15 Mar 2026, its history says 10`]);
  });

  it('does not compare before the first snapshot or without a history', () => {
    const late = historyFromWire([snapshot(12, '2026-03-20')]);
    expect(crossCheckSeats(lines(), new Map([[SUB, late]]))).toEqual([]);
    expect(crossCheckSeats(lines(), new Map())).toEqual([]);
  });
});
