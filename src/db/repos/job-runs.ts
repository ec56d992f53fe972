import type { WorkspaceId } from '../../core/ids';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';
import type { RunKind, RunStatus } from './runs';

/** What the background jobs ask about runs: which are left open, which answer a request, which need a notice. */

export interface OpenRun {
  id: string;
  workspace_id: WorkspaceId;
  target: string;
  kind: RunKind;
  tenant_id: string | null;
  as_of: PlainDate;
  status: RunStatus;
  /** A later run of the same customer (or of the products) executed after this one: it re-planned from the PSA. */
  newer: boolean;
}

export interface RunFilter {
  workspaceId?: string | undefined;
  target?: string | undefined;
  kind?: RunKind | undefined;
  tenantId?: string | undefined;
}

/**
 * Runs left `running` or `interrupted` (a worker died or crashed mid-run), oldest first, from the last 7 days:
 * older ones are left for a person to look at (`billsync run resume`).
 */
export async function listOpenRuns(db: Queryable, f: RunFilter = {}): Promise<OpenRun[]> {
  const res = await db.query<OpenRun>(
    `select r.id, r.workspace_id, r.target, r.kind, r.tenant_id, r.as_of, r.status,
       exists (select 1 from runs n where n.workspace_id = r.workspace_id and n.target = r.target and n.kind = r.kind
                 and n.tenant_id is not distinct from r.tenant_id and n.created_at > r.created_at
                 and n.status in ('running', 'interrupted', 'no_change', 'success', 'warning', 'error')) as newer
     from runs r
     where r.status in ('running', 'interrupted') and r.created_at > now() - interval '7 days'
       and ($1::uuid is null or r.workspace_id = $1) and ($2::text is null or r.target = $2)
       and ($3::text is null or r.kind = $3) and ($4::text is null or r.tenant_id = $4)
     order by r.created_at limit 500`,
    [f.workspaceId ?? null, f.target ?? null, f.kind ?? null, f.tenantId ?? null],
  );
  return res.rows;
}

/**
 * Closes an open run that a newer run re-planned (only if it is still open): resuming it would send its pending
 * writes on top of the newer run's. Call it holding the run's lock.
 */
export async function supersedeOpenRun(db: Queryable, id: string, message: string): Promise<boolean> {
  const res = await db.query(
    `update runs set status = 'superseded', message = $2, finished_at = now()
     where id = $1 and status in ('running', 'interrupted')`,
    [id, message],
  );
  return (res.rowCount ?? 0) === 1;
}

/**
 * The first run matching the filter that was created at or after `since` and got past execution (finished, or
 * waiting for approval): a job queued before that run started is answered by it.
 */
export async function finishedRunSince(
  db: Queryable,
  f: RunFilter,
  since: Date,
): Promise<string | undefined> {
  const res = await db.query<{ id: string }>(
    `select id from runs
     where workspace_id = $1 and target = $2 and kind = $3 and ($4::text is null or tenant_id = $4)
       and created_at >= $5 and status not in ('preview', 'running', 'interrupted', 'superseded')
     order by created_at limit 1`,
    [f.workspaceId, f.target, f.kind, f.tenantId ?? null, since],
  );
  return res.rows[0]?.id;
}

/** Runs finished with warnings or errors in the last day that have no notification yet (any trigger: API, CLI, job). */
export async function runsWithoutNotice(
  db: Queryable,
  limit = 200,
): Promise<{ id: string; workspace_id: WorkspaceId }[]> {
  const res = await db.query<{ id: string; workspace_id: WorkspaceId }>(
    `select r.id, r.workspace_id from runs r
     where r.status in ('warning', 'error') and r.finished_at > now() - interval '1 day'
       and not exists (select 1 from notifications n where n.run_id = r.id)
     order by r.finished_at limit $1`,
    [limit],
  );
  return res.rows;
}

/** Whether any run is left open (cheap check before queueing a resume sweep). */
export async function hasOpenRuns(db: Queryable): Promise<boolean> {
  const res = await db.query(
    `select 1 from runs where status in ('running', 'interrupted') and created_at > now() - interval '7 days' limit 1`,
  );
  return (res.rowCount ?? 0) > 0;
}
