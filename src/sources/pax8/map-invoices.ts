import {
  type AzureUsageLine,
  type BillingPlan,
  type InvoiceHeader,
  type InvoiceLine,
  type InvoiceLineKind,
  offerKeyText,
  type SourceCustomer,
  type TermDuration,
} from '../../core/model/source';
import { type Decimal, dec, Money, ONE, ZERO } from '../../core/money';
import { azurePlanOffer } from '../../core/planner/azure-line';
import {
  addDays,
  addMonths,
  type BillingPeriod,
  type DateRange,
  daysBetween,
  lengthInDays,
  type PlainDate,
  periodOf,
  previousPeriod,
  startOfMonth,
  startOfNextMonth,
} from '../../core/time';
import type { CatalogProduct } from './map-catalog';
import { billingPlanOf, commitmentMonthsOf, pax8Offer, termOf } from './terms';
import type { WireInvoice, WireInvoiceItem, WireSubscription } from './wire-types';
import { normalizeGuid, optionalDecimal, protocol, tryWireDate, wireDate } from './wire-values';

/** What the invoice mapping needs to know of a subscription (from `GET /subscriptions`). */
export interface SubscriptionFacts {
  id: string;
  companyId: string;
  productId: string;
  billingPlan: BillingPlan | undefined;
  /** Months of the commitment (0 = month to month); undefined when the subscription does not say. */
  commitmentMonths: number | undefined;
  status: string;
  endDate: PlainDate | undefined;
  /** The commitment's end date as written (`commitmentTerm.endDate`), when the subscription says. */
  termEnd: PlainDate | undefined;
  quantity: Decimal | undefined;
}

export function subscriptionFromWire(s: WireSubscription): SubscriptionFacts {
  const id = normalizeGuid(s.id);
  if (!id) throw protocol(`subscription ${JSON.stringify(s.id)}: the id is not a GUID`);
  const billingPlan = billingPlanOf(s.billingTerm);
  // commitmentTerm is null on the wire for month-to-month subscriptions (pax8-api.md 2.4).
  const commitmentMonths =
    s.commitmentTerm === null
      ? 0
      : s.commitmentTerm === undefined
        ? undefined
        : commitmentMonthsOf(undefined, s.commitmentTerm.term);
  return {
    id,
    companyId: normalizeGuid(s.companyId) ?? '',
    productId: normalizeGuid(s.productId) ?? '',
    billingPlan,
    commitmentMonths,
    status: (s.status ?? '').trim(),
    endDate: tryWireDate(s.endDate),
    termEnd: tryWireDate(s.commitmentTerm?.endDate),
    quantity: optionalDecimal(s.quantity, `subscription ${id} quantity`),
  };
}

/** What an invoice's mapping reads besides the invoice: catalog, subscriptions, customers. All optional. */
export interface InvoiceContext {
  products?: ReadonlyMap<string, CatalogProduct>;
  subscriptions?: ReadonlyMap<string, SubscriptionFacts>;
  customers?: ReadonlyMap<string, SourceCustomer>;
  /** Terms the price list offers per product id and billing plan (a line without a known subscription). */
  terms?: ReadonlyMap<string, readonly { billingPlan: BillingPlan; term: TermDuration }[]>;
  /**
   * Full-period unit costs per subscription seen so far (earlier invoices); the mapping reads and extends it, so
   * pass one map through the invoices oldest first.
   */
  rates?: Map<string, Decimal>;
  /**
   * The price list's cost per offer (offerKeyText): a rate derived from a prorated unit cost (rounded by Pax8)
   * that is within its rounding of the list cost is the list cost.
   */
  listCosts?: ReadonlyMap<string, Decimal>;
  /** The end convention of startPeriod/endPeriod; detected per invoice when not given. */
  periodEnd?: PeriodEnd;
  /** Vendors whose seat lines are synced (lower case); default Microsoft. Others are listed as one-time. */
  vendors?: readonly string[];
}

export type PeriodEnd = 'inclusive' | 'exclusive';

/** An Azure total of one customer on one invoice (the month of usage is the invoice's billing period). */
export interface AzureTotal {
  invoiceId: string;
  billingPeriod: BillingPeriod;
  customerTenantId: string;
  customerName: string;
  /** Partner cost (sum of costTotal). */
  cost: Money;
  /** Customer side (sum of subTotal). */
  retail: Money;
  lines: number;
}

/** What the mapping learned about an invoice's shape, and what it could not read for sure. */
export interface InvoiceNote {
  level: 'info' | 'warning';
  text: string;
}

export interface MappedInvoice {
  header: InvoiceHeader;
  /** Pax8's status (`Unpaid`, `Paid`, `Credited`, ...), '' when absent. */
  status: string;
  /** A credited or void invoice: replaced by a new one; its lines must not bill (see `isLiveInvoice`). */
  live: boolean;
  lines: InvoiceLine[];
  /** Azure usage as usage lines (one per invoice item), for the store's usage table. */
  usage: AzureUsageLine[];
  azure: AzureTotal[];
  periodEnd: PeriodEnd;
  notes: InvoiceNote[];
}

/** Nobody's customer id: an item without a company (unlinked Azure usage, partner-level fees). */
export const NO_COMPANY = '00000000-0000-0000-0000-000000000000';

/**
 * Whether an invoice bills: not `Credited` (an approved invoice found wrong is credited in full and a new one is
 * issued, pax8-api.md 2.6) and not `Void`.
 */
export function isLiveInvoice(status: string | null | undefined): boolean {
  const s = (status ?? '').toLowerCase().replace(/\s+/g, '');
  return s !== 'credited' && s !== 'void' && s !== 'voided';
}

/**
 * A Pax8 invoice as an InvoiceHeader. Pax8 invoices are partner-wide and monthly, dated the 1st and available
 * about the 5th (pax8-api.md 2.6): the invoice dated 1 April bills April's seats in advance, March's seat
 * changes and March's usage in arrears. Decision: its billing period is the month before its invoice date
 * (March), the month of its arrears part, so the Azure usage on it is the usage of its billing period as the
 * planner reads it; its in-advance lines decide the next month's days early (true-up as in decision 0014). A
 * correction issued later in the month keeps the same billing period.
 */
export function invoiceHeaderFromWire(inv: WireInvoice): InvoiceHeader {
  const issueDate = wireDate(inv.invoiceDate, `invoice ${inv.id} invoiceDate`);
  const currency = (inv.currencyCode ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw protocol(`invoice ${inv.id}: currencyCode ${JSON.stringify(inv.currencyCode)}`);
  return {
    id: inv.id.trim().toLowerCase(),
    billingPeriod: previousPeriod(periodOf(issueDate)),
    issueDate,
    currency,
    datesFrom: 'source',
  };
}

interface Raw {
  lineNumber: number;
  item: WireInvoiceItem;
  type: string;
  termText: string;
  start: PlainDate;
  endWritten: PlainDate;
  quantity: Decimal;
  cost: Decimal;
  costTotal: Decimal;
  price: Decimal;
  subTotal: Decimal;
  sign: 1 | -1;
  currency: string;
  /** How many items were merged into this one (annual lines spread over months). */
  merged: number;
  subscriptionId: string | undefined;
  productId: string | undefined;
  companyId: string | undefined;
}

const CREDIT_TYPES = new Set(['service-credit', 'invoice-credit', 'payment-credit', 'rebate', 'credit']);
const SEAT_TYPES = new Set(['subscription', 'prorate']);

const squash = (t: string | null | undefined) => (t ?? '').trim().toLowerCase();

function dayOfMonth(d: PlainDate): number {
  return Number(d.slice(8, 10));
}

/**
 * The end convention of an invoice's periods [UNVERIFIED: Pax8's final-invoice example ends `2019-05-01` for
 * April, its draft example `2025-02-28` for February]. Votes per item: a period of whole months ending on the
 * start's day-of-month (`04-01 -> 05-01`), or a period ending on a 1st, says exclusive; one ending the day
 * before (`04-01 -> 04-30`), on a month's last day, or a one-day period (`start == end`) says inclusive. The
 * majority wins; no vote (or a tie) means inclusive, the type's plain reading (`yyyy-MM-dd` of the last day).
 */
export function detectPeriodEnd(periods: readonly { start: PlainDate; end: PlainDate }[]): PeriodEnd {
  let inclusive = 0;
  let exclusive = 0;
  for (const { start, end } of periods) {
    if (end < start) continue;
    if (end === start) {
      inclusive++;
      continue;
    }
    const next = addDays(end, 1);
    if (dayOfMonth(end) === dayOfMonth(start) || dayOfMonth(end) === 1) exclusive++;
    else if (dayOfMonth(next) === dayOfMonth(start) || dayOfMonth(next) === 1) inclusive++;
  }
  return exclusive > inclusive ? 'exclusive' : 'inclusive';
}

function sumFirst(values: readonly (Decimal | undefined)[]): Decimal | undefined {
  return values.find((v) => v !== undefined && !v.eq(0));
}

function readItem(item: WireInvoiceItem, lineNumber: number, invoice: InvoiceHeader): Raw {
  const where = `invoice ${invoice.id} item ${lineNumber}`;
  const type = squash(item.type);
  const start = wireDate(item.startPeriod ?? null, `${where} startPeriod`);
  const endWritten = item.endPeriod ? wireDate(item.endPeriod, `${where} endPeriod`) : start;
  if (endWritten < start) throw protocol(`${where}: endPeriod ${endWritten} is before startPeriod ${start}`);
  const quantity = optionalDecimal(item.quantity, `${where} quantity`) ?? ZERO;
  const cost = optionalDecimal(item.cost, `${where} cost`) ?? ZERO;
  const costTotal = optionalDecimal(item.costTotal, `${where} costTotal`) ?? ZERO;
  const price = optionalDecimal(item.price, `${where} price`) ?? ZERO;
  const subTotal = optionalDecimal(item.subTotal, `${where} subTotal`) ?? ZERO;
  const total = optionalDecimal(item.total, `${where} total`);
  const amountDue = optionalDecimal(item.amountDue, `${where} amountDue`);
  // Sign: a credit type is a credit whatever its amounts say; else the money's sign (partner cost first); with
  // no money at all, the quantity's. [UNVERIFIED: the sign convention of decreases and cancellations.]
  const money = sumFirst([costTotal, subTotal, total, amountDue]);
  const sign: 1 | -1 = CREDIT_TYPES.has(type)
    ? -1
    : money !== undefined
      ? money.lt(0)
        ? -1
        : 1
      : quantity.lt(0)
        ? -1
        : 1;
  const currency = (item.currencyCode ?? '').trim().toUpperCase() || invoice.currency;
  return {
    lineNumber,
    item,
    type,
    termText: squash(item.term).replace(/[\s_-]/g, ''),
    start,
    endWritten,
    quantity,
    cost,
    costTotal,
    price,
    subTotal,
    sign,
    currency,
    merged: 1,
    subscriptionId: normalizeGuid(item.subscriptionId),
    productId: normalizeGuid(item.productId),
    companyId: normalizeGuid(item.companyId),
  };
}

function endOf(raw: Raw, convention: PeriodEnd): PlainDate {
  // A one-day period is written start == end in both conventions.
  if (convention === 'exclusive' && raw.endWritten > raw.start) return raw.endWritten;
  return addDays(raw.endWritten, 1);
}

/** The billing cycle a line's period belongs to: its calendar month (monthly), or the term ending with it. */
function cycleOf(plan: BillingPlan, period: DateRange): DateRange {
  if (plan === 'Annual') return { start: addMonths(period.end, -12), end: period.end };
  if (plan === 'Triennial') return { start: addMonths(period.end, -36), end: period.end };
  if (plan === 'OneTime') return period;
  const start = startOfMonth(period.start);
  const monthEnd = startOfNextMonth(period.start);
  return { start, end: period.end > monthEnd ? period.end : monthEnd };
}

/** Whole calendar months in a period, or undefined when it does not run from a 1st to a 1st. */
function wholeMonths(period: DateRange): number | undefined {
  if (dayOfMonth(period.start) !== 1 || dayOfMonth(period.end) !== 1) return undefined;
  const [y1, m1] = [Number(period.start.slice(0, 4)), Number(period.start.slice(5, 7))];
  const [y2, m2] = [Number(period.end.slice(0, 4)), Number(period.end.slice(5, 7))];
  return (y2 - y1) * 12 + (m2 - m1);
}

/**
 * The commitment term of an annual or triennial line (half-open), for the carry-forward to the term end. The
 * subscription's `commitmentTerm.endDate` when it says [UNVERIFIED whether that is the last day or the day after:
 * a line ending on either is taken as ending the term], else the term ending with the line (Microsoft's
 * coterminous proration).
 */
function termOfLine(period: DateRange, months: number, termEnd: PlainDate | undefined): DateRange {
  let end = period.end;
  if (termEnd !== undefined && termEnd !== period.end && addDays(termEnd, 1) !== period.end)
    end = addDays(termEnd, 1);
  return { start: addMonths(end, -months), end };
}

type Classified =
  | { kind: 'seat'; plan: BillingPlan; term: TermDuration }
  | { kind: 'azure' }
  | { kind: 'credit' }
  | { kind: 'one_time'; reason: string };

const AZURE = /\bazure\b/i;

/**
 * What a Pax8 item is for billsync:
 * - Azure usage: `term: Arrears` (or a non-seat type) naming Azure in product, description or SKU (pax8-api.md
 *   2.7, 2.9: usage is billed in arrears; HUB finds Azure by that text). Seat products named "Azure ..." (Azure AD
 *   Premium) are billed in advance under their own term, so they stay seats.
 * - Seats: `subscription` and `prorate` items of a subscription, and a `service-credit` on a subscription whose
 *   money a seat rate explains (a decrease written as a credit);
 * - money-only credits: other credit types (`invoice-credit`, `payment-credit`, `rebate`, a goodwill
 *   `service-credit`);
 * - one-time (listed, never synced): everything else, and seat items billsync cannot place (no subscription,
 *   trial, another vendor, a term it has no name for such as 2-Year).
 */
function classify(raw: Raw, ctx: InvoiceContext): Classified {
  const it = raw.item;
  const product = raw.productId ? ctx.products?.get(raw.productId) : undefined;
  const text = `${it.productName ?? ''} ${it.description ?? ''} ${it.sku ?? ''} ${product?.name ?? ''}`;
  const seatType = SEAT_TYPES.has(raw.type);
  if (AZURE.test(text) && (raw.termText === 'arrears' || !seatType)) return { kind: 'azure' };
  if (raw.termText === 'arrears') return { kind: 'one_time', reason: 'usage billed in arrears' };
  // A service credit on a subscription with seats and money may be a decrease; the money decides (below).
  const seatCredit =
    raw.type === 'service-credit' &&
    raw.subscriptionId !== undefined &&
    !raw.quantity.eq(0) &&
    !moneyPair(raw).total.eq(0);
  if (CREDIT_TYPES.has(raw.type) && !seatCredit) return { kind: 'credit' };
  if (!seatType && !seatCredit) return { kind: 'one_time', reason: `a ${raw.type || 'typeless'} item` };
  if (raw.termText === 'trial') return { kind: 'one_time', reason: 'a trial' };
  const vendor = squash(it.vendorName) || squash(product?.vendorName);
  const vendors = ctx.vendors ?? ['microsoft'];
  if (vendor !== '' && !vendors.includes(vendor))
    return { kind: 'one_time', reason: `a ${it.vendorName ?? product?.vendorName} product` };
  if (raw.subscriptionId === undefined) return { kind: 'one_time', reason: 'no subscription' };
  const sub = ctx.subscriptions?.get(raw.subscriptionId);
  const plan = sub?.billingPlan ?? billingPlanOf(raw.termText);
  if (!plan)
    return { kind: 'one_time', reason: `term ${JSON.stringify(it.term ?? '')} has no billsync billing plan` };
  if (plan === 'OneTime') return { kind: 'one_time', reason: 'billed once' };
  const offered = raw.productId
    ? ctx.terms?.get(raw.productId)?.filter((t) => t.billingPlan === plan)
    : undefined;
  let term: TermDuration | undefined;
  if (sub?.commitmentMonths !== undefined) term = termOf(sub.commitmentMonths, plan);
  else if (offered && offered.length === 1) term = offered[0]!.term;
  else term = termOf(0, plan);
  if (!term)
    return { kind: 'one_time', reason: 'its commitment has no billsync term (1 month, 1 year, 3 years)' };
  return { kind: 'seat', plan, term };
}

/** The unit rate and total of a line's money: partner cost, or the customer side when the cost side is empty. */
function moneyPair(raw: Raw): { rate: Decimal; total: Decimal } {
  if (!raw.cost.eq(0) && !raw.costTotal.eq(0)) return { rate: raw.cost.abs(), total: raw.costTotal.abs() };
  return { rate: raw.price.abs(), total: raw.subTotal.abs() };
}

interface Reading {
  /** The seats the line's money pays for over its period (magnitude). */
  quantity: Decimal;
  /** The full-period unit rate, when the money tells it. */
  fullRate: Decimal | undefined;
  /** The money is a share of a calendar month at a monthly part of the plan's rate (annual billed monthly). */
  monthly: boolean;
  note: string | undefined;
}

/**
 * An annual or triennial line inside one calendar month may bill a monthly part (1/12, 1/36) of the plan's
 * price, prorated over the month's days [UNVERIFIED how Pax8 spreads annual billing]: the month's share and the
 * parts in the plan's period, for `readQuantity` to try when the term's share does not explain the money.
 */
interface MonthlyPart {
  share: Decimal;
  parts: number;
}

/**
 * The seats a line bills and its full-period unit rate, from its money [UNVERIFIED how Pax8 writes a mid-month
 * change: a `prorate` line for the delta, or a re-rated line with a partial period; whether `cost` is the
 * full-period unit cost or already prorated]. With `f` = the period's share of its cycle, q = |quantity|, r the
 * unit rate, T the total: T = q x r x f (r is the full rate) or T = q x r (r is prorated) means q seats; else a T
 * that is k x r x f (or k x r) for a whole k < q means the line states the new total while its money bills the
 * k seats of the change. Without money (free lines) the quantity as written.
 */
function readQuantity(raw: Raw, share: Decimal, monthly?: MonthlyPart): Reading {
  const q = raw.quantity.abs();
  const { rate, total } = moneyPair(raw);
  const plain = { fullRate: undefined, monthly: false, note: undefined };
  if (rate.eq(0) || total.eq(0) || q.eq(0)) return { quantity: q, ...plain };
  const tol = q.times('0.006').plus('0.011');
  const near = (a: Decimal, b: Decimal, t: Decimal) => a.minus(b).abs().lte(t);
  if (near(total, q.times(rate).times(share), tol)) return { quantity: q, ...plain, fullRate: rate };
  // A monthly part of an annual price: the rate is the part, the plan period's rate is parts x it.
  if (monthly && near(total, q.times(rate).times(monthly.share), tol))
    return { quantity: q, ...plain, fullRate: rate.times(monthly.parts), monthly: true };
  if (near(total, q.times(rate), tol)) return { quantity: q, ...plain };
  // Only a partial period can be a change: a whole period's odd money (a promotion) never changes its seats.
  const units: [Decimal, Decimal | undefined, boolean][] = [];
  if (share.lt(1)) units.push([rate.times(share), rate, false]);
  if (monthly?.share.lt(1)) units.push([rate.times(monthly.share), rate.times(monthly.parts), true]);
  if (share.lt(1)) units.push([rate, undefined, false]);
  for (const [unit, fullRate, isMonthly] of units) {
    if (unit.eq(0)) continue;
    const k = total.div(unit).round(0);
    if (k.gt(0) && k.lt(q) && near(total, k.times(unit), k.times('0.006').plus('0.011'))) {
      return {
        quantity: k,
        fullRate,
        monthly: isMonthly,
        note: `states quantity ${q.toFixed()} but its money bills ${k.toFixed()}: read as ${k.toFixed()} (a re-rated line stating the new total)`,
      };
    }
  }
  return {
    quantity: q,
    ...plain,
    note: `its money (${total.toFixed()}) is neither ${q.toFixed()} x ${rate.toFixed()} nor its share of the period: quantity taken as written`,
  };
}

/**
 * Annual-billed items of one subscription spread over months on one invoice (one item per month of the term)
 * are one purchase: merged into one line over their contiguous periods with their money summed, so they read
 * like a single line for the term [UNVERIFIED how Pax8 spreads annual lines]. Only a run that bills months after
 * the invoice's month is such a purchase: an annual price billed a part each month puts last month's change and
 * this month's part on one invoice, contiguous but two charges (`monthEnd`: the end of the invoice's month).
 */
function mergeSpread(raws: readonly (Raw & { cls: Classified; period: DateRange })[], monthEnd: PlainDate) {
  type Piece = Raw & { cls: Classified; period: DateRange };
  const out: (Piece & { pieces: Piece[] })[] = [];
  for (const r of [...raws].sort((a, b) =>
    a.period.start < b.period.start ? -1 : a.period.start > b.period.start ? 1 : a.lineNumber - b.lineNumber,
  )) {
    const prev = out.findLast(
      (p) =>
        p.cls.kind === 'seat' &&
        r.cls.kind === 'seat' &&
        (p.cls.plan === 'Annual' || p.cls.plan === 'Triennial') &&
        p.cls.plan === r.cls.plan &&
        p.cls.term === r.cls.term &&
        p.subscriptionId === r.subscriptionId &&
        p.type === r.type &&
        p.sign === r.sign &&
        p.quantity.abs().eq(r.quantity.abs()) &&
        p.period.end === r.period.start,
    );
    if (!prev) {
      out.push({ ...r, pieces: [r] });
      continue;
    }
    prev.pieces.push(r);
    prev.period = { start: prev.period.start, end: r.period.end };
    prev.cost = prev.cost.abs().plus(r.cost.abs());
    prev.costTotal = prev.costTotal.abs().plus(r.costTotal.abs());
    prev.price = prev.price.abs().plus(r.price.abs());
    prev.subTotal = prev.subTotal.abs().plus(r.subTotal.abs());
    prev.merged += 1;
    prev.lineNumber = Math.min(prev.lineNumber, r.lineNumber);
  }
  return out
    .flatMap(({ pieces, ...run }) => (run.merged > 1 && run.period.end <= monthEnd ? pieces : [run]))
    .sort((a, b) => a.lineNumber - b.lineNumber);
}

const CANCEL = /cancel/i;

function isCancellation(raw: Raw, ctx: InvoiceContext): boolean {
  if (raw.sign > 0) return false;
  if (CANCEL.test(`${raw.item.description ?? ''} ${raw.item.details ?? ''}`)) return true;
  const sub = raw.subscriptionId ? ctx.subscriptions?.get(raw.subscriptionId) : undefined;
  if (!sub?.endDate || !/cancel/i.test(sub.status)) return false;
  return Math.abs(daysBetween(sub.endDate, raw.start)) <= 1;
}

/**
 * A Pax8 invoice and its items (all pages) -> the header, normalized lines, Azure usage and totals, and notes on
 * what was detected. Pure. Lines follow the Partner Center model: half-open charge periods, SIGNED quantities
 * (negative for a credit or decrease, whatever sign convention Pax8 used), `unitPrice` = partner cost per unit per
 * billing-plan period (never prorated), `effectiveUnitPrice` = the line's cost per unit, `subtotal` = partner
 * cost (costTotal, signed). The customer key is the Pax8 company id.
 */
export function invoiceFromWire(
  invoice: WireInvoice,
  items: readonly WireInvoiceItem[],
  ctx: InvoiceContext = {},
): MappedInvoice {
  let header = invoiceHeaderFromWire(invoice);
  const notes: InvoiceNote[] = [];
  const raws = items.map((item, i) => readItem(item, i + 1, header));
  const periodEnd =
    ctx.periodEnd ?? detectPeriodEnd(raws.map((r) => ({ start: r.start, end: r.endWritten })));
  const classified = raws.map((r) => ({
    ...r,
    cls: classify(r, ctx),
    period: { start: r.start, end: endOf(r, periodEnd) } as DateRange,
  }));
  // The usage on an invoice is its billing period's: an invoice whose usage all belongs to one month bills that
  // month, even when it is dated otherwise than on the 1st after it [UNVERIFIED: Pax8 dates its invoices the 1st].
  const usageMonths = new Set(
    classified
      .filter((r) => r.cls.kind === 'azure' || r.termText === 'arrears')
      .map((r) => periodOf(r.period.start)),
  );
  const usageMonth = usageMonths.size === 1 ? [...usageMonths][0]! : undefined;
  if (usageMonth && usageMonth !== header.billingPeriod && usageMonth <= periodOf(header.issueDate)) {
    notes.push({
      level: 'info',
      text: `invoice ${header.id}: dated ${header.issueDate}, its usage is of ${usageMonth}: billing period ${usageMonth}`,
    });
    header = { ...header, billingPeriod: usageMonth };
  }
  const merged = mergeSpread(classified, startOfNextMonth(header.issueDate));
  if (merged.length < classified.length)
    notes.push({
      level: 'info',
      text: `annual items spread over months merged into one line per purchase (${classified.length - merged.length} merged)`,
    });
  const rates = ctx.rates ?? new Map<string, Decimal>();
  const lines: InvoiceLine[] = [];
  const usage: AzureUsageLine[] = [];
  const azure = new Map<string, AzureTotal>();
  // Full-period lines first: they teach the rate a partial line of the same subscription may need.
  const shareOf = (r: (typeof merged)[number]) => {
    if (r.cls.kind !== 'seat') return ONE;
    const cycle = cycleOf(r.cls.plan, r.period);
    const days = lengthInDays(cycle);
    return days <= 0 ? ONE : dec(lengthInDays(r.period)).div(days);
  };
  const monthlyPartOf = (r: (typeof merged)[number]): MonthlyPart | undefined => {
    if (r.cls.kind !== 'seat' || r.merged > 1) return undefined;
    const parts = r.cls.plan === 'Annual' ? 12 : r.cls.plan === 'Triennial' ? 36 : undefined;
    const monthEnd = startOfNextMonth(r.period.start);
    if (parts === undefined || r.period.end > monthEnd) return undefined;
    const month = { start: startOfMonth(r.period.start), end: monthEnd };
    return { share: dec(lengthInDays(r.period)).div(lengthInDays(month)), parts };
  };
  const order = [...merged].sort((a, b) => Number(shareOf(b).gte(1)) - Number(shareOf(a).gte(1)));
  const byNumber = new Map<number, InvoiceLine>();
  for (const r of order) {
    const companyId = r.companyId ?? NO_COMPANY;
    const customer = ctx.customers?.get(companyId);
    const customerName = (r.item.companyName ?? '').trim() || customer?.name || '';
    const product = r.productId ? ctx.products?.get(r.productId) : undefined;
    const productTitle =
      (r.item.productName ?? '').trim() || product?.name || (r.item.description ?? '').trim();
    const where = `Pax8 invoice ${header.id} item ${r.lineNumber}`;
    if (r.cls.kind === 'azure') {
      const offer = azurePlanOffer(r.currency);
      const cost = r.costTotal.abs().times(r.sign);
      const line: InvoiceLine = {
        invoiceId: header.id,
        lineNumber: r.lineNumber,
        customerTenantId: companyId,
        customerName,
        customerDomain: customer?.defaultDomain ?? '',
        subscriptionId: r.subscriptionId ?? '',
        offer,
        productTitle: productTitle || 'Microsoft Azure plan',
        skuTitle: productTitle || 'Microsoft Azure plan',
        chargeType: 'usage',
        kind: 'azure_usage',
        chargePeriod: r.period,
        quantity: r.quantity.abs().times(r.sign),
        unitPrice: Money.of(r.cost.abs(), r.currency),
        effectiveUnitPrice: Money.of(r.cost.abs(), r.currency),
        subtotal: Money.of(cost, header.currency),
        subscriptionTerm: undefined,
        orderDate: undefined,
      };
      byNumber.set(r.lineNumber, line);
      usage.push({
        invoiceId: header.id,
        lineNumber: r.lineNumber,
        customerTenantId: companyId,
        customerName,
        subscriptionId: r.subscriptionId ?? '',
        entitlementId: '',
        usageDate: r.period.start,
        meterId: normalizeGuid(r.item.id) ?? `${header.id}:${r.lineNumber}`,
        meterName: (r.item.description ?? '').trim() || productTitle,
        meterCategory: 'Azure',
        quantity: r.quantity.abs().times(r.sign),
        unitPrice: Money.of(r.cost.abs(), r.currency),
        effectiveUnitPrice: Money.of(r.cost.abs(), r.currency),
        cost: Money.of(cost, header.currency),
      });
      const key = companyId;
      const prev = azure.get(key) ?? {
        invoiceId: header.id,
        billingPeriod: header.billingPeriod,
        customerTenantId: companyId,
        customerName,
        cost: Money.zero(header.currency),
        retail: Money.zero(header.currency),
        lines: 0,
      };
      azure.set(key, {
        ...prev,
        cost: prev.cost.add(Money.of(cost, header.currency)),
        retail: prev.retail.add(Money.of(r.subTotal.abs().times(r.sign), header.currency)),
        lines: prev.lines + 1,
      });
      if (companyId === NO_COMPANY)
        notes.push({
          level: 'warning',
          text: `${where}: Azure usage without a company (link its resource group to a company in Pax8)`,
        });
      continue;
    }
    const plan =
      r.cls.kind === 'seat' ? r.cls : { plan: 'OneTime' as BillingPlan, term: 'P1M' as TermDuration };
    const offer = pax8Offer(
      product ?? { id: r.productId ?? '00000000', sku: (r.item.sku ?? '').trim() },
      { term: plan.term, billingPlan: plan.plan },
      r.currency,
    );
    let kind: InvoiceLineKind;
    let quantity = r.quantity.abs();
    let unit = r.cost.abs();
    let chargeType: string;
    let subscriptionTerm: DateRange | undefined;
    const share = shareOf(r);
    const reading = r.cls.kind === 'seat' ? readQuantity(r, share, monthlyPartOf(r)) : undefined;
    // A service credit whose money no seat rate explains is a money credit after all.
    const moneyOnly = r.type === 'service-credit' && reading?.note?.startsWith('its money') === true;
    if (r.cls.kind === 'seat' && reading && !moneyOnly) {
      kind = 'license';
      quantity = reading.quantity;
      const full = share.gte(1) || (reading.monthly && monthlyPartOf(r)?.share.gte(1) === true);
      const known = r.subscriptionId ? rates.get(r.subscriptionId) : undefined;
      const sub = r.subscriptionId ? ctx.subscriptions?.get(r.subscriptionId) : undefined;
      const months = r.cls.plan === 'Annual' ? 12 : r.cls.plan === 'Triennial' ? 36 : 1;
      const spreadMonths = wholeMonths(r.period);
      if (reading.fullRate !== undefined) unit = reading.fullRate;
      else if (known !== undefined) unit = known;
      else if (months > 1 && spreadMonths !== undefined && (r.merged > 1 || spreadMonths === 1))
        // Annual billing stated per month (spread): the monthly share x the months of the billing period.
        unit = moneyPair(r).rate.div(spreadMonths).times(months).round(2, 1);
      else {
        // The prorated unit cost over the period's share: its rounding (half a cent) grows by 1 / share.
        const derived = share.eq(0) ? moneyPair(r).rate : moneyPair(r).rate.div(share);
        const listed = ctx.listCosts?.get(offerKeyText(offer));
        const slack = share.eq(0) ? dec(0) : dec('0.006').div(share);
        unit = listed !== undefined && derived.minus(listed).abs().lte(slack) ? listed : derived.round(2, 1);
      }
      if (reading.note)
        notes.push({
          level: reading.note.startsWith('its money') ? 'warning' : 'info',
          text: `${where}: ${reading.note}`,
        });
      if (full && r.sign > 0 && r.subscriptionId) rates.set(r.subscriptionId, unit);
      chargeType =
        r.sign < 0
          ? isCancellation(r, ctx)
            ? 'cancel'
            : 'removequantity'
          : full
            ? 'cyclecharge'
            : 'addquantity';
      // A monthly part ends with its month, not the term, and each month's invoice bills the next part: its seats
      // carry as a monthly line's do (until an invoice says otherwise), so no term.
      if (!reading.monthly && (r.cls.plan === 'Annual' || r.cls.plan === 'Triennial'))
        subscriptionTerm = termOfLine(r.period, months, sub?.termEnd);
    } else if (r.cls.kind === 'credit' || moneyOnly) {
      kind = 'credit';
      chargeType = 'customercredit';
    } else {
      kind = 'one_time';
      chargeType = r.type || 'one-time';
      const reason = r.cls.kind === 'one_time' ? r.cls.reason : 'not a seat line';
      notes.push({ level: 'info', text: `${where} (${productTitle}): listed, not synced: ${reason}` });
    }
    const signed = quantity.times(r.sign);
    const line: InvoiceLine = {
      invoiceId: header.id,
      lineNumber: r.lineNumber,
      customerTenantId: companyId,
      customerName,
      customerDomain: customer?.defaultDomain ?? '',
      subscriptionId: r.subscriptionId ?? '',
      offer,
      productTitle,
      skuTitle: product?.name ?? productTitle,
      chargeType,
      kind,
      chargePeriod: r.period,
      quantity: signed,
      unitPrice: Money.of(unit, r.currency),
      effectiveUnitPrice: Money.of(quantity.eq(0) ? ZERO : r.costTotal.abs().div(quantity), r.currency),
      subtotal: Money.of(r.costTotal.abs().times(r.sign), header.currency),
      subscriptionTerm,
      orderDate: r.period.start,
    };
    byNumber.set(r.lineNumber, line);
  }
  for (const r of merged) {
    const l = byNumber.get(r.lineNumber);
    if (l) lines.push(l);
  }
  const status = (invoice.status ?? '').trim();
  return {
    header,
    status,
    live: isLiveInvoice(status),
    lines,
    usage,
    azure: [...azure.values()],
    periodEnd,
    notes,
  };
}
