import type { Command } from 'commander';
import { RUN_STATUSES } from '../../db/repos/runs';
import { AppError } from '../../services/errors';
import {
  actOnRun,
  getRunDetail,
  listRunViews,
  type RunAction,
  resolveCustomerRef,
} from '../../services/sync';
import { parseChoice, parseCount } from '../exit';
import { output } from '../output';
import { finishRuns, runDetailText, runsTable } from '../run-output';
import { withSync } from '../sync-context';
import { WORKSPACE_OPTION } from '../workspace-option';

const STATUSES = RUN_STATUSES;

interface RunsOptions {
  customer?: string;
  status?: string;
  kind?: string;
  limit: string;
  offset: string;
  workspace?: string;
}

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
    .option('--limit <n>', 'at most this many', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: RunsOptions, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const query = {
        ...(opts.status
          ? { status: parseChoice('--status', opts.status.replace(/[ -]/g, '_'), STATUSES) }
          : {}),
        ...(opts.kind ? { kind: parseChoice('--kind', opts.kind, ['product', 'customer'] as const) } : {}),
        limit: Math.max(1, parseCount('--limit', opts.limit)),
        offset: parseCount('--offset', opts.offset),
      };
      const page = await withSync({ workspace: opts.workspace }, out, async ({ pool, ws }) => {
        // A customer by tenant id, name or domain; a tenant no longer in the source is taken as given.
        const customer = opts.customer
          ? await resolveCustomerRef(pool, ws, opts.customer).then(
              (c) => c.tenantId,
              (error: unknown) => {
                if (error instanceof AppError && error.code === 'not_found') return opts.customer;
                throw error;
              },
            )
          : undefined;
        return listRunViews(pool, ws, { ...query, customer });
      });
      out.result(page.items, () => runsTable(page.items) + (page.hasMore ? '\n(more: use --offset)' : ''));
    });

  const run = program.command('run').description('one sync run');
  run
    .command('show')
    .description('a run with its items, messages and changes')
    .argument('<run-id>')
    .option(...WORKSPACE_OPTION)
    .action(async (runId: string, opts: { workspace?: string }, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const detail = await withSync({ workspace: opts.workspace }, out, ({ pool, ws }) =>
        getRunDetail(pool, ws, runId),
      );
      out.result(detail, () => runDetailText(detail));
    });

  for (const action of Object.keys(ACTIONS) as RunAction[]) {
    run
      .command(action)
      .description(ACTIONS[action])
      .argument('<run-id>')
      .option(...WORKSPACE_OPTION)
      .action(async (runId: string, opts: { workspace?: string }, cmd: Command) => {
        const out = output(Boolean(cmd.optsWithGlobals().json));
        const summary = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
          actOnRun(deps, { ws, actor: 'cli', trigger: 'cli' }, runId, action),
        );
        finishRuns(out, [summary]);
      });
  }
}
