import type { WorkspaceId } from '../../core/ids';
import { SEAT_CREDITS } from '../../core/planner/customer-plan';
import type { Queryable } from '../pool';

/**
 * What changes the reconciliation figures on billsync's side: runs, imports, mappings, price rules, the program.
 * The figures are cached until it changes (or a user refreshes: the PSA may be edited by hand).
 */
export async function reconStamp(db: Queryable, ws: WorkspaceId, target: string): Promise<string> {
  const res = await db.query<{ stamp: string }>(
    `select concat_ws('|',
       (select max(coalesce(finished_at, created_at))::text from runs where workspace_id = $1 and target = $2),
       (select count(*)::text || ':' || coalesce(max(imported_at)::text, '') from source_imports
          where workspace_id = $1),
       (select count(*)::text || ':' || coalesce(max(issue_date)::text, '') from invoices where workspace_id = $1),
       (select max(updated_at)::text from customer_mappings where workspace_id = $1 and target = $2),
       (select count(*)::text || ':' || coalesce(max(created_at)::text, '') || ':'
          || coalesce(sum(hashtext(id::text || coalesce(valid_to::text, '')))::text, '')
        from price_rules where workspace_id = $1),
       (select updated_at::text from programs where workspace_id = $1 and target = $2)) as stamp`,
    [ws, target],
  );
  return res.rows[0]?.stamp ?? '';
}

/** Microsoft's money of one customer in one invoice period, by what it is. */
export interface SpendRow {
  tenant_id: string;
  customer_name: string;
  period: string;
  /** `license` (seats, with their credits), `azure`, `skipped` (one-time lines and non-seat credits). */
  category: 'license' | 'azure' | 'skipped';
  cost: string;
  lines: number;
  /** For skipped lines: what they are, in words. */
  titles: string | null;
}

/** Seat credits the invoice sync nets against the seats (the others are listed and skipped). */
const SEAT_CREDIT_LIST = `(${SEAT_CREDITS.map((c) => `'${c}'`).join(', ')})`;

/**
 * Microsoft's money per customer, invoice period and category, for the periods given (Azure from the invoice's
 * usage lines, else from the daily usage file). Leakage reads it for customers nobody bills.
 */
export async function spendByCustomer(
  db: Queryable,
  ws: WorkspaceId,
  periods: readonly string[],
): Promise<SpendRow[]> {
  const res = await db.query<SpendRow>(
    `with lines as (
       select l.customer_tenant_id as tenant_id, max(l.customer_name) as customer_name, i.billing_period as period,
              case when l.kind = 'azure_usage' then 'azure'
                   when l.kind = 'one_time' or (l.kind = 'credit' and l.charge_type not in ${SEAT_CREDIT_LIST})
                     then 'skipped'
                   else 'license' end as category,
              sum(l.subtotal) as cost, count(*)::int as lines,
              string_agg(distinct coalesce(nullif(l.sku_title, ''), l.product_title), ', ') as titles
       from invoice_lines l join invoices i on i.workspace_id = l.workspace_id and i.id = l.invoice_id
       where l.workspace_id = $1 and i.billing_period = any($2::text[])
       group by 1, 3, 4
     ),
     usage as (
       select u.customer_tenant_id as tenant_id, max(u.customer_name) as customer_name,
              i.billing_period as period, 'azure' as category, sum(u.cost) as cost, count(*)::int as lines,
              null::text as titles
       from azure_usage_lines u join invoices i on i.workspace_id = u.workspace_id and i.id = u.invoice_id
       where u.workspace_id = $1 and i.billing_period = any($2::text[])
         and not exists (select 1 from invoice_lines x where x.workspace_id = u.workspace_id
                           and x.invoice_id = u.invoice_id and x.customer_tenant_id = u.customer_tenant_id
                           and x.kind = 'azure_usage')
       group by 1, 3
     )
     select s.tenant_id, coalesce(c.name, s.customer_name) as customer_name, s.period, s.category, s.cost::text,
            s.lines, s.titles
     from (select * from lines union all select * from usage) s
     left join source_customers c on c.workspace_id = $1 and c.tenant_id = s.tenant_id
     order by s.period, 2, s.category`,
    [ws, periods],
  );
  return res.rows;
}

export interface WriteRow {
  run_id: string;
  at: Date;
  op: {
    kind: string;
    offerKey?: string;
    effectiveDate?: string;
    date?: string;
    unitsBefore?: string;
    unitsAfter?: string;
    unitPrice?: string | null;
    unitCost?: string | null;
    name?: string;
    amount?: string;
    cost?: string;
  };
}

/** billsync's landed writes for one customer's offer, oldest first (the contract timeline marks them). */
export async function writesOfLine(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  tenantId: string,
  offerKey: string,
): Promise<WriteRow[]> {
  const res = await db.query<WriteRow>(
    `select j.run_id, j.updated_at as at, j.op
     from journal j join runs r on r.id = j.run_id
     where r.workspace_id = $1 and r.target = $2 and r.tenant_id = $3 and j.state = 'done'
       and j.op->>'offerKey' = $4 and j.op->>'kind' in ('adjust-contract-line', 'book-charge')
     order by j.updated_at, j.seq`,
    [ws, target, tenantId, offerKey],
  );
  return res.rows;
}

/** The latest customer run of each customer (not a preview): where an error in it is shown. */
export async function latestCustomerRuns(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
): Promise<Map<string, string>> {
  const res = await db.query<{ tenant_id: string; id: string }>(
    `select distinct on (tenant_id) tenant_id, id from runs
     where workspace_id = $1 and target = $2 and kind = 'customer' and status not in ('preview', 'superseded')
     order by tenant_id, created_at desc`,
    [ws, target],
  );
  return new Map(res.rows.map((r) => [r.tenant_id, r.id]));
}

/**
 * The periods of the invoices issued by `today`, newest first. A month is reconciled once its invoice is issued:
 * before that, some of its days are not decided yet (a subscription billed from the 16th to the 15th).
 */
export async function invoicePeriods(db: Queryable, ws: WorkspaceId, today: string): Promise<string[]> {
  const res = await db.query<{ period: string }>(
    `select distinct billing_period as period from invoices where workspace_id = $1 and issue_date <= $2::date
     order by 1 desc`,
    [ws, today],
  );
  return res.rows.map((r) => r.period);
}
