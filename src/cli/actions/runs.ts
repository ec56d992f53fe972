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
import { TARGET_KINDS } from '../../services/sync/psa';
import { parseChoice, parseCount } from '../exit';
import { output } from '../output';
import { finishRuns, runDetailText, runsTable } from '../run-output';
import { withSync } from '../sync-context';

const STATUSES = RUN_STATUSES;

/** A Microsoft tenant id (a GUID). */
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RunsOptions {
  customer?: string;
  status?: string;
  kind?: string;
  target?: string;
  limit: string;
  offset: string;
  workspace?: string;
}

/** `billsync runs`: sync runs, newest first. */
export async function listRuns(opts: RunsOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const query = {
    ...(opts.status ? { status: parseChoice('--status', opts.status.replace(/[ -]/g, '_'), STATUSES) } : {}),
    ...(opts.kind ? { kind: parseChoice('--kind', opts.kind, ['product', 'customer'] as const) } : {}),
    ...(opts.target ? { target: parseChoice('--target', opts.target, TARGET_KINDS) } : {}),
    limit: Math.max(1, parseCount('--limit', opts.limit)),
    offset: parseCount('--offset', opts.offset),
  };
  const page = await withSync({ workspace: opts.workspace }, out, async ({ pool, ws }) => {
    // A customer by tenant id, name or domain; a tenant id no longer in the source is taken as given (its runs
    // stay), any other text that names no customer is an error as in every other command.
    const customer = opts.customer
      ? await resolveCustomerRef(pool, ws, opts.customer).then(
          (c) => c.tenantId,
          (error: unknown) => {
            if (
              error instanceof AppError &&
              error.code === 'not_found' &&
              TENANT_ID.test(opts.customer!.trim())
            )
              return opts.customer!.trim().toLowerCase();
            throw error;
          },
        )
      : undefined;
    return listRunViews(pool, ws, { ...query, customer });
  });
  out.result(page.items, () => runsTable(page.items) + (page.hasMore ? '\n(more: use --offset)' : ''));
}

/** `billsync run show`: a run with its items, messages and changes. */
export async function showRun(runId: string, opts: { workspace?: string }, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const detail = await withSync({ workspace: opts.workspace }, out, ({ pool, ws }) =>
    getRunDetail(pool, ws, runId),
  );
  out.result(detail, () => runDetailText(detail));
}

/** `billsync run approve|reject|resume`. */
export async function actOn(
  action: RunAction,
  runId: string,
  opts: { workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const summary = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    actOnRun(deps, { ws, actor: 'cli', trigger: 'cli' }, runId, action),
  );
  finishRuns(out, [summary]);
}
