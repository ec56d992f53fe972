import { describe, expect, it } from 'vitest';
import { seatTimeline, type TimelineInvoice } from '../../core/derive/seat-timeline';
import type { InvoiceLine, OfferKey } from '../../core/model/source';
import { dec, Money } from '../../core/money';
import { clipDays, hasDay } from '../../core/planner/day-set';
import { offerSeats } from '../../core/planner/offer-seats';
import { addDays, type BillingPeriod, type PlainDate, startOfNextMonth } from '../../core/time';
import { invoiceFromWire, subscriptionFromWire } from './map-invoices';
import { pax8Offer } from './terms';
import { BP, COMPANY, cents, invoice, item, PRODUCT, SUB } from './test-fixtures';
import type { WireInvoiceItem } from './wire-types';

/**
 * Several months of one subscription's seat changes, written once as Partner Center lines (the reversal and
 * the new quantity, csp-billing.md 4.2) and once as Pax8 invoice items under every reading of the unverified
 * shapes: after all invoices, both give the planner the same seats and the same decided days.
 */
const D = (s: string) => s as PlainDate;
const RATE = 20;
const MONTHS = ['2026-02', '2026-03', '2026-04', '2026-05'];
const END = D('2026-06-01');

interface Event {
  day: PlainDate;
  /** New seats; 0 = cancelled. */
  seats: number;
}

/** A small seeded generator (mulberry32): the histories are random but the same on every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function history(seed: number): { start: number; events: Event[] } {
  const r = rng(seed);
  const start = 1 + Math.floor(r() * 15);
  let seats = start;
  const events: Event[] = [];
  for (const [i, m] of MONTHS.entries()) {
    if (r() < 0.3) continue;
    const day = D(`${m}-${String(2 + Math.floor(r() * 26)).padStart(2, '0')}`);
    const cancel = i === MONTHS.length - 1 && r() < 0.4;
    let next = cancel ? 0 : 1 + Math.floor(r() * 15);
    if (next === seats) next = seats + 1;
    events.push({ day, seats: next });
    seats = next;
    if (cancel) break;
  }
  return { start, events };
}

const PC_OFFER: OfferKey = {
  productId: 'CFQ7TTC0LCHC',
  skuId: '0002',
  term: 'P1M',
  billingPlan: 'Monthly',
  segment: 'Commercial',
  market: 'US',
  currency: 'USD',
};

function pcInvoices(h: ReturnType<typeof history>): TimelineInvoice[] {
  let seats = h.start;
  const out: TimelineInvoice[] = [];
  const line = (
    id: string,
    start: PlainDate,
    end: PlainDate,
    q: number,
    chargeType: string,
  ): InvoiceLine => ({
    invoiceId: id,
    lineNumber: 1,
    customerTenantId: COMPANY,
    customerName: 'Contoso Dental',
    customerDomain: '',
    subscriptionId: SUB,
    offer: PC_OFFER,
    productTitle: 'M365 BP',
    skuTitle: 'M365 BP',
    chargeType,
    kind: 'license',
    chargePeriod: { start, end },
    quantity: dec(q),
    unitPrice: Money.of(RATE, 'USD'),
    effectiveUnitPrice: Money.of(RATE, 'USD'),
    subtotal: Money.of(q * RATE, 'USD'),
    subscriptionTerm: undefined,
    orderDate: undefined,
  });
  for (const m of MONTHS) {
    const first = D(`${m}-01`);
    const next = startOfNextMonth(first);
    const id = `G-${m}`;
    const lines: InvoiceLine[] = [line(id, first, next, seats, 'cyclecharge')];
    const ev = h.events.find((e) => e.day.startsWith(m));
    if (ev && ev.seats === 0) lines.push(line(id, ev.day, next, -seats, 'cancelimmediate'));
    else if (ev)
      lines.push(
        line(id, ev.day, next, -seats, 'addquantity'),
        line(id, ev.day, next, ev.seats, 'addquantity'),
      );
    out.push({
      header: { id, billingPeriod: m as BillingPeriod, issueDate: addDays(next, 5), currency: 'USD' },
      lines,
    });
    if (ev) seats = ev.seats;
    if (seats === 0) break;
  }
  return out;
}

type Reading = {
  change: 'prorate-line' | 'partial-period';
  sign: 'negative' | 'negative-money' | 'credit-type';
  end: 'inclusive' | 'exclusive';
};

function lastDayOf(next: PlainDate) {
  return addDays(next, -1);
}

function pax8Invoices(h: ReturnType<typeof history>, rd: Reading): TimelineInvoice[] {
  const cancelled = h.events.find((e) => e.seats === 0);
  const sub = subscriptionFromWire({
    id: SUB,
    billingTerm: 'Monthly',
    commitmentTerm: null,
    status: cancelled ? 'Cancelled' : 'Active',
    endDate: cancelled ? `${cancelled.day}T00:00:00-0600` : null,
  });
  const ctx = { products: new Map([[PRODUCT, BP]]), subscriptions: new Map([[SUB, sub]]) };
  const end = (next: PlainDate) => (rd.end === 'inclusive' ? lastDayOf(next) : next);
  const line = (
    start: PlainDate,
    next: PlainDate,
    n: number,
    negative: boolean,
    type: string,
  ): WireInvoiceItem => {
    // The share of the calendar month from `start` to its end: daily proration, as the mapping assumes.
    const share =
      (Date.parse(next) - Date.parse(start)) / (Date.parse(next) - Date.parse(`${start.slice(0, 8)}01`));
    const money = Number(cents(n * RATE * share));
    const credit = negative && rd.sign === 'credit-type';
    const neg = negative && !credit;
    return item({
      type: credit ? 'service-credit' : type,
      startPeriod: start,
      endPeriod: end(next),
      quantity: negative && rd.sign === 'negative' ? -n : n,
      cost: RATE,
      costTotal: neg ? -money : money,
      subTotal: neg ? -money : money,
      total: neg ? -money : money,
      amountDue: neg ? -money : money,
    });
  };
  let seats = h.start;
  const out: TimelineInvoice[] = [];
  // The invoice dated 1 February bills February in advance; each later one the month ahead and the month past's changes.
  const months = ['2026-01', ...MONTHS];
  for (const [i, m] of months.entries()) {
    const items: WireInvoiceItem[] = [];
    const ev = i === 0 ? undefined : h.events.find((e) => e.day.startsWith(m));
    if (ev) {
      const next = startOfNextMonth(ev.day);
      const d = Math.abs(ev.seats - seats);
      if (rd.change === 'prorate-line' || ev.seats === 0)
        items.push(line(ev.day, next, ev.seats === 0 ? seats : d, ev.seats < seats, 'prorate'));
      else
        items.push(
          line(ev.day, next, ev.seats, false, 'subscription'),
          line(ev.day, next, seats, true, 'subscription'),
        );
      seats = ev.seats;
    }
    const ahead = startOfNextMonth(D(`${m}-01`));
    if (seats > 0) items.push(line(ahead, startOfNextMonth(ahead), seats, false, 'subscription'));
    const mapped = invoiceFromWire(invoice(`a0000000-0000-4000-8000-00000000000${i}`, ahead), items, ctx);
    out.push({ header: mapped.header, lines: mapped.lines });
    if (seats === 0) break;
  }
  return out;
}

const READINGS: Reading[] = (['prorate-line', 'partial-period'] as const).flatMap((change) =>
  (['negative', 'negative-money', 'credit-type'] as const).flatMap((sign) =>
    (['inclusive', 'exclusive'] as const).map((end) => ({ change, sign, end })),
  ),
);

function view(invoices: TimelineInvoice[], offer: OfferKey, cancelled: boolean) {
  const seats = offerSeats({
    invoices,
    syncedInvoiceIds: new Set(invoices.map((i) => i.header.id)),
    customerTenantId: COMPANY,
    offer,
  });
  const timeline = seatTimeline(invoices, {
    customerTenantId: COMPANY,
    offer,
    from: D('2026-02-01'),
    to: END,
  });
  return {
    segments: timeline.segments.map((s) => `${s.start}..${s.end}: ${s.seats.toFixed()}`),
    decided: clipDays(seats.decided, D('2026-02-01'), END),
    // After a cancellation every later day is decided (nothing bills); else June is only Pax8's (in advance).
    june: cancelled ? hasDay(seats.decided, D('2026-06-15')) : undefined,
  };
}

describe('months of seat changes: Pax8 under every reading = Partner Center', () => {
  const seeds = Array.from({ length: 25 }, (_, i) => i + 1);
  it.each(seeds)('history %i', (seed) => {
    const h = history(seed);
    const cancelled = h.events.some((e) => e.seats === 0);
    const pc = view(pcInvoices(h), PC_OFFER, cancelled);
    for (const rd of READINGS) {
      const pax8 = view(
        pax8Invoices(h, rd),
        pax8Offer(BP, { term: 'P1M', billingPlan: 'Monthly' }, 'USD'),
        cancelled,
      );
      expect({ rd, ...pax8 }).toEqual({ rd, ...pc });
    }
  });

  it('the histories include increases, decreases and cancellations', () => {
    const all = Array.from({ length: 25 }, (_, i) => history(i + 1));
    expect(all.some((h) => h.events.some((e) => e.seats === 0))).toBe(true);
    expect(
      all.some((h) =>
        h.events.some((e, i) => e.seats > 0 && e.seats < (i === 0 ? h.start : h.events[i - 1]!.seats)),
      ),
    ).toBe(true);
    expect(
      all.some((h) => h.events.some((e, i) => e.seats > (i === 0 ? h.start : h.events[i - 1]!.seats))),
    ).toBe(true);
  });
});
