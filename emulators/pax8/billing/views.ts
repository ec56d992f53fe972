/**
 * Wire views of companies, products, subscriptions (current state and history snapshots) and Azure usage
 * summaries, as of a day of the emulator clock. Date-times come in the mix of forms Pax8's examples show
 * (§1.7): `…Z`, a bare date in a date-time field, and an offset without a colon (`-0700`).
 */
import { addDays, addMonths, daysInMonth, startOfMonth } from '../../kit';
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

/** Deterministic pick of one of the date-time forms per record, so every client meets all of them. */
function styleOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % 3;
}

/** A midnight date-time in one of the forms seen in the spec's examples. */
export function dateTime(date: string, id: string): string {
  switch (styleOf(id)) {
    case 0:
      return `${date}T00:00:00Z`;
    case 1:
      return date;
    default:
      // Mountain time midnight, offset without a colon (Java SSSZ): still the same UTC calendar day.
      return `${date}T00:00:00.000-0700`;
  }
}

/** A time-of-day stamp (updatedDate) with the colon-less offset of the examples. */
export const stamp = (date: string): string => `${date}T13:20:13.153-0700`;

export function companyView(company: SeedCompany, detail: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: company.id,
    name: company.name,
    address: company.address,
    website: company.website,
    externalId: company.externalId ?? '',
    billOnBehalfOfEnabled: company.billOnBehalfOfEnabled,
    selfServiceAllowed: company.selfServiceAllowed,
    status: company.status,
    updatedDate: stamp(company.updatedDate).replace('-0700', '-0600'),
  };
  // List items are sparse in the spec's example (§2.1): no phone, no orderApprovalRequired.
  return detail
    ? { ...base, phone: company.phone, orderApprovalRequired: company.orderApprovalRequired }
    : base;
}

export function productView(product: SeedProduct, detail: boolean): Record<string, unknown> {
  const base = {
    id: product.id,
    name: product.name,
    vendorName: product.vendorName,
    shortDescription: product.shortDescription,
    sku: product.sku,
    vendorSku: product.vendorSku,
    requiresCommitment: product.requiresCommitment,
  };
  return detail ? { ...base, description: product.description } : base;
}

export function pricingView(product: SeedProduct): Array<Record<string, unknown>> {
  return product.pricing.map((row) => ({ productId: product.id, productName: product.name, ...row }));
}

/** The subscription as it stood on `on` (a snapshot): quantity, status and dates known that day. */
export function subscriptionView(
  seed: Pax8Seed,
  rules: Pax8Rules,
  sub: SeedSubscription,
  on: string,
  detail: boolean,
): Record<string, unknown> {
  const product = seed.products.find((p) => p.id === sub.productId) as SeedProduct;
  const ended = sub.endDate !== null && sub.endDate <= on;
  const lastDay = ended ? (sub.endDate as string) : on;
  const changed = changeDates(sub).filter((d) => d <= lastDay);
  const quantity = ended
    ? quantityOn(sub, changed.filter((d) => d < (sub.endDate as string)).at(-1) ?? sub.startDate)
    : quantityOn(sub, on);
  const view: Record<string, unknown> = {
    id: sub.id,
    companyId: sub.companyId,
    productId: sub.productId,
    productName: product.name,
    quantity,
    startDate: dateTime(sub.startDate, sub.id),
    ...(ended ? { endDate: dateTime(sub.endDate as string, sub.id) } : {}),
    createdDate: sub.startDate,
    billingStart: sub.startDate,
    status: ended ? 'Cancelled' : 'Active',
    price: rules.subscriptionPrice === 'customer' ? sub.price : sub.partnerCost,
    currencyCode: seed.partner.currencyCode,
    billingTerm: sub.billingTerm,
    ...(sub.parentSubscriptionId ? { parentSubscriptionId: sub.parentSubscriptionId } : {}),
  };
  if (!detail) return view;
  // Detail-only fields (§2.4: absent from the list example; vendorSkuId only on GET by id).
  let commitmentTerm: Record<string, unknown> | null = null;
  if (sub.commitment) {
    let end = addMonths(sub.startDate, sub.commitment.months);
    while (end <= on) end = addMonths(end, sub.commitment.months);
    commitmentTerm = { id: sub.commitment.id, term: sub.commitment.term, endDate: dateTime(end, sub.id) };
  }
  return {
    ...view,
    updatedDate: stamp(changed.at(-1) ?? sub.startDate),
    partnerCost: sub.partnerCost,
    vendorSubscriptionId: sub.vendorSubscriptionId,
    vendorSkuId: sub.vendorSkuId,
    commitmentTerm,
  };
}

/** History: one full snapshot per change (start, each quantity change, the end) up to `today` (§2.4). */
export function historyView(
  seed: Pax8Seed,
  rules: Pax8Rules,
  sub: SeedSubscription,
  today: string,
): Array<Record<string, unknown>> {
  const gaps = new Set(
    (seed.historyGaps ?? []).filter((g) => g.subscriptionId === sub.id).map((g) => g.date),
  );
  const snapshots = changeDates(sub)
    .filter((d) => d <= today && !gaps.has(d))
    .map((d) => subscriptionView(seed, rules, sub, d, true));
  return rules.historyOrder === 'newest-first' ? snapshots.reverse() : snapshots;
}

export interface UsageSummaryView {
  id: string;
  subscriptionId: string;
  companyId: string;
  productId: string;
  resourceGroup: string;
  vendorName: string;
  currentCharges: number;
  currencyCode: string;
  partnerTotal: number;
  isTrial: boolean;
}

/** A meter's quantity on one day of its month, in thousandths: an even split, the remainder on the last day. */
function dailyMilli(meter: SeedUsageMeter, date: string): number {
  const days = daysInMonth(Number(meter.month.slice(0, 4)), Number(meter.month.slice(5, 7)));
  const total = toMilli(meter.quantity);
  const base = Math.floor(total / days);
  return Number(date.slice(8, 10)) === days ? total - base * (days - 1) : base;
}

export function usageLineView(meter: SeedUsageMeter, summaryId: string, date: string, seed: Pax8Seed) {
  const q = dailyMilli(meter, date);
  const charges = divRound(q * toMilli(meter.unitPrice), 1000);
  const cost = divRound(q * toMilli(meter.unitCost), 1000);
  const sub = seed.subscriptions.find((s) => s.id === meter.subscriptionId) as SeedSubscription;
  return {
    usageSummaryId: summaryId,
    usageDate: date,
    productName: meter.meter,
    productId: sub.productId,
    unitOfMeasure: 'Each',
    quantity: fromMilli(q),
    currentCharges: fromMilli(charges),
    currentProfit: fromMilli(charges - cost),
    partnerTotal: fromMilli(cost),
    unitPrice: meter.unitPrice,
    currencyCode: seed.partner.currencyCode,
    isTrial: false,
  };
}

/** Usage summaries of the current month (§2.9: only "current month" is documented), one per resource group. */
export function usageSummaries(
  seed: Pax8Seed,
  today: string,
): Array<UsageSummaryView & { meters: SeedUsageMeter[] }> {
  const month = today.slice(0, 7);
  const groups = new Map<string, SeedUsageMeter[]>();
  for (const m of seed.usage) {
    if (m.month !== month) continue;
    const key = `${m.subscriptionId}|${m.resourceGroup}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const out: Array<UsageSummaryView & { meters: SeedUsageMeter[] }> = [];
  for (const meters of groups.values()) {
    const first = meters[0] as SeedUsageMeter;
    const sub = seed.subscriptions.find((s) => s.id === first.subscriptionId) as SeedSubscription;
    const product = seed.products.find((p) => p.id === sub.productId) as SeedProduct;
    const id = stableId(`usage:${sub.id}:${month}:${first.resourceGroup}`);
    let charges = 0;
    let cost = 0;
    // Month to date: the days before today (usage is posted daily, after the day).
    for (let d = startOfMonth(today); d < today; d = addDays(d, 1)) {
      for (const m of meters) {
        const line = usageLineView(m, id, d, seed);
        charges += toMilli(line.currentCharges);
        cost += toMilli(line.partnerTotal);
      }
    }
    out.push({
      id,
      subscriptionId: sub.id,
      companyId: sub.companyId,
      productId: product.id,
      resourceGroup: first.resourceGroup,
      vendorName: product.vendorName,
      currentCharges: fromMilli(charges),
      currencyCode: seed.partner.currencyCode,
      partnerTotal: fromMilli(cost),
      isTrial: false,
      meters,
    });
  }
  return out.sort((a, b) => a.resourceGroup.localeCompare(b.resourceGroup));
}
