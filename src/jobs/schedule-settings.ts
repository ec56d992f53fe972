import type { WorkspaceId } from '../core/ids';
import type { Queryable } from '../db/pool';
import { recordAudit } from '../db/repos/audit';
import {
  getStoredSchedule,
  lastScheduleFire,
  type ScheduleSettings,
  saveStoredSchedule,
} from '../db/repos/schedule';
import { isTimeZone } from '../runtime/config';
import { AppError } from '../services/errors';
import { resolveSchedule, type ScheduleDefaults } from './schedule';

/** A workspace's daily check as the API and CLI show it. */
export interface ScheduleView extends ScheduleSettings {
  /** The server's defaults (BILLSYNC_SCHEDULE_HOUR, BILLSYNC_TIMEZONE) used where the workspace set nothing. */
  defaults: ScheduleDefaults;
  /** The last local day the check fired, and when. */
  lastFired: { localDate: string; firedAt: string } | null;
}

export async function getScheduleView(
  db: Queryable,
  ws: WorkspaceId,
  defaults: ScheduleDefaults,
): Promise<ScheduleView> {
  const stored = await getStoredSchedule(db, ws);
  if (!stored) throw new AppError('not_found', 'No such workspace');
  const last = await lastScheduleFire(db, ws, 'daily-check');
  return {
    ...resolveSchedule(stored, defaults),
    defaults,
    lastFired: last ? { localDate: last.localDate, firedAt: last.firedAt.toISOString() } : null,
  };
}

export type SchedulePatch = Partial<ScheduleSettings>;

/** Changes the daily check (on/off, hour, time zone); the next tick of any worker uses it. */
export async function saveSchedule(
  db: Queryable,
  ws: WorkspaceId,
  patch: SchedulePatch,
  defaults: ScheduleDefaults,
  actor: string,
): Promise<ScheduleView> {
  if (patch.hour !== undefined && (!Number.isInteger(patch.hour) || patch.hour < 0 || patch.hour > 23)) {
    throw new AppError('validation_failed', `The hour is a whole number from 0 to 23, not ${patch.hour}`);
  }
  if (patch.timeZone !== undefined && !isTimeZone(patch.timeZone)) {
    throw new AppError(
      'validation_failed',
      `"${patch.timeZone}" is not a time zone: use a name like Europe/Berlin`,
    );
  }
  const stored = await getStoredSchedule(db, ws);
  if (!stored) throw new AppError('not_found', 'No such workspace');
  const next = { ...stored, ...patch };
  await saveStoredSchedule(db, ws, next);
  await recordAudit(db, {
    workspaceId: ws,
    actor,
    action: 'schedule.save',
    targetType: 'workspace',
    targetId: ws,
    details: { ...next },
  });
  return getScheduleView(db, ws, defaults);
}
