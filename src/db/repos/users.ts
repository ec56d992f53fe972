import type { UserId, WorkspaceId } from '../../core/ids';
import type { Queryable } from '../pool';

export type Role = 'admin' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export interface UserRow {
  id: UserId;
  workspace_id: WorkspaceId;
  email: string;
  password_hash: string;
  role: Role;
  created_at: Date;
  last_login_at: Date | null;
}

export async function insertUser(
  db: Queryable,
  user: { workspaceId: WorkspaceId; email: string; passwordHash: string; role: Role },
): Promise<UserRow> {
  const res = await db.query<UserRow>(
    'insert into users (workspace_id, email, password_hash, role) values ($1, $2, $3, $4) returning *',
    [user.workspaceId, user.email.trim().toLowerCase(), user.passwordHash, user.role],
  );
  return res.rows[0]!;
}

/**
 * Every account with this email, one per workspace at most (emails are per workspace): the most recently
 * signed-in first.
 */
export async function findUsersByEmail(db: Queryable, email: string): Promise<UserRow[]> {
  const res = await db.query<UserRow>(
    `select * from users where lower(email) = lower($1)
      order by last_login_at desc nulls last, created_at, id`,
    [email.trim()],
  );
  return res.rows;
}

export async function findUserInWorkspace(
  db: Queryable,
  workspaceId: WorkspaceId,
  email: string,
): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>(
    'select * from users where workspace_id = $1 and lower(email) = lower($2)',
    [workspaceId, email.trim()],
  );
  return res.rows[0];
}

export async function getUser(
  db: Queryable,
  workspaceId: WorkspaceId,
  id: UserId,
): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>('select * from users where workspace_id = $1 and id = $2', [
    workspaceId,
    id,
  ]);
  return res.rows[0];
}

export async function listUsers(db: Queryable, workspaceId: WorkspaceId): Promise<UserRow[]> {
  const res = await db.query<UserRow>('select * from users where workspace_id = $1 order by email', [
    workspaceId,
  ]);
  return res.rows;
}

export async function touchLogin(db: Queryable, id: UserId): Promise<void> {
  await db.query('update users set last_login_at = now() where id = $1', [id]);
}

/**
 * Records one sign-in attempt for an account key (a hash of the email, whether or not such a user exists) unless
 * `limit` attempts are already in the window since `windowStart`; then it answers when the oldest of them ages
 * out. A per-key lock makes parallel attempts queue, so they cannot all slip under the limit. Must run in a
 * transaction (the lock is held to its end).
 */
export async function recordLoginAttempt(
  db: Queryable,
  attempt: { key: string; now: Date; windowStart: Date; limit: number },
): Promise<{ id: number } | { oldest: Date }> {
  await db.query('select pg_advisory_xact_lock(hashtextextended($1, 7))', [attempt.key]);
  await db.query('delete from login_attempts where at <= $1', [attempt.windowStart]);
  const earlier = await db.query<{ n: number; oldest: Date | null }>(
    'select count(*)::int as n, min(at) as oldest from login_attempts where account_key = $1',
    [attempt.key],
  );
  const { n, oldest } = earlier.rows[0]!;
  if (n >= attempt.limit && oldest) return { oldest };
  const res = await db.query<{ id: number }>(
    'insert into login_attempts (account_key, at) values ($1, $2) returning id',
    [attempt.key, attempt.now],
  );
  return { id: res.rows[0]!.id };
}

/** A successful sign-in does not count against its account. */
export async function forgetLoginAttempt(db: Queryable, id: number): Promise<void> {
  await db.query('delete from login_attempts where id = $1', [id]);
}

/** A user as the API and the CLI show it (never the password hash). */
export function userView(u: UserRow): {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
} {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    createdAt: u.created_at.toISOString(),
    lastLoginAt: u.last_login_at?.toISOString() ?? null,
  };
}
