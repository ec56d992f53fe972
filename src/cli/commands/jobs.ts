import type { Command } from 'commander';
import type { EnqueueOpts } from '../actions/jobs-enqueue';
import { AS_OF_OPTION, collect, ENQUEUE_WHAT, JOB_STATES, TARGET_OPTION, WORKSPACE_OPTION } from '../options';

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
    .action(async (opts: { state?: string[]; limit: string; workspace?: string }, cmd: Command) =>
      (await import('../actions/jobs-list')).listJobsCommand(opts, cmd),
    );

  jobs
    .command('enqueue <what>')
    .description(`queue work for the workers now: ${ENQUEUE_WHAT.join(', ')}`)
    .option(
      '--customer <customer>',
      'sync-customer: the customer (tenant id, name or domain); repeatable',
      collect,
    )
    .option('--then-customers', 'sync-products: queue every enabled customer after it')
    .option(...AS_OF_OPTION)
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (what: string, opts: EnqueueOpts, cmd: Command) =>
      (await import('../actions/jobs-enqueue')).enqueue(what, opts, cmd),
    );
}
