import type { WorkspaceId } from '../../core/ids';
import type { Queryable } from '../pool';

export interface WorkspaceRow {
  id: WorkspaceId;
  name: string;
  settings: Record<string, unknown>;
  created_at: Date;
}

export async function countWorkspaces(db: Queryable): Promise<number> {
  const res = await db.query<{ n: number }>('select count(*)::int as n from workspaces');
  return res.rows[0]?.n ?? 0;
}

export async function insertWorkspace(db: Queryable, name: string): Promise<WorkspaceRow> {
  const res = await db.query<WorkspaceRow>('insert into workspaces (name) values ($1) returning *', [
    name.trim(),
  ]);
  return res.rows[0]!;
}

export async function getWorkspace(db: Queryable, id: WorkspaceId): Promise<WorkspaceRow | undefined> {
  const res = await db.query<WorkspaceRow>('select * from workspaces where id = $1', [id]);
  return res.rows[0];
}

export async function listWorkspaces(db: Queryable): Promise<WorkspaceRow[]> {
  const res = await db.query<WorkspaceRow>('select * from workspaces order by created_at, name');
  return res.rows;
}

export async function findWorkspaceByName(db: Queryable, name: string): Promise<WorkspaceRow | undefined> {
  const res = await db.query<WorkspaceRow>('select * from workspaces where lower(name) = lower($1) limit 1', [
    name,
  ]);
  return res.rows[0];
}
