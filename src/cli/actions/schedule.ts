import type { Command } from 'commander';
import {
  getScheduleView,
  type SchedulePatch,
  type ScheduleView,
  saveSchedule,
} from '../../jobs/schedule-settings';
import { withContext } from '../context';
import { parseCount, parseOnOff, usage } from '../exit';
import { output } from '../output';
import { resolveCliWorkspace } from '../workspace-option';

function describe(v: ScheduleView): string {
  const at = `${String(v.hour).padStart(2, '0')}:00 ${v.timeZone}`;
  const last = v.lastFired
    ? `last fired for ${v.lastFired.localDate} (at ${v.lastFired.firedAt})`
    : 'not fired yet';
  return v.enabled ? `Daily check at ${at}; ${last}.` : `Daily check is off (would run at ${at}); ${last}.`;
}

export interface ScheduleOptions {
  hour?: string;
  timeZone?: string;
  enabled?: string;
  workspace?: string;
}

/** `billsync schedule`: shows or changes the workspace's daily check. */
export async function schedule(opts: ScheduleOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const patch: SchedulePatch = {};
  if (opts.hour !== undefined) {
    const hour = parseCount('--hour', opts.hour);
    if (hour > 23) throw usage('--hour must be from 0 to 23');
    patch.hour = hour;
  }
  if (opts.timeZone !== undefined) patch.timeZone = opts.timeZone;
  if (opts.enabled !== undefined) patch.enabled = parseOnOff('--enabled', opts.enabled);
  const view = await withContext(async ({ db, config }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    const defaults = { hour: config.jobs.scheduleHour, timeZone: config.jobs.timeZone };
    return Object.keys(patch).length
      ? saveSchedule(db.pool, ws, patch, defaults, 'cli')
      : getScheduleView(db.pool, ws, defaults);
  });
  out.result(view, () => describe(view));
}
