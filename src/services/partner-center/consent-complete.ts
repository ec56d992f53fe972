import type { WorkspaceId } from '../../core/ids';
import { withTransaction } from '../../db/pool';
import { recordAudit } from '../../db/repos/audit';
import { REFRESH_TOKEN_LIFETIME_DAYS, redeemAuthorizationCode } from '../../sources/partner-center/api';
import { connectionOf, type SourceDeps, writeRefreshToken } from './access';
import { pendingProblem, takePendingConsent } from './consent-flow';
import { NO_CONSENT } from './model';
import { loadSource, writeManaged, writeSecrets, writeStatus } from './store';
import { describeAadsts, describeFailure } from './words';

/** What Microsoft sent back to the redirect URI (query parameters), plus the browser's consent cookie. */
export interface ConsentAnswer {
  state?: string | undefined;
  code?: string | undefined;
  error?: string | undefined;
  errorDescription?: string | undefined;
  browserSecret?: string | undefined;
}

export type ConsentOutcome =
  | { outcome: 'connected'; message: string }
  | { outcome: 'failed' | 'unknown-state'; message: string };

/** Microsoft's `error` / `error_description` in words (only a known AADSTS code or an OAuth error name is used). */
function answerError(a: ConsentAnswer): string {
  const code = /AADSTS(\d{4,9})\b/.exec(a.errorDescription ?? '')?.[1];
  if (code) return describeAadsts(Number(code));
  const name = /^[a-z_]{1,40}$/.test(a.error ?? '') ? a.error : 'unknown';
  return `Microsoft did not grant the consent (${name})`;
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * The redirect URI's work: checks the answer against the consent started here (state: single use; the starting
 * browser; a live session; in time), redeems the code (with the PKCE verifier) and stores the refresh token
 * sealed. A failure is recorded on the card in words; the refresh token is never sent to a browser.
 */
export async function completeConsent(deps: SourceDeps, a: ConsentAnswer): Promise<ConsentOutcome> {
  const taken = a.state ? await takePendingConsent(deps, a.state) : undefined;
  if (!taken)
    return {
      outcome: 'unknown-state',
      message:
        'The sign-in answer does not belong to a Connect started here, or it was used already: click Connect again',
    };
  const { loaded, pending } = taken;
  const ws = loaded.row.workspace_id;
  let message = await pendingProblem(deps, pending, a.browserSecret);
  let redeemed: { refreshToken: string; user: string | undefined } | undefined;
  if (!message && (a.error || !a.code)) message = answerError(a);
  if (!message) {
    try {
      redeemed = await redeemAuthorizationCode(
        connectionOf(loaded),
        { code: a.code ?? '', redirectUri: pending.redirectUri, codeVerifier: pending.verifier },
        deps.http,
      );
    } catch (error) {
      message = describeFailure(error);
    }
  }
  return withTransaction(deps.pool, async (tx) => {
    const fresh = await loadSource(tx, deps.box, ws, { forUpdate: true });
    if (!fresh) return { outcome: 'failed', message: 'The Microsoft CSP source was removed meanwhile' };
    const audit = (ok: boolean) =>
      recordAudit(tx, {
        workspaceId: ws,
        actor: pending.actor,
        action: 'partner-center.consent',
        targetType: 'connection',
        targetId: fresh.row.id,
        details: { ok, ...(redeemed?.user ? { user: redeemed.user } : {}) },
      });
    if (!redeemed || message) {
      const text = message ?? 'The consent failed';
      await writeManaged(tx, ws, 'consent', { ...fresh.consent, problem: text });
      await audit(false);
      return { outcome: 'failed', message: text };
    }
    await writeRefreshToken(tx, deps, fresh, redeemed.refreshToken, { user: redeemed.user });
    const now = deps.clock.now();
    const until = day(new Date(Date.parse(now) + REFRESH_TOKEN_LIFETIME_DAYS * 86_400_000).toISOString());
    const by = redeemed.user ? ` by ${redeemed.user}` : '';
    const text = `Connected to Partner Center: App+User consent${by}, renewed automatically (valid until ${until})`;
    await writeStatus(tx, ws, 'connected', text, now);
    await audit(true);
    return { outcome: 'connected', message: text };
  });
}

/** Forgets the App+User consent (the refresh token); app-only reads go on. */
export async function disconnectConsent(deps: SourceDeps, ws: WorkspaceId, actor: string): Promise<void> {
  await withTransaction(deps.pool, async (tx) => {
    const loaded = await loadSource(tx, deps.box, ws, { forUpdate: true });
    if (!loaded) return;
    const { refreshToken: _r, pending: _p, ...kept } = loaded.secrets;
    await writeSecrets(tx, deps.box, loaded.row, kept);
    await writeManaged(tx, ws, 'consent', NO_CONSENT);
    await recordAudit(tx, {
      workspaceId: ws,
      actor,
      action: 'partner-center.consent.remove',
      targetType: 'connection',
      targetId: loaded.row.id,
    });
  });
}
