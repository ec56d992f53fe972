import { IntegrationError } from '../../core/integration-error';
import {
  type BillingPlan,
  offerKeyText,
  type PriceListEntry,
  type SourceCustomer,
  type TermDuration,
} from '../../core/model/source';
import type { Decimal } from '../../core/money';
import { type BillingPeriod, firstDayOf, nextPeriod, type PlainDate } from '../../core/time';
import { crossCheckSeats, type HistorySnapshot, historyFromWire, type SeatDisagreement } from './cross-check';
import { type CatalogProduct, priceListFromWire, productFromWire, type SkippedPricing } from './map-catalog';
import { customerFromWire } from './map-customers';
import {
  type AzureTotal,
  invoiceFromWire,
  invoiceHeaderFromWire,
  type MappedInvoice,
  type PeriodEnd,
  type SubscriptionFacts,
  subscriptionFromWire,
} from './map-invoices';
import type { Pax8Client } from './pax8-client';
import type { WireInvoice, WireInvoiceItem } from './wire-types';
import { normalizeGuid } from './wire-values';

export interface Pax8PullOptions {
  /** Only invoices of this billing period and later (every invoice when undefined). */
  since?: BillingPeriod;
  /** The day the price list is read: the first day its entries apply from (see priceListFromWire). */
  priceListFrom: PlainDate;
  /** The partner's currency; default: the invoices' (else the subscriptions') currency. */
  currency?: string;
  /** Read each invoiced subscription's history and cross-check its seats (default true). */
  crossCheck?: boolean;
  /** Price the products in use (subscriptions and invoice items, default) or the whole catalog of `vendors`. */
  catalog?: 'in-use' | 'all';
  /** Vendors whose products are synced (default Microsoft). */
  vendors?: readonly string[];
  /** The end convention of invoice item periods, when known; detected per invoice otherwise. */
  periodEnd?: PeriodEnd;
  onProgress?: (message: string) => void;
}

export interface Pax8PullError {
  stage: 'companies' | 'subscriptions' | 'invoices' | 'items' | 'products' | 'pricing' | 'history';
  id?: string;
  kind: string;
  message: string;
}

export interface Pax8PullResult {
  customers: SourceCustomer[];
  priceList: PriceListEntry[];
  skippedPricing: SkippedPricing[];
  subscriptions: SubscriptionFacts[];
  /** Invoices that bill, oldest first, with their lines, usage and notes. */
  invoices: MappedInvoice[];
  /**
   * Invoices Pax8 credited in full or voided (a correction issues a new one): their lines must not bill. Remove
   * them from the store if they were stored earlier; the new invoice of the same billing period replaces them.
   */
  withdrawn: { id: string; billingPeriod: BillingPeriod; status: string }[];
  /** Azure per customer and billing period (sum over the live invoices of the period). */
  azure: AzureTotal[];
  /** Seats the invoices bill that the subscriptions' history contradicts (do not write these as they are). */
  disagreements: SeatDisagreement[];
  currency: string;
  errors: Pax8PullError[];
}

/** Failures that make every further call fail the same way: stop the pull instead of listing them. */
const FATAL = new Set(['auth', 'forbidden']);

function pullError(stage: Pax8PullError['stage'], error: unknown, id?: string): Pax8PullError {
  if (error instanceof IntegrationError && FATAL.has(error.kind)) throw error;
  const kind = error instanceof IntegrationError ? error.kind : error instanceof Error ? error.name : 'error';
  const message = error instanceof Error ? error.message : String(error);
  return { stage, ...(id ? { id } : {}), kind, message };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

/**
 * Reads a Pax8 partner's data and normalizes it into billsync's source model (not stored: the caller stores it):
 * companies as customers, the catalog's pricing as the price list, subscriptions, invoices (from `since` on,
 * oldest first) with their items as InvoiceLines and Azure usage, credited/void invoices to withdraw, and the
 * cross-check of invoiced seats against the subscriptions' history. A failing invoice or product is listed in
 * `errors` and the pull goes on; credential and permission failures stop it.
 */
export async function pullPax8(client: Pax8Client, options: Pax8PullOptions): Promise<Pax8PullResult> {
  const progress = options.onProgress ?? (() => {});
  const vendors = (options.vendors ?? ['Microsoft']).map((v) => v.toLowerCase());
  const errors: Pax8PullError[] = [];
  const customers: SourceCustomer[] = [];
  try {
    for await (const c of client.listCompanies()) customers.push(customerFromWire(c));
    progress(`companies: ${customers.length} read`);
  } catch (error) {
    errors.push(pullError('companies', error));
  }
  const rawSubscriptions = [];
  try {
    rawSubscriptions.push(...(await all(client.listSubscriptions())));
    progress(`subscriptions: ${rawSubscriptions.length} read`);
  } catch (error) {
    errors.push(pullError('subscriptions', error));
  }
  const subscriptions = rawSubscriptions.map(subscriptionFromWire);

  // Invoices first (headers and items), so the catalog can be priced for what is in use.
  let wireInvoices: WireInvoice[] = [];
  try {
    wireInvoices = await all(client.listInvoices());
  } catch (error) {
    errors.push(pullError('invoices', error));
  }
  const dated = wireInvoices
    .flatMap((inv) => {
      try {
        return [{ inv, header: invoiceHeaderFromWire(inv) }];
      } catch (error) {
        errors.push(pullError('invoices', error, inv.id));
        return [];
      }
    })
    .filter((x) => options.since === undefined || x.header.billingPeriod >= options.since)
    .sort((a, b) =>
      a.header.issueDate === b.header.issueDate
        ? a.header.id.localeCompare(b.header.id)
        : a.header.issueDate < b.header.issueDate
          ? -1
          : 1,
    );
  const items = new Map<string, WireInvoiceItem[]>();
  for (const { inv } of dated) {
    try {
      items.set(inv.id, await all(client.listInvoiceItems(inv.id)));
    } catch (error) {
      errors.push(pullError('items', error, inv.id));
    }
  }
  // Subscriptions the invoices name but the list did not return (cancelled ones may be left out): read one by one,
  // since their commitment decides the offer of their lines.
  const listed = new Set(subscriptions.map((s) => s.id));
  const missing = new Set<string>();
  for (const list of items.values())
    for (const it of list) {
      const id = normalizeGuid(it.subscriptionId);
      if (id && !listed.has(id)) missing.add(id);
    }
  for (const id of [...missing].sort()) {
    try {
      const wire = await client.getSubscription(id);
      rawSubscriptions.push(wire);
      subscriptions.push(subscriptionFromWire(wire));
    } catch (error) {
      errors.push(pullError('subscriptions', error, id));
    }
  }
  const currency =
    options.currency?.toUpperCase() ??
    mostCommon(dated.map((d) => d.header.currency)) ??
    mostCommon(rawSubscriptions.map((s) => (s.currencyCode ?? '').toUpperCase())) ??
    'USD';

  // The catalog: products (for SKU and names) and pricing of those in use (or of every product of the vendors).
  const products = new Map<string, CatalogProduct>();
  try {
    for await (const p of client.listProducts()) {
      const product = productFromWire(p);
      products.set(product.id, product);
    }
  } catch (error) {
    errors.push(pullError('products', error));
  }
  const inUse = new Set<string>();
  for (const s of subscriptions) if (s.productId) inUse.add(s.productId);
  for (const list of items.values())
    for (const it of list) {
      const id = normalizeGuid(it.productId);
      if (id) inUse.add(id);
    }
  const priced = [...products.values()].filter(
    (p) =>
      (options.catalog === 'all' || inUse.has(p.id)) &&
      (p.vendorName === '' || vendors.includes(p.vendorName.toLowerCase())),
  );
  const priceList: PriceListEntry[] = [];
  const skippedPricing: SkippedPricing[] = [];
  const terms = new Map<string, { billingPlan: BillingPlan; term: TermDuration }[]>();
  for (const product of priced) {
    try {
      const rows = await client.getPricing(product.id);
      const mapped = priceListFromWire(product, rows, { currency, effectiveFrom: options.priceListFrom });
      priceList.push(...mapped.entries);
      skippedPricing.push(...mapped.skipped);
      terms.set(
        product.id,
        mapped.entries.map((e) => ({ billingPlan: e.offer.billingPlan, term: e.offer.term })),
      );
    } catch (error) {
      errors.push(pullError('pricing', error, product.id));
    }
  }
  progress(`price list: ${priceList.length} entries of ${priced.length} products`);

  // The list leaves `commitmentTerm` out (pax8-api.md 2.4): where the product is sold under more than one term for
  // the subscription's billing plan (month to month and 1-year billed monthly), only the detail says which.
  for (const [i, s] of subscriptions.entries()) {
    if (s.commitmentMonths !== undefined || !s.billingPlan) continue;
    const offered = terms.get(s.productId)?.filter((t) => t.billingPlan === s.billingPlan) ?? [];
    if (new Set(offered.map((t) => t.term)).size < 2) continue;
    try {
      subscriptions[i] = subscriptionFromWire(await client.getSubscription(s.id));
    } catch (error) {
      errors.push(pullError('subscriptions', error, s.id));
    }
  }

  const listCosts = new Map(priceList.map((e) => [offerKeyText(e.offer), e.cost.amount]));
  const ctx = {
    listCosts,
    products,
    subscriptions: new Map(subscriptions.map((s) => [s.id, s])),
    customers: new Map(customers.map((c) => [c.tenantId, c])),
    terms,
    rates: new Map<string, Decimal>(),
    vendors,
    ...(options.periodEnd ? { periodEnd: options.periodEnd } : {}),
  };
  const invoices: MappedInvoice[] = [];
  const withdrawn: Pax8PullResult['withdrawn'] = [];
  for (const { inv, header } of dated) {
    const list = items.get(inv.id);
    if (!list) continue;
    try {
      const mapped = invoiceFromWire(inv, list, ctx);
      if (mapped.live) invoices.push(mapped);
      else withdrawn.push({ id: header.id, billingPeriod: header.billingPeriod, status: mapped.status });
      progress(
        `invoice ${header.id} (${header.billingPeriod}): ${mapped.lines.length} lines${mapped.live ? '' : `, ${mapped.status}: withdrawn`}`,
      );
    } catch (error) {
      errors.push(pullError('items', error, inv.id));
    }
  }

  const azure = new Map<string, AzureTotal>();
  for (const inv of invoices) {
    for (const t of inv.azure) {
      const key = `${t.customerTenantId}|${t.billingPeriod}`;
      const prev = azure.get(key);
      azure.set(
        key,
        prev
          ? {
              ...prev,
              cost: prev.cost.add(t.cost),
              retail: prev.retail.add(t.retail),
              lines: prev.lines + t.lines,
            }
          : t,
      );
    }
  }

  const disagreements: SeatDisagreement[] = [];
  if (options.crossCheck !== false) {
    const lines = invoices.flatMap((i) => i.lines);
    const invoiced = [
      ...new Set(lines.filter((l) => l.kind === 'license').map((l) => l.subscriptionId)),
    ].filter((id) => id !== '');
    const histories = new Map<string, HistorySnapshot[]>();
    for (const id of invoiced.sort()) {
      try {
        histories.set(id, historyFromWire(await client.getSubscriptionHistory(id)));
      } catch (error) {
        errors.push(pullError('history', error, id));
      }
    }
    // Changes after the newest invoice are billed by the next one (crossCheckSeats, billedThrough). The invoice of
    // period M (dated the 1st of M+1) bills the changes up to that 1st: a re-issue dated later bills no more.
    const billedThrough = invoices
      .map((i) => firstDayOf(nextPeriod(i.header.billingPeriod)))
      .sort()
      .at(-1);
    disagreements.push(...crossCheckSeats(lines, histories, { billedThrough }));
  }

  return {
    customers,
    priceList,
    skippedPricing,
    subscriptions,
    invoices,
    withdrawn,
    azure: [...azure.values()],
    disagreements,
    currency,
    errors,
  };
}
