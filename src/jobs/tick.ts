import { hasOpenRuns, runsWithoutNotice } from '../db/repos/job-runs';
import type { JobDeps } from './job-deps';
import { type Fired, fireDailyChecks, type ScheduleDefaults } from './schedule';

export interface TickReport {
  /** Daily checks queued by this tick (exactly once per workspace and local day across all workers). */
  fired: Fired[];
  /** A resume sweep was queued: runs are left open (one waiting sweep at a time). */
  sweep: boolean;
  /** Notifications queued for finished runs that have none yet (runs of the API, the CLI or lost jobs). */
  notices: number;
}

/**
 * What every worker does once a minute: fire the daily schedule, queue a sweep for runs left open by a dead
 * worker, and queue the notification of any run with warnings or errors that has none (whatever ran it).
 * Idempotent and safe on any number of workers at once.
 */
export async function tick(deps: JobDeps, defaults: ScheduleDefaults): Promise<TickReport> {
  const fired = await fireDailyChecks({
    pool: deps.pool,
    queue: deps.queue,
    clock: deps.clock,
    defaults,
    log: deps.log,
  });
  if (fired.length > 0) deps.wake?.('daily-check');
  const sweep = await hasOpenRuns(deps.pool);
  if (sweep) await deps.queue.send('resume-interrupted', {});
  const waiting = await runsWithoutNotice(deps.pool);
  for (const r of waiting) await deps.queue.send('notify-run', { workspaceId: r.workspace_id, runId: r.id });
  return { fired, sweep, notices: waiting.length };
}
