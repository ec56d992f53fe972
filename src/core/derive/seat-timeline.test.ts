import { describe, expect, it } from 'vitest';
import { d, invoice, line, offer, TENANT } from '../../../test/support/seat-lines';
import { dec } from '../money/decimal';
import { Money } from '../money/money';
import { lengthInDays } from '../time/date-range';
import { seatsOn, seatTimeline } from './seat-timeline';

const text = (segs: { start: string; end: string | undefined; seats: { toFixed(): string } }[]) =>
  segs.map((s) => `${s.start}..${s.end ?? '∞'}=${s.seats.toFixed()}`);

describe('seat timeline: csp-billing.md 7.2 fixture (10 -> 12 seats on 2025-07-20)', () => {
  const term: [string, string] = ['2025-01-15', '2026-01-14'];
  const lines = [
    line({
      start: '2025-07-15',
      last: '2025-08-14',
      qty: 10,
      unitPrice: '23.10',
      effectiveUnitPrice: '23.10',
      subtotal: '231.00',
      term,
    }),
    line({
      chargeType: 'addquantity',
      start: '2025-07-20',
      last: '2025-08-14',
      qty: 10,
      sign: -1,
      unitPrice: '23.10',
      effectiveUnitPrice: '19.37',
      subtotal: '-193.70',
      term,
    }),
    line({
      chargeType: 'addquantity',
      start: '2025-07-20',
      last: '2025-08-14',
      qty: 12,
      unitPrice: '23.10',
      effectiveUnitPrice: '19.37',
      subtotal: '232.44',
      term,
    }),
  ];
  const july = invoice('G000000123', '2025-07', lines);
  const query = { customerTenantId: TENANT, offer: offer('Monthly'), from: d('2025-07-01') };

  it('is 10 from the cycle start, 12 from the change day, and carries 12 forward (no August invoice yet)', () => {
    const t = seatTimeline([july], query);
    expect(text(t.segments)).toEqual([
      '2025-07-01..2025-07-15=0',
      '2025-07-15..2025-07-20=10',
      '2025-07-20..∞=12',
    ]);
    expect(t.changes.map((c) => [c.day, c.old.toFixed(), c.new.toFixed()])).toEqual([
      ['2025-07-15', '0', '10'],
      ['2025-07-20', '10', '12'],
    ]);
    expect(t.subscriptions[0]?.carry).toMatchObject({ rule: 'open', from: '2025-08-15', to: undefined });
    expect(seatsOn(t, d('2025-09-30'))?.toFixed()).toBe('12');
  });

  it('follows the fixture formula: EUP = ROUNDDOWN(23.10 / 31 x 26, 2), subtotal = EUP x quantity', () => {
    const cycleDays = lengthInDays(lines[0]!.chargePeriod);
    expect(cycleDays).toBe(31);
    const eup = Money.of('23.10', 'USD')
      .div(cycleDays)
      .times(lengthInDays(lines[1]!.chargePeriod))
      .round(2, 'down');
    expect(eup.toFixed(2)).toBe('19.37');
    expect(eup.times(lines[1]!.quantity).toFixed(2)).toBe('-193.70');
    expect(eup.times(lines[2]!.quantity).toFixed(2)).toBe('232.44');
  });

  it('gives 11.68 billed seat-equivalents over the July charge cycle', () => {
    const t = seatTimeline([july], { ...query, from: d('2025-07-15'), to: d('2025-08-15') });
    const seatDays = t.segments.reduce(
      (acc, s) => acc.plus(s.seats.times(dec(lengthInDays({ start: s.start, end: s.end! })))),
      dec(0),
    );
    expect(seatDays.div(dec(31)).round(2, 1).toFixed(2)).toBe('11.68');
  });

  it('ends the day after the last charge period when the August invoice has no line for the next cycle', () => {
    const t = seatTimeline([july, invoice('G000000124', '2025-08', [])], query);
    expect(text(t.segments).at(-1)).toBe('2025-08-15..∞=0');
    expect(t.subscriptions[0]?.carry?.rule).toBe('ended');
    expect(t.changes.at(-1)).toMatchObject({ day: '2025-08-15' });
  });

  it('continues when the August invoice bills the next cycle', () => {
    const next = line({ start: '2025-08-15', last: '2025-09-14', qty: 12, invoiceId: 'G000000124', term });
    const t = seatTimeline([july, invoice('G000000124', '2025-08', [next])], query);
    expect(text(t.segments).at(-1)).toBe('2025-07-20..∞=12');
  });

  it('answers as of an earlier invoice with upToInvoiceId', () => {
    const t = seatTimeline([july, invoice('G000000124', '2025-08', [])], {
      ...query,
      upToInvoiceId: 'G000000123',
    });
    expect(text(t.segments).at(-1)).toBe('2025-07-20..∞=12');
  });
});

/** csp-billing.md 4.2: price $4, charge cycle June 10 - July 9 (30 days); days counted inclusive of the change. */
describe('seat timeline: csp-billing.md 4.2 scenarios', () => {
  const p1m = offer('Monthly', 'P1M');
  const cycle = { start: '2025-06-10', last: '2025-07-09', offer: p1m };
  // "29 days remaining" in Microsoft's amounts: the change lines run 2025-06-11..2025-07-09.
  const rest = { start: '2025-06-11', last: '2025-07-09', offer: p1m };
  const q = { customerTenantId: TENANT, offer: p1m, from: d('2025-06-10'), to: d('2025-07-10') };
  const run = (lines: ReturnType<typeof line>[]) =>
    text(seatTimeline([invoice('G1', '2025-06', lines)], q).segments);

  it('buy 1, add 1 the same day: 2 seats over the whole cycle', () => {
    const lines = [
      line({ ...cycle, chargeType: 'new', qty: 1, subtotal: '4.00' }),
      line({ ...cycle, chargeType: 'addquantity', qty: 1, sign: -1, subtotal: '-4.00' }),
      line({ ...cycle, chargeType: 'addquantity', qty: 2, subtotal: '8.00' }),
    ];
    expect(run(lines)).toEqual(['2025-06-10..2025-07-10=2']);
  });

  it('buy 1, add 1 a day later: 1 seat on day one, 2 for the remaining 29 days', () => {
    const lines = [
      line({ ...cycle, chargeType: 'new', qty: 1, subtotal: '4.00' }),
      line({ ...rest, chargeType: 'addquantity', qty: 1, sign: -1, subtotal: '-3.87' }),
      line({ ...rest, chargeType: 'addquantity', qty: 2, subtotal: '7.74' }),
    ];
    expect(run(lines)).toEqual(['2025-06-10..2025-06-11=1', '2025-06-11..2025-07-10=2']);
  });

  it('buy 2, remove 1 the same day: 1 seat over the whole cycle', () => {
    const lines = [
      line({ ...cycle, chargeType: 'new', qty: 2, subtotal: '8.00' }),
      line({ ...cycle, chargeType: 'removequantity', qty: 2, sign: -1, subtotal: '-8.00' }),
      line({ ...cycle, chargeType: 'removequantity', qty: 1, subtotal: '4.00' }),
    ];
    expect(run(lines)).toEqual(['2025-06-10..2025-07-10=1']);
  });

  it('buy 2, remove 1 a day later: 2 seats on day one, 1 for the remaining 29 days', () => {
    const lines = [
      line({ ...cycle, chargeType: 'new', qty: 2, subtotal: '8.00' }),
      line({ ...rest, chargeType: 'removequantity', qty: 2, sign: -1, subtotal: '-7.74' }),
      line({ ...rest, chargeType: 'removequantity', qty: 1, subtotal: '3.87' }),
    ];
    expect(run(lines)).toEqual(['2025-06-10..2025-06-11=2', '2025-06-11..2025-07-10=1']);
  });
});

describe('seat timeline: carry-forward rules', () => {
  const annual = offer('Annual', 'P1Y');
  const q = { customerTenantId: TENANT, offer: annual, from: d('2025-01-01') };

  it('an annual-billed subscription carries forward to its term end even when later invoices have no line', () => {
    const term: [string, string] = ['2025-03-10', '2028-03-09'];
    const triennial = offer('Annual', 'P3Y');
    const y1 = line({ offer: triennial, start: '2025-03-10', last: '2026-03-09', qty: 5, term });
    const invoices = [invoice('G1', '2025-03', [y1]), invoice('G2', '2026-04', [])];
    const t = seatTimeline(invoices, { ...q, offer: triennial });
    expect(text(t.segments)).toEqual([
      '2025-01-01..2025-03-10=0',
      '2025-03-10..2028-03-10=5',
      '2028-03-10..∞=0',
    ]);
    expect(t.subscriptions[0]?.carry).toMatchObject({
      rule: 'term-end',
      from: '2026-03-10',
      to: '2028-03-10',
    });
  });

  it('an annual term ends at SubscriptionEndDate unless a renewal continues it', () => {
    const y1 = line({
      offer: annual,
      start: '2025-03-10',
      last: '2026-03-09',
      qty: 5,
      term: ['2025-03-10', '2026-03-09'],
    });
    const once = seatTimeline([invoice('G1', '2025-03', [y1])], q);
    expect(text(once.segments).at(-1)).toBe('2026-03-10..∞=0');
    const renew = line({
      offer: annual,
      chargeType: 'renew',
      start: '2026-03-10',
      last: '2027-03-09',
      qty: 6,
      term: ['2026-03-10', '2027-03-09'],
    });
    const renewed = seatTimeline([invoice('G1', '2025-03', [y1]), invoice('G2', '2026-03', [renew])], q);
    expect(text(renewed.segments)).toEqual([
      '2025-01-01..2025-03-10=0',
      '2025-03-10..2026-03-10=5',
      '2026-03-10..2027-03-10=6',
      '2027-03-10..∞=0',
    ]);
  });

  it('a Cancel line ends the subscription: no carry-forward', () => {
    const lines = [
      line({
        offer: annual,
        start: '2025-03-10',
        last: '2026-03-09',
        qty: 5,
        term: ['2025-03-10', '2026-03-09'],
      }),
      line({
        offer: annual,
        chargeType: 'cancel',
        start: '2025-03-13',
        last: '2026-03-09',
        qty: 5,
        sign: -1,
        kind: 'credit',
      }),
    ];
    const t = seatTimeline([invoice('G1', '2025-03', lines)], q);
    expect(text(t.segments)).toEqual([
      '2025-01-01..2025-03-10=0',
      '2025-03-10..2025-03-13=5',
      '2025-03-13..∞=0',
    ]);
    expect(t.subscriptions[0]?.carry?.rule).toBe('cancelled');
  });

  it('sums two subscriptions of one SKU and ignores other customers, offers and money-only credits', () => {
    const monthly = offer('Monthly');
    const lines = [
      line({ sub: 's1', start: '2025-05-01', last: '2025-05-31', qty: 3 }),
      line({ sub: 's2', start: '2025-05-15', last: '2025-06-14', qty: 2 }),
      line({
        sub: 's3',
        start: '2025-05-01',
        last: '2025-05-31',
        qty: 7,
        tenant: '11111111-0000-4000-8000-000000000000',
      }),
      line({ sub: 's4', start: '2025-05-01', last: '2025-05-31', qty: 9, offer: offer('Monthly', 'P1M') }),
      line({
        sub: 's1',
        chargeType: 'customercredit',
        kind: 'credit',
        start: '2025-05-01',
        last: '2025-05-31',
        qty: 1,
        sign: -1,
      }),
    ];
    const t = seatTimeline([invoice('G1', '2025-05', lines)], {
      customerTenantId: TENANT.toUpperCase(),
      offer: monthly,
      from: d('2025-05-01'),
    });
    expect(text(t.segments)).toEqual(['2025-05-01..2025-05-15=3', '2025-05-15..∞=5']);
    expect(t.subscriptions.map((s) => s.subscriptionId)).toEqual(['s1', 's2']);
  });

  it('only an invoice in the same currency decides that a monthly subscription ended', () => {
    const l = line({ start: '2025-05-01', last: '2025-05-31', qty: 3 });
    const t = seatTimeline([invoice('G1', '2025-05', [l]), invoice('E2', '2025-06', [], 'EUR')], {
      customerTenantId: TENANT,
      offer: offer('Monthly'),
      from: d('2025-05-01'),
    });
    expect(t.subscriptions[0]?.carry?.rule).toBe('open');
  });

  it('clips to the window and refuses an unknown upToInvoiceId', () => {
    const l = line({ start: '2025-05-01', last: '2025-05-31', qty: 3 });
    const t = seatTimeline([invoice('G1', '2025-05', [l])], {
      customerTenantId: TENANT,
      offer: offer(),
      from: d('2025-05-10'),
      to: d('2025-05-20'),
    });
    expect(text(t.segments)).toEqual(['2025-05-10..2025-05-20=3']);
    expect(t.changes).toEqual([]);
    expect(() =>
      seatTimeline([], {
        ...{ customerTenantId: TENANT, offer: offer(), from: d('2025-05-10') },
        upToInvoiceId: 'nope',
      }),
    ).toThrow(/nope/);
  });
});
