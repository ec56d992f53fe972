import type { Command } from 'commander';
import { RUN_STATUSES } from '../../db/repos/runs';
import type { RunAction } from '../../services/sync';
import { TARGET_KINDS } from '../../services/sync/psa';
import type { RunsOptions } from '../actions/runs';
import { WORKSPACE_OPTION } from '../options';

const STATUSES = RUN_STATUSES;

const ACTIONS: Record<RunAction, string> = {
  approve: 'execute a run awaiting approval (a fresh preview waits instead if the PSA or invoices changed)',
  reject: 'reject a run awaiting approval',
  resume: 'finish an interrupted run (writes in flight are checked in the PSA first, never sent twice)',
};

/** `billsync runs` and `billsync run show|approve|reject|resume`. */
export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('sync runs, newest first')
    .option('--customer <customer>', 'only runs of this customer (tenant id, name or domain)')
    .option('--status <status>', `only runs with this status: ${STATUSES.join(', ')}`)
    .option('--kind <product|customer>', 'only product or customer runs')
    .option('--target <psa>', `only runs of this PSA: ${TARGET_KINDS.join(' or ')} (default: every PSA)`)
    .option('--limit <n>', 'at most this many', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: RunsOptions, cmd: Command) => (await import('../actions/runs')).listRuns(opts, cmd));

  const run = program.command('run').description('one sync run');
  run
    .command('show')
    .description('a run with its items, messages and changes')
    .argument('<run-id>')
    .option(...WORKSPACE_OPTION)
    .action(async (runId: string, opts: { workspace?: string }, cmd: Command) =>
      (await import('../actions/runs')).showRun(runId, opts, cmd),
    );

  for (const action of Object.keys(ACTIONS) as RunAction[]) {
    run
      .command(action)
      .description(ACTIONS[action])
      .argument('<run-id>')
      .option(...WORKSPACE_OPTION)
      .action(async (runId: string, opts: { workspace?: string }, cmd: Command) =>
        (await import('../actions/runs')).actOn(action, runId, opts, cmd),
      );
  }
}
