import { isUuid, type WorkspaceId } from '../../core/ids';
import type { PlainDate } from '../../core/time/plain-date';
import { getRun } from '../../db/repos/runs';
import type { TargetKind } from '../../db/repos/sync';
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

/** Plans and executes the product sync (one at a time per PSA connection). */
export function startProductSync(deps: SyncDeps, req: SyncRequest): Promise<RunSummary> {
  return withPsa(req.target, () => syncProducts(deps, contextOf(deps, req), { preview: false }));
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

/** Customer syncs executed (or stored for approval when the workspace requires it). */
export function startCustomerSync(deps: SyncDeps, req: CustomerSyncRequest): Promise<RunSummary[]> {
  return withPsa(req.target, () => syncCustomers(deps, contextOf(deps, req), customerOptions(req, false)));
}

export type RunAction = 'approve' | 'reject' | 'resume';

/** Approves, rejects or resumes a run of the workspace; the run's own target and day apply. */
export async function actOnRun(
  deps: SyncDeps,
  req: { ws: WorkspaceId; actor: string; trigger: string },
  runId: string,
  action: RunAction,
): Promise<RunSummary> {
  const run = isUuid(runId) ? await getRun(deps.pool, req.ws, runId) : undefined;
  if (!run) throw new AppError('not_found', `No run ${runId}: see the runs list (\`billsync runs\`)`);
  const target = run.target as TargetKind;
  const ctx: RunContext = { ws: req.ws, target, actor: req.actor, trigger: req.trigger, asOf: run.as_of };
  const act = action === 'approve' ? approveRun : action === 'reject' ? rejectRun : resumeRun;
  return withPsa(target, () => act(deps, ctx, run.id));
}
