import type { WorkspaceId } from '../../core/ids';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';

/** Days of a customer's offer the source contradicts itself on: not written until a pull finds them agreeing. */
export interface SourceHold {
  tenantId: string;
  offerKey: string;
  subscriptionId: string;
  /** Half-open. */
  start: PlainDate;
  end: PlainDate;
  /** In words, for the run: what the two sources say. */
  reason: string;
}

/** Replaces every hold of the workspace with `holds` (a pull's cross-check is the whole truth for now). */
export async function replaceSourceHolds(
  db: Queryable,
  ws: WorkspaceId,
  holds: readonly SourceHold[],
): Promise<void> {
  await db.query('delete from source_holds where workspace_id = $1', [ws]);
  if (holds.length === 0) return;
  await db.query(
    `insert into source_holds (workspace_id, tenant_id, offer_key, subscription_id, start_day, end_day, reason)
     select $1, t, o, s, a, b, r
     from unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::date[], $7::text[]) as x(t, o, s, a, b, r)
     on conflict do nothing`,
    [
      ws,
      holds.map((h) => h.tenantId.toLowerCase()),
      holds.map((h) => h.offerKey),
      holds.map((h) => h.subscriptionId),
      holds.map((h) => h.start),
      holds.map((h) => h.end),
      holds.map((h) => h.reason),
    ],
  );
}

/** The holds of some customers, by tenant id. */
export async function sourceHoldsOf(
  db: Queryable,
  ws: WorkspaceId,
  tenantIds: readonly string[],
): Promise<Map<string, SourceHold[]>> {
  const res = await db.query<{
    tenant_id: string;
    offer_key: string;
    subscription_id: string;
    start_day: PlainDate;
    end_day: PlainDate;
    reason: string;
  }>(
    `select tenant_id, offer_key, subscription_id, start_day::text as start_day, end_day::text as end_day, reason
     from source_holds where workspace_id = $1 and tenant_id = any($2::text[])
     order by tenant_id, offer_key, start_day`,
    [ws, tenantIds.map((t) => t.toLowerCase())],
  );
  const out = new Map<string, SourceHold[]>();
  for (const r of res.rows) {
    const list = out.get(r.tenant_id) ?? [];
    list.push({
      tenantId: r.tenant_id,
      offerKey: r.offer_key,
      subscriptionId: r.subscription_id,
      start: r.start_day,
      end: r.end_day,
      reason: r.reason,
    });
    out.set(r.tenant_id, list);
  }
  return out;
}
