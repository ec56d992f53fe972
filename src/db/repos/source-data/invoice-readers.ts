import type { WorkspaceId } from '../../../core/ids';
import type { AzureUsageLine, InvoiceHeader, InvoiceLine } from '../../../core/model/source';
import { Money } from '../../../core/money';
import type { BillingPeriod, PlainDate } from '../../../core/time';
import type { Queryable } from '../../pool';
import { decodeLine, decodeUsage, type LineRow, type UsageRow } from './line-rows';
import type { StoredInvoice } from './types';

interface InvoiceRow {
  id: string;
  billing_period: string;
  issue_date: string;
  currency: string;
  dates_from: InvoiceHeader['datesFrom'];
  line_count: number;
  usage_line_count: number;
  revision: number;
  updated_at: Date;
}

const INVOICE_COLUMNS =
  'id, billing_period, issue_date, currency, dates_from, line_count, usage_line_count, revision, updated_at';

function decodeInvoice(r: InvoiceRow): StoredInvoice {
  return {
    id: r.id,
    billingPeriod: r.billing_period as BillingPeriod,
    issueDate: r.issue_date as PlainDate,
    currency: r.currency,
    datesFrom: r.dates_from,
    lineCount: r.line_count,
    usageLineCount: r.usage_line_count,
    revision: r.revision,
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function getInvoice(
  db: Queryable,
  ws: WorkspaceId,
  invoiceId: string,
): Promise<StoredInvoice | undefined> {
  const res = await db.query<InvoiceRow>(
    `select ${INVOICE_COLUMNS} from invoices where workspace_id = $1 and id = $2`,
    [ws, invoiceId],
  );
  const row = res.rows[0];
  return row ? decodeInvoice(row) : undefined;
}

/** Invoices oldest first (by issue date, then id); `since` keeps those issued on or after that day. */
export async function listInvoices(
  db: Queryable,
  ws: WorkspaceId,
  options: { since?: PlainDate } = {},
): Promise<StoredInvoice[]> {
  const res = await db.query<InvoiceRow>(
    `select ${INVOICE_COLUMNS} from invoices
     where workspace_id = $1 and ($2::date is null or issue_date >= $2::date)
     order by issue_date, id`,
    [ws, options.since ?? null],
  );
  return res.rows.map(decodeInvoice);
}

/** An invoice's lines in file/API order, optionally for one customer. */
export async function getInvoiceLines(
  db: Queryable,
  ws: WorkspaceId,
  invoiceId: string,
  options: { customerTenantId?: string } = {},
): Promise<InvoiceLine[]> {
  const res = await db.query<LineRow>(
    `select * from invoice_lines
     where workspace_id = $1 and invoice_id = $2 and ($3::text is null or customer_tenant_id = $3)
     order by line_number`,
    [ws, invoiceId, options.customerTenantId?.toLowerCase() ?? null],
  );
  return res.rows.map(decodeLine);
}

/** An invoice's lines grouped by customer tenant id, in one read (cheaper than a call per customer). */
export async function getInvoiceLinesByCustomer(
  db: Queryable,
  ws: WorkspaceId,
  invoiceId: string,
): Promise<Map<string, InvoiceLine[]>> {
  const byCustomer = new Map<string, InvoiceLine[]>();
  for (const l of await getInvoiceLines(db, ws, invoiceId)) {
    const list = byCustomer.get(l.customerTenantId);
    if (list) list.push(l);
    else byCustomer.set(l.customerTenantId, [l]);
  }
  return byCustomer;
}

/** An invoice's Azure plan daily usage rows in file order, optionally for one customer. */
export async function getAzureUsageLines(
  db: Queryable,
  ws: WorkspaceId,
  invoiceId: string,
  options: { customerTenantId?: string } = {},
): Promise<AzureUsageLine[]> {
  const res = await db.query<UsageRow>(
    `select * from azure_usage_lines
     where workspace_id = $1 and invoice_id = $2 and ($3::text is null or customer_tenant_id = $3)
     order by line_number`,
    [ws, invoiceId, options.customerTenantId?.toLowerCase() ?? null],
  );
  return res.rows.map(decodeUsage);
}

/**
 * A customer's Azure plan cost on one invoice (spec section 6, R-9: one PSA line at the month's cost total).
 * `invoiced` sums the Azure plan lines of the recon file (what Microsoft billed), `dailyUsage` the daily-rated
 * usage rows; `cost` is the invoiced amount when the recon file was imported, else the daily total. The two
 * should agree; a difference is for the reconciliation view to show.
 */
export interface AzureCostTotal {
  customerTenantId: string;
  customerName: string;
  cost: Money;
  invoiced: Money | undefined;
  dailyUsage: Money | undefined;
  /** Rows summed: Azure plan lines of the invoice plus daily usage rows. */
  invoiceLineCount: number;
  usageLineCount: number;
}

/** Per customer, the Azure plan cost of an invoice (see AzureCostTotal), ordered by customer name. */
export async function getAzureUsageTotals(
  db: Queryable,
  ws: WorkspaceId,
  invoiceId: string,
): Promise<AzureCostTotal[]> {
  const res = await db.query<{
    tenant: string;
    name: string;
    invoiced: string | null;
    invoiced_currency: string | null;
    invoice_lines: number;
    usage: string | null;
    usage_currency: string | null;
    usage_lines: number;
  }>(
    `with inv as (
       select customer_tenant_id as tenant, max(customer_name) as name, sum(subtotal) as total,
              max(billing_currency) as currency, count(*)::int as n
       from invoice_lines where workspace_id = $1 and invoice_id = $2 and kind = 'azure_usage'
       group by customer_tenant_id),
     use as (
       select customer_tenant_id as tenant, max(customer_name) as name, sum(cost) as total,
              max(billing_currency) as currency, count(*)::int as n
       from azure_usage_lines where workspace_id = $1 and invoice_id = $2
       group by customer_tenant_id)
     select coalesce(inv.tenant, use.tenant) as tenant, coalesce(inv.name, use.name) as name,
            inv.total as invoiced, inv.currency as invoiced_currency, coalesce(inv.n, 0) as invoice_lines,
            use.total as usage, use.currency as usage_currency, coalesce(use.n, 0) as usage_lines
     from inv full outer join use on inv.tenant = use.tenant
     order by 2, 1`,
    [ws, invoiceId],
  );
  return res.rows.map((r) => {
    const invoiced =
      r.invoiced !== null && r.invoiced_currency ? Money.of(r.invoiced, r.invoiced_currency) : undefined;
    const dailyUsage = r.usage !== null && r.usage_currency ? Money.of(r.usage, r.usage_currency) : undefined;
    return {
      customerTenantId: r.tenant,
      customerName: r.name,
      cost: (invoiced ?? dailyUsage)!,
      invoiced,
      dailyUsage,
      invoiceLineCount: r.invoice_lines,
      usageLineCount: r.usage_lines,
    };
  });
}
