import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WorkspaceId } from '../../core/ids';
import { withTransaction } from '../../db/pool';
import { recordAudit } from '../../db/repos/audit';
import { authorizeUrl, newPkcePair } from '../../sources/partner-center/api';
import { connectionOf, type SourceDeps } from './access';
import { CONSENT_TIMEOUT_MINUTES, type PendingConsent } from './model';
import { type LoadedSource, loadSource, requireApiSource, writeSecrets } from './store';

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface StartedConsent {
  /** Where the admin's browser goes: Microsoft's sign-in and consent page. */
  authorizeUrl: string;
  /** The value of the consent cookie: only the browser that started the consent can finish it. */
  browserSecret: string;
  expiresAt: string;
}

/**
 * Starts the App+User consent (OAuth 2.0 authorization code flow with PKCE): a single-use `state` (naming the
 * connection, so the callback finds it), bound to the admin's session and to a random value kept in a cookie of
 * their browser, stored with the PKCE verifier in the sealed secrets until the answer comes back.
 */
export async function startConsent(
  deps: SourceDeps,
  p: { workspaceId: WorkspaceId; sessionId: string; actor: string; redirectUri: string },
): Promise<StartedConsent> {
  return withTransaction(deps.pool, async (tx) => {
    const loaded = await requireApiSource(tx, deps.box, p.workspaceId, { forUpdate: true });
    const conn = connectionOf(loaded);
    const state = `${loaded.row.id}.${randomBytes(24).toString('base64url')}`;
    const pkce = newPkcePair();
    const browserSecret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.parse(deps.clock.now()) + CONSENT_TIMEOUT_MINUTES * 60_000).toISOString();
    const pending: PendingConsent = {
      state,
      verifier: pkce.verifier,
      browserHash: sha256(browserSecret),
      sessionId: p.sessionId,
      actor: p.actor,
      redirectUri: p.redirectUri,
      expiresAt,
    };
    await writeSecrets(tx, deps.box, loaded.row, { ...loaded.secrets, pending });
    await recordAudit(tx, {
      workspaceId: p.workspaceId,
      actor: p.actor,
      action: 'partner-center.consent.start',
      targetType: 'connection',
      targetId: loaded.row.id,
    });
    return {
      authorizeUrl: authorizeUrl(conn, { redirectUri: p.redirectUri, state, codeChallenge: pkce.challenge }),
      browserSecret,
      expiresAt,
    };
  });
}

const STATE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]{20,100}$/;

/**
 * The callback's first step: finds the consent a `state` names and uses it up (whatever follows, a state works
 * once). Undefined when no consent started here is waiting for this state.
 */
export async function takePendingConsent(
  deps: Pick<SourceDeps, 'pool' | 'box'>,
  state: string,
): Promise<{ loaded: LoadedSource; pending: PendingConsent } | undefined> {
  const m = STATE.exec(state);
  if (!m) return undefined;
  return withTransaction(deps.pool, async (tx) => {
    const owner = await tx.query<{ workspace_id: WorkspaceId }>(
      `select workspace_id from connections where id = $1 and kind = 'partner-center'`,
      [m[1]],
    );
    const ws = owner.rows[0]?.workspace_id;
    const loaded = ws ? await loadSource(tx, deps.box, ws, { forUpdate: true }) : undefined;
    const pending = loaded?.secrets.pending;
    if (!loaded || !pending || !sameText(pending.state, state)) return undefined;
    const { pending: _used, ...rest } = loaded.secrets;
    await writeSecrets(tx, deps.box, loaded.row, rest);
    return { loaded: { ...loaded, secrets: rest }, pending };
  });
}

/**
 * Why a consent answer may not be used, in words; undefined when it may: it came back in time, to the browser
 * that started it (its cookie), while the admin's billsync session is still alive.
 */
export async function pendingProblem(
  deps: Pick<SourceDeps, 'pool' | 'clock'>,
  pending: PendingConsent,
  browserSecret: string | undefined,
): Promise<string | undefined> {
  if (Date.parse(pending.expiresAt) <= Date.parse(deps.clock.now()))
    return `The sign-in took longer than ${CONSENT_TIMEOUT_MINUTES} minutes: click Connect again`;
  if (!browserSecret || !sameText(sha256(browserSecret), pending.browserHash))
    return 'The sign-in came back to another browser than the one that clicked Connect: click Connect again in this browser';
  const session = await deps.pool.query('select 1 from sessions where id = $1 and expires_at > $2', [
    pending.sessionId,
    deps.clock.now(),
  ]);
  if (session.rowCount === 0)
    return 'Your billsync session ended during the sign-in: sign in to billsync and click Connect again';
  return undefined;
}
