import { isUuid, type WorkspaceId } from '../core/ids';
import type { Queryable } from '../db/pool';
import {
  countUnread,
  getNotification,
  listNotifications,
  listOutbox,
  markAllNotificationsRead,
  markNotificationRead,
  type NotificationRow,
  type OutboxRow,
} from '../db/repos/notifications';
import { AppError } from '../services/errors';

/** The in-app notifications and the e-mail outbox as the API and CLI show them. */

export interface NotificationView {
  id: string;
  runId: string | null;
  level: NotificationRow['level'];
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export function toNotificationView(r: NotificationRow): NotificationView {
  return {
    id: r.id,
    runId: r.run_id,
    level: r.level,
    title: r.title,
    body: r.body,
    link: r.link,
    createdAt: r.created_at.toISOString(),
    readAt: r.read_at?.toISOString() ?? null,
  };
}

export async function listNotificationViews(
  db: Queryable,
  ws: WorkspaceId,
  q: { unreadOnly?: boolean; limit?: number; offset?: number },
): Promise<{ items: NotificationView[]; unread: number }> {
  const rows = await listNotifications(db, ws, q);
  return { items: rows.map(toNotificationView), unread: await countUnread(db, ws) };
}

const notFound = (id: string) => new AppError('not_found', `No notification ${id}`);

export async function getNotificationView(
  db: Queryable,
  ws: WorkspaceId,
  id: string,
): Promise<NotificationView> {
  const row = isUuid(id) ? await getNotification(db, ws, id) : undefined;
  if (!row) throw notFound(id);
  return toNotificationView(row);
}

export async function readNotification(
  db: Queryable,
  ws: WorkspaceId,
  id: string,
): Promise<{ notification: NotificationView; unread: number }> {
  const row = isUuid(id) ? await markNotificationRead(db, ws, id) : undefined;
  if (!row) throw notFound(id);
  return { notification: toNotificationView(row), unread: await countUnread(db, ws) };
}

export async function readAllNotifications(
  db: Queryable,
  ws: WorkspaceId,
): Promise<{ marked: number; unread: number }> {
  return { marked: await markAllNotificationsRead(db, ws), unread: 0 };
}

export interface OutboxView {
  id: string;
  runId: string | null;
  recipients: string[];
  subject: string;
  text: string;
  status: OutboxRow['status'];
  error: string | null;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
}

export async function listOutboxViews(
  db: Queryable,
  ws: WorkspaceId,
  q: { limit?: number; offset?: number },
): Promise<OutboxView[]> {
  return (await listOutbox(db, ws, q)).map((r) => ({
    id: r.id,
    runId: r.run_id,
    recipients: r.recipients,
    subject: r.subject,
    text: r.text_body,
    status: r.status,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  }));
}
