import type { WorkspaceId } from '../../core/ids';
import { IntegrationError } from '../../core/integration-error';
import { withTransaction } from '../../db/pool';
import { finishedRunSince } from '../../db/repos/job-runs';
import { unmarkInvoicesChecked } from '../../db/repos/schedule';
import { listMappings } from '../../db/repos/sync';
import { describeWriteError } from '../../engine/executor';
import { type RunSummary, storeUnreadableRun } from '../../engine/runs';
import { syncProducts } from '../../engine/sync';
import { type JobDeps, type JobInfo, runContextOf } from '../job-deps';
import type { PayloadOf } from '../job-names';
import { withPsaSlot } from '../psa-slots';
import { briefOf, queueNotices, type RunBrief, settleOpenRuns } from './resume-runs';

export interface SyncProductsResult {
  run: RunBrief | { satisfiedBy: string };
  resumed: RunBrief[];
  /** Customer syncs queued after it (the daily check's chain); customers already waiting are not queued twice. */
  customersQueued: number;
}

/**
 * The product sync of one PSA connection (spec section 4), holding a PSA slot; with `thenCustomers`, one
 * `sync-customer` job per mapped customer whose sync is on follows (products first: contract lines need them).
 */
export async function handleSyncProducts(
  deps: JobDeps,
  p: PayloadOf<'sync-products'>,
  job: JobInfo,
): Promise<SyncProductsResult> {
  const filter = { workspaceId: p.workspaceId, target: p.target, kind: 'product' as const };
  const { run, resumed, unreadable } = await withPsaSlot(
    deps.pool,
    p.workspaceId,
    p.target,
    async () => {
      const resumed = await settleOpenRuns(deps, filter);
      const satisfiedBy = await finishedRunSince(deps.pool, filter, job.createdOn);
      if (satisfiedBy) return { run: { satisfiedBy }, resumed, unreadable: false };
      const ctx = runContextOf(deps, p);
      let summary: RunSummary;
      let unreadable = false;
      try {
        summary = await syncProducts(deps.engine, ctx, { preview: false });
      } catch (error) {
        // A scheduled sync nobody watches: a PSA that cannot be read (credentials rejected, unreachable after the
        // client's retries) is an Error run with the reason, e-mailed once, instead of a job retried in silence.
        if (!(error instanceof IntegrationError)) throw error;
        summary = await storeUnreadableRun(deps.engine, ctx, 'product', describeWriteError(error));
        unreadable = true;
      }
      await queueNotices(deps, p.workspaceId, [summary]);
      return { run: briefOf(summary), resumed, unreadable };
    },
    deps.slots,
  );
  let customersQueued = 0;
  if (unreadable) {
    // The customers would fail the same way: none is queued, and the invoices that brought this chain are new
    // again, so the next daily check (after the connection is fixed) queues the chain once more (spec section 8).
    if (p.invoices?.length) await unmarkInvoicesChecked(deps.pool, p.workspaceId as WorkspaceId, p.invoices);
    return { run, resumed, customersQueued };
  }
  if (p.thenCustomers) {
    const mappings = await listMappings(deps.pool, p.workspaceId as WorkspaceId, p.target);
    // In one transaction: the customer jobs appear together, so the first job to run takes a full batch
    // (handlers/sync-customer.ts) instead of the few queued so far.
    await withTransaction(deps.pool, async (tx) => {
      for (const m of mappings.filter((x) => x.sync_on && x.contract_id)) {
        const id = await deps.queue.send(
          'sync-customer',
          {
            workspaceId: p.workspaceId,
            target: p.target,
            tenantId: m.tenant_id,
            ...(p.asOf ? { asOf: p.asOf } : {}),
            trigger: p.trigger,
            actor: p.actor,
          },
          { db: tx },
        );
        if (id) customersQueued += 1;
      }
    });
    deps.wake?.('sync-customer');
  }
  return { run, resumed, customersQueued };
}
