import type { Queryable } from '../../db/pool';

/**
 * What a batch of customer jobs asks the database before syncing, one query for the whole batch rather than a
 * few per customer (a batch of 50 would otherwise make 200 round trips while holding its PSA slot). The rules
 * are those of the per-customer functions named on each.
 */

export interface BatchScope {
  workspaceId: string;
  target: string;
  tenantIds: readonly string[];
}

/** Customers of the batch with a run left `running` or `interrupted` in the last 7 days (as `listOpenRuns`). */
export async function tenantsWithOpenRuns(db: Queryable, s: BatchScope): Promise<Set<string>> {
  const res = await db.query<{ tenant_id: string }>(
    `select distinct tenant_id from runs
     where workspace_id = $1 and target = $2 and kind = 'customer' and tenant_id = any($3::text[])
       and status in ('running', 'interrupted') and created_at > now() - interval '7 days'`,
    [s.workspaceId, s.target, s.tenantIds],
  );
  return new Set(res.rows.map((r) => r.tenant_id));
}

/**
 * Per customer, its runs created at or after `since` that got past execution (as `finishedRunSince`), oldest
 * first: a job queued before one of them started is answered by the first created at or after its queueing.
 */
export async function finishedRunsSince(
  db: Queryable,
  s: BatchScope,
  since: Date,
): Promise<Map<string, { id: string; createdAt: Date }[]>> {
  const res = await db.query<{ tenant_id: string; id: string; created_at: Date }>(
    `select tenant_id, id, created_at from runs
     where workspace_id = $1 and target = $2 and kind = 'customer' and tenant_id = any($3::text[])
       and created_at >= $4 and status not in ('preview', 'running', 'interrupted', 'superseded')
     order by created_at`,
    [s.workspaceId, s.target, s.tenantIds, since],
  );
  const out = new Map<string, { id: string; createdAt: Date }[]>();
  for (const r of res.rows) {
    const list = out.get(r.tenant_id) ?? [];
    list.push({ id: r.id, createdAt: r.created_at });
    out.set(r.tenant_id, list);
  }
  return out;
}

/** Customers of the batch the engine syncs as they are: mapped to a contract, sync on (as `selectMappings`). */
export async function syncableTenants(db: Queryable, s: BatchScope): Promise<Set<string>> {
  const res = await db.query<{ tenant_id: string }>(
    `select tenant_id from customer_mappings
     where workspace_id = $1 and target = $2 and tenant_id = any($3::text[]) and contract_id is not null and sync_on`,
    [s.workspaceId, s.target, s.tenantIds],
  );
  return new Set(res.rows.map((r) => r.tenant_id));
}
