import type { UserId, WorkspaceId } from '../../core/ids';
import type { Queryable } from '../pool';

export interface AuditEvent {
  workspaceId: WorkspaceId | null;
  userId?: UserId | null;
  /** Who did it in words: a user's email, 'cli', 'system'. */
  actor: string;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Queryable, e: AuditEvent): Promise<void> {
  await db.query(
    `insert into audit_events (workspace_id, user_id, actor, action, target_type, target_id, details)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      e.workspaceId,
      e.userId ?? null,
      e.actor,
      e.action,
      e.targetType ?? null,
      e.targetId ?? null,
      e.details ?? {},
    ],
  );
}

export interface AuditRow {
  id: number;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  at: Date;
}

export async function listAudit(db: Queryable, workspaceId: WorkspaceId, limit = 100): Promise<AuditRow[]> {
  const res = await db.query<AuditRow>(
    `select id, actor, action, target_type, target_id, details, at from audit_events
      where workspace_id = $1 order by at desc, id desc limit $2`,
    [workspaceId, limit],
  );
  return res.rows;
}
