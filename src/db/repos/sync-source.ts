import type { WorkspaceId } from '../../core/ids';
import { type InvoiceLine, type OfferKey, offerKeyText } from '../../core/model/source';
import { Money } from '../../core/money/money';
import { azurePlanOffer, canonicalOffer } from '../../core/planner/azure-line';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';
import { decodeLine, type LineRow } from './source-data/line-rows';

/** Source reads the sync engine makes: few queries, whatever the number of invoices. */

/** Every stored line of some customers (all invoices issued up to `asOf`), grouped by tenant id. */
export async function linesOfCustomers(
  db: Queryable,
  ws: WorkspaceId,
  tenantIds: readonly string[],
  asOf: PlainDate,
): Promise<Map<string, InvoiceLine[]>> {
  const res = await db.query<LineRow>(
    `select l.* from invoice_lines l join invoices i on i.workspace_id = l.workspace_id and i.id = l.invoice_id
     where l.workspace_id = $1 and l.customer_tenant_id = any($2::text[]) and i.issue_date <= $3
     order by l.invoice_id, l.line_number`,
    [ws, tenantIds.map((t) => t.toLowerCase()), asOf],
  );
  const out = new Map<string, InvoiceLine[]>(tenantIds.map((t) => [t.toLowerCase(), []]));
  for (const row of res.rows) {
    const line = decodeLine(row);
    out.get(line.customerTenantId)?.push(line);
  }
  return out;
}

/** A customer's Azure plan usage on one invoice: the cost total and the currency of the Azure plan offer. */
export interface AzureUsageTotal {
  cost: Money;
  /** The pricing currency (the canonical Azure plan offer's currency, as the product sync keys it). */
  offerCurrency: string;
}

/**
 * Azure plan cost per customer and invoice: the invoiced Azure plan lines of the recon file, or the daily-rated
 * usage total when only the usage file was imported.
 */
export async function azureCostsOfCustomers(
  db: Queryable,
  ws: WorkspaceId,
  tenantIds: readonly string[],
): Promise<Map<string, Map<string, AzureUsageTotal>>> {
  const res = await db.query<{
    tenant: string;
    invoice_id: string;
    total: string;
    currency: string;
    pricing: string;
  }>(
    `with inv as (
       select customer_tenant_id as tenant, invoice_id, sum(subtotal) as total, max(billing_currency) as currency,
              max(pricing_currency) as pricing
       from invoice_lines where workspace_id = $1 and kind = 'azure_usage' and customer_tenant_id = any($2::text[])
       group by 1, 2),
     use as (
       select customer_tenant_id as tenant, invoice_id, sum(cost) as total, max(billing_currency) as currency,
              max(pricing_currency) as pricing
       from azure_usage_lines where workspace_id = $1 and customer_tenant_id = any($2::text[])
       group by 1, 2)
     select coalesce(inv.tenant, use.tenant) as tenant, coalesce(inv.invoice_id, use.invoice_id) as invoice_id,
            coalesce(inv.total, use.total)::text as total, coalesce(inv.currency, use.currency) as currency,
            coalesce(inv.pricing, use.pricing) as pricing
     from inv full outer join use on inv.tenant = use.tenant and inv.invoice_id = use.invoice_id`,
    [ws, tenantIds.map((t) => t.toLowerCase())],
  );
  const out = new Map<string, Map<string, AzureUsageTotal>>();
  for (const r of res.rows) {
    const m = out.get(r.tenant) ?? new Map<string, AzureUsageTotal>();
    m.set(r.invoice_id, { cost: Money.of(r.total, r.currency), offerCurrency: r.pricing });
    out.set(r.tenant, m);
  }
  return out;
}

export interface InUseOffer {
  offer: OfferKey;
  productTitle: string;
  skuTitle: string;
}

/** Title of the Azure plan offer when only a usage file names it (the usage file has no product columns). */
const AZURE_PLAN_TITLE = 'Azure plan';

/**
 * Offers invoiced to customers whose sync is on (the product sync's "In Use" scope), with titles: the license
 * and Azure plan lines of the recon files, and the Azure plan of customers whose Azure usage came only in a
 * usage file. Azure plan is one canonical offer per currency (`canonicalOffer`), whatever market the recon line
 * names; each offer once. Only invoices issued from the mapping's sync start up to `asOf` count.
 */
export async function inUseOffers(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  asOf: PlainDate,
  /** Only these customers (tenant ids); default every customer whose sync is on. */
  tenantIds?: readonly string[],
): Promise<InUseOffer[]> {
  const only = tenantIds?.map((t) => t.toLowerCase()) ?? null;
  const lines = await db.query<{
    product_id: string;
    sku_id: string;
    term: OfferKey['term'];
    billing_plan: OfferKey['billingPlan'];
    segment: OfferKey['segment'];
    market: string;
    pricing_currency: string;
    product_title: string;
    sku_title: string;
  }>(
    `select l.product_id, l.sku_id, l.term, l.billing_plan, l.segment, l.market, l.pricing_currency,
            max(l.product_title) as product_title, max(l.sku_title) as sku_title
     from invoice_lines l
     join invoices i on i.workspace_id = l.workspace_id and i.id = l.invoice_id
     join customer_mappings m on m.workspace_id = l.workspace_id and m.tenant_id = l.customer_tenant_id
     where l.workspace_id = $1 and m.target = $2 and m.sync_on and i.issue_date <= $3
       and i.issue_date >= m.sync_start and l.kind in ('license', 'azure_usage')
       and ($4::text[] is null or m.tenant_id = any($4::text[]))
     group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7`,
    [ws, target, asOf, only],
  );
  const usage = await db.query<{ pricing_currency: string }>(
    `select distinct u.pricing_currency
     from azure_usage_lines u
     join invoices i on i.workspace_id = u.workspace_id and i.id = u.invoice_id
     join customer_mappings m on m.workspace_id = u.workspace_id and m.tenant_id = u.customer_tenant_id
     where u.workspace_id = $1 and m.target = $2 and m.sync_on and i.issue_date <= $3
       and i.issue_date >= m.sync_start and ($4::text[] is null or m.tenant_id = any($4::text[]))
     order by 1`,
    [ws, target, asOf, only],
  );
  const out = new Map<string, InUseOffer>();
  const add = (o: InUseOffer) => {
    const offer = canonicalOffer(o.offer);
    const key = offerKeyText(offer);
    if (!out.has(key)) out.set(key, { ...o, offer });
  };
  for (const r of lines.rows) {
    add({
      offer: {
        productId: r.product_id,
        skuId: r.sku_id,
        term: r.term,
        billingPlan: r.billing_plan,
        segment: r.segment,
        market: r.market,
        currency: r.pricing_currency,
      },
      productTitle: r.product_title,
      skuTitle: r.sku_title,
    });
  }
  for (const r of usage.rows) {
    add({
      offer: azurePlanOffer(r.pricing_currency),
      productTitle: AZURE_PLAN_TITLE,
      skuTitle: AZURE_PLAN_TITLE,
    });
  }
  return [...out.values()];
}

/** The offers ever invoiced to one customer (license and Azure lines, any invoice), and whether it has Azure usage. */
export async function offersOfCustomer(
  db: Queryable,
  ws: WorkspaceId,
  tenantId: string,
): Promise<{ offers: OfferKey[]; azureCurrencies: string[] }> {
  const lines = await db.query<{
    product_id: string;
    sku_id: string;
    term: OfferKey['term'];
    billing_plan: OfferKey['billingPlan'];
    segment: OfferKey['segment'];
    market: string;
    pricing_currency: string;
  }>(
    `select distinct product_id, sku_id, term, billing_plan, segment, market, pricing_currency
     from invoice_lines where workspace_id = $1 and customer_tenant_id = $2 and kind in ('license', 'azure_usage')`,
    [ws, tenantId.toLowerCase()],
  );
  const usage = await db.query<{ pricing_currency: string }>(
    `select distinct pricing_currency from azure_usage_lines where workspace_id = $1 and customer_tenant_id = $2`,
    [ws, tenantId.toLowerCase()],
  );
  return {
    offers: lines.rows.map((r) => ({
      productId: r.product_id,
      skuId: r.sku_id,
      term: r.term,
      billingPlan: r.billing_plan,
      segment: r.segment,
      market: r.market,
      currency: r.pricing_currency,
    })),
    azureCurrencies: usage.rows.map((r) => r.pricing_currency),
  };
}
