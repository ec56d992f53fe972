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

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>('select * from users where lower(email) = lower($1)', [email.trim()]);
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
