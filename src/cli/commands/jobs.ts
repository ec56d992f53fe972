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
import { DEFAULT_STATES, JOB_STATES, type JobState, type JobView, listJobs } from '../../jobs/job-list';
import { startJobQueue } from '../../jobs/queue';
import { zonedParts } from '../../jobs/schedule';
import { getScheduleView } from '../../jobs/schedule-settings';
import { systemClock } from '../../runtime/system-clock';
import { resolveCustomerRef } from '../../services/sync';
import { withContext } from '../context';
import { parseChoice, parseCount, usage } from '../exit';
import { output, table } from '../output';
import { AS_OF_OPTION, parseDateOption, parseTarget, TARGET_OPTION } from '../sync-context';
import { resolveCliWorkspace, WORKSPACE_OPTION } from '../workspace-option';

const WHAT = ['sync-customer', 'sync-customers', 'sync-products', 'daily-check', 'resume'] as const;
const collect = (value: string, previous: string[] = []) => [...previous, value];

function jobTable(rows: JobView[]): string {
  if (rows.length === 0) return 'No jobs waiting, running or failed.';
  return table(
    ['ID', 'JOB', 'STATE', 'FOR', 'RETRIES', 'QUEUED', 'ERROR'],
    rows.map((j) => [
      j.id.slice(0, 8),
      j.name,
      j.state,
      [j.target, j.tenantId ?? (j.runId ? `run ${j.runId.slice(0, 8)}` : null)].filter(Boolean).join(' ') ||
        (j.workspaceId ? `workspace ${j.workspaceId.slice(0, 8)}` : 'all'),
      `${j.retryCount}/${j.retryLimit}`,
      j.createdOn.replace('T', ' ').slice(0, 19),
      j.error ? j.error.slice(0, 60) : '',
    ]),
  );
}

/** `billsync jobs`: the background queue (list, enqueue). */
export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('background jobs: list what is queued, running or failed; queue work');

  jobs
    .command('list', { isDefault: true })
    .description('jobs waiting, running and failed (newest first; all workspaces unless --workspace)')
    .option('--state <state>', `only this state (${JOB_STATES.join(', ')}); repeatable`, collect)
    .option('--limit <n>', 'at most this many', '100')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { state?: string[]; limit: string; workspace?: string }, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const states =
        opts.state?.map((s) => parseChoice<JobState>('--state', s, JOB_STATES)) ?? DEFAULT_STATES;
      const limit = parseCount('--limit', opts.limit);
      const rows = await withContext(async ({ db }) => {
        const ws = opts.workspace ? await resolveCliWorkspace(db.pool, opts.workspace, out.info) : undefined;
        return listJobs(db.pool, { ...(ws ? { workspaceId: ws } : {}), states, limit });
      });
      out.result(rows, () => jobTable(rows));
    });

  jobs
    .command('enqueue <what>')
    .description(`queue work for the workers now: ${WHAT.join(', ')}`)
    .option(
      '--customer <customer>',
      'sync-customer: the customer (tenant id, name or domain); repeatable',
      collect,
    )
    .option('--then-customers', 'sync-products: queue every enabled customer after it')
    .option(...AS_OF_OPTION)
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (whatArg: string, opts: EnqueueOpts, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const what = parseChoice('<what>', whatArg, WHAT);
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
            if (done.length === 0)
              throw usage('sync-customer needs --customer (or use sync-customers for all)');
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
    });
}

interface EnqueueOpts {
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
