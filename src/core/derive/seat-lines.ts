import { type InvoiceHeader, type InvoiceLine, type OfferKey, offerKeyText } from '../model/source';
import type { BillingPeriod } from '../time/billing-period';

/**
 * The fields of an invoice line the seat timeline reads. A full `InvoiceLine` fits; tests and callers may pass
 * slimmer objects.
 */
export type SeatLine = Pick<
  InvoiceLine,
  | 'customerTenantId'
  | 'subscriptionId'
  | 'offer'
  | 'chargeType'
  | 'kind'
  | 'chargePeriod'
  | 'quantity'
  | 'subscriptionTerm'
>;

/**
 * One synced invoice as the timeline sees it. `currency` (when given) keeps the "next synced invoice" of the
 * monthly carry-forward rule to invoices of the same billing currency (Microsoft issues one invoice per currency).
 */
export interface TimelineInvoice {
  header: Pick<InvoiceHeader, 'id' | 'billingPeriod' | 'issueDate'> & { currency?: string };
  lines: readonly SeatLine[];
}

/** Charge types that end a subscription: no carry-forward after its latest charge period. */
export const CANCEL_CHARGE_TYPES: ReadonlySet<string> = new Set(['cancel', 'cancelimmediate']);

/**
 * Charge types of `credit`-kind lines that still move seats (a cancellation credit reverses seats for the rest of
 * the cycle). Money-only credits (`customercredit` and unknown credit types) never change seats.
 */
const SEAT_CREDIT_TYPES: ReadonlySet<string> = new Set([
  'cancel',
  'cancelimmediate',
  'removequantity',
  'addquantity',
]);

/** Whether a line counts towards seats: license lines, and credit lines that reverse seats. */
export function countsForSeats(line: Pick<SeatLine, 'kind' | 'chargeType'>): boolean {
  if (line.kind === 'license') return true;
  return line.kind === 'credit' && SEAT_CREDIT_TYPES.has(line.chargeType.toLowerCase());
}

/** Invoice order: billing period, then issue date, then id (a stable total order for "up to invoice I"). */
export function compareInvoices(a: TimelineInvoice['header'], b: TimelineInvoice['header']): number {
  if (a.billingPeriod !== b.billingPeriod) return a.billingPeriod < b.billingPeriod ? -1 : 1;
  if (a.issueDate !== b.issueDate) return a.issueDate < b.issueDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The invoices known up to and including `upToInvoiceId` (all of them when it is undefined), in invoice order. */
export function invoicesUpTo(
  invoices: readonly TimelineInvoice[],
  upToInvoiceId: string | undefined,
): TimelineInvoice[] {
  const sorted = [...invoices].sort((a, b) => compareInvoices(a.header, b.header));
  if (upToInvoiceId === undefined) return sorted;
  const last = sorted.find((i) => i.header.id === upToInvoiceId);
  if (!last) throw new RangeError(`invoice ${upToInvoiceId} is not among the given invoices`);
  return sorted.filter((i) => compareInvoices(i.header, last.header) <= 0);
}

/** The lines of one subscription of one offer, with the invoices they came on. */
export interface SubscriptionLines {
  subscriptionId: string;
  lines: SeatLine[];
  /** Currencies of the invoices carrying these lines (empty when the headers do not say). */
  currencies: Set<string>;
}

/**
 * The seat-relevant lines of one customer and offer, grouped by subscription id (in first-seen order). A
 * subscription that changed offer contributes to each offer only the lines billed under that offer.
 */
export function linesBySubscription(
  invoices: readonly TimelineInvoice[],
  customerTenantId: string,
  offer: OfferKey,
): SubscriptionLines[] {
  const key = offerKeyText(offer);
  const tenant = customerTenantId.toLowerCase();
  const groups = new Map<string, SubscriptionLines>();
  for (const invoice of invoices) {
    for (const line of invoice.lines) {
      if (line.customerTenantId.toLowerCase() !== tenant || offerKeyText(line.offer) !== key) continue;
      if (!countsForSeats(line)) continue;
      let group = groups.get(line.subscriptionId);
      if (!group) {
        group = { subscriptionId: line.subscriptionId, lines: [], currencies: new Set() };
        groups.set(line.subscriptionId, group);
      }
      group.lines.push(line);
      if (invoice.header.currency !== undefined) group.currencies.add(invoice.header.currency);
    }
  }
  return [...groups.values()];
}

/** Whether a known invoice bills the given month or a later one (in one of the currencies, when known). */
export function hasInvoiceFrom(
  invoices: readonly TimelineInvoice[],
  period: BillingPeriod,
  currencies: ReadonlySet<string>,
): boolean {
  return invoices.some((i) => i.header.billingPeriod >= period && inCurrencies(i, currencies));
}

/** Whether a known invoice bills exactly this month (in one of the currencies, when known). */
export function billsPeriod(
  invoices: readonly TimelineInvoice[],
  period: BillingPeriod,
  currencies: ReadonlySet<string>,
): boolean {
  return invoices.some((i) => i.header.billingPeriod === period && inCurrencies(i, currencies));
}

/** An invoice of unknown currency, or subscriptions of unknown currencies, match any. */
function inCurrencies(invoice: TimelineInvoice, currencies: ReadonlySet<string>): boolean {
  return (
    currencies.size === 0 || invoice.header.currency === undefined || currencies.has(invoice.header.currency)
  );
}
