/**
 * Invoices and invoice items derived from the subscription timeline, under the switches (options.ts).
 *
 * Billing model (§3.1 DOC unless a switch names it): seats are billed in advance, usage in arrears; invoices are
 * partner-wide and dated the 1st of a month. A charge belongs to the invoice dated on its day when that is a 1st,
 * else to the next 1st: the recurring charge of a period goes on the invoice dated its first day (for an annual
 * term starting mid-month, the next 1st); a quantity change on day D inside a period that already began is billed
 * for D..period end on the invoice after D; a cancellation is a change to 0 (§3.1: billing follows the dates).
 * Azure usage of month M goes on the invoice dated the 1st of M+1 with term `Arrears`.
 * Amounts are computed in thousandths: prorated = quantity × rate × days ÷ period days, rounded half away from 0.
 */
import { addDays, addMonths, daysBetween, endOfMonth, startOfMonth } from '../../kit';
import type { Pax8Rules } from '../options';
import {
  changeDates,
  divRound,
  fromMilli,
  type Pax8Seed,
  quantityOn,
  type SeedCompany,
  type SeedProduct,
  type SeedSubscription,
  type SeedUsageMeter,
  stableId,
  toMilli,
} from '../seed/model';

export type ItemType =
  | 'rebate'
  | 'prorate'
  | 'subscription'
  | 'payment-credit'
  | 'one-time'
  | 'service-charge'
  | 'service-credit'
  | 'invoice-credit';

/** An invoice item as Pax8 sends it (`InvoiceItem`, §2.7). */
export interface WireInvoiceItem {
  id: string;
  type: ItemType;
  purchaseOrderNumber: string;
  companyId: string;
  companyName: string;
  externalId: string;
  startPeriod: string;
  endPeriod: string;
  quantity: number;
  unitOfMeasure: string;
  term: 'Monthly' | 'Annual' | 'Arrears';
  sku: string;
  description: string;
  details: string;
  rateType: string;
  chargeType: 'flat' | 'per';
  price: number;
  subTotal: number;
  cost: number;
  costTotal: number;
  offeredBy: string;
  billedByPax8: boolean;
  total: number;
  productId: string;
  productName: string;
  billingFee: number;
  billingFeeRate: number;
  amountDue: number;
  currencyCode: string;
  salesTax: number;
  subscriptionId: string | null;
  vendorName: string;
}

export interface WireInvoice {
  id: string;
  invoiceDate: string;
  dueDate: string;
  status: 'Unpaid' | 'Paid' | 'Credited';
  total: number;
  balance: number;
  carriedBalance: number;
  currencyCode: string;
  partnerName: string;
}

export interface DerivedInvoice {
  invoice: WireInvoice;
  items: WireInvoiceItem[];
}

/** A billing period of a subscription, with the unit rate and cost for the whole period (thousandths). */
interface Period {
  start: string;
  end: string;
  rateMilli: number;
  costMilli: number;
}

interface SeatCharge {
  kind: 'recurring' | 'change';
  invoiceDate: string;
  sub: SeedSubscription;
  period: Period;
  /** First day charged (the period start, or the change day). */
  from: string;
  qtyOld: number;
  qtyNew: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RATE_TYPE_SPEC = 'single (Single price for any quantity, same as flat)';

/** The invoice a charge dated `date` lands on: that day if it is a 1st, else the next 1st. */
export function invoiceDateOf(date: string): string {
  return date.endsWith('-01') ? date : addMonths(startOfMonth(date), 1);
}

/** The day the invoice dated `invoiceDate` becomes visible through the API (§2.6). */
export function releaseDateOf(invoiceDate: string, rules: Pax8Rules): string {
  return `${invoiceDate.slice(0, 8)}${String(rules.invoiceReleaseDay).padStart(2, '0')}`;
}

/** Billing periods of a subscription that start on or before `through` and before its end. */
export function periodsOf(sub: SeedSubscription, rules: Pax8Rules, through: string): Period[] {
  const periods: Period[] = [];
  const price = toMilli(sub.price);
  const cost = toMilli(sub.partnerCost);
  const live = (start: string) => start <= through && (sub.endDate === null || start < sub.endDate);
  if (sub.billingTerm === 'Annual' && rules.annualBilling === 'term-line') {
    for (let k = 0; ; k++) {
      const start = addMonths(sub.startDate, 12 * k);
      if (!live(start)) break;
      periods.push({
        start,
        end: addDays(addMonths(sub.startDate, 12 * (k + 1)), -1),
        rateMilli: price,
        costMilli: cost,
      });
    }
    return periods;
  }
  // Monthly, or annual spread over the months: calendar months, an annual rate divided by 12.
  const divisor = sub.billingTerm === 'Annual' ? 12 : 1;
  for (let start = startOfMonth(sub.startDate); live(start); start = addMonths(start, 1)) {
    periods.push({
      start,
      end: endOfMonth(start),
      rateMilli: divRound(price, divisor),
      costMilli: divRound(cost, divisor),
    });
  }
  return periods;
}

function seatCharges(sub: SeedSubscription, rules: Pax8Rules, through: string): SeatCharge[] {
  const out: SeatCharge[] = [];
  const dates = changeDates(sub);
  for (const period of periodsOf(sub, rules, through)) {
    const q0 = quantityOn(sub, period.start);
    if (q0 > 0)
      out.push({
        kind: 'recurring',
        invoiceDate: invoiceDateOf(period.start),
        sub,
        period,
        from: period.start,
        qtyOld: 0,
        qtyNew: q0,
      });
    for (const d of dates) {
      if (d <= period.start || d > period.end) continue;
      const qtyOld = quantityOn(sub, addDays(d, -1));
      const qtyNew = quantityOn(sub, d);
      if (qtyOld !== qtyNew)
        out.push({ kind: 'change', invoiceDate: invoiceDateOf(d), sub, period, from: d, qtyOld, qtyNew });
    }
  }
  return out.filter((c) => c.invoiceDate <= through);
}

interface Ctx {
  seed: Pax8Seed;
  rules: Pax8Rules;
  companies: Map<string, SeedCompany>;
  products: Map<string, SeedProduct>;
}

function context(seed: Pax8Seed, rules: Pax8Rules): Ctx {
  return {
    seed,
    rules,
    companies: new Map(seed.companies.map((c) => [c.id, c])),
    products: new Map(seed.products.map((p) => [p.id, p])),
  };
}

type Draft = Omit<WireInvoiceItem, 'id'>;

function baseItem(
  ctx: Ctx,
  sub: SeedSubscription,
  product: SeedProduct,
): Omit<
  Draft,
  | 'type'
  | 'startPeriod'
  | 'endPeriod'
  | 'quantity'
  | 'term'
  | 'description'
  | 'details'
  | 'price'
  | 'subTotal'
  | 'cost'
  | 'costTotal'
  | 'total'
  | 'amountDue'
  | 'chargeType'
> {
  const company = ctx.companies.get(sub.companyId) as SeedCompany;
  return {
    purchaseOrderNumber: 'N/A',
    companyId: company.id,
    companyName: company.name,
    externalId: company.externalId ?? '',
    unitOfMeasure: product.unitOfMeasure,
    sku: product.sku,
    rateType: ctx.rules.rateType === 'bare' ? 'single' : RATE_TYPE_SPEC,
    offeredBy: 'Pax8',
    billedByPax8: company.billOnBehalfOfEnabled,
    productId: product.id,
    productName: product.name,
    billingFee: 0,
    billingFeeRate: 0,
    currencyCode: ctx.seed.partner.currencyCode,
    salesTax: 0,
    subscriptionId: sub.id,
    vendorName: product.vendorName,
  };
}

/** One seat line: `qty` signed; a negative one becomes a positive `service-credit` under `creditSign: credit-type`. */
function seatLine(ctx: Ctx, charge: SeatCharge, qty: number, type: ItemType, description: string): Draft {
  const { sub, period } = charge;
  const product = ctx.products.get(sub.productId) as SeedProduct;
  const days = daysBetween(charge.from, period.end) + 1;
  const periodDays = daysBetween(period.start, period.end) + 1;
  const credit = qty < 0 && ctx.rules.creditSign === 'credit-type';
  const sign = credit ? 1 : Math.sign(qty);
  const abs = Math.abs(qty);
  const subTotal = sign * divRound(abs * period.rateMilli * days, periodDays);
  const costTotal = sign * divRound(abs * period.costMilli * days, periodDays);
  const partial = days !== periodDays;
  return {
    ...baseItem(ctx, sub, product),
    type: credit ? 'service-credit' : type,
    startPeriod: charge.from,
    endPeriod: ctx.rules.endPeriod === 'inclusive' ? period.end : addDays(period.end, 1),
    quantity: credit ? abs : qty,
    term: sub.billingTerm,
    description,
    details: partial ? `${days} of ${periodDays} days` : '',
    chargeType: 'per',
    price: fromMilli(period.rateMilli),
    subTotal: fromMilli(subTotal),
    cost: fromMilli(period.costMilli),
    costTotal: fromMilli(costTotal),
    total: fromMilli(subTotal),
    amountDue: fromMilli(subTotal),
  };
}

function renderSeatCharge(ctx: Ctx, charge: SeatCharge, extraQuantity = 0): Draft[] {
  const product = ctx.products.get(charge.sub.productId) as SeedProduct;
  if (charge.kind === 'recurring')
    return [seatLine(ctx, charge, charge.qtyNew + extraQuantity, 'subscription', product.name)];
  const { qtyOld, qtyNew } = charge;
  if (ctx.rules.midPeriodChange === 'prorate-line') {
    const description = qtyNew === 0 ? `${product.name} (Canceled) prorated` : `${product.name} prorated`;
    return [seatLine(ctx, charge, qtyNew - qtyOld, 'prorate', description)];
  }
  const month = MONTHS[Number(charge.from.slice(5, 7)) - 1];
  const label = `${month} Partial: ${product.name}`;
  const lines: Draft[] = [];
  if (qtyOld > 0) lines.push(seatLine(ctx, charge, -qtyOld, 'subscription', label));
  if (qtyNew > 0) lines.push(seatLine(ctx, charge, qtyNew, 'subscription', label));
  return lines;
}

function usageLines(ctx: Ctx, meters: SeedUsageMeter[]): Draft[] {
  const first = meters[0] as SeedUsageMeter;
  const sub = ctx.seed.subscriptions.find((s) => s.id === first.subscriptionId) as SeedSubscription;
  const product = ctx.products.get(sub.productId) as SeedProduct;
  const startPeriod = `${first.month}-01`;
  const last = endOfMonth(startPeriod);
  const endPeriod = ctx.rules.endPeriod === 'inclusive' ? last : addDays(last, 1);
  const common = {
    ...baseItem(ctx, sub, product),
    type: 'subscription' as const,
    startPeriod,
    endPeriod,
    term: 'Arrears' as const,
  };
  const amounts = meters.map((m) => ({
    m,
    price: divRound(toMilli(m.quantity) * toMilli(m.unitPrice), 1000),
    cost: divRound(toMilli(m.quantity) * toMilli(m.unitCost), 1000),
  }));
  if (ctx.rules.azureLines === 'per-subscription') {
    const price = amounts.reduce((a, x) => a + x.price, 0);
    const cost = amounts.reduce((a, x) => a + x.cost, 0);
    return [
      {
        ...common,
        quantity: 1,
        unitOfMeasure: 'Each',
        description: `${product.name} - Usage`,
        details: `${first.month} usage`,
        chargeType: 'flat',
        price: fromMilli(price),
        subTotal: fromMilli(price),
        cost: fromMilli(cost),
        costTotal: fromMilli(cost),
        total: fromMilli(price),
        amountDue: fromMilli(price),
      },
    ];
  }
  return amounts.map(({ m, price, cost }) => ({
    ...common,
    quantity: m.quantity,
    description: `${product.name} - ${m.meter}`,
    details: `Resource group: ${m.resourceGroup}`,
    chargeType: 'per',
    price: m.unitPrice,
    subTotal: fromMilli(price),
    cost: m.unitCost,
    costTotal: fromMilli(cost),
    total: fromMilli(price),
    amountDue: fromMilli(price),
  }));
}

/** Usage meters grouped by (subscription, month), billed on the invoice dated the 1st after the month. */
function usageGroups(seed: Pax8Seed): Map<string, SeedUsageMeter[]> {
  const groups = new Map<string, SeedUsageMeter[]>();
  for (const m of seed.usage) {
    const key = `${addMonths(`${m.month}-01`, 1)}|${m.subscriptionId}|${m.month}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return groups;
}

const byLine = (a: Draft, b: Draft) =>
  a.companyName.localeCompare(b.companyName) ||
  a.productName.localeCompare(b.productName) ||
  (a.subscriptionId ?? '').localeCompare(b.subscriptionId ?? '') ||
  a.startPeriod.localeCompare(b.startPeriod) ||
  a.description.localeCompare(b.description) ||
  // Credits before charges on the same period.
  Number(a.type !== 'service-credit') - Number(b.type !== 'service-credit') ||
  a.quantity - b.quantity;

/** Items of every invoice date up to `through` (`YYYY-MM-01`), before ids; `usage: false` leaves out arrears. */
export function itemsByInvoiceDate(
  seed: Pax8Seed,
  rules: Pax8Rules,
  through: string,
  options: { usage?: boolean; corrected?: boolean } = {},
): Map<string, Draft[]> {
  const ctx = context(seed, rules);
  const out = new Map<string, Draft[]>();
  const add = (date: string, lines: Draft[]) => out.set(date, [...(out.get(date) ?? []), ...lines]);
  const errors = options.corrected ? [] : seed.corrections;
  for (const sub of seed.subscriptions) {
    if ((ctx.products.get(sub.productId) as SeedProduct).usage) continue;
    for (const charge of seatCharges(sub, rules, through)) {
      const extra =
        charge.kind === 'recurring'
          ? errors
              .filter((e) => e.subscriptionId === sub.id && e.invoiceDate === charge.invoiceDate)
              .reduce((a, e) => a + e.extraQuantity, 0)
          : 0;
      add(charge.invoiceDate, renderSeatCharge(ctx, charge, extra));
    }
  }
  if (options.usage !== false) {
    for (const [key, meters] of usageGroups(seed)) {
      const date = key.slice(0, 10);
      if (date <= through) add(date, usageLines(ctx, meters));
    }
  }
  for (const lines of out.values()) lines.sort(byLine);
  return out;
}

const withIds = (invoiceId: string, lines: Draft[]): WireInvoiceItem[] =>
  lines.map((line, i) => ({ id: stableId(`${invoiceId}:item:${i}`), ...line }));

function invoiceTotal(items: WireInvoiceItem[], rules: Pax8Rules): number {
  const sum = items.reduce(
    (a, i) => a + toMilli(rules.invoiceTotal === 'partner-cost' ? i.costTotal : i.total),
    0,
  );
  return fromMilli(sum);
}

/**
 * The invoices visible on `today`, oldest first: one per month with charges, released on the release day; a
 * corrected one is `Credited` from its correction day, when its replacement (new id, dated that day) appears.
 */
export function invoicesAsOf(seed: Pax8Seed, rules: Pax8Rules, today: string): DerivedInvoice[] {
  // Paging through items asks for the same invoices many times: memoised per seed object, switches and day.
  const key = `${JSON.stringify(rules)}|${today}`;
  const perSeed = memo.get(seed) ?? new Map<string, DerivedInvoice[]>();
  memo.set(seed, perSeed);
  const hit = perSeed.get(key);
  if (hit) return hit;
  if (perSeed.size > 50) perSeed.clear();
  const computed = computeInvoices(seed, rules, today);
  perSeed.set(key, computed);
  return computed;
}

const memo = new WeakMap<Pax8Seed, Map<string, DerivedInvoice[]>>();

function computeInvoices(seed: Pax8Seed, rules: Pax8Rules, today: string): DerivedInvoice[] {
  const through = startOfMonth(today);
  const wrong = itemsByInvoiceDate(seed, rules, through);
  const right = seed.corrections.length
    ? itemsByInvoiceDate(seed, rules, through, { corrected: true })
    : wrong;
  const out: DerivedInvoice[] = [];
  const make = (
    id: string,
    invoiceDate: string,
    items: WireInvoiceItem[],
    credited: boolean,
  ): DerivedInvoice => {
    const total = invoiceTotal(items, rules);
    const dueDate = addDays(invoiceDate, 14);
    const status = credited ? 'Credited' : today <= dueDate ? 'Unpaid' : 'Paid';
    return {
      invoice: {
        id,
        invoiceDate,
        dueDate,
        status,
        total,
        balance: status === 'Unpaid' ? total : 0,
        carriedBalance: 0,
        currencyCode: seed.partner.currencyCode,
        partnerName: seed.partner.name,
      },
      items,
    };
  };
  for (const [invoiceDate, lines] of [...wrong.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (releaseDateOf(invoiceDate, rules) > today) continue;
    const correction = seed.corrections.find(
      (c): c is typeof c & { correctedOn: string } =>
        c.invoiceDate === invoiceDate && c.correctedOn !== null && c.correctedOn <= today,
    );
    const id = stableId(`invoice:${invoiceDate}`);
    out.push(make(id, invoiceDate, withIds(id, lines), correction !== undefined));
    if (correction) {
      const newId = stableId(`invoice:${invoiceDate}:corrected:${correction.correctedOn}`);
      out.push(make(newId, correction.correctedOn, withIds(newId, right.get(invoiceDate) ?? []), false));
    }
  }
  return out.sort((a, b) => a.invoice.invoiceDate.localeCompare(b.invoice.invoiceDate));
}

/**
 * Draft items (§2.8): what the invoice `monthOffset` months after this month's will carry, as known on `today`
 * (later timeline events are unknown), without arrears usage.
 */
export function draftItemsAsOf(
  seed: Pax8Seed,
  rules: Pax8Rules,
  today: string,
  monthOffset: number,
): WireInvoiceItem[] {
  const invoiceDate = addMonths(startOfMonth(today), monthOffset);
  const known = knownOn(seed, today);
  const lines =
    itemsByInvoiceDate(known, rules, invoiceDate, { usage: false, corrected: true }).get(invoiceDate) ?? [];
  return withIds(stableId(`draft:${invoiceDate}:${today}`), lines);
}

/** The seed as known on `today`: subscriptions not yet started, and later quantity changes and ends, left out. */
export function knownOn(seed: Pax8Seed, today: string): Pax8Seed {
  const subscriptions = seed.subscriptions
    .filter((s) => s.startDate <= today)
    .map((s) => ({
      ...s,
      endDate: s.endDate !== null && s.endDate <= today ? s.endDate : null,
      quantities: s.quantities.filter((q) => q.from <= today),
    }));
  return { ...seed, subscriptions };
}
