import type { WorkspaceId } from '../../core/ids';
import type { Clock } from '../../core/time/clock';
import type { Pool } from '../../db/pool';
import { type ScheduleDefaults, zonedParts } from '../../jobs/schedule';
import { getScheduleView } from '../../jobs/schedule-settings';
import type { SecretBox } from '../../runtime/secret-box';
import { daysLeft, pullOf, WARN_WHEN_DAYS_LEFT } from './model';
import { jobState } from './pull-now';
import type { SourceStatusWire } from './schemas';
import { loadSource } from './store';

const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
const HOUR_MS = 3_600_000;

/** When the daily check reads Partner Center next: the first hour from now at the schedule's local hour. */
async function nextPull(pool: Pool, ws: WorkspaceId, nowIso: string, defaults: ScheduleDefaults) {
  const syncing = await pool.query(
    `select 1 from programs where workspace_id = $1 and (settings->>'syncEnabled')::boolean limit 1`,
    [ws],
  );
  if (syncing.rowCount === 0)
    return {
      at: null,
      note: 'No daily pull yet: the daily check runs once a PSA program syncs. Pull now reads Partner Center at any time.',
    };
  const view = await getScheduleView(pool, ws, defaults);
  if (!view.enabled)
    return { at: null, note: 'The daily check is switched off: Pull now reads Partner Center.' };
  const start = Math.floor(Date.parse(nowIso) / HOUR_MS) * HOUR_MS;
  for (let i = 0; i <= 48; i++) {
    const at = new Date(start + i * HOUR_MS).toISOString();
    const local = zonedParts(at, view.timeZone);
    if (local.date === view.lastFired?.localDate) continue;
    // The check fires at the hour, or at the next tick of a worker when today's hour has passed unfired.
    if (i === 0 ? local.hour < view.hour : local.hour !== view.hour) continue;
    return {
      at: i === 0 ? nowIso : at,
      note: `Daily check at ${String(view.hour).padStart(2, '0')}:00 ${view.timeZone}`,
    };
  }
  return { at: null, note: `Daily check at ${String(view.hour).padStart(2, '0')}:00 ${view.timeZone}` };
}

function warningOf(consent: SourceStatusWire['consent'], mode: string | null, nowIso: string): string | null {
  if (consent.state === 'reconnect')
    return (
      consent.problem ?? 'Microsoft no longer accepts the App+User consent: click Reconnect and sign in again'
    );
  if (consent.state === 'connected' && consent.daysLeft !== null && consent.daysLeft < WARN_WHEN_DAYS_LEFT) {
    const when = consent.expiresAt?.slice(0, 10) ?? '';
    return Date.parse(consent.expiresAt ?? '') <= Date.parse(nowIso)
      ? `The App+User consent expired on ${when}: click Reconnect and sign in again`
      : `The App+User consent expires on ${when} (in ${consent.daysLeft} days) and billsync could not renew it: click Reconnect and sign in again`;
  }
  if (consent.state === 'none' && mode === 'api')
    return 'No App+User consent yet: click Connect so billsync can read the price sheet from Partner Center';
  return null;
}

/**
 * What the Microsoft CSP card shows: the settings (never a secret), the consent and its expiry with a warning
 * well ahead, the last or running pull with its errors in words, and the next one.
 */
export async function sourceStatus(
  deps: { pool: Pool; box: SecretBox; clock: Clock },
  ws: WorkspaceId,
  p: { redirectUri: string; scheduleDefaults: ScheduleDefaults },
): Promise<SourceStatusWire> {
  const now = deps.clock.now();
  const loaded = await loadSource(deps.pool, deps.box, ws).catch(() => undefined);
  const s = loaded?.row.settings ?? {};
  const mode = s.mode === 'api' || s.mode === 'files' ? s.mode : null;
  const base = loaded?.consent ?? {
    state: 'none' as const,
    user: null,
    grantedAt: null,
    renewedAt: null,
    expiresAt: null,
    problem: null,
  };
  const consent = { ...base, daysLeft: daysLeft(base.expiresAt, now), warning: null as string | null };
  consent.warning = warningOf(consent, mode, now);
  const record = pullOf(s);
  const state = record?.jobId ? await jobState(deps.pool, ws, record.jobId) : undefined;
  return {
    connection: loaded
      ? {
          id: loaded.row.id,
          status: loaded.row.status,
          statusMessage: loaded.row.status_message,
          checkedAt: loaded.row.checked_at?.toISOString() ?? null,
        }
      : null,
    settings: {
      mode,
      tenantId: text(s.tenantId),
      clientId: text(s.clientId),
      authority: text(s.authority),
      apiUrl: text(s.apiUrl),
    },
    clientSecret: loaded?.secrets.clientSecret ? 'set' : 'not set',
    redirectUri: p.redirectUri,
    consent,
    pull: record ? { ...stalled(record, state), jobState: state ?? null } : null,
    nextPull: await nextPull(deps.pool, ws, now, p.scheduleDefaults),
  };
}

/** A pull whose job ended without finishing it (a worker died, the job failed for good) says so. */
function stalled<T extends { state: string; errors: string[]; step: string | null }>(
  record: T,
  job: string | undefined,
): T {
  const unfinished = record.state === 'queued' || record.state === 'running';
  if (!unfinished || (job !== 'failed' && job !== 'cancelled')) return record;
  return {
    ...record,
    state: 'failed',
    step: 'The pull stopped before it finished',
    errors: [
      ...record.errors,
      'The pull job failed: it is retried by the next daily check, or click Pull now',
    ],
  };
}
