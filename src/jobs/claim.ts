import type { Queryable } from '../db/pool';
import type { PayloadOf } from './job-names';
import { QUEUE_SCHEMA } from './queue';

/** A waiting customer job taken over by a running one (see handlers/sync-customer.ts). */
export interface ClaimedJob {
  id: string;
  data: unknown;
  createdOn: Date;
  retryCount: number;
  retryLimit: number;
}

/**
 * Takes up to `limit` waiting `sync-customer` jobs that sync for the same PSA connection, day and origin as `p`,
 * and marks them active, as pg-boss's own fetch does (oldest first, `SKIP LOCKED`, the retry count raised for a
 * job started before): from here they are the caller's to complete or fail. pg-boss 10 fetches by queue only;
 * this is its fetch statement narrowed to one connection.
 */
export async function claimWaitingCustomers(
  db: Queryable,
  p: PayloadOf<'sync-customer'>,
  limit: number,
): Promise<ClaimedJob[]> {
  if (limit <= 0) return [];
  const res = await db.query<{
    id: string;
    data: unknown;
    created_on: Date;
    retry_count: number;
    retry_limit: number;
  }>(
    `with next as (
       select id from ${QUEUE_SCHEMA}.job
       where name = 'sync-customer' and state < 'active' and start_after < now()
         and data->>'workspaceId' = $1 and data->>'target' = $2 and (data->>'asOf') is not distinct from $3
         and data->>'trigger' = $4 and data->>'actor' = $5
       order by priority desc, created_on, id
       limit $6
       for update skip locked)
     update ${QUEUE_SCHEMA}.job j set state = 'active', started_on = now(),
       retry_count = case when j.started_on is not null then j.retry_count + 1 else j.retry_count end
     from next where j.name = 'sync-customer' and j.id = next.id
     returning j.id, j.data, j.created_on, j.retry_count, j.retry_limit`,
    [p.workspaceId, p.target, p.asOf ?? null, p.trigger, p.actor, limit],
  );
  return res.rows.map((r) => ({
    id: r.id,
    data: r.data,
    createdOn: r.created_on,
    retryCount: r.retry_count,
    retryLimit: r.retry_limit,
  }));
}
