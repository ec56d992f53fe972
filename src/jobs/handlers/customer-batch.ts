import { finishedRunSince } from '../../db/repos/job-runs';
import { syncCustomers } from '../../engine/sync';
import { AppError } from '../../services/errors';
import { type JobDeps, runContextOf } from '../job-deps';
import type { PayloadOf } from '../job-names';
import { isPermanent } from '../permanent';
import { finishedRunsSince, syncableTenants, tenantsWithOpenRuns } from './batch-state';
import { briefOf, queueNotices, type RunBrief, settleOpenRuns } from './resume-runs';

export type SyncCustomerResult =
  | { runs: RunBrief[]; resumed: RunBrief[] }
  | { satisfiedBy: string; resumed: RunBrief[] };

/** One customer job of a batch: its id, its customer and when it was first queued. */
export interface BatchMember {
  id: string;
  tenantId: string;
  createdOn: Date;
}

type Member = BatchMember & { resumed: RunBrief[] };

export type Outcome = { ok: true; value: SyncCustomerResult } | { ok: false; error: unknown };

const ok = (value: SyncCustomerResult): Outcome => ({ ok: true, value });
const failed = (error: unknown): Outcome => ({ ok: false, error });

/**
 * The syncs of several customers of one PSA connection, asked with the same day and origin (`p`), each job
 * answered on its own. Per customer first: its runs left open by a dead worker are resumed through their journal,
 * and a run that started after its job was queued and has finished answers the job. The others are synced
 * together by the engine, which reads their PSA state in one snapshot per 50 customers (and reads back what it
 * wrote once per batch): calls the tenant's hourly budget would otherwise spend on every customer. A customer
 * the engine would refuse (unmapped, sync off or paused since it was queued) is synced alone, so its refusal
 * answers only its own job.
 */
export async function syncCustomerBatch(
  deps: JobDeps,
  p: PayloadOf<'sync-customer'>,
  members: readonly BatchMember[],
): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const scope = {
    workspaceId: p.workspaceId,
    target: p.target,
    tenantIds: [...new Set(members.map((m) => m.tenantId))],
  };
  const since = new Date(Math.min(...members.map((m) => m.createdOn.getTime())));
  const [open, finished, syncable] = await Promise.all([
    tenantsWithOpenRuns(deps.pool, scope),
    finishedRunsSince(deps.pool, scope, since),
    syncableTenants(deps.pool, scope),
  ]);
  const together: Member[] = [];
  const alone: Member[] = [];
  for (const m of members) {
    try {
      const filter = {
        workspaceId: p.workspaceId,
        target: p.target,
        kind: 'customer' as const,
        tenantId: m.tenantId,
      };
      // A customer with open runs: settled first (resumed here or finished by whoever holds them), then asked
      // again, since that may have finished the run that answers its job.
      const settle = open.has(m.tenantId);
      const resumed = settle ? await settleOpenRuns(deps, filter) : [];
      const satisfiedBy = settle
        ? await finishedRunSince(deps.pool, filter, m.createdOn)
        : finished.get(m.tenantId)?.find((r) => r.createdAt >= m.createdOn)?.id;
      if (satisfiedBy) out.set(m.id, ok({ satisfiedBy, resumed }));
      else (syncable.has(m.tenantId) ? together : alone).push({ ...m, resumed });
    } catch (error) {
      out.set(m.id, failed(error));
    }
  }
  const groups = [together, ...alone.map((m) => [m])].filter((g) => g.length > 0);
  for (const group of groups) await syncGroup(deps, p, group, out);
  return out;
}

async function syncGroup(
  deps: JobDeps,
  p: PayloadOf<'sync-customer'>,
  group: readonly Member[],
  out: Map<string, Outcome>,
): Promise<void> {
  // Two jobs of one customer (one queued while the other ran) are answered by the same run.
  const tenantIds = [...new Set(group.map((m) => m.tenantId))];
  try {
    const runs = await syncCustomers(deps.engine, runContextOf(deps, p), { preview: false, tenantIds });
    await queueNotices(deps, p.workspaceId, runs);
    for (const m of group) {
      const mine = runs.filter((r) => r.tenantId === m.tenantId).map(briefOf);
      out.set(m.id, ok({ runs: mine, resumed: m.resumed }));
    }
  } catch (error) {
    if (tenantIds.length > 1 && error instanceof AppError && isPermanent(error)) {
      // A mapping changed since it was checked: each customer alone, so the refusal answers only its job.
      for (const m of group) await syncGroup(deps, p, [m], out);
      return;
    }
    for (const m of group) out.set(m.id, failed(error));
  }
}
