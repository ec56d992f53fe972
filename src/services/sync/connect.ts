import type { WorkspaceId } from '../../core/ids';
import { IntegrationError, type IntegrationErrorKind } from '../../core/integration-error';
import type { Pool } from '../../db/pool';
import { recordAudit } from '../../db/repos/audit';
import { type ConnectionStatus, getConnectionByKind, setConnectionStatus } from '../../db/repos/connections';
import { getProgram, type TargetKind } from '../../db/repos/sync';
import type { SecretBox } from '../../runtime/secret-box';
import { connectionUrlProblems } from '../connection-policy';
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
export async function setupStatus(pool: Pool, ws: WorkspaceId, target: TargetKind, detail: string) {
  const program = await getProgram(pool, ws, target);
  if (target === 'autotask' && !program?.billingCodeId) {
    return {
      status: 'needs_setup' as const,
      message: `${detail}. Set up the Microsoft CSP program next: choose a billing code in the program settings`,
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

/** What to check when a PSA refuses the credentials: the fields of its connect form (spec section 2). */
const CREDENTIAL_FIELDS: Record<TargetKind, string> = {
  autotask: 'the API username, the secret and the integration code',
  connectwise: 'the site, the company id, the public key and the private key',
};

/** The credential fields of the PSA with that label; a label we do not know gets plain "the credentials". */
function credentialFields(psa: string): string {
  const kind = (Object.keys(TARGET_LABEL) as TargetKind[]).find((k) => TARGET_LABEL[k] === psa);
  return kind ? CREDENTIAL_FIELDS[kind] : 'the credentials';
}

/** What a failed test means, in our words, when the failure's own message carries the vendor's text. */
const FAILURE_WORDS: Record<IntegrationErrorKind, (psa: string) => string> = {
  auth: (psa) => `${psa} refused the credentials: check ${credentialFields(psa)}`,
  forbidden: (psa) => `${psa} refused access: the API user lacks a permission billsync needs`,
  not_found: (psa) => `${psa}'s API was not found there: check the connection's URL`,
  conflict: (psa) => `${psa} refused the request`,
  validation: (psa) => `${psa} refused the request`,
  rate_limited: (psa) => `${psa} is limiting requests right now: try again in a few minutes`,
  unavailable: (psa) => `${psa} could not be reached or is unavailable: try again in a few minutes`,
  timeout: (psa) => `${psa} did not answer in time: try again in a few minutes`,
  protocol: (psa) => `The answer was not ${psa}'s API: check the connection's URL`,
};

/**
 * The status message of a failed test. It never repeats what the other end sent (a body, a page title, an error
 * text): the message is shown to every user of the workspace, and the other end may not be the vendor (an
 * emulator, a URL stored before the URL policy). Vendor mappers keep the vendor's texts in `vendorMessages` and
 * may lead the message with one; such a message is replaced by the kind of failure in words. A message of ours
 * (our wording, the request we sent) is kept.
 */
export function testFailureMessage(error: IntegrationError, psa: string): string {
  const echoes = error.vendorMessages.some((v) => v.trim() !== '' && error.message.includes(v.trim()));
  const status = error.status !== undefined ? ` (HTTP ${error.status})` : '';
  return shortLine(echoes ? `${FAILURE_WORDS[error.kind](psa)}${status}` : error.message);
}

/** One line of at most 300 characters, without control characters. */
export function shortLine(text: string): string {
  const clean = text.replace(/\p{Cc}+/gu, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 297)}...` : clean;
}

/**
 * Tests the stored connection of a PSA with a cheap authenticated call and records the outcome on the
 * connection card: connected (green), needs setup (amber), or error (red) with the reason in our words. A stored
 * URL outside the URL policy (saved before the policy, or with BILLSYNC_ALLOW_LOCAL_PSA since switched off) is
 * an error without any request: the secrets are not sent there.
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
  const label = TARGET_LABEL[target];
  const urlProblems = connectionUrlProblems(target, row.settings);
  let outcome: { status: ConnectionStatus; message: string };
  try {
    if (urlProblems.length > 0) {
      throw new AppError('validation_failed', `${urlProblems.join('; ')}. Enter the connection again`);
    }
    const adapter = await deps.openTarget(ws, target);
    const checked = await adapter.check({});
    outcome = checked.ok
      ? await setupStatus(deps.pool, ws, target, shortLine(checked.value.detail))
      : { status: 'error', message: testFailureMessage(checked.error, label) };
  } catch (error) {
    if (error instanceof IntegrationError)
      outcome = { status: 'error', message: testFailureMessage(error, label) };
    else if (error instanceof AppError) outcome = { status: 'error', message: error.message };
    else throw error;
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
