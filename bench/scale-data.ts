import type { InvoiceHeader, InvoiceLine, OfferKey, PriceListEntry } from '../src/core/model/source';
import {
  type BillingPeriod,
  firstDayOf,
  nextPeriod,
  periodOf,
  previousPeriod,
} from '../src/core/time/billing-period';
import { addDays, addMonths, type PlainDate, parsePlainDate, utcDateOf } from '../src/core/time/plain-date';
import { AZURE, line, priceEntry } from '../test/support/planner-fixtures';

/**
 * The scale bench's tenant, generated (deterministic per customer index): a catalog of 40 Microsoft offers, each
 * customer with 30 monthly-billed subscriptions on 30 of them, and two invoices. Month M is the steady state the
 * bench starts from; month M+1 brings a month of changes: every 10th customer changes the seats of one
 * subscription mid-period, every 33rd adds a subscription, every 50th drops one, and every 12th has Azure plan
 * usage whose cost moves from month to month.
 */

export const OFFERS = 40;
export const LINES_PER_CUSTOMER = 30;

export interface ScaleDates {
  /** Billing periods of the two invoices. */
  m: BillingPeriod;
  m1: BillingPeriod;
  /** Issue dates (the 7th of the next month, Microsoft's calendar). */
  issueM: PlainDate;
  issueM1: PlainDate;
  /** Each customer's contract (monthly periods) and the mappings' sync start. */
  contractStart: PlainDate;
  contractEnd: PlainDate;
  syncStart: PlainDate;
}

const issueOf = (p: BillingPeriod) => parsePlainDate(`${firstDayOf(nextPeriod(p)).slice(0, 8)}07`);

/** The latest month whose invoice is issued by `today` is M+1; contracts run from M-5 to the end of M+6. */
export function scaleDates(today: PlainDate): ScaleDates {
  let m1 = previousPeriod(periodOf(today));
  if (issueOf(m1) > today) m1 = previousPeriod(m1);
  const m = previousPeriod(m1);
  return {
    m,
    m1,
    issueM: issueOf(m),
    issueM1: issueOf(m1),
    contractStart: addMonths(firstDayOf(m), -5),
    contractEnd: addDays(addMonths(firstDayOf(m), 7), -1),
    syncStart: firstDayOf(m),
  };
}

export const todayUtc = (): PlainDate => utcDateOf(new Date().toISOString());

export function offerOf(k: number): OfferKey {
  return {
    productId: `CFQ7TTC0${String(k).padStart(4, '0')}`,
    skuId: '0001',
    term: k % 2 === 0 ? 'P1M' : 'P1Y',
    billingPlan: 'Monthly',
    segment: 'Commercial',
    market: 'US',
    currency: 'USD',
  };
}

/** What the partner pays per seat and month for offer k, and Microsoft's retail price (cost + 15 %). */
export const costOf = (k: number) => 4 + k;
export const retailOf = (k: number) => Math.round(costOf(k) * 115) / 100;
const money = (n: number) => n.toFixed(2);

export function priceList(): PriceListEntry[] {
  return [
    ...Array.from({ length: OFFERS }, (_, k) =>
      priceEntry(offerOf(k), money(costOf(k)), money(retailOf(k)), '2020-01-01'),
    ),
    priceEntry(AZURE, '0', '0', '2020-01-01'),
  ];
}

export const tenantOf = (i: number) => `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`;
export const companyIdOf = (i: number) => 1_000_000 + i;
export const contractIdOf = (i: number) => 2_000_000 + i;
export const customerName = (i: number) => `Scale Customer ${String(i).padStart(5, '0')}`;

/** Subscription j of customer i: its offer, seats and anniversary day (the day its monthly charge period starts). */
export function subscription(i: number, j: number) {
  const k = (i * 7 + j) % OFFERS;
  return {
    k,
    offer: offerOf(k),
    id: `${tenantOf(i)}-s${String(j).padStart(2, '0')}`,
    seats: 1 + ((i * 31 + j * 17) % 25),
    anniversary: 1 + ((i + j * 3) % 28),
  };
}

/** What month M+1 changes for customer i (see the file comment). */
export function changesOf(i: number) {
  return {
    seatChange: i % 10 === 3 ? { j: i % LINES_PER_CUSTOMER, delta: i % 20 === 3 ? 3 : -1 } : undefined,
    newSubscription: i % 33 === 5 ? { k: (i * 7 + LINES_PER_CUSTOMER) % OFFERS } : undefined,
    dropped: i % 50 === 7 ? (i + 1) % LINES_PER_CUSTOMER : undefined,
    azure: i % 12 === 0,
  };
}

/** The charge period of a monthly subscription that starts in period `p` on its anniversary day. */
function chargePeriod(p: BillingPeriod, anniversary: number) {
  const start = addDays(firstDayOf(p), anniversary - 1);
  return { start, last: addDays(addMonths(start, 1), -1) };
}

function licenseLine(
  i: number,
  sub: ReturnType<typeof subscription>,
  p: BillingPeriod,
  spec: Partial<Parameters<typeof line>[0]> = {},
): InvoiceLine {
  const { start, last } = chargePeriod(p, sub.anniversary);
  const qty = Number(spec.qty ?? sub.seats);
  const sign = spec.sign ?? 1;
  return {
    ...line({
      sub: sub.id,
      offer: sub.offer,
      start,
      last,
      qty,
      unitPrice: money(costOf(sub.k)),
      subtotal: money(sign * qty * costOf(sub.k)),
      tenant: tenantOf(i),
      ...spec,
    }),
    customerName: customerName(i),
    customerDomain: '',
    productTitle: `Offer ${sub.k}`,
    skuTitle: `Offer ${sub.k}`,
  };
}

function azureLine(i: number, p: BillingPeriod, cost: number): InvoiceLine {
  const start = firstDayOf(p);
  return {
    ...line({
      sub: `${tenantOf(i)}-azure`,
      offer: AZURE,
      start,
      last: addDays(firstDayOf(nextPeriod(p)), -1),
      qty: 1,
      unitPrice: money(cost),
      subtotal: money(cost),
      chargeType: 'usage',
      kind: 'azure_usage',
      tenant: tenantOf(i),
    }),
    customerName: customerName(i),
    customerDomain: '',
    productTitle: 'Azure plan',
    skuTitle: 'Azure plan',
  };
}

/** Customer i's lines on the invoice of period `p` (`second`: month M+1, with its changes). */
export function customerLines(i: number, p: BillingPeriod, second: boolean): InvoiceLine[] {
  const c = changesOf(i);
  const out: InvoiceLine[] = [];
  for (let j = 0; j < LINES_PER_CUSTOMER; j++) {
    if (second && c.dropped === j) continue;
    const sub = subscription(i, j);
    out.push(licenseLine(i, sub, p));
    if (second && c.seatChange?.j === j) {
      // Microsoft's seat change: the old quantity reversed from the change day, the new one charged from it.
      const day = addDays(chargePeriod(p, sub.anniversary).start, 10);
      const to = sub.seats + c.seatChange.delta;
      out.push(
        licenseLine(i, sub, p, { start: day, qty: sub.seats, sign: -1, chargeType: 'removequantity' }),
      );
      out.push(licenseLine(i, sub, p, { start: day, qty: to, chargeType: 'addquantity' }));
    }
  }
  if (second && c.newSubscription) {
    const k = c.newSubscription.k;
    const sub = { k, offer: offerOf(k), id: `${tenantOf(i)}-new`, seats: 5, anniversary: 12 };
    out.push(licenseLine(i, sub, p, { chargeType: 'new' }));
  }
  if (c.azure) out.push(azureLine(i, p, 80 + (i % 50) + (second ? 7.5 : 0)));
  return out;
}

/** One invoice for `customers` customers: header and lines, numbered. */
export function invoiceOf(
  id: string,
  p: BillingPeriod,
  customers: number,
  second: boolean,
): { header: InvoiceHeader; lines: InvoiceLine[] } {
  const header: InvoiceHeader = {
    id,
    billingPeriod: p,
    issueDate: issueOf(p),
    currency: 'USD',
    datesFrom: 'source',
  };
  const lines: InvoiceLine[] = [];
  for (let i = 0; i < customers; i++) {
    for (const l of customerLines(i, p, second))
      lines.push({ ...l, invoiceId: id, lineNumber: lines.length + 1 });
  }
  return { header, lines };
}
