import type { WorkspaceId } from '../../core/ids';
import type { Queryable } from '../../db/pool';
import type { ConnectionRow, ConnectionStatus } from '../../db/repos/connections';
import type { SecretBox } from '../../runtime/secret-box';
import { sealContext } from '../connections';
import { AppError } from '../errors';
import { type ConsentState, consentOf, PartnerCenterSecrets, type PullRecord } from './model';

/** The Partner Center connection of a workspace with its secrets opened (server side only). */
export interface LoadedSource {
  row: ConnectionRow;
  secrets: PartnerCenterSecrets;
  consent: ConsentState;
}

function openSecrets(box: SecretBox, row: ConnectionRow): PartnerCenterSecrets {
  if (!row.credentials) return {};
  const parsed = PartnerCenterSecrets.safeParse(
    JSON.parse(box.open(row.credentials, sealContext(row.workspace_id, row.kind))),
  );
  return parsed.success ? parsed.data : {};
}

/** The workspace's Partner Center connection, or undefined; `forUpdate` locks the row (inside a transaction). */
export async function loadSource(
  db: Queryable,
  box: SecretBox,
  ws: WorkspaceId,
  options: { forUpdate?: boolean } = {},
): Promise<LoadedSource | undefined> {
  const res = await db.query<ConnectionRow>(
    `select * from connections where workspace_id = $1 and kind = 'partner-center'${options.forUpdate ? ' for update' : ''}`,
    [ws],
  );
  const row = res.rows[0];
  if (!row) return undefined;
  return { row, secrets: openSecrets(box, row), consent: consentOf(row.settings) };
}

/** The same, or a clear error when the source is not set up for the Partner Center API. */
export async function requireApiSource(
  db: Queryable,
  box: SecretBox,
  ws: WorkspaceId,
  options: { forUpdate?: boolean } = {},
): Promise<LoadedSource> {
  const loaded = await loadSource(db, box, ws, options);
  if (loaded?.row.settings.mode !== 'api' || !loaded.secrets.clientSecret)
    throw new AppError(
      'bad_request',
      'The Microsoft CSP source is not connected to the Partner Center API yet: enter the app id, the client secret and the tenant id first',
    );
  return loaded;
}

/** Seals and stores the secrets of the connection (nothing else changes). */
export async function writeSecrets(
  db: Queryable,
  box: SecretBox,
  row: Pick<ConnectionRow, 'id' | 'workspace_id' | 'kind'>,
  secrets: PartnerCenterSecrets,
): Promise<void> {
  const sealed = box.seal(JSON.stringify(secrets), sealContext(row.workspace_id, row.kind));
  await db.query('update connections set credentials = $3 where workspace_id = $1 and id = $2', [
    row.workspace_id,
    row.id,
    sealed,
  ]);
}

/** Sets one billsync-owned key of the settings (`consent` or `pull`) without touching the others. */
export async function writeManaged(
  db: Queryable,
  ws: WorkspaceId,
  key: 'consent' | 'pull',
  value: ConsentState | PullRecord,
): Promise<void> {
  await db.query(
    `update connections set settings = jsonb_set(settings, $2::text[], $3::jsonb, true)
      where workspace_id = $1 and kind = 'partner-center'`,
    [ws, [key], JSON.stringify(value)],
  );
}

/** Records the card's state (status in colour, message in words) and when it was checked. */
export async function writeStatus(
  db: Queryable,
  ws: WorkspaceId,
  status: ConnectionStatus,
  message: string,
  at: string,
): Promise<void> {
  await db.query(
    `update connections set status = $2, status_message = $3, checked_at = $4, updated_at = now()
      where workspace_id = $1 and kind = 'partner-center'`,
    [ws, status, message.slice(0, 500), at],
  );
}
