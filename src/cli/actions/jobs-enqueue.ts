import type { Command } from 'commander';
import type { WorkspaceId } from '../../core/ids';
import {
  type Enqueued,
  enqueueAllCustomerSyncs,
  enqueueCustomerSync,
  enqueueDailyCheck,
  enqueueProductSync,
  enqueueResumeSweep,
} from '../../jobs/enqueue';
import { startJobQueue } from '../../jobs/queue';
import { zonedParts } from '../../jobs/schedule';
import { getScheduleView } from '../../jobs/schedule-settings';
import { systemClock } from '../../runtime/system-clock';
import { resolveCustomerRef } from '../../services/sync';
import { withContext } from '../context';
import { parseChoice, usage } from '../exit';
import { ENQUEUE_WHAT } from '../options';
import { output } from '../output';
import { parseDateOption, parseTarget } from '../sync-context';
import { resolveCliWorkspace } from '../workspace-option';

/** `billsync jobs enqueue <what>`: queues work for the workers now. */
export async function enqueue(whatArg: string, opts: EnqueueOpts, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const what = parseChoice('<what>', whatArg, ENQUEUE_WHAT);
  const target = parseTarget(opts.target);
  const asOf = parseDateOption('--as-of', opts.asOf);
  const result = await withContext(async ({ db, config }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    const queue = await startJobQueue({ pool: db.pool }, config.jobs, { worker: false });
    const o = { target, asOf, trigger: 'cli', actor: 'cli' };
    switch (what) {
      case 'sync-customer': {
        const done: (Enqueued & { tenantId: string })[] = [];
        for (const ref of opts.customer ?? []) {
          const c = await resolveCustomerRef(db.pool, ws, ref);
          done.push({
            tenantId: c.tenantId,
            ...(await enqueueCustomerSync(queue, db.pool, ws, c.tenantId, o)),
          });
        }
        if (done.length === 0) throw usage('sync-customer needs --customer (or use sync-customers for all)');
        return done;
      }
      case 'sync-customers':
        return enqueueAllCustomerSyncs(queue, db.pool, ws, o);
      case 'sync-products':
        return enqueueProductSync(queue, ws, { ...o, thenCustomers: Boolean(opts.thenCustomers) });
      case 'daily-check':
        return enqueueDailyCheck(queue, ws, await today(db.pool, ws, config.jobs));
      case 'resume':
        return enqueueResumeSweep(queue, ws);
    }
  });
  out.result(
    result,
    () => `Queued (${what}): ${JSON.stringify(result)}. Workers pick it up; see \`billsync jobs\`.`,
  );
}

export interface EnqueueOpts {
  customer?: string[];
  thenCustomers?: boolean;
  asOf?: string;
  target: string;
  workspace?: string;
}

async function today(
  pool: Parameters<typeof getScheduleView>[0],
  ws: WorkspaceId,
  jobs: { scheduleHour: number; timeZone: string },
): Promise<string> {
  const view = await getScheduleView(pool, ws, { hour: jobs.scheduleHour, timeZone: jobs.timeZone });
  return zonedParts(systemClock.now(), view.timeZone).date;
}
