import { checkWindow } from '../core/planner/unit-window';
import type { TargetAdapter, TargetSnapshot } from '../core/ports/target';
import type { PlainDate } from '../core/time/plain-date';
import { recordAudit } from '../db/repos/audit';
import { getRun, listJournal, listRunItems, type RunRow, setRunStatus } from '../db/repos/runs';
import { endShadow, markInvoicesSynced, recordToldPriceChanges, setFirstSyncedDay } from '../db/repos/sync';
import { createLimiter } from '../http/limiter';
import { AppError } from '../services/errors';
import type { EngineDeps } from './deps';
import { type ExecutionOutcome, executeJournal } from './executor';
import { createdLines, linkCreatedLines } from './line-links';
import { readContracts } from './read-contracts';
import { countItems, type RunContext, type RunSummary, statusOf } from './runs';
import { checksToVerify, recordVerification, type Verification, verifyChecks } from './verify';

/** Executes a stored run's journal and records the outcome (links, synced invoices, statuses, audit). */
export async function executeRun(
  deps: EngineDeps,
  ctx: Pick<RunContext, 'ws' | 'target' | 'actor'>,
  runId: string,
  adapter: TargetAdapter,
): Promise<RunSummary> {
  const batch = executionBatch(deps, ctx, adapter);
  await batch.execute(runId);
  const [summary] = await batch.settle();
  return summary!;
}

/** Runs executed one after the other whose writes are checked together. */
export interface ExecutionBatch {
  /** Executes a stored run's journal; a crash of ours interrupts it (and settles the runs executed before it). */
  execute(runId: string): Promise<void>;
  /** Checks every executed run's writes with one read of the PSA, records it and finishes the runs, in order. */
  settle(): Promise<RunSummary[]>;
}

interface Executed {
  run: RunRow;
  outcome: ExecutionOutcome;
}

/**
 * Execution of several runs (a batch of customers) with one check after writing for all of them (issue 14): the
 * PSA is re-read once, one batched query per entity, for every contract the batch wrote to, instead of once per
 * customer; the lines the writes created are linked from that same read. Each run is still executed alone,
 * journalled and probed as before: only the read-back is shared.
 */
export function executionBatch(
  deps: EngineDeps,
  ctx: Pick<RunContext, 'ws' | 'target' | 'actor'>,
  adapter: TargetAdapter,
): ExecutionBatch {
  const executed: Executed[] = [];
  return {
    async execute(runId) {
      const run = await getRun(deps.pool, ctx.ws, runId);
      if (!run) throw new AppError('not_found', 'No such run');
      await setRunStatus(deps.pool, runId, 'running', { started: true });
      try {
        executed.push({ run, outcome: await executeJournal(deps, ctx.ws, ctx.target, runId, adapter) });
      } catch (error) {
        // A crash of ours (not a vendor answer): the journal knows where we were; `billsync run resume` goes on.
        await setRunStatus(deps.pool, runId, 'interrupted', {
          message: `Interrupted: ${error instanceof Error ? error.message : String(error)}. Resume the run to finish it: writes in flight are checked in the PSA first`,
        });
        // The runs executed before it are checked and finished as they would have been alone. If that fails
        // too they stay open, and resuming one checks its writes then.
        await settleRuns(deps, ctx, adapter, await stillRunning(deps, ctx, executed)).catch(() => {});
        throw error;
      }
    },
    settle: () => settleRuns(deps, ctx, adapter, executed.splice(0)),
  };
}

/** Runs another process has not taken over meanwhile (superseded or resumed them). */
async function stillRunning(
  deps: EngineDeps,
  ctx: Pick<RunContext, 'ws'>,
  executed: Executed[],
): Promise<Executed[]> {
  const out: Executed[] = [];
  for (const e of executed.splice(0)) {
    if ((await getRun(deps.pool, ctx.ws, e.run.id))?.status === 'running') out.push(e);
  }
  return out;
}

async function settleRuns(
  deps: EngineDeps,
  ctx: Pick<RunContext, 'ws' | 'target' | 'actor'>,
  adapter: TargetAdapter,
  executed: readonly Executed[],
): Promise<RunSummary[]> {
  // Verify after writing (issue 11) whatever a run has done, also writes of an earlier, interrupted attempt.
  const work = await Promise.all(
    executed.map(async (e) => {
      const journal = e.outcome.done > 0 ? await listJournal(deps.pool, e.run.id) : [];
      return { ...e, checks: checksToVerify(e.run, journal), created: createdLines(journal) };
    }),
  );
  const contractIds = [...new Set(work.flatMap((w) => [...w.checks, ...w.created].map((x) => x.contractId)))];
  let snapshot: TargetSnapshot | undefined;
  let unreadable = '';
  if (contractIds.length > 0) {
    try {
      // Only the days the checks compare (issue 14); a created line is linked from the contract's lines.
      const unitDays = checkWindow(work.flatMap((w) => w.checks));
      const tenantIds = work.flatMap((w) => (w.run.tenant_id ? [w.run.tenant_id] : []));
      snapshot = await readContracts(
        deps,
        ctx.ws,
        ctx.target,
        adapter,
        { contractIds, ...(unitDays ? { unitDays } : {}) },
        tenantIds,
      );
    } catch (error) {
      unreadable = error instanceof Error ? error.message : String(error);
    }
  }
  // The runs are finished a few at a time (issue 14): each is its customer's own rows; the summaries keep order.
  const finishing = createLimiter(SETTLE_CONCURRENCY);
  return Promise.all(
    work.map((w) =>
      finishing.run(async () => {
        // A PSA that does not bill what was written pauses the customer (issue 11).
        const v: Verification =
          w.checks.length === 0
            ? { problems: [] }
            : snapshot
              ? verifyChecks(w.checks, snapshot)
              : { problems: [], unverified: unreadable };
        await recordVerification(deps, w.run, ctx.target, ctx.actor, v);
        if (snapshot) await linkCreatedLines(deps, ctx.ws, ctx.target, w.created, snapshot);
        return finishRun(deps, ctx, w.run, { ...w.outcome, paused: v.problems.length > 0 });
      }),
    ),
  );
}

/** Runs of a batch finished at once: database work only, a share of the worker's pool. */
const SETTLE_CONCURRENCY = 4;

async function finishRun(
  deps: EngineDeps,
  ctx: Pick<RunContext, 'ws' | 'target' | 'actor'>,
  run: RunRow,
  outcome: { failed: number; writes: number; probedApplied: number; paused?: boolean },
): Promise<RunSummary> {
  const items = await listRunItems(deps.pool, run.id);
  const statuses = items.map((i) => i.status);
  const status = statusOf(statuses, run.plan.operations.length > 0);
  // An invoice counts as synced per offer: the offers of failed items still treat it as new on the next run (their
  // warnings, a price change, are told by the run that writes them), the customer's other offers do not (their
  // warnings are not told again on every run while one item keeps failing, an unknown SKU). Migration 0020.
  if (run.kind === 'customer' && run.tenant_id) {
    const failedOffers = items.filter((i) => i.status === 'error').map((i) => i.offer_key);
    const clean = outcome.failed === 0 && failedOffers.length === 0;
    // A failed item without an offer (none today) leaves the invoices new for every offer, as before; so does a
    // shadow first sync that failed somewhere (it stays a shadow sync, compared before anything more is written).
    if ((clean || !run.plan.shadow) && failedOffers.every((k): k is string => k !== null)) {
      await markInvoicesSynced(deps.pool, ctx.ws, ctx.target, run.tenant_id, run.plan.invoiceIds, run.id, [
        ...new Set(failedOffers),
      ]);
    }
    await recordToldPriceChanges(deps.pool, run.id);
    if (clean && run.plan.shadow) await endShadow(deps.pool, ctx.ws, ctx.target, run.tenant_id);
    if (clean && run.plan.firstSyncedDay) {
      await setFirstSyncedDay(
        deps.pool,
        ctx.ws,
        ctx.target,
        run.tenant_id,
        run.plan.firstSyncedDay as PlainDate,
      );
    }
  }
  const counts = countItems(statuses);
  const message = outcome.paused
    ? "The PSA does not bill what billsync wrote (see the items): this customer's sync is paused until you check the contract and switch its sync on again"
    : outcome.failed > 0
      ? `${outcome.failed} PSA change(s) failed; fix the cause shown on the items, then sync again or resume the run`
      : (run.plan.note ?? null);
  const summary = {
    operations: run.plan.operations.length,
    items: counts,
    writes: outcome.writes,
    probedApplied: outcome.probedApplied,
  };
  await setRunStatus(deps.pool, run.id, status, { finished: true, summary, message });
  await recordAudit(deps.pool, {
    workspaceId: ctx.ws,
    actor: ctx.actor,
    action: `sync.${run.kind}`,
    targetType: 'run',
    targetId: run.id,
    details: { status, tenantId: run.tenant_id, writes: outcome.writes },
  });
  return {
    runId: run.id,
    kind: run.kind,
    tenantId: run.tenant_id,
    customerName: run.customer_name,
    status,
    operations: run.plan.operations.length,
    items: counts,
    writes: outcome.writes,
    probedApplied: outcome.probedApplied,
    message,
  };
}
