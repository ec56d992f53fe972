import type { WorkspaceId } from '../../core/ids';
import type { PricingStrategy } from '../../core/planner/types';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';
import type { RunStatus } from './runs';

/** The customers table (spec section 5): source customers with their mapping and last run, one SQL query. */
export const CUSTOMER_SORTS = [
  'customer',
  'domain',
  'company',
  'contract',
  'strategy',
  'syncStart',
  'sync',
  'lastRun',
  'lastRunAt',
  'lastSynced',
] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

const ORDER: Record<CustomerSort, string> = {
  customer: 'lower(c.name)',
  domain: 'lower(c.default_domain)',
  company: 'lower(m.company_name)',
  contract: 'lower(m.contract_name)',
  strategy: 'm.strategy',
  syncStart: 'm.sync_start',
  sync: 'm.sync_on',
  lastRun: 'r.last_run_status',
  lastRunAt: 'r.last_run_at',
  lastSynced: 'r.last_synced_at',
};

export interface CustomerListQuery {
  target: string;
  /** Part of the customer's name, domain, tenant id or PSA company name (case-insensitive). */
  search?: string | undefined;
  sort?: CustomerSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit: number;
  offset: number;
  /** Only customers whose mapping has a company (true) or has none (false). */
  mapped?: boolean | undefined;
  /** Only this customer (exact, lower-case tenant id). */
  tenantId?: string | undefined;
}

export interface CustomerListRow {
  tenant_id: string;
  name: string;
  default_domain: string;
  company_id: string | null;
  company_name: string | null;
  contract_id: string | null;
  contract_name: string | null;
  strategy: PricingStrategy | null;
  sync_start: PlainDate | null;
  sync_on: boolean | null;
  shadow: boolean | null;
  billing: string | null;
  annual_contract_id: string | null;
  annual_contract_name: string | null;
  paused_reason: string | null;
  paused_at: Date | null;
  last_run_id: string | null;
  last_run_status: RunStatus | null;
  last_run_at: Date | null;
  last_run_message: string | null;
  last_synced_at: Date | null;
  total: number;
}

/** `%text%` for ilike, with the pattern characters of the text taken literally. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** Sorts on a customer's runs need its customer_run_states row for every match, not only for the page's. */
const RUN_SORTS: ReadonlySet<CustomerSort> = new Set(['lastRun', 'lastRunAt', 'lastSynced']);
/** Sorts on the customer's own columns: without a search or the mapped filter, its mapping waits for the page. */
const OWN_SORTS: ReadonlySet<CustomerSort> = new Set(['customer', 'domain']);

/**
 * One page of the customers table: filtered, sorted and paged in SQL, with the total count of matches. First the
 * matches are found and ordered on narrow rows (tenant id, sort key), joined only to what the filter and the sort
 * need; then the page's rows alone get their columns, mapping and last run. A customer's last run and last sync
 * come from its customer_run_states row (kept by a trigger on runs, migration 0009), not from its runs, so a page
 * costs one pass over the workspace's customers however long the history.
 */
export async function listCustomerRows(
  db: Queryable,
  ws: WorkspaceId,
  q: CustomerListQuery,
): Promise<CustomerListRow[]> {
  const search = q.search?.trim() ? q.search.trim() : null;
  const direction = q.order === 'desc' ? 'desc' : 'asc';
  const sort = q.sort ?? 'customer';
  const params: unknown[] = [ws, q.target];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (search !== null) {
    const like = param(likePattern(search));
    where.push(`and (c.name ilike ${like} or c.default_domain ilike ${like} or m.company_name ilike ${like}
                     or c.tenant_id = lower(${param(search)}))`);
  }
  if (q.mapped !== undefined) where.push(`and (m.company_id is not null) = ${param(q.mapped)}`);
  if (q.tenantId !== undefined) where.push(`and c.tenant_id = ${param(q.tenantId)}`);
  const mappings =
    search !== null || q.mapped !== undefined || !(OWN_SORTS.has(sort) || RUN_SORTS.has(sort))
      ? 'left join customer_mappings m on m.workspace_id = c.workspace_id and m.target = $2 and m.tenant_id = c.tenant_id'
      : '';
  const runs = RUN_SORTS.has(sort)
    ? 'left join customer_run_states r on r.workspace_id = c.workspace_id and r.target = $2 and r.tenant_id = c.tenant_id'
    : '';
  const page = `limit ${param(q.limit)} offset ${param(q.offset)}`;
  // The page's rows are fetched by key (limit 1: one row per key, and a lookup rather than a join of every row).
  const res = await db.query<CustomerListRow>(
    `with matched as (
       select c.tenant_id, lower(c.name) as n, ${ORDER[sort]} as k
       from source_customers c
       ${mappings}
       ${runs}
       where c.workspace_id = $1
       ${where.join('\n')}
     )
     select c.tenant_id, c.name, c.default_domain, m.company_id, m.company_name, m.contract_id, m.contract_name,
            m.strategy, m.sync_start, m.sync_on, m.shadow, m.billing, m.annual_contract_id, m.annual_contract_name,
            m.paused_reason, m.paused_at,
            r.last_run_id, r.last_run_status, r.last_run_at, r.last_run_message, r.last_synced_at,
            (select count(*) from matched) as total
     from (select * from matched order by k ${direction} nulls last, n, tenant_id ${page}) p
     cross join lateral (
       select * from source_customers c where c.workspace_id = $1 and c.tenant_id = p.tenant_id limit 1) c
     left join lateral (
       select * from customer_mappings m
       where m.workspace_id = $1 and m.target = $2 and m.tenant_id = p.tenant_id limit 1) m on true
     left join customer_run_states r on r.workspace_id = $1 and r.target = $2 and r.tenant_id = p.tenant_id
     order by p.k ${direction} nulls last, p.n, p.tenant_id`,
    params,
  );
  return res.rows;
}
