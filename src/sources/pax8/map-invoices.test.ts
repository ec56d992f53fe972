import { describe, expect, it } from 'vitest';
import { seatTimeline, type TimelineInvoice } from '../../core/derive/seat-timeline';
import { type InvoiceLine, type OfferKey, offerKeyText } from '../../core/model/source';
import { dec, Money, sumDecimals } from '../../core/money';
import { annualLineRetail } from '../../core/planner/annual-charges';
import { offerSeats } from '../../core/planner/offer-seats';
import type { BillingPeriod, PlainDate } from '../../core/time';
import {
  detectPeriodEnd,
  type InvoiceContext,
  invoiceFromWire,
  isLiveInvoice,
  type MappedInvoice,
  subscriptionFromWire,
} from './map-invoices';
import { pax8Offer } from './terms';
import {
  ANNUAL_SUB,
  AZURE_PRODUCT,
  BP,
  COMPANY,
  COMPANY_2,
  cents,
  invoice,
  item,
  PRODUCT,
  SUB,
} from './test-fixtures';
import type { WireInvoiceItem } from './wire-types';

const D = (s: string) => s as PlainDate;

type Change = 'prorate-line' | 'partial-period' | 'new-total';
type Sign = 'negative' | 'negative-money' | 'credit-type';
type CostReading = 'full' | 'prorated';
type End = 'inclusive' | 'exclusive';

const RATE = 20;
const RETAIL = 22;
const MARCH_SHARE = 17 / 31; // 15..31 March

function period(
  start: string,
  lastDay: string,
  end: End,
): Pick<WireInvoiceItem, 'startPeriod' | 'endPeriod'> {
  if (end === 'inclusive') return { startPeriod: start, endPeriod: lastDay };
  const d = new Date(`${lastDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return { startPeriod: start, endPeriod: d.toISOString().slice(0, 10) };
}

/** One line of `n` seats over 15..31 March, positive or a credit written by the sign reading. */
function partialLine(
  n: number,
  negative: boolean,
  o: { sign: Sign; cost: CostReading; end: End; type: string; billed?: number },
): WireInvoiceItem {
  const billed = o.billed ?? n;
  const unit = o.cost === 'full' ? RATE : Number(cents(RATE * MARCH_SHARE));
  const money = o.cost === 'full' ? Number(cents(billed * RATE * MARCH_SHARE)) : Number(cents(billed * unit));
  const retail = Number(cents(billed * RETAIL * MARCH_SHARE));
  const neg = negative && o.sign !== 'credit-type';
  const base = {
    ...period('2026-03-15', '2026-03-31', o.end),
    type: negative && o.sign === 'credit-type' ? 'service-credit' : o.type,
    quantity: negative && o.sign === 'negative' ? -n : n,
    cost: unit,
    costTotal: neg ? -money : money,
    price: o.cost === 'full' ? RETAIL : Number(cents(RETAIL * MARCH_SHARE)),
    subTotal: neg ? -retail : retail,
    total: neg ? -retail : retail,
    amountDue: neg ? -retail : retail,
  };
  return item(base);
}

/** The items of the invoice dated 1 April (billing period March): April in advance, March's change from `from` to `to` seats on 15 March. */
function aprilItems(from: number, to: number, change: Change, sign: Sign, cost: CostReading, end: End) {
  const o = { sign, cost, end };
  const april = item({
    ...period('2026-04-01', '2026-04-30', end),
    quantity: to,
    costTotal: to * RATE,
    subTotal: to * RETAIL,
    total: to * RETAIL,
    amountDue: to * RETAIL,
  });
  const d = Math.abs(to - from);
  const up = to > from;
  if (change === 'prorate-line') return [april, partialLine(d, !up, { ...o, type: 'prorate' })];
  if (change === 'new-total') return [april, partialLine(to, !up, { ...o, type: 'prorate', billed: d })];
  // A re-rated line with the partial period: the new total charged, the old quantity credited.
  return [
    april,
    partialLine(to, false, { ...o, type: 'subscription' }),
    partialLine(from, true, { ...o, type: 'subscription' }),
  ];
}

const subscriptions = new Map([
  [
    SUB,
    subscriptionFromWire({
      id: SUB,
      companyId: COMPANY,
      productId: PRODUCT,
      quantity: 12,
      billingTerm: 'Monthly',
      commitmentTerm: null,
      status: 'Active',
      startDate: '2026-02-01T00:00:00Z',
    }),
  ],
]);
const ctx = (): InvoiceContext => ({ products: new Map([[PRODUCT, BP]]), subscriptions });

function history(from: number, to: number, change: Change, sign: Sign, cost: CostReading, end: End) {
  const c = ctx();
  const march = invoiceFromWire(
    invoice('11111111-0000-4000-8000-000000000001', '2026-03-01'),
    [item({ ...period('2026-03-01', '2026-03-31', end), quantity: from, costTotal: from * RATE })],
    c,
  );
  const april = invoiceFromWire(
    invoice('11111111-0000-4000-8000-000000000002', '2026-04-01'),
    aprilItems(from, to, change, sign, cost, end),
    c,
  );
  return [march, april];
}

const timelineOf = (invoices: readonly MappedInvoice[]): TimelineInvoice[] =>
  invoices.map((i) => ({ header: i.header, lines: i.lines }));

const OFFER: OfferKey = pax8Offer(BP, { term: 'P1M', billingPlan: 'Monthly' }, 'USD');

function segmentsText(invoices: readonly MappedInvoice[]) {
  return seatTimeline(timelineOf(invoices), {
    customerTenantId: COMPANY,
    offer: OFFER,
    from: D('2026-03-01'),
    to: D('2026-05-01'),
  }).segments.map((s) => `${s.start}..${s.end}: ${s.seats.toFixed()}`);
}

const marchMoney = (invoices: readonly MappedInvoice[]) =>
  sumDecimals(
    invoices[1]!.lines.filter((l) => l.chargePeriod.start < '2026-04-01').map((l) => l.subtotal.amount),
  );

const ALL_CHANGES: Change[] = ['prorate-line', 'partial-period', 'new-total'];
const ALL_SIGNS: Sign[] = ['negative', 'negative-money', 'credit-type'];
const ALL_COSTS: CostReading[] = ['full', 'prorated'];
const ALL_ENDS: End[] = ['inclusive', 'exclusive'];
const readings = ALL_CHANGES.flatMap((c) =>
  ALL_SIGNS.flatMap((s) => ALL_COSTS.flatMap((k) => ALL_ENDS.map((e) => [c, s, k, e] as const))),
);

describe('money: a mid-month seat change under every reading', () => {
  it.each(readings)('+2 seats on 15 March (%s, decreases %s, cost %s, end %s)', (change, sign, cost, end) => {
    const invoices = history(10, 12, change, sign, cost, end);
    expect(invoices[1]!.periodEnd).toBe(end);
    expect(segmentsText(invoices)).toEqual(['2026-03-01..2026-03-15: 10', '2026-03-15..2026-05-01: 12']);
    // 2 x 20.00 x 17/31 = 21.935...: the change costs the same whatever the shape (a cent apart when split in two).
    expect(marchMoney(invoices).minus('21.94').abs().lte('0.01')).toBe(true);
    for (const l of invoices.flatMap((i) => i.lines)) {
      expect(l.kind).toBe('license');
      expect(l.unitPrice.amount.toFixed(2)).toBe('20.00');
      expect(l.offer).toEqual(OFFER);
      expect(l.subtotal.amount.gt(0) === l.quantity.gt(0)).toBe(true);
    }
  });

  it.each(readings)('-2 seats on 15 March (%s, decreases %s, cost %s, end %s)', (change, sign, cost, end) => {
    const invoices = history(12, 10, change, sign, cost, end);
    expect(segmentsText(invoices)).toEqual(['2026-03-01..2026-03-15: 12', '2026-03-15..2026-05-01: 10']);
    expect(marchMoney(invoices).plus('21.94').abs().lte('0.01')).toBe(true);
    for (const l of invoices.flatMap((i) => i.lines)) expect(l.kind).toBe('license');
  });

  it('bills the same seats and decided days as the Partner Center lines of the same history', () => {
    // Partner Center (csp-billing.md 4.2): March cycle 10, reversal of 10 and a line of 12 from 15 March; April 12.
    const pcOffer: OfferKey = {
      productId: 'CFQ7TTC0LCHC',
      skuId: '0002',
      term: 'P1M',
      billingPlan: 'Monthly',
      segment: 'Commercial',
      market: 'US',
      currency: 'USD',
    };
    const pc = (
      invoiceId: string,
      start: string,
      end: string,
      q: number,
      chargeType: string,
    ): InvoiceLine => ({
      invoiceId,
      lineNumber: 1,
      customerTenantId: COMPANY,
      customerName: 'Contoso Dental',
      customerDomain: '',
      subscriptionId: SUB,
      offer: pcOffer,
      productTitle: 'Microsoft 365 Business Premium',
      skuTitle: 'Microsoft 365 Business Premium',
      chargeType,
      kind: 'license',
      chargePeriod: { start: D(start), end: D(end) },
      quantity: dec(q),
      unitPrice: Money.of('20', 'USD'),
      effectiveUnitPrice: Money.of('20', 'USD'),
      subtotal: Money.of(q * 20, 'USD'),
      subscriptionTerm: undefined,
      orderDate: undefined,
    });
    const pcInvoices: TimelineInvoice[] = [
      {
        header: {
          id: 'G1',
          billingPeriod: '2026-03' as BillingPeriod,
          issueDate: D('2026-04-06'),
          currency: 'USD',
        },
        lines: [
          pc('G1', '2026-03-01', '2026-04-01', 10, 'cyclecharge'),
          pc('G1', '2026-03-15', '2026-04-01', -10, 'addquantity'),
          pc('G1', '2026-03-15', '2026-04-01', 12, 'addquantity'),
        ],
      },
      {
        header: {
          id: 'G2',
          billingPeriod: '2026-04' as BillingPeriod,
          issueDate: D('2026-05-06'),
          currency: 'USD',
        },
        lines: [pc('G2', '2026-04-01', '2026-05-01', 12, 'cyclecharge')],
      },
    ];
    const pcSeats = offerSeats({
      invoices: pcInvoices,
      syncedInvoiceIds: new Set(['G1', 'G2']),
      customerTenantId: COMPANY,
      offer: pcOffer,
    });
    for (const [change, sign, cost, end] of readings) {
      const pax8 = timelineOf(history(10, 12, change, sign, cost, end));
      const seats = offerSeats({
        invoices: pax8,
        syncedInvoiceIds: new Set(pax8.map((i) => i.header.id)),
        customerTenantId: COMPANY,
        offer: OFFER,
      });
      expect(seats.segments).toEqual(pcSeats.segments);
      expect(seats.through).toBe(pcSeats.through);
      expect(seats.decided).toEqual(pcSeats.decided);
    }
  });
});

describe('invoice header and status', () => {
  it('bills the month before the invoice date; a correction later in the month keeps it; credited and void do not bill', () => {
    const first = invoiceFromWire(
      invoice('AAAAAAAA-0000-4000-8000-000000000001', '2026-04-01', 'Credited'),
      [],
    );
    const fixed = invoiceFromWire(
      invoice('aaaaaaaa-0000-4000-8000-000000000002', '2026-04-20T00:00:00Z'),
      [],
    );
    expect(first.header).toEqual({
      id: 'aaaaaaaa-0000-4000-8000-000000000001',
      billingPeriod: '2026-03',
      issueDate: '2026-04-01',
      currency: 'USD',
      datesFrom: 'source',
    });
    expect(first.live).toBe(false);
    expect(fixed.header.billingPeriod).toBe('2026-03');
    expect(fixed.live).toBe(true);
    expect(isLiveInvoice('Void')).toBe(false);
    expect(isLiveInvoice('Nothing Due')).toBe(true);
    expect(isLiveInvoice(undefined)).toBe(true);
  });

  it('reads amounts written as strings with 3 decimals and dates in every format', () => {
    const m = invoiceFromWire(
      invoice('b0000000-0000-4000-8000-000000000001', '2026-04-01'),
      [
        item({
          startPeriod: '2026-04-01T00:00:00.000-0600',
          endPeriod: '2026-04-30',
          quantity: '3',
          cost: '20.125',
          costTotal: '60.375',
        }),
      ],
      ctx(),
    );
    const l = m.lines[0]!;
    expect(l.subtotal.amount.toFixed()).toBe('60.375');
    expect(l.unitPrice.amount.toFixed()).toBe('20.125');
    expect(l.chargePeriod).toEqual({ start: '2026-04-01', end: '2026-05-01' });
    expect(l.quantity.toFixed()).toBe('3');
  });

  it('names the invoice and item of an unreadable field', () => {
    expect(() =>
      invoiceFromWire(invoice('b0000000-0000-4000-8000-000000000002', '2026-04-01'), [
        item({ startPeriod: 'soon' }),
      ]),
    ).toThrow(/invoice b0000000-0000-4000-8000-000000000002 item 1 startPeriod: not a date/);
  });
});

describe('period end convention', () => {
  it('votes per item; ties and no votes read inclusive', () => {
    expect(detectPeriodEnd([{ start: D('2026-04-01'), end: D('2026-05-01') }])).toBe('exclusive');
    expect(detectPeriodEnd([{ start: D('2026-04-01'), end: D('2026-04-30') }])).toBe('inclusive');
    expect(detectPeriodEnd([{ start: D('2026-03-15'), end: D('2026-04-01') }])).toBe('exclusive');
    expect(detectPeriodEnd([{ start: D('2026-03-15'), end: D('2026-03-31') }])).toBe('inclusive');
    expect(detectPeriodEnd([{ start: D('2026-03-31'), end: D('2026-03-31') }])).toBe('inclusive');
    expect(detectPeriodEnd([])).toBe('inclusive');
  });
});

describe('kinds of items', () => {
  const annualSub = subscriptionFromWire({
    id: ANNUAL_SUB,
    companyId: COMPANY,
    productId: PRODUCT,
    quantity: 5,
    billingTerm: 'Annual',
    commitmentTerm: { id: 'x', term: '1-Year', endDate: '2026-12-31T00:00:00Z' },
    status: 'Active',
  });
  const annualCtx = (): InvoiceContext => ({
    ...ctx(),
    subscriptions: new Map([...subscriptions, [ANNUAL_SUB, annualSub]]),
  });
  const annual = (over: Partial<WireInvoiceItem>) =>
    item({
      subscriptionId: ANNUAL_SUB,
      term: 'Annual',
      quantity: 5,
      price: 264,
      subTotal: 1320,
      total: 1320,
      amountDue: 1320,
      ...over,
    });

  it('reads an annual purchase the same whether one line for the term or spread over the months', () => {
    const one = invoiceFromWire(
      invoice('c0000000-0000-4000-8000-000000000001', '2026-01-01'),
      [annual({ startPeriod: '2026-01-01', endPeriod: '2026-12-31', cost: 240, costTotal: 1200 })],
      annualCtx(),
    );
    const months = Array.from({ length: 12 }, (_, i) => {
      const m = String(i + 1).padStart(2, '0');
      const last = new Date(Date.UTC(2026, i + 1, 0)).toISOString().slice(0, 10);
      return annual({
        startPeriod: `2026-${m}-01`,
        endPeriod: last,
        cost: 20,
        costTotal: 100,
        price: 22,
        subTotal: 110,
      });
    });
    const spread = invoiceFromWire(
      invoice('c0000000-0000-4000-8000-000000000002', '2026-01-01'),
      months,
      annualCtx(),
    );
    for (const m of [one, spread]) {
      expect(m.lines).toHaveLength(1);
      const l = m.lines[0]!;
      expect(l.offer).toEqual(pax8Offer(BP, { term: 'P1Y', billingPlan: 'Annual' }, 'USD'));
      expect(l.chargePeriod).toEqual({ start: '2026-01-01', end: '2027-01-01' });
      expect(l.subscriptionTerm).toEqual({ start: '2026-01-01', end: '2027-01-01' });
      expect(l.quantity.toFixed()).toBe('5');
      expect(l.unitPrice.amount.toFixed(2)).toBe('240.00');
      expect(l.subtotal.amount.toFixed(2)).toBe('1200.00');
    }
    // Spread over the monthly invoices instead: each month is 1/12 of the annual price per unit.
    const april = invoiceFromWire(
      invoice('c0000000-0000-4000-8000-000000000003', '2026-04-01'),
      [months[3]!],
      annualCtx(),
    );
    expect(april.lines[0]!.unitPrice.amount.toFixed(2)).toBe('240.00');
    expect(april.lines[0]!.subtotal.amount.toFixed(2)).toBe('100.00');
  });

  it.each(['prorate-line', 'partial-period', 'partial-period credit-type'] as const)(
    'reads an annual price billed a twelfth a month with a change the month before (%s)',
    (shape) => {
      // The invoice of 1 March: February's change from 5 to 7 seats on 10 February (19 of 28 days), billed at the
      // monthly part (20.00 of 240.00), and March's part for 7 seats. Each is its own charge: not merged into one.
      const share = 19 / 28;
      const change = (n: number, credit = false) =>
        annual({
          type:
            credit && shape.endsWith('credit-type')
              ? 'service-credit'
              : shape === 'prorate-line'
                ? 'prorate'
                : 'subscription',
          startPeriod: '2026-02-10',
          endPeriod: '2026-02-28',
          quantity: credit && !shape.endsWith('credit-type') ? -n : n,
          cost: 20,
          costTotal: Number(cents(n * 20 * share)) * (credit && !shape.endsWith('credit-type') ? -1 : 1),
          price: 22,
          subTotal: Number(cents(n * 22 * share)) * (credit && !shape.endsWith('credit-type') ? -1 : 1),
        });
      const changes = shape === 'prorate-line' ? [change(2)] : [change(5, true), change(7)];
      const march = annual({
        startPeriod: '2026-03-01',
        endPeriod: '2026-03-31',
        quantity: 7,
        cost: 20,
        costTotal: 140,
        price: 22,
        subTotal: 154,
      });
      const m = invoiceFromWire(
        invoice('c0000000-0000-4000-8000-000000000005', '2026-03-01'),
        [...changes, march],
        annualCtx(),
      );
      expect(m.notes.filter((n) => n.level === 'warning')).toEqual([]);
      expect(m.lines.map((l) => [l.chargePeriod.start, l.chargePeriod.end, l.quantity.toFixed()])).toEqual([
        ...(shape === 'prorate-line'
          ? [['2026-02-10', '2026-03-01', '2']]
          : [
              ['2026-02-10', '2026-03-01', '-5'],
              ['2026-02-10', '2026-03-01', '7'],
            ]),
        ['2026-03-01', '2026-04-01', '7'],
      ]);
      for (const l of m.lines) {
        expect(l.offer).toEqual(pax8Offer(BP, { term: 'P1Y', billingPlan: 'Annual' }, 'USD'));
        // The plan period's cost (a year), never the month's part or the part over the days' share of a year.
        expect(l.unitPrice.amount.toFixed(2)).toBe('240.00');
        expect(l.kind).toBe('license');
        // Billed again each month: no term to carry seats to.
        expect(l.subscriptionTerm).toBeUndefined();
      }
      // What the annual motion books for February's change at a retail of 264.00 a year: Pax8's cost of the days
      // (2 x 20.00 x 19/28 = 27.14; or 7 x 20.00 x 19/28 = 95.00 less 5 x ... = 67.86) x 264/240, each line rounded.
      const feb = sumDecimals(m.lines.slice(0, -1).map((l) => annualLineRetail(l, dec(264))));
      expect(feb.toFixed(2)).toBe('29.85');
      expect(annualLineRetail(m.lines.at(-1)!, dec(264)).toFixed(2)).toBe('154.00');
    },
  );

  it('takes the commitment from the subscription (annual term billed monthly is P1Y:M)', () => {
    const sub = subscriptionFromWire({
      id: SUB,
      billingTerm: 'Monthly',
      commitmentTerm: { term: '1-Year' },
      status: 'Active',
    });
    const m = invoiceFromWire(
      invoice('c0000000-0000-4000-8000-000000000004', '2026-04-01'),
      [item({ startPeriod: '2026-04-01', endPeriod: '2026-04-30' })],
      {
        ...ctx(),
        subscriptions: new Map([[SUB, sub]]),
      },
    );
    expect(m.lines[0]!.offer).toMatchObject({
      productId: 'MST-M365-BP',
      skuId: 'a34eef76',
      term: 'P1Y',
      billingPlan: 'Monthly',
    });
  });

  it('sums Azure per customer whatever the granularity, keeps usage lines, and warns about usage without a company', () => {
    const az = (companyId: string | null, costTotal: number, description: string) =>
      item({
        type: 'subscription',
        term: 'Arrears',
        companyId,
        productId: AZURE_PRODUCT,
        productName: 'Microsoft Azure',
        description,
        sku: 'MST-AZR-PLAN',
        subscriptionId: 'd0000000-0000-4000-8000-000000000001',
        quantity: 1,
        cost: costTotal,
        costTotal,
        price: costTotal,
        subTotal: costTotal * 1.1,
        startPeriod: '2026-03-01',
        endPeriod: '2026-03-31',
      });
    const perSubscription = invoiceFromWire(invoice('e0000000-0000-4000-8000-000000000001', '2026-04-01'), [
      az(COMPANY, 86.456, 'Azure plan'),
      az(COMPANY_2, 10, 'Azure plan'),
    ]);
    const perMeter = invoiceFromWire(invoice('e0000000-0000-4000-8000-000000000002', '2026-04-01'), [
      az(COMPANY, 50.006, 'Azure: Virtual Machines D2s v3'),
      az(COMPANY, 36.45, 'Azure: Storage LRS'),
      az(COMPANY_2, 10, 'Azure: Bandwidth'),
      az(null, 3, 'Azure: unlinked resource group'),
    ]);
    const total = (m: MappedInvoice, c: string) =>
      m.azure.find((a) => a.customerTenantId === c)?.cost.amount.toFixed();
    for (const m of [perSubscription, perMeter]) {
      expect(total(m, COMPANY)).toBe('86.456');
      expect(total(m, COMPANY_2)).toBe('10');
      expect(m.azure.every((a) => a.billingPeriod === '2026-03')).toBe(true);
      expect(m.lines.every((l) => l.kind === 'azure_usage' && l.offer.productId === 'DZH318Z0BPS6')).toBe(
        true,
      );
      expect(m.usage).toHaveLength(m.lines.length);
    }
    expect(
      perMeter.notes.some((n) => n.level === 'warning' && /Azure usage without a company/.test(n.text)),
    ).toBe(true);
  });

  it('keeps seat products named Azure as seats, lists one-time, trial and other-vendor items, credits money-only', () => {
    const m = invoiceFromWire(
      invoice('f0000000-0000-4000-8000-000000000001', '2026-04-01'),
      [
        item({
          productName: 'Microsoft Azure Active Directory Premium P1',
          description: 'Azure AD Premium P1',
          startPeriod: '2026-04-01',
          endPeriod: '2026-04-30',
        }),
        item({
          type: 'one-time',
          term: 'One-Time',
          subscriptionId: null,
          quantity: 1,
          cost: 50,
          costTotal: 50,
        }),
        item({ term: 'Trial', cost: 0, costTotal: 0, price: 0, subTotal: 0, total: 0, amountDue: 0 }),
        item({ vendorName: 'Acronis', startPeriod: '2026-04-01', endPeriod: '2026-04-30' }),
        item({ type: 'invoice-credit', quantity: 1, cost: 15, costTotal: 15, subscriptionId: null }),
        item({ type: 'service-credit', quantity: 1, cost: 20, costTotal: 7.5, price: 22, subTotal: 8.25 }),
        item({
          term: '2 Year',
          startPeriod: '2026-04-01',
          endPeriod: '2026-04-30',
          subscriptionId: 'c5e82a19-6f3b-4c7d-8e90-000000000999',
        }),
      ],
      ctx(),
    );
    expect(
      m.lines.map((l) => [l.kind, l.chargeType, l.quantity.toFixed(), l.subtotal.amount.toFixed()]),
    ).toEqual([
      ['license', 'cyclecharge', '10', '200'],
      ['one_time', 'one-time', '1', '50'],
      ['one_time', 'subscription', '10', '0'],
      ['one_time', 'subscription', '10', '200'],
      ['credit', 'customercredit', '-1', '-15'],
      ['credit', 'customercredit', '-1', '-7.5'],
      ['one_time', 'subscription', '10', '200'],
    ]);
  });

  it('a whole month whose money the rate does not explain keeps its quantity, with a warning', () => {
    const m = invoiceFromWire(
      invoice('f0000000-0000-4000-8000-000000000009', '2026-04-01'),
      [item({ startPeriod: '2026-04-01', endPeriod: '2026-04-30', quantity: 10, cost: 20, costTotal: 180 })],
      ctx(),
    );
    expect(m.lines[0]!.quantity.toFixed()).toBe('10');
    expect(m.notes).toEqual([
      {
        level: 'warning',
        text: 'Pax8 invoice f0000000-0000-4000-8000-000000000009 item 1: its money (180) is neither 10 x 20 nor its share of the period: quantity taken as written',
      },
    ]);
  });

  it('marks a credit on the day the subscription was cancelled as a cancellation', () => {
    const cancelled = subscriptionFromWire({
      id: SUB,
      billingTerm: 'Monthly',
      commitmentTerm: null,
      status: 'Cancelled',
      endDate: '2026-03-20T00:00:00-0600',
    });
    const items = [
      item({
        type: 'prorate',
        startPeriod: '2026-03-20',
        endPeriod: '2026-03-31',
        quantity: -10,
        cost: 20,
        costTotal: Number(cents((-10 * 20 * 12) / 31)),
      }),
      item({
        type: 'prorate',
        startPeriod: '2026-03-20',
        endPeriod: '2026-03-31',
        quantity: 10,
        cost: 20,
        costTotal: Number(cents((-10 * 20 * 12) / 31)),
        description: 'Microsoft 365 Business Premium (Canceled) prorated',
      }),
    ];
    const bySubscription = invoiceFromWire(
      invoice('f0000000-0000-4000-8000-000000000002', '2026-04-01'),
      [items[0]!],
      { ...ctx(), subscriptions: new Map([[SUB, cancelled]]) },
    );
    const byText = invoiceFromWire(
      invoice('f0000000-0000-4000-8000-000000000003', '2026-04-01'),
      [items[1]!],
      ctx(),
    );
    for (const m of [bySubscription, byText]) {
      expect(m.lines[0]).toMatchObject({
        chargeType: 'cancel',
        kind: 'license',
        chargePeriod: { start: '2026-03-20', end: '2026-04-01' },
      });
      expect(m.lines[0]!.quantity.toFixed()).toBe('-10');
      expect(m.lines[0]!.unitPrice.amount.toFixed(2)).toBe('20.00');
    }
  });
});

describe('annual additions and invoice dating', () => {
  const annualSub = subscriptionFromWire({
    id: ANNUAL_SUB,
    billingTerm: 'Annual',
    commitmentTerm: { term: '1-Year', endDate: '2026-12-31' },
    status: 'Active',
  });
  const annualCtx = (): InvoiceContext => ({ ...ctx(), subscriptions: new Map([[ANNUAL_SUB, annualSub]]) });
  const share = 184 / 365; // 1 July .. 31 December of a 2026 term
  const annualOffer = pax8Offer(BP, { term: 'P1Y', billingPlan: 'Annual' }, 'USD');

  it.each(['full', 'prorated'] as const)(
    'a mid-term +2 on an annual purchase keeps the annual unit price (cost %s)',
    (cost) => {
      const unit = cost === 'full' ? 240 : Number(cents(240 * share));
      const costTotal = cost === 'full' ? Number(cents(2 * 240 * share)) : 2 * unit;
      const m = invoiceFromWire(
        invoice('c1000000-0000-4000-8000-000000000001', '2026-08-01'),
        [
          item({
            type: 'prorate',
            subscriptionId: ANNUAL_SUB,
            term: 'Annual',
            startPeriod: '2026-07-01',
            endPeriod: '2026-12-31',
            quantity: 2,
            cost: unit,
            costTotal,
          }),
        ],
        { ...annualCtx(), listCosts: new Map([[offerKeyText(annualOffer), dec(240)]]) },
      );
      const l = m.lines[0]!;
      expect(l.offer).toEqual(annualOffer);
      expect(l.quantity.toFixed()).toBe('2');
      expect(l.unitPrice.amount.toFixed(2)).toBe('240.00');
      expect(l.chargeType).toBe('addquantity');
      expect(l.subscriptionTerm).toEqual({ start: '2026-01-01', end: '2027-01-01' });
    },
  );

  it('without a price list or an earlier invoice, the rate is the prorated cost over the share, rounded', () => {
    const m = invoiceFromWire(
      invoice('c1000000-0000-4000-8000-000000000009', '2026-08-01'),
      [
        item({
          type: 'prorate',
          subscriptionId: ANNUAL_SUB,
          term: 'Annual',
          startPeriod: '2026-07-01',
          endPeriod: '2026-12-31',
          quantity: 2,
          cost: 120.99,
          costTotal: 241.98,
        }),
      ],
      annualCtx(),
    );
    // 120.99 x 365 / 184 = 240.0098: Pax8's rounding of the prorated cost shows.
    expect(m.lines[0]!.unitPrice.amount.toFixed(2)).toBe('240.01');
  });

  it('an invoice whose usage is all of one month bills that month, whatever its date', () => {
    const azure = item({
      term: 'Arrears',
      productName: 'Microsoft Azure',
      description: 'Azure plan',
      subscriptionId: null,
      startPeriod: '2026-03-01',
      endPeriod: '2026-03-31',
      quantity: 1,
      cost: 5,
      costTotal: 5,
    });
    const endOfMonth = invoiceFromWire(invoice('c1000000-0000-4000-8000-000000000002', '2026-03-31'), [
      azure,
    ]);
    expect(endOfMonth.header.billingPeriod).toBe('2026-03');
    expect(endOfMonth.azure[0]!.billingPeriod).toBe('2026-03');
    const first = invoiceFromWire(invoice('c1000000-0000-4000-8000-000000000003', '2026-04-01'), [azure]);
    expect(first.header.billingPeriod).toBe('2026-03');
    expect(first.notes).toEqual([]);
  });
});
