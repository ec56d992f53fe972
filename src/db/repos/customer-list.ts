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
  lastRun: 'r.status',
  lastRunAt: 'r.at',
  lastSynced: 's.at',
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

/**
 * One page of the customers table: filtered, sorted and paged in SQL (the last run comes from the runs index
 * per customer), with the total count of matches. Fast for thousands of customers.
 */
export async function listCustomerRows(
  db: Queryable,
  ws: WorkspaceId,
  q: CustomerListQuery,
): Promise<CustomerListRow[]> {
  const search = q.search?.trim() ? q.search.trim() : null;
  const direction = q.order === 'desc' ? 'desc' : 'asc';
  const order = ORDER[q.sort ?? 'customer'];
  const res = await db.query<CustomerListRow>(
    `select c.tenant_id, c.name, c.default_domain, m.company_id, m.company_name, m.contract_id, m.contract_name,
            m.strategy, m.sync_start, m.sync_on, m.shadow, m.paused_reason, m.paused_at, r.id as last_run_id, r.status as last_run_status,
            r.at as last_run_at, r.message as last_run_message, s.at as last_synced_at, count(*) over () as total
     from source_customers c
     left join customer_mappings m on m.workspace_id = c.workspace_id and m.target = $2 and m.tenant_id = c.tenant_id
     left join lateral (
       select x.id, x.status, x.message, coalesce(x.finished_at, x.created_at) as at from runs x
       where x.workspace_id = c.workspace_id and x.target = $2 and x.tenant_id = c.tenant_id and x.kind = 'customer'
         and x.status not in ('preview', 'superseded')
       order by x.created_at desc limit 1) r on true
     left join lateral (
       select max(x.finished_at) as at from runs x
       where x.workspace_id = c.workspace_id and x.target = $2 and x.tenant_id = c.tenant_id and x.kind = 'customer'
         and x.status in ('success', 'warning', 'no_change')) s on true
     where c.workspace_id = $1
       and ($3::text is null or c.name ilike $3 or c.default_domain ilike $3 or m.company_name ilike $3
            or c.tenant_id = lower($4))
       and ($7::boolean is null or (m.company_id is not null) = $7)
     order by ${order} ${direction} nulls last, lower(c.name), c.tenant_id
     limit $5 offset $6`,
    [ws, q.target, search ? likePattern(search) : null, search, q.limit, q.offset, q.mapped ?? null],
  );
  return res.rows;
}
