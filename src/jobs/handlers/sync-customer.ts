import { finishedRunSince } from '../../db/repos/job-runs';
import { syncCustomers } from '../../engine/sync';
import { type JobDeps, type JobInfo, runContextOf } from '../job-deps';
import type { PayloadOf } from '../job-names';
import { withPsaSlot } from '../psa-slots';
import { briefOf, queueNotices, type RunBrief, settleOpenRuns } from './resume-runs';

export type SyncCustomerResult =
  | { runs: RunBrief[]; resumed: RunBrief[] }
  | { satisfiedBy: string; resumed: RunBrief[] };

/**
 * One customer's sync (spec section 6) holding a PSA slot of its connection. First the customer's runs left open
 * by a dead worker are resumed through their journal (never re-planned on top of them); if a run that started
 * after this job was queued has finished (this job's own run, before its worker died), the request is answered.
 * Otherwise the engine plans and executes, holding the customer's advisory lock (a second job for the same
 * customer waits for it).
 */
export async function handleSyncCustomer(
  deps: JobDeps,
  p: PayloadOf<'sync-customer'>,
  job: JobInfo,
): Promise<SyncCustomerResult> {
  const tenantId = p.tenantId.toLowerCase();
  const filter = { workspaceId: p.workspaceId, target: p.target, kind: 'customer' as const, tenantId };
  return withPsaSlot(
    deps.pool,
    p.workspaceId,
    p.target,
    async () => {
      const resumed = await settleOpenRuns(deps, filter);
      const satisfiedBy = await finishedRunSince(deps.pool, filter, job.createdOn);
      if (satisfiedBy) return { satisfiedBy, resumed };
      const runs = await syncCustomers(deps.engine, runContextOf(deps, p), {
        preview: false,
        tenantIds: [tenantId],
      });
      await queueNotices(deps, p.workspaceId, runs);
      return { runs: runs.map(briefOf), resumed };
    },
    deps.slots,
  );
}
