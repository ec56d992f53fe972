import { z } from 'zod';
import type { ConnectionId, WorkspaceId } from '../core/ids';
import { type Pool, withTransaction } from '../db/pool';
import { recordAudit } from '../db/repos/audit';
import {
  type ConnectionKind,
  type ConnectionRow,
  getConnection,
  getConnectionByKind,
  listConnections,
  upsertConnection,
} from '../db/repos/connections';
import type { SecretBox } from '../runtime/secret-box';
import { connectionUrlProblems, rebindProblem } from './connection-policy';
import { AppError } from './errors';
import { carryOverSource } from './partner-center/carry-over';
import { assertMicrosoftAllowed, assertPax8Allowed } from './pax8/one-source';

/**
 * What each kind of connection stores: `settings` are shown back to the user, `secrets` are sealed and never
 * leave the server. Secrets may be omitted on update to keep the stored ones, unless a setting that says where
 * they go changes (connection-policy.ts). URLs must pass the URL policy (docs/url-policy.md).
 */
export const CONNECTION_SCHEMAS = {
  autotask: {
    settings: z.object({
      username: z.string().trim().min(1, 'the API username is required'),
      zoneUrl: z.string().url().optional(),
    }),
    secrets: z.object({
      secret: z.string().min(1, 'the API secret is required'),
      integrationCode: z.string().trim().min(1, 'the API integration code is required'),
    }),
  },
  connectwise: {
    settings: z.object({
      site: z.string().trim().min(1, 'the site is required'),
      companyId: z.string().trim().min(1, 'the company id is required'),
      publicKey: z.string().trim().min(1, 'the public key is required'),
    }),
    secrets: z.object({ privateKey: z.string().min(1, 'the private key is required') }),
  },
  'partner-center': {
    settings: z.object({
      mode: z.enum(['api', 'files']),
      tenantId: z.string().trim().optional(),
      clientId: z.string().trim().optional(),
      authority: z.string().url().optional(),
      apiUrl: z.string().url().optional(),
    }),
    secrets: z.object({ clientSecret: z.string().min(1) }).partial(),
  },
  // Issue 18: Pax8's partner API (client credentials); the URLs only for its emulator or another Pax8 host.
  pax8: {
    settings: z.object({
      clientId: z.string().trim().min(1, 'the client id is required'),
      apiUrl: z.string().url().optional(),
      tokenUrl: z.string().url().optional(),
      audience: z.string().trim().min(1).optional(),
    }),
    secrets: z.object({ clientSecret: z.string().min(1, 'the client secret is required') }),
  },
} as const;

/** A connection as the API shows it: secrets only as "set" / "not set". */
export interface ConnectionView {
  id: ConnectionId;
  kind: ConnectionKind;
  settings: Record<string, unknown>;
  credentials: 'set' | 'not set';
  status: ConnectionRow['status'];
  statusMessage: string | null;
  checkedAt: string | null;
  updatedAt: string;
}

export function viewConnection(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    kind: row.kind,
    settings: row.settings,
    credentials: row.credentials ? 'set' : 'not set',
    status: row.status,
    statusMessage: row.status_message,
    checkedAt: row.checked_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function sealContext(workspaceId: WorkspaceId, kind: ConnectionKind): string {
  return `connection:${workspaceId}:${kind}`;
}

export async function saveConnection(
  pool: Pool,
  box: SecretBox,
  input: {
    workspaceId: WorkspaceId;
    kind: ConnectionKind;
    settings: unknown;
    secrets?: unknown;
    actor: string;
  },
): Promise<ConnectionView> {
  const schema = CONNECTION_SCHEMAS[input.kind];
  const settings = schema.settings.safeParse(input.settings ?? {});
  if (!settings.success) {
    throw new AppError(
      'validation_failed',
      settings.error.issues.map((i) => i.message).join('; '),
      settings.error.issues,
    );
  }
  const urlProblems = connectionUrlProblems(input.kind, settings.data);
  if (urlProblems.length > 0) throw new AppError('validation_failed', urlProblems.join('; '));
  let secrets: Record<string, unknown> | undefined;
  if (input.secrets !== undefined) {
    const parsed = schema.secrets.safeParse(input.secrets);
    if (!parsed.success) {
      throw new AppError(
        'validation_failed',
        parsed.error.issues.map((i) => i.message).join('; '),
        parsed.error.issues,
      );
    }
    secrets = parsed.data;
  }
  return withTransaction(pool, async (tx) => {
    // One source per program (issue 18): Pax8 and Microsoft's name customers differently.
    if (input.kind === 'pax8') await assertPax8Allowed(tx, input.workspaceId);
    if (input.kind === 'partner-center') await assertMicrosoftAllowed(tx, input.workspaceId);
    const stored = await getConnectionByKind(tx, input.workspaceId, input.kind);
    const rebind =
      !secrets && stored?.credentials ? rebindProblem(input.kind, stored.settings, settings.data) : undefined;
    if (rebind) throw new AppError('validation_failed', rebind);
    // The Microsoft CSP source keeps what billsync owns (its consent, the last pull) across saves.
    const kept =
      input.kind === 'partner-center'
        ? carryOverSource(
            stored ? { settings: stored.settings, secrets: openStoredQuietly(box, stored) } : undefined,
            settings.data,
            secrets,
          )
        : {
            settings: {
              ...(settings.data as Record<string, unknown>),
              // The last Pax8 pull is billsync's, not the form's: it stays across saves.
              ...(input.kind === 'pax8' && stored?.settings.pull !== undefined
                ? { pull: stored.settings.pull }
                : {}),
            },
            secrets,
          };
    // A kind whose secrets are all optional (the Microsoft CSP source in "import files" mode needs none) is
    // saved with an empty sealed set the first time; a kind that needs credentials still refuses below.
    const toSeal =
      kept.secrets ?? (!stored?.credentials && schema.secrets.safeParse({}).success ? {} : undefined);
    const sealed = toSeal
      ? box.seal(JSON.stringify(toSeal), sealContext(input.workspaceId, input.kind))
      : null;
    const row = await upsertConnection(tx, {
      workspaceId: input.workspaceId,
      kind: input.kind,
      settings: kept.settings,
      credentials: sealed,
    });
    if (!row.credentials) {
      throw new AppError('validation_failed', `The ${input.kind} connection needs its credentials`);
    }
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'connection.save',
      targetType: 'connection',
      targetId: row.id,
      details: { kind: input.kind, secretsChanged: secrets !== undefined },
    });
    return viewConnection(row);
  });
}

export async function listConnectionViews(pool: Pool, workspaceId: WorkspaceId): Promise<ConnectionView[]> {
  return (await listConnections(pool, workspaceId)).map(viewConnection);
}

export async function getConnectionView(
  pool: Pool,
  workspaceId: WorkspaceId,
  id: ConnectionId,
): Promise<ConnectionView> {
  const row = await getConnection(pool, workspaceId, id);
  if (!row) throw new AppError('not_found', 'No such connection');
  return viewConnection(row);
}

/** The stored secrets, or none when they cannot be opened (a changed key): a save then replaces them. */
function openStoredQuietly(box: SecretBox, row: ConnectionRow): Record<string, string> {
  try {
    return openSecrets(box, row);
  } catch {
    return {};
  }
}

/** The decrypted secrets of a connection, for adapters only (never for responses or logs). */
export function openSecrets(box: SecretBox, row: ConnectionRow): Record<string, string> {
  if (!row.credentials) return {};
  return JSON.parse(box.open(row.credentials, sealContext(row.workspace_id, row.kind))) as Record<
    string,
    string
  >;
}
