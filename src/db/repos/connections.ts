import type { ConnectionId, WorkspaceId } from '../../core/ids';
import type { Queryable } from '../pool';

export type ConnectionKind = 'autotask' | 'connectwise' | 'partner-center' | 'pax8';
export const CONNECTION_KINDS: readonly ConnectionKind[] = [
  'autotask',
  'connectwise',
  'partner-center',
  'pax8',
];
export type ConnectionStatus = 'unknown' | 'connected' | 'error' | 'needs_setup';

export interface ConnectionRow {
  id: ConnectionId;
  workspace_id: WorkspaceId;
  kind: ConnectionKind;
  settings: Record<string, unknown>;
  /** Sealed secrets (SecretBox); never leaves the server. */
  credentials: Buffer | null;
  status: ConnectionStatus;
  status_message: string | null;
  checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export async function listConnections(db: Queryable, workspaceId: WorkspaceId): Promise<ConnectionRow[]> {
  const res = await db.query<ConnectionRow>(
    'select * from connections where workspace_id = $1 order by kind',
    [workspaceId],
  );
  return res.rows;
}

export async function getConnection(
  db: Queryable,
  workspaceId: WorkspaceId,
  id: ConnectionId,
): Promise<ConnectionRow | undefined> {
  const res = await db.query<ConnectionRow>('select * from connections where workspace_id = $1 and id = $2', [
    workspaceId,
    id,
  ]);
  return res.rows[0];
}

export async function getConnectionByKind(
  db: Queryable,
  workspaceId: WorkspaceId,
  kind: ConnectionKind,
): Promise<ConnectionRow | undefined> {
  const res = await db.query<ConnectionRow>(
    'select * from connections where workspace_id = $1 and kind = $2',
    [workspaceId, kind],
  );
  return res.rows[0];
}

/** Creates or replaces the workspace's connection of one kind (a workspace has at most one per kind). */
export async function upsertConnection(
  db: Queryable,
  c: {
    workspaceId: WorkspaceId;
    kind: ConnectionKind;
    settings: Record<string, unknown>;
    credentials: Buffer | null;
  },
): Promise<ConnectionRow> {
  const res = await db.query<ConnectionRow>(
    `insert into connections (workspace_id, kind, settings, credentials, status, status_message)
     values ($1, $2, $3, $4, 'unknown', null)
     on conflict (workspace_id, kind) do update
       set settings = excluded.settings,
           credentials = coalesce(excluded.credentials, connections.credentials),
           status = 'unknown', status_message = null, updated_at = now()
     returning *`,
    [c.workspaceId, c.kind, c.settings, c.credentials],
  );
  return res.rows[0]!;
}

export async function setConnectionStatus(
  db: Queryable,
  workspaceId: WorkspaceId,
  id: ConnectionId,
  status: ConnectionStatus,
  message: string | null,
): Promise<void> {
  await db.query(
    `update connections set status = $3, status_message = $4, checked_at = now(), updated_at = now()
      where workspace_id = $1 and id = $2`,
    [workspaceId, id, status, message],
  );
}

export async function deleteConnection(
  db: Queryable,
  workspaceId: WorkspaceId,
  id: ConnectionId,
): Promise<boolean> {
  const res = await db.query('delete from connections where workspace_id = $1 and id = $2', [
    workspaceId,
    id,
  ]);
  return (res.rowCount ?? 0) > 0;
}
