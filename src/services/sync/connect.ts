import type { WorkspaceId } from '../../core/ids';
import { IntegrationError } from '../../core/integration-error';
import type { Pool } from '../../db/pool';
import { recordAudit } from '../../db/repos/audit';
import { type ConnectionStatus, getConnectionByKind, setConnectionStatus } from '../../db/repos/connections';
import { getProgram, type TargetKind } from '../../db/repos/sync';
import type { SecretBox } from '../../runtime/secret-box';
import { type ConnectionView, saveConnection, viewConnection } from '../connections';
import { AppError } from '../errors';
import { type SyncDeps, TARGET_LABEL } from './psa';

export interface ConnectionTest {
  /** The connection after the test, with its new status. */
  connection: ConnectionView;
  /** The credentials work (status connected or needs_setup). */
  ok: boolean;
  status: ConnectionStatus;
  /** The status in words: what works, or what is wrong and what to do. */
  message: string;
}

const STATUS_WORDS: Record<ConnectionStatus, string> = {
  unknown: 'Not tested',
  connected: 'Connected',
  error: 'Error',
  needs_setup: 'Needs setup',
};

export function statusInWords(t: Pick<ConnectionTest, 'status' | 'message'>): string {
  return `${STATUS_WORDS[t.status]}: ${t.message}`;
}

/** Connected, or "needs setup" while the program has no billing code or sync is off (spec section 2). */
async function setupStatus(pool: Pool, ws: WorkspaceId, target: TargetKind, detail: string) {
  const program = await getProgram(pool, ws, target);
  if (target === 'autotask' && !program?.billingCodeId) {
    return {
      status: 'needs_setup' as const,
      message: `${detail}. Set up the Microsoft CSP program next: choose a billing code in the program settings (or \`billsync program set\`)`,
    };
  }
  if (!program?.syncEnabled) {
    return {
      status: 'needs_setup' as const,
      message: `${detail}. Sync is switched off: switch it on in the program settings`,
    };
  }
  return { status: 'connected' as const, message: detail };
}

/**
 * Tests the stored connection of a PSA with a cheap authenticated call and records the outcome on the
 * connection card: connected (green), needs setup (amber), or error (red) with the reason in words.
 */
export async function testTargetConnection(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  actor: string,
): Promise<ConnectionTest> {
  const row = await getConnectionByKind(deps.pool, ws, target);
  if (!row) {
    throw new AppError(
      'not_found',
      `${TARGET_LABEL[target]} is not connected yet: enter its credentials first`,
    );
  }
  let outcome: { status: ConnectionStatus; message: string };
  try {
    const adapter = await deps.openTarget(ws, target);
    const checked = await adapter.check({});
    outcome = checked.ok
      ? await setupStatus(deps.pool, ws, target, checked.value.detail)
      : { status: 'error', message: checked.error.message };
  } catch (error) {
    if (!(error instanceof AppError) && !(error instanceof IntegrationError)) throw error;
    outcome = { status: 'error', message: error.message };
  }
  await setConnectionStatus(deps.pool, ws, row.id, outcome.status, outcome.message);
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: 'connection.test',
    targetType: 'connection',
    targetId: row.id,
    details: { kind: target, status: outcome.status },
  });
  const fresh = await getConnectionByKind(deps.pool, ws, target);
  return {
    connection: viewConnection(fresh ?? row),
    ok: outcome.status !== 'error',
    ...outcome,
  };
}

/** Saves a PSA connection (secrets sealed) and tests it at once. A failed test keeps the connection saved. */
export async function connectTarget(
  deps: SyncDeps,
  box: SecretBox,
  input: { workspaceId: WorkspaceId; kind: TargetKind; settings: unknown; secrets?: unknown; actor: string },
): Promise<ConnectionTest> {
  await saveConnection(deps.pool, box, input);
  return testTargetConnection(deps, input.workspaceId, input.kind, input.actor);
}

/**
 * After the program settings change: a working connection turns green once the program is set up, amber when
 * it is not. Connections in error or never tested stay as they are (only a test can tell).
 */
export async function refreshSetupStatus(pool: Pool, ws: WorkspaceId, target: TargetKind): Promise<void> {
  const row = await getConnectionByKind(pool, ws, target);
  if (!row || (row.status !== 'connected' && row.status !== 'needs_setup')) return;
  // The first sentence of the stored message is the check's detail ("Connected to ... as ...").
  const detail = (row.status_message ?? 'Connected').split('. ')[0] || 'Connected';
  const next = await setupStatus(pool, ws, target, detail);
  await setConnectionStatus(pool, ws, row.id, next.status, next.message);
}
