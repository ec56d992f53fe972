/**
 * The emulated Pax8 partner account as one timeline: companies, the catalogue, and subscriptions whose quantity
 * changes on dates. Everything the API shows (current subscriptions, history snapshots, invoices and their
 * items, usage summaries) is derived from this model at request time, as of the emulator clock, so the pieces
 * always agree with each other. Dates are `YYYY-MM-DD` (UTC calendar days).
 */
import { createHash } from 'node:crypto';

export type BillingTerm = 'Monthly' | 'Annual';

export interface Pax8Address {
  street: string;
  city: string;
  stateOrProvince: string;
  postalCode: string;
  country: string;
}

export interface SeedCompany {
  id: string;
  name: string;
  address: Pax8Address;
  phone: string;
  website: string;
  /** Partner-set reference (a PSA id); often empty (§2.1). */
  externalId?: string;
  billOnBehalfOfEnabled: boolean;
  selfServiceAllowed: boolean;
  orderApprovalRequired: boolean;
  status: 'Active' | 'Inactive' | 'Deleted';
  /** When the company was last changed (date). */
  updatedDate: string;
}

export interface SeedRate {
  partnerBuyRate: number;
  suggestedRetailPrice: number;
  startQuantityRange: number;
  endQuantityRange: number | null;
  chargeType: 'Per Unit' | 'Flat Rate';
}

export interface SeedPricing {
  billingTerm: 'Monthly' | 'Annual' | '2-Year' | '3-Year' | 'One-Time' | 'Trial' | 'Activation';
  commitmentTerm: string | null;
  commitmentTermInMonths: number | null;
  type: 'Flat' | 'Volume' | 'Tiered' | 'Mark-Up';
  unitOfMeasurement: string;
  rates: SeedRate[];
}

export interface SeedProduct {
  id: string;
  name: string;
  vendorName: string;
  shortDescription: string;
  description: string;
  sku: string;
  vendorSku: string;
  requiresCommitment: boolean;
  /** Unit on invoice items (`User`, `Seat`, `Each`). */
  unitOfMeasure: string;
  /** A consumption product (Azure plan): no recurring charge, usage billed in arrears. */
  usage: boolean;
  pricing: SeedPricing[];
}

export interface SeedSubscription {
  id: string;
  companyId: string;
  productId: string;
  /** How often it is billed. */
  billingTerm: BillingTerm;
  /** The commitment (NCE term), e.g. `{ term: '1-Year', months: 12 }`; null for month-to-month. */
  commitment: { id: string; term: string; months: number } | null;
  /** Customer unit price per billing period (a month, or a year when billed annually). */
  price: number;
  /** Partner unit cost per billing period. */
  partnerCost: number;
  /** First billed day (and the day the subscription appears). */
  startDate: string;
  /** First day no longer billed (the cancellation date); null while running. */
  endDate: string | null;
  /** Quantity from each date on; the first entry is on `startDate`. */
  quantities: Array<{ from: string; quantity: number }>;
  vendorSubscriptionId: string;
  vendorSkuId: string;
  parentSubscriptionId?: string;
}

export interface SeedUsageMeter {
  /** The Azure-plan subscription the usage is billed on. */
  subscriptionId: string;
  /** `YYYY-MM`: the usage month (billed in arrears on the next month's invoice). */
  month: string;
  resourceGroup: string;
  meter: string;
  /** Up to 3 decimals. */
  quantity: number;
  /** Customer price per unit (up to 3 decimals). */
  unitPrice: number;
  /** Partner cost per unit (up to 3 decimals). */
  unitCost: number;
}

/**
 * An approved invoice found wrong: it becomes `Credited` on `correctedOn` and a new invoice replaces it (§2.6).
 * With `correctedOn: null` the error stays: the invoice disagrees with the subscription history for good.
 */
export interface SeedCorrection {
  /** The wrong invoice's date, `YYYY-MM-01`. */
  invoiceDate: string;
  correctedOn: string | null;
  /** The error: this subscription's recurring line billed `extraQuantity` too many. */
  subscriptionId: string;
  extraQuantity: number;
}

export interface Pax8Seed {
  description?: string;
  partner: { name: string; currencyCode: string };
  /** Client-credentials pairs the token endpoint accepts. */
  credentials: Array<{ clientId: string; clientSecret: string }>;
  companies: SeedCompany[];
  products: SeedProduct[];
  subscriptions: SeedSubscription[];
  usage: SeedUsageMeter[];
  corrections: SeedCorrection[];
  /** History snapshots that are never produced (§7 Q13: whether every change makes one is unknown). Optional. */
  historyGaps?: Array<{ subscriptionId: string; date: string }>;
}

/** A stable UUID-shaped id from a name (same name, same id), so generated seeds are deterministic. */
export function stableId(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Quantity of a subscription on a day (0 before its start and from its end date). */
export function quantityOn(sub: SeedSubscription, date: string): number {
  if (date < sub.startDate || (sub.endDate !== null && date >= sub.endDate)) return 0;
  let q = 0;
  for (const step of sub.quantities) if (step.from <= date) q = step.quantity;
  return q;
}

/** Dates on which the billed quantity changes (start, each change, the end), ascending, unique. */
export function changeDates(sub: SeedSubscription): string[] {
  const dates = new Set<string>([sub.startDate, ...sub.quantities.map((s) => s.from)]);
  if (sub.endDate !== null) dates.add(sub.endDate);
  return [...dates].sort();
}

/** Amounts are held in thousandths (Pax8 sends up to 3 decimals, §1.8) so sums and prorations are exact. */
export const toMilli = (amount: number): number => Math.round(amount * 1000);
export const fromMilli = (milli: number): number => milli / 1000;

/** `numerator / denominator` rounded half away from zero, for integers. */
export function divRound(numerator: number, denominator: number): number {
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  return sign * Math.floor((2 * n + d) / (2 * d));
}

/** Checks a seed's references and timelines; throws naming the first bad row. */
export function validateSeed(seed: Pax8Seed): Pax8Seed {
  const fail = (where: string, msg: string): never => {
    throw new Error(`seed.${where}: ${msg}`);
  };
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!seed || typeof seed !== 'object') fail('', 'must be an object');
  for (const key of [
    'credentials',
    'companies',
    'products',
    'subscriptions',
    'usage',
    'corrections',
  ] as const)
    if (!Array.isArray(seed[key])) fail(key, 'must be an array');
  if (!seed.partner?.name || !seed.partner.currencyCode) fail('partner', 'needs name and currencyCode');
  const companies = new Set<string>();
  seed.companies.forEach((c, i) => {
    if (!c.id || !c.name) fail(`companies[${i}]`, 'needs id and name');
    if (companies.has(c.id)) fail(`companies[${i}]`, `duplicate id ${c.id}`);
    companies.add(c.id);
  });
  const products = new Map(seed.products.map((p) => [p.id, p]));
  const subs = new Map<string, SeedSubscription>();
  seed.subscriptions.forEach((s, i) => {
    const at = `subscriptions[${i}]`;
    if (!companies.has(s.companyId)) fail(at, `unknown companyId ${s.companyId}`);
    if (!products.has(s.productId)) fail(at, `unknown productId ${s.productId}`);
    if (!date.test(s.startDate)) fail(at, 'startDate must be YYYY-MM-DD');
    if (s.endDate !== null && (!date.test(s.endDate) || s.endDate <= s.startDate))
      fail(at, 'endDate must be a date after startDate');
    if (s.quantities[0]?.from !== s.startDate) fail(at, 'the first quantity must start on startDate');
    for (let k = 1; k < s.quantities.length; k++) {
      const step = s.quantities[k];
      if (!step || !date.test(step.from) || step.from <= (s.quantities[k - 1]?.from ?? ''))
        fail(`${at}.quantities[${k}]`, 'dates must ascend');
    }
    for (const step of s.quantities)
      if (!Number.isInteger(step.quantity) || step.quantity < 0) fail(at, 'quantities must be integers >= 0');
    if (subs.has(s.id)) fail(at, `duplicate id ${s.id}`);
    subs.set(s.id, s);
  });
  seed.usage.forEach((u, i) => {
    const sub = subs.get(u.subscriptionId);
    if (!sub || !products.get(sub.productId)?.usage)
      fail(`usage[${i}]`, `${u.subscriptionId} is not a usage-product subscription`);
    if (!/^\d{4}-\d{2}$/.test(u.month)) fail(`usage[${i}]`, 'month must be YYYY-MM');
  });
  seed.corrections.forEach((c, i) => {
    if (!/^\d{4}-\d{2}-01$/.test(c.invoiceDate)) fail(`corrections[${i}]`, 'invoiceDate must be YYYY-MM-01');
    if (!subs.has(c.subscriptionId)) fail(`corrections[${i}]`, `unknown subscription ${c.subscriptionId}`);
    if (c.correctedOn !== null && (!date.test(c.correctedOn) || c.correctedOn <= c.invoiceDate))
      fail(`corrections[${i}]`, 'correctedOn must be null or a date after invoiceDate');
  });
  return seed;
}
