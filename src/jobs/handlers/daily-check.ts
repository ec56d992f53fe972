import type { WorkspaceId } from '../../core/ids';
import { withTransaction } from '../../db/pool';
import { listUncheckedInvoices, markInvoicesChecked } from '../../db/repos/schedule';
import type { TargetKind } from '../../db/repos/sync';
import type { JobDeps } from '../job-deps';
import type { PayloadOf } from '../job-names';
import type { SourceRefresh } from '../source-refresh';

export interface DailyCheckResult {
  source: SourceRefresh;
  /** Invoices new to the daily check (or re-issued), oldest first. */
  newInvoices: string[];
  /** Product syncs queued, per PSA; `then-customers` when the customers follow. */
  queued: { target: TargetKind; jobId: string | null; thenCustomers: boolean }[];
}

async function syncingTargets(deps: JobDeps, ws: WorkspaceId): Promise<TargetKind[]> {
  const res = await deps.pool.query<{ target: TargetKind }>(
    `select target from programs where workspace_id = $1 and (settings->>'syncEnabled')::boolean order by target`,
    [ws],
  );
  return res.rows.map((r) => r.target);
}

/**
 * A workspace's daily check (spec section 8): read the source (Partner Center API mode), then look for invoices
 * it has not acted on. A new invoice queues, per PSA whose program syncs, the product sync followed by every
 * enabled customer's sync; a changed price list alone queues the product sync. The jobs are queued and the
 * invoices marked seen in one transaction, so a retried check never queues them twice.
 */
export async function handleDailyCheck(
  deps: JobDeps,
  p: PayloadOf<'daily-check'>,
): Promise<DailyCheckResult> {
  const ws = p.workspaceId as WorkspaceId;
  const source = deps.refreshSource
    ? await deps.refreshSource(ws)
    : { mode: 'none' as const, invoicesPulled: 0, pricesChanged: false, errors: [] };
  for (const e of source.errors) deps.log(`daily check ${ws}: source: ${e}`);
  const targets = await syncingTargets(deps, ws);
  const fresh = await listUncheckedInvoices(deps.pool, ws);
  const queued: DailyCheckResult['queued'] = [];
  if (targets.length > 0 && (fresh.length > 0 || source.pricesChanged)) {
    await withTransaction(deps.pool, async (tx) => {
      for (const target of targets) {
        const thenCustomers = fresh.length > 0;
        const jobId = await deps.queue.send(
          'sync-products',
          {
            workspaceId: ws,
            target,
            thenCustomers,
            ...(thenCustomers ? { invoices: fresh } : {}),
            trigger: 'schedule',
            actor: 'schedule',
          },
          { db: tx },
        );
        queued.push({ target, jobId, thenCustomers });
      }
      await markInvoicesChecked(tx, ws, fresh);
    });
    deps.wake?.('sync-products');
  }
  // The month's reconciliation e-mail, where the program asks for it (issue 17): never fails the check.
  await deps.reconEmails?.(ws, queued);
  return { source, newInvoices: fresh.map((i) => i.id), queued };
}
