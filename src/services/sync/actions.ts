import { isUuid, type WorkspaceId } from '../../core/ids';
import type { PlainDate } from '../../core/time/plain-date';
import { getRun } from '../../db/repos/runs';
import type { TargetKind } from '../../db/repos/sync';
import { type SlotOptions, withPsaSlot } from '../../engine/psa-slots';
import type { RunContext, RunSummary } from '../../engine/runs';
import { approveRun, rejectRun, resumeRun, syncCustomers, syncProducts } from '../../engine/sync';
import { AppError } from '../errors';
import { type SyncDeps, withPsa } from './psa';

/** Who asks for a sync, for what, and as of which day (default: the clock's today; replays pass a past day). */
export interface SyncRequest {
  ws: WorkspaceId;
  target: TargetKind;
  actor: string;
  /** Where it came from: 'api', 'cli', 'schedule'. */
  trigger: string;
  asOf?: PlainDate | undefined;
}

/**
 * The sync use cases' dependencies; `slots` is a test hook (how a PSA slot is waited for), as for the jobs.
 * Every use case here that writes to the PSA holds one of the connection's PSA slots (src/engine/psa-slots.ts)
 * while it runs, like the background jobs: the API, the CLI and the workers share one limit per connection.
 * Previews only read, and rejecting a run touches only the database: they take no slot.
 */
export type SyncActionDeps = SyncDeps & { slots?: SlotOptions | undefined };

/** Runs a PSA-writing step holding a PSA slot of the workspace's connection, with vendor failures in words. */
function writingToPsa<T>(deps: SyncActionDeps, ws: WorkspaceId, target: TargetKind, fn: () => Promise<T>) {
  return withPsa(target, () => withPsaSlot(deps.pool, ws, target, fn, deps.slots));
}

function contextOf(deps: SyncDeps, req: SyncRequest): RunContext {
  return {
    ws: req.ws,
    target: req.target,
    actor: req.actor,
    trigger: req.trigger,
    asOf: req.asOf ?? deps.clock.today(),
  };
}

/** The product sync's plan, stored as a preview run: per offer the action and old/new values. Writes nothing to the PSA. */
export function previewProducts(deps: SyncDeps, req: SyncRequest): Promise<RunSummary> {
  return withPsa(req.target, () => syncProducts(deps, contextOf(deps, req), { preview: true }));
}

/** Plans and executes the product sync (one at a time per PSA connection), holding a PSA slot. */
export function startProductSync(deps: SyncActionDeps, req: SyncRequest): Promise<RunSummary> {
  return writingToPsa(deps, req.ws, req.target, () =>
    syncProducts(deps, contextOf(deps, req), { preview: false }),
  );
}

export interface CustomerSyncRequest extends SyncRequest {
  /** Only these customers (tenant ids); default: every mapped customer whose sync is on. */
  tenantIds?: readonly string[] | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

function customerOptions(req: CustomerSyncRequest, preview: boolean) {
  return {
    preview,
    ...(req.tenantIds?.length ? { tenantIds: req.tenantIds } : {}),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
  };
}

/** Customer syncs planned and stored as previews (one run per customer): the exact PSA changes and money deltas. */
export function previewCustomers(deps: SyncDeps, req: CustomerSyncRequest): Promise<RunSummary[]> {
  return withPsa(req.target, () => syncCustomers(deps, contextOf(deps, req), customerOptions(req, true)));
}

/**
 * Customer syncs executed (or stored for approval when the workspace requires it), holding one PSA slot for
 * all of them: they run one after the other, like one job.
 */
export function startCustomerSync(deps: SyncActionDeps, req: CustomerSyncRequest): Promise<RunSummary[]> {
  return writingToPsa(deps, req.ws, req.target, () =>
    syncCustomers(deps, contextOf(deps, req), customerOptions(req, false)),
  );
}

export type RunAction = 'approve' | 'reject' | 'resume';

/**
 * Approves, rejects or resumes a run of the workspace; the run's own target and day apply. Approving and
 * resuming write to the PSA: they hold a PSA slot.
 */
export async function actOnRun(
  deps: SyncActionDeps,
  req: { ws: WorkspaceId; actor: string; trigger: string },
  runId: string,
  action: RunAction,
): Promise<RunSummary> {
  const run = isUuid(runId) ? await getRun(deps.pool, req.ws, runId) : undefined;
  if (!run)
    throw new AppError('not_found', `No run ${runId}: see the runs list`, undefined, {
      cli: '`billsync runs`',
    });
  const target = run.target as TargetKind;
  const ctx: RunContext = { ws: req.ws, target, actor: req.actor, trigger: req.trigger, asOf: run.as_of };
  if (action === 'reject') return withPsa(target, () => rejectRun(deps, ctx, run.id));
  const act = action === 'approve' ? approveRun : resumeRun;
  return writingToPsa(deps, req.ws, target, () => act(deps, ctx, run.id));
}
