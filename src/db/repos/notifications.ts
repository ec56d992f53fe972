import type { WorkspaceId } from '../../core/ids';
import type { Queryable } from '../pool';

export type NotificationLevel = 'info' | 'warning' | 'error';

export interface NotificationRow {
  id: string;
  workspace_id: WorkspaceId;
  run_id: string | null;
  level: NotificationLevel;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

/** Adds a run's notification unless it has one (one per run); true when this call added it. */
export async function insertRunNotification(
  db: Queryable,
  n: {
    workspaceId: WorkspaceId;
    runId: string;
    level: NotificationLevel;
    title: string;
    body: string;
    link: string;
  },
): Promise<boolean> {
  const res = await db.query(
    `insert into notifications (workspace_id, run_id, level, title, body, link) values ($1, $2, $3, $4, $5, $6)
     on conflict (run_id) do nothing`,
    [n.workspaceId, n.runId, n.level, n.title, n.body, n.link],
  );
  return (res.rowCount ?? 0) === 1;
}

export async function listNotifications(
  db: Queryable,
  ws: WorkspaceId,
  f: { unreadOnly?: boolean; limit?: number; offset?: number } = {},
): Promise<NotificationRow[]> {
  const res = await db.query<NotificationRow>(
    `select * from notifications where workspace_id = $1 and (not $2 or read_at is null)
     order by created_at desc, id limit $3 offset $4`,
    [ws, f.unreadOnly ?? false, f.limit ?? 50, f.offset ?? 0],
  );
  return res.rows;
}

export async function countUnread(db: Queryable, ws: WorkspaceId): Promise<number> {
  const res = await db.query<{ n: number }>(
    'select count(*)::int as n from notifications where workspace_id = $1 and read_at is null',
    [ws],
  );
  return res.rows[0]?.n ?? 0;
}

export async function getNotification(
  db: Queryable,
  ws: WorkspaceId,
  id: string,
): Promise<NotificationRow | undefined> {
  const res = await db.query<NotificationRow>(
    'select * from notifications where workspace_id = $1 and id = $2',
    [ws, id],
  );
  return res.rows[0];
}

/** Marks one notification read (first read time kept); undefined when the workspace has no such notification. */
export async function markNotificationRead(
  db: Queryable,
  ws: WorkspaceId,
  id: string,
): Promise<NotificationRow | undefined> {
  const res = await db.query<NotificationRow>(
    `update notifications set read_at = coalesce(read_at, now()) where workspace_id = $1 and id = $2 returning *`,
    [ws, id],
  );
  return res.rows[0];
}

export async function markAllNotificationsRead(db: Queryable, ws: WorkspaceId): Promise<number> {
  const res = await db.query(
    'update notifications set read_at = now() where workspace_id = $1 and read_at is null',
    [ws],
  );
  return res.rowCount ?? 0;
}

export type OutboxStatus = 'pending' | 'sent' | 'held' | 'failed';

export interface OutboxRow {
  id: string;
  workspace_id: WorkspaceId;
  run_id: string | null;
  recipients: string[];
  subject: string;
  text_body: string;
  html_body: string;
  status: OutboxStatus;
  attempts: number;
  error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** Records a run's e-mail; returns the stored row (the existing one when the run already has its message). */
export async function putRunMail(
  db: Queryable,
  m: {
    workspaceId: WorkspaceId;
    runId: string;
    recipients: string[];
    subject: string;
    text: string;
    html: string;
    status: OutboxStatus;
  },
): Promise<{ row: OutboxRow; created: boolean }> {
  const res = await db.query<OutboxRow>(
    `insert into outbox (workspace_id, run_id, recipients, subject, text_body, html_body, status)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (run_id) do nothing returning *`,
    [m.workspaceId, m.runId, m.recipients, m.subject, m.text, m.html, m.status],
  );
  if (res.rows[0]) return { row: res.rows[0], created: true };
  const existing = await db.query<OutboxRow>('select * from outbox where run_id = $1', [m.runId]);
  return { row: existing.rows[0]!, created: false };
}

export async function setMailStatus(
  db: Queryable,
  id: string,
  status: OutboxStatus,
  error: string | null = null,
): Promise<void> {
  await db.query(
    `update outbox set status = $2, error = $3, attempts = attempts + case when $2 in ('sent', 'failed') then 1 else 0 end,
       sent_at = case when $2 = 'sent' then now() else sent_at end
     where id = $1`,
    [id, status, error],
  );
}

export async function listOutbox(
  db: Queryable,
  ws: WorkspaceId,
  f: { limit?: number; offset?: number } = {},
): Promise<OutboxRow[]> {
  const res = await db.query<OutboxRow>(
    'select * from outbox where workspace_id = $1 order by created_at desc, id limit $2 offset $3',
    [ws, f.limit ?? 50, f.offset ?? 0],
  );
  return res.rows;
}
