import type { SessionId, UserId, WorkspaceId } from '../../core/ids';
import type { Queryable } from '../pool';
import type { Role } from './users';

export interface SessionWithUser {
  session_id: SessionId;
  workspace_id: WorkspaceId;
  user_id: UserId;
  email: string;
  role: Role;
  csrf_token: string;
  workspace_name: string;
}

export async function insertSession(
  db: Queryable,
  s: {
    workspaceId: WorkspaceId;
    userId: UserId;
    tokenHash: string;
    csrfToken: string;
    expiresAt: Date;
    ip?: string;
    userAgent?: string;
  },
): Promise<SessionId> {
  const res = await db.query<{ id: SessionId }>(
    `insert into sessions (workspace_id, user_id, token_hash, csrf_token, expires_at, ip, user_agent)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [s.workspaceId, s.userId, s.tokenHash, s.csrfToken, s.expiresAt, s.ip ?? null, s.userAgent ?? null],
  );
  return res.rows[0]!.id;
}

/**
 * The live session for a token hash, with its user and workspace. Touches last_seen_at at most once a minute: a
 * write (and its disk flush) on every API request would put the slowest part of the database on every page.
 */
export async function findLiveSession(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<SessionWithUser | undefined> {
  const res = await db.query<SessionWithUser>(
    `with found as (
       select s.id as session_id, s.workspace_id, s.user_id, u.email, u.role, s.csrf_token,
              w.name as workspace_name, s.last_seen_at
         from sessions s
         join users u on u.id = s.user_id
         join workspaces w on w.id = s.workspace_id
        where s.token_hash = $1 and s.expires_at > $2
     ), touched as (
       update sessions set last_seen_at = $2
        where id in (select session_id from found
                      where last_seen_at is null or last_seen_at < $2::timestamptz - interval '1 minute')
     )
     select session_id, workspace_id, user_id, email, role, csrf_token, workspace_name from found`,
    [tokenHash, now],
  );
  return res.rows[0];
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('delete from sessions where token_hash = $1', [tokenHash]);
}

export async function deleteExpiredSessions(db: Queryable, now: Date): Promise<number> {
  const res = await db.query('delete from sessions where expires_at <= $1', [now]);
  return res.rowCount ?? 0;
}
