import type { WorkspaceId } from '../../core/ids';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';
import type { RunRow } from './runs';

/** One billing period of the dashboard chart (money as decimal strings, in `currency`). */
export interface MonthlyReportRow {
  period: string;
  currency: string;
  /** What Microsoft billed for the lines of invoices synced to the PSA (license and Azure lines). */
  synced_cost: string;
  /** Retail of the same lines: price-list retail for licenses, cost plus the program's Azure markup for Azure. */
  synced_retail: string;
  /** Lines of synced invoices without a price-list retail (counted at cost: no margin). */
  unpriced_lines: number;
  synced_customers: number;
  /** What Microsoft billed for every customer (synced or not). */
  invoiced_cost: string;
}

/**
 * Cost and retail per billing period for the `months` periods before the one of `today` (the latest one can
 * already be invoiced). Lines are summed per offer and charge start first, so the retail lookup runs once per
 * group, not once per line (an invoice may have 100,000 lines).
 */
export async function monthlyReportRows(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  today: PlainDate,
  months: number,
): Promise<MonthlyReportRow[]> {
  const res = await db.query<MonthlyReportRow>(
    `with periods as (
       select to_char(d, 'YYYY-MM') as period
       from generate_series(date_trunc('month', $3::date) - make_interval(months => $4::int),
                            date_trunc('month', $3::date) - interval '1 month', interval '1 month') d
     ),
     -- The Azure markup: the price rule for every customer on the Azure plan product in force today (decision
     -- 0013), else the program's stored setting (from before the rules).
     markup as (
       select coalesce(
         (select r.value from price_rules r
          where r.workspace_id = $1 and r.customer_tenant_id is null and r.offers_kind = 'product'
            and upper(r.offers_value) = 'DZH318Z0BPS6' and r.method = 'markup' and r.basis = 'cost'
            and r.valid_from <= $3::date and (r.valid_to is null or r.valid_to >= $3::date)
          order by r.position, r.valid_from desc limit 1),
         (select (settings->>'azureMarkupPercent')::numeric from programs where workspace_id = $1 and target = $2),
         0) as pct
     ),
     grouped as (
       select i.billing_period as period, l.billing_currency as currency, l.customer_tenant_id as tenant,
              l.kind, l.product_id, l.sku_id, l.term, l.billing_plan, l.segment, l.market, l.pricing_currency,
              l.charge_start, (s.tenant_id is not null) as synced, sum(l.subtotal) as cost, count(*) as lines
       from invoices i
       join invoice_lines l on l.workspace_id = i.workspace_id and l.invoice_id = i.id
       left join synced_invoices s on s.workspace_id = i.workspace_id and s.target = $2
         and s.tenant_id = l.customer_tenant_id and s.invoice_id = i.id
       where i.workspace_id = $1 and l.kind in ('license', 'azure_usage')
         and i.billing_period in (select period from periods)
       group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
     ),
     priced as (
       select g.*,
              case when g.kind = 'azure_usage' then g.cost * (1 + (select pct from markup) / 100)
                   else (select g.cost * pe.retail / pe.cost from price_list_entries pe
                         where pe.workspace_id = $1 and pe.product_id = g.product_id and pe.sku_id = g.sku_id
                           and pe.term = g.term and pe.billing_plan = g.billing_plan and pe.segment = g.segment
                           and pe.market = g.market and pe.currency = g.pricing_currency
                           and pe.effective_start <= g.charge_start
                           and (pe.effective_end is null or pe.effective_end > g.charge_start)
                           and pe.cost <> 0
                         order by pe.effective_start desc limit 1)
              end as retail
       from grouped g
     )
     select p.period, x.currency,
            coalesce(sum(x.cost) filter (where x.synced), 0)::text as synced_cost,
            coalesce(sum(coalesce(x.retail, x.cost)) filter (where x.synced), 0)::text as synced_retail,
            coalesce(sum(x.lines) filter (where x.synced and x.retail is null), 0)::int as unpriced_lines,
            (count(distinct x.tenant) filter (where x.synced))::int as synced_customers,
            coalesce(sum(x.cost), 0)::text as invoiced_cost
     from periods p left join priced x on x.period = p.period
     group by p.period, x.currency
     order by p.period, x.currency`,
    [ws, target, today, months],
  );
  return res.rows;
}

export interface CustomerOverviewRow {
  total: number;
  mapped: number;
  sync_on: number;
  last_success_at: Date | null;
  latest_at: Date | null;
  /** Status of the latest run of each customer whose sync is on -> how many customers. */
  latest: Record<string, number> | null;
}

/** The dashboard's Customers card: how many are mapped and syncing, and where their latest runs stand. */
export async function customerOverviewRow(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
): Promise<CustomerOverviewRow> {
  const res = await db.query<CustomerOverviewRow>(
    `with latest as (
       select distinct on (r.tenant_id) r.tenant_id, r.status, coalesce(r.finished_at, r.created_at) as at
       from runs r
       join customer_mappings m on m.workspace_id = r.workspace_id and m.target = r.target
         and m.tenant_id = r.tenant_id and m.sync_on and m.company_id is not null
       where r.workspace_id = $1 and r.target = $2 and r.kind = 'customer'
         and r.status not in ('preview', 'superseded')
       order by r.tenant_id, r.created_at desc
     )
     select
       (select count(*) from source_customers where workspace_id = $1)::int as total,
       (select count(*) from customer_mappings
        where workspace_id = $1 and target = $2 and company_id is not null)::int as mapped,
       (select count(*) from customer_mappings
        where workspace_id = $1 and target = $2 and company_id is not null and sync_on)::int as sync_on,
       (select max(finished_at) from runs where workspace_id = $1 and target = $2 and kind = 'customer'
          and status in ('success', 'warning', 'no_change')) as last_success_at,
       (select max(at) from latest) as latest_at,
       (select jsonb_object_agg(status, n) from (select status, count(*)::int as n from latest group by status) s)
         as latest`,
    [ws, target],
  );
  return res.rows[0]!;
}

/** The latest product run that was not a preview, and when a product sync last succeeded. */
export async function productOverviewRow(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
): Promise<{ latest: RunRow | undefined; lastSuccessAt: Date | null }> {
  const [latest, success] = await Promise.all([
    db.query<RunRow>(
      `select * from runs where workspace_id = $1 and target = $2 and kind = 'product'
         and status not in ('preview', 'superseded')
       order by created_at desc, id limit 1`,
      [ws, target],
    ),
    db.query<{ at: Date | null }>(
      `select max(finished_at) as at from runs where workspace_id = $1 and target = $2 and kind = 'product'
         and status in ('success', 'warning', 'no_change')`,
      [ws, target],
    ),
  ]);
  return { latest: latest.rows[0], lastSuccessAt: success.rows[0]?.at ?? null };
}

export interface SourceOverviewRow {
  customers: number;
  price_list_entries: number;
  invoices: number;
  latest_period: string | null;
  last_import_at: Date | null;
  /** From JSON: `last_at` is an ISO timestamp string. */
  imports: { kind: string; files: number; last_at: string }[] | null;
}

/** What the Microsoft CSP source holds: customers, price list, invoices, and the file imports. */
export async function sourceOverviewRow(db: Queryable, ws: WorkspaceId): Promise<SourceOverviewRow> {
  const res = await db.query<SourceOverviewRow>(
    `select
       (select count(*) from source_customers where workspace_id = $1)::int as customers,
       (select count(*) from price_list_entries where workspace_id = $1)::int as price_list_entries,
       (select count(*) from invoices where workspace_id = $1)::int as invoices,
       (select max(billing_period) from invoices where workspace_id = $1) as latest_period,
       (select max(imported_at) from source_imports where workspace_id = $1) as last_import_at,
       (select jsonb_agg(jsonb_build_object('kind', kind, 'files', n, 'last_at', at) order by kind)
        from (select kind, count(*)::int as n, max(imported_at) as at from source_imports
              where workspace_id = $1 group by kind) k) as imports`,
    [ws],
  );
  return res.rows[0]!;
}
