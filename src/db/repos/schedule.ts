import type { WorkspaceId } from '../../core/ids';
import type { Queryable } from '../pool';

/** A workspace's daily check: on or off, the local hour (0-23) and the IANA time zone it is counted in. */
export interface ScheduleSettings {
  enabled: boolean;
  hour: number;
  timeZone: string;
}

/** What a workspace stored (workspaces.settings.schedule); missing fields take the server's defaults. */
export type StoredSchedule = Partial<ScheduleSettings>;

export async function getStoredSchedule(db: Queryable, ws: WorkspaceId): Promise<StoredSchedule | undefined> {
  const res = await db.query<{ schedule: StoredSchedule | null }>(
    `select settings->'schedule' as schedule from workspaces where id = $1`,
    [ws],
  );
  if (res.rows.length === 0) return undefined;
  return res.rows[0]?.schedule ?? {};
}

export async function saveStoredSchedule(
  db: Queryable,
  ws: WorkspaceId,
  schedule: StoredSchedule,
): Promise<void> {
  await db.query(
    `update workspaces set settings = settings || jsonb_build_object('schedule', $2::jsonb) where id = $1`,
    [ws, JSON.stringify(schedule)],
  );
}

/** Workspaces with at least one program whose sync is on: the ones the daily check is for. */
export async function listSyncingWorkspaces(
  db: Queryable,
): Promise<{ id: WorkspaceId; schedule: StoredSchedule }[]> {
  const res = await db.query<{ id: WorkspaceId; schedule: StoredSchedule | null }>(
    `select w.id, w.settings->'schedule' as schedule from workspaces w
     where exists (select 1 from programs p where p.workspace_id = w.id and (p.settings->>'syncEnabled')::boolean)
     order by w.created_at, w.id`,
  );
  return res.rows.map((r) => ({ id: r.id, schedule: r.schedule ?? {} }));
}

/**
 * Claims a workspace's scheduled job for one local day. True for exactly one caller per (workspace, job, day),
 * however many workers tick at once: the primary key is the fence. Call it in the transaction that queues the job.
 */
export async function claimScheduleFire(
  db: Queryable,
  ws: WorkspaceId,
  job: string,
  localDate: string,
): Promise<boolean> {
  const res = await db.query(
    `insert into schedule_fires (workspace_id, job, local_date) values ($1, $2, $3) on conflict do nothing`,
    [ws, job, localDate],
  );
  return (res.rowCount ?? 0) === 1;
}

export async function setScheduleFireJob(
  db: Queryable,
  ws: WorkspaceId,
  job: string,
  localDate: string,
  jobId: string | null,
): Promise<void> {
  await db.query(
    'update schedule_fires set job_id = $4 where workspace_id = $1 and job = $2 and local_date = $3',
    [ws, job, localDate, jobId],
  );
}

/** When a workspace's scheduled job last fired (for the schedule view). */
export async function lastScheduleFire(
  db: Queryable,
  ws: WorkspaceId,
  job: string,
): Promise<{ localDate: string; firedAt: Date } | undefined> {
  const res = await db.query<{ local_date: string; fired_at: Date }>(
    `select local_date, fired_at from schedule_fires where workspace_id = $1 and job = $2 order by local_date desc limit 1`,
    [ws, job],
  );
  const row = res.rows[0];
  return row ? { localDate: row.local_date, firedAt: row.fired_at } : undefined;
}

/** Invoices (id + revision) not yet acted on by the daily check: new ones and corrected re-issues. */
export async function listUncheckedInvoices(
  db: Queryable,
  ws: WorkspaceId,
): Promise<{ id: string; revision: number }[]> {
  const res = await db.query<{ id: string; revision: number }>(
    `select i.id, i.revision from invoices i
     left join invoice_checks c on c.workspace_id = i.workspace_id and c.invoice_id = i.id
     where i.workspace_id = $1 and (c.invoice_id is null or c.revision <> i.revision)
     order by i.issue_date, i.id`,
    [ws],
  );
  return res.rows;
}

/**
 * Makes invoices new again to the daily check (the chain they queued could not read the PSA), unless a newer
 * revision was checked meanwhile.
 */
export async function unmarkInvoicesChecked(
  db: Queryable,
  ws: WorkspaceId,
  invoices: readonly { id: string; revision: number }[],
): Promise<void> {
  if (invoices.length === 0) return;
  await db.query(
    `delete from invoice_checks c using unnest($2::text[], $3::int[]) as u(id, revision)
     where c.workspace_id = $1 and c.invoice_id = u.id and c.revision = u.revision`,
    [ws, invoices.map((i) => i.id), invoices.map((i) => i.revision)],
  );
}

export async function markInvoicesChecked(
  db: Queryable,
  ws: WorkspaceId,
  invoices: readonly { id: string; revision: number }[],
): Promise<void> {
  if (invoices.length === 0) return;
  await db.query(
    `insert into invoice_checks (workspace_id, invoice_id, revision)
     select $1, unnest($2::text[]), unnest($3::int[])
     on conflict (workspace_id, invoice_id) do update set revision = excluded.revision, seen_at = now()`,
    [ws, invoices.map((i) => i.id), invoices.map((i) => i.revision)],
  );
}
