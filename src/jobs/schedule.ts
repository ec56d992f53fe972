import type { WorkspaceId } from '../core/ids';
import type { Clock } from '../core/time/clock';
import { type Pool, withTransaction } from '../db/pool';
import {
  claimScheduleFire,
  listSyncingWorkspaces,
  type ScheduleSettings,
  type StoredSchedule,
  setScheduleFireJob,
} from '../db/repos/schedule';
import type { JobQueue } from './queue';

/** The server's defaults for workspaces that set nothing (BILLSYNC_SCHEDULE_HOUR, BILLSYNC_TIMEZONE). */
export interface ScheduleDefaults {
  hour: number;
  timeZone: string;
}

export function resolveSchedule(stored: StoredSchedule, defaults: ScheduleDefaults): ScheduleSettings {
  return {
    enabled: stored.enabled ?? true,
    hour: stored.hour ?? defaults.hour,
    timeZone: stored.timeZone ?? defaults.timeZone,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local calendar day (YYYY-MM-DD) and hour of an instant in an IANA time zone. */
export function zonedParts(instantIso: string, timeZone: string): { date: string; hour: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(instantIso)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

export interface Fired {
  workspaceId: WorkspaceId;
  localDate: string;
  jobId: string | null;
}

/**
 * One tick of the daily schedule (every worker runs it every minute; tests call it with a fixed clock). For each
 * workspace with a syncing program whose local time has reached its hour today, the day's `daily-check` is
 * queued unless it already was: the claim (a row of schedule_fires) and the job are written in one transaction,
 * so however many workers tick at once, and however often, each workspace's check fires exactly once per local
 * day. A worker that was down at the hour fires it when it comes back the same day.
 */
export async function fireDailyChecks(deps: {
  pool: Pool;
  queue: JobQueue;
  clock: Clock;
  defaults: ScheduleDefaults;
  log?: (message: string) => void;
}): Promise<Fired[]> {
  const now = deps.clock.now();
  const fired: Fired[] = [];
  for (const ws of await listSyncingWorkspaces(deps.pool)) {
    const s = resolveSchedule(ws.schedule, deps.defaults);
    if (!s.enabled) continue;
    let local: { date: string; hour: number };
    try {
      local = zonedParts(now, s.timeZone);
    } catch {
      deps.log?.(`workspace ${ws.id}: the schedule's time zone "${s.timeZone}" is unknown; no daily check`);
      continue;
    }
    if (local.hour < s.hour) continue;
    const jobId = await withTransaction(deps.pool, async (tx) => {
      if (!(await claimScheduleFire(tx, ws.id, 'daily-check', local.date))) return undefined;
      const id = await deps.queue.send(
        'daily-check',
        { workspaceId: ws.id, localDate: local.date },
        { db: tx },
      );
      await setScheduleFireJob(tx, ws.id, 'daily-check', local.date, id);
      return id;
    });
    if (jobId !== undefined) fired.push({ workspaceId: ws.id, localDate: local.date, jobId });
  }
  return fired;
}
