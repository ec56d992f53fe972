import type { WorkspaceId } from '../../core/ids';
import type { Clock } from '../../core/time/clock';
import { type Pool, type Queryable, withTransaction } from '../../db/pool';
import type { SecretBox } from '../../runtime/secret-box';
import {
  type ConsentHttpOptions,
  createPartnerCenterClient,
  isGrantRejected,
  type PartnerCenterClient,
  type PartnerCenterConnection,
  REFRESH_TOKEN_LIFETIME_DAYS,
  redeemRefreshToken,
  resolveConnection,
} from '../../sources/partner-center/api';
import { AppError } from '../errors';
import { daysLeft, NO_CONSENT, RENEW_WHEN_DAYS_LEFT } from './model';
import { type LoadedSource, loadSource, writeManaged, writeSecrets, writeStatus } from './store';
import { describeFailure } from './words';

/** What the Partner Center services need: the database, the key of the secrets, the clock, HTTP test hooks. */
export interface SourceDeps {
  pool: Pool;
  box: SecretBox;
  clock: Clock;
  http?: ConsentHttpOptions;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** The connection to Partner Center a stored source describes (with its refresh token when it has one). */
export function connectionOf(loaded: LoadedSource): PartnerCenterConnection {
  const s = loaded.row.settings;
  const conn = resolveConnection({
    authorityUrl: str(s.authority),
    apiUrl: str(s.apiUrl),
    tenantId: str(s.tenantId),
    clientId: str(s.clientId),
    clientSecret: loaded.secrets.clientSecret,
    refreshToken: loaded.secrets.refreshToken,
  });
  if (!conn.ok) throw new AppError('validation_failed', `Partner Center: ${conn.problems.join('; ')}`);
  return conn.value;
}

const expiryFrom = (nowIso: string) =>
  new Date(Date.parse(nowIso) + REFRESH_TOKEN_LIFETIME_DAYS * 86_400_000).toISOString();

/**
 * Stores a refresh token Microsoft just issued (consent, renewal, or the new one a redemption answers with) in
 * the transaction that locked the row: sealed with the other secrets, the consent `connected` until 90 days from
 * now (a new consent also names who gave it).
 */
export async function writeRefreshToken(
  tx: Queryable,
  deps: Pick<SourceDeps, 'box' | 'clock'>,
  loaded: LoadedSource,
  token: string,
  granted?: { user: string | undefined },
): Promise<void> {
  const now = deps.clock.now();
  // A consent that is under way (another Connect) keeps its pending state: the callback consumed its own already.
  await writeSecrets(tx, deps.box, loaded.row, { ...loaded.secrets, refreshToken: token });
  const before = granted ? NO_CONSENT : loaded.consent;
  await writeManaged(tx, loaded.row.workspace_id, 'consent', {
    state: 'connected',
    user: granted ? (granted.user ?? null) : before.user,
    grantedAt: granted ? now : before.grantedAt,
    renewedAt: now,
    expiresAt: expiryFrom(now),
    problem: null,
  });
}

/** `writeRefreshToken` in a transaction of its own. */
export async function storeRefreshToken(deps: SourceDeps, ws: WorkspaceId, token: string): Promise<void> {
  await withTransaction(deps.pool, async (tx) => {
    const loaded = await loadSource(tx, deps.box, ws, { forUpdate: true });
    if (loaded) await writeRefreshToken(tx, deps, loaded, token);
  });
}

/**
 * Microsoft refused the stored consent (expired, revoked): the card asks for a reconnect, with the reason in
 * words; the refresh token is forgotten (it will never work again). App-only reads (invoices) go on.
 */
export async function markReconnect(deps: SourceDeps, ws: WorkspaceId, error: unknown): Promise<string> {
  const reason = `${describeFailure(error)}. Click Reconnect on the Microsoft CSP card and sign in again`;
  await withTransaction(deps.pool, async (tx) => {
    const loaded = await loadSource(tx, deps.box, ws, { forUpdate: true });
    if (!loaded) return;
    const { refreshToken: _gone, ...kept } = loaded.secrets;
    await writeSecrets(tx, deps.box, loaded.row, kept);
    await writeManaged(tx, ws, 'consent', { ...loaded.consent, state: 'reconnect', problem: reason });
    await writeStatus(tx, ws, 'error', reason, deps.clock.now());
  });
  return reason;
}

export type Renewal =
  | { outcome: 'none' | 'fresh' | 'renewed'; refreshToken: string | undefined }
  | { outcome: 'rejected'; refreshToken: undefined; problem: string };

/**
 * Renews the App+User refresh token when fewer than 30 days of its 90 remain (the daily check and every use call
 * this). A refusal by Microsoft puts the consent in the "reconnect" state; other failures (Microsoft down) leave
 * it as it is and are thrown.
 */
export async function renewIfDue(deps: SourceDeps, loaded: LoadedSource): Promise<Renewal> {
  const token = loaded.secrets.refreshToken;
  if (!token) return { outcome: 'none', refreshToken: undefined };
  const left = daysLeft(loaded.consent.expiresAt, deps.clock.now());
  if (left !== null && left >= RENEW_WHEN_DAYS_LEFT) return { outcome: 'fresh', refreshToken: token };
  const ws = loaded.row.workspace_id;
  try {
    const renewed = await redeemRefreshToken(connectionOf(loaded), token, undefined, deps.http);
    await storeRefreshToken(deps, ws, renewed.refreshToken);
    return { outcome: 'renewed', refreshToken: renewed.refreshToken };
  } catch (error) {
    if (!isGrantRejected(error)) throw error;
    return { outcome: 'rejected', refreshToken: undefined, problem: await markReconnect(deps, ws, error) };
  }
}

/**
 * A Partner Center client for a stored source: app-only for customers and invoices, App+User (the stored refresh
 * token) for the price sheet; every new refresh token Microsoft answers with is stored at once.
 */
export function sourceClient(
  deps: SourceDeps,
  loaded: LoadedSource,
  refreshToken: string | undefined,
): PartnerCenterClient {
  const ws = loaded.row.workspace_id;
  return createPartnerCenterClient({
    connection: { ...connectionOf(loaded), refreshToken },
    ...(deps.http ? { http: deps.http } : {}),
    onRefreshToken: (next) => storeRefreshToken(deps, ws, next),
  });
}
