import type { WorkspaceId } from '../../core/ids';
import type { Queryable } from '../../db/pool';
import type { ConnectionRow, ConnectionStatus } from '../../db/repos/connections';
import type { SecretBox } from '../../runtime/secret-box';
import { type Pax8Connection, resolvePax8Connection } from '../../sources/pax8';
import { sealContext } from '../connections';
import { AppError } from '../errors';

/** The Pax8 connection of a workspace with its secret opened (server side only). */
export interface LoadedPax8 {
  row: ConnectionRow;
  clientSecret: string | undefined;
}

/** What the last pull did, kept on the connection (`settings.pull`, owned by billsync) for the card and the CLI. */
export interface Pax8PullRecord {
  state: 'done' | 'warning' | 'failed';
  startedAt: string;
  finishedAt: string;
  /** One line: what was read and stored. */
  summary: string;
  errors: string[];
  disagreements: string[];
}

function openSecret(box: SecretBox, row: ConnectionRow): string | undefined {
  if (!row.credentials) return undefined;
  const secrets = JSON.parse(box.open(row.credentials, sealContext(row.workspace_id, row.kind))) as Record<
    string,
    unknown
  >;
  return typeof secrets.clientSecret === 'string' && secrets.clientSecret ? secrets.clientSecret : undefined;
}

/** The workspace's Pax8 connection, or undefined. */
export async function loadPax8Source(
  db: Queryable,
  box: SecretBox,
  ws: WorkspaceId,
): Promise<LoadedPax8 | undefined> {
  const res = await db.query<ConnectionRow>(
    `select * from connections where workspace_id = $1 and kind = 'pax8'`,
    [ws],
  );
  const row = res.rows[0];
  if (!row) return undefined;
  return { row, clientSecret: openSecret(box, row) };
}

/** The same, or a clear error when Pax8 is not connected. */
export async function requirePax8Source(db: Queryable, box: SecretBox, ws: WorkspaceId): Promise<LoadedPax8> {
  const loaded = await loadPax8Source(db, box, ws);
  if (!loaded?.clientSecret)
    throw new AppError(
      'bad_request',
      'Pax8 is not connected: enter the API client id and secret first (Connections page, or `billsync connect pax8`)',
    );
  return loaded;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** Where and as whom the stored connection talks to Pax8. */
export function pax8ConnectionOf(loaded: LoadedPax8): Pax8Connection {
  const s = loaded.row.settings;
  const conn = resolvePax8Connection({
    clientId: str(s.clientId),
    clientSecret: loaded.clientSecret,
    apiUrl: str(s.apiUrl),
    tokenUrl: str(s.tokenUrl),
    audience: str(s.audience),
  });
  if (!conn.ok) throw new AppError('validation_failed', `Pax8: ${conn.problems.join('; ')}`);
  return conn.value;
}

/** Records the card's state (status, message in words, when) and, after a pull, its record. */
export async function writePax8Status(
  db: Queryable,
  ws: WorkspaceId,
  p: { status: ConnectionStatus; message: string; at: string; pull?: Pax8PullRecord },
): Promise<void> {
  await db.query(
    `update connections
        set status = $2, status_message = $3, checked_at = $4, updated_at = now(),
            settings = case when $5::jsonb is null then settings else jsonb_set(settings, '{pull}', $5::jsonb, true) end
      where workspace_id = $1 and kind = 'pax8'`,
    [ws, p.status, p.message.slice(0, 500), p.at, p.pull ? JSON.stringify(p.pull) : null],
  );
}
