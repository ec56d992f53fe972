import type { WorkspaceId } from '../core/ids';
import { dec, ZERO } from '../core/money/decimal';
import type { ItemStatus, Plan } from '../core/planner/types';
import type { TargetAdapter } from '../core/ports/target';
import type { PlainDate } from '../core/time/plain-date';
import { withTransaction } from '../db/pool';
import { recordAudit } from '../db/repos/audit';
import {
  getRun,
  insertRun,
  listJournal,
  listRunItems,
  type RunKind,
  type RunRow,
  type RunStatus,
  setJournalState,
  setRunStatus,
} from '../db/repos/runs';
import {
  endShadow,
  markInvoicesSynced,
  type StoredProgram,
  setFirstSyncedDay,
  type TargetKind,
} from '../db/repos/sync';
import { AppError } from '../services/errors';
import type { EngineDeps } from './deps';
import { executeJournal } from './executor';
import { encodeOperation, itemKeyOf } from './plan-codec';
import { recordVerification, verifyRun } from './verify';

/** What a finished (or stored) run looks like to callers: CLI output, API responses, job results. */
export interface RunSummary {
  runId: string;
  kind: RunKind;
  tenantId: string | null;
  customerName: string | null;
  status: RunStatus;
  operations: number;
  items: Record<ItemStatus, number>;
  writes: number;
  probedApplied: number;
  message: string | null;
}

export interface RunContext {
  ws: WorkspaceId;
  target: TargetKind;
  asOf: PlainDate;
  trigger: string;
  actor: string;
}

function countItems(statuses: readonly ItemStatus[]): Record<ItemStatus, number> {
  const counts: Record<ItemStatus, number> = { no_change: 0, ok: 0, warning: 0, error: 0, skipped: 0 };
  for (const s of statuses) counts[s] += 1;
  return counts;
}

/** Run status from its items (spec section 7): Error > Warning > Success > No Change. */
export function statusOf(statuses: readonly ItemStatus[], wrote: boolean): RunStatus {
  if (statuses.includes('error')) return 'error';
  if (statuses.includes('warning')) return 'warning';
  if (wrote || statuses.includes('ok')) return 'success';
  return 'no_change';
}

/** Whether a customer plan must wait for approval (workspace setting: monthly value change above N %). */
export function needsApproval(plan: Plan, program: StoredProgram): boolean {
  const threshold = program.approvalThresholdPercent;
  if (threshold === null || threshold === undefined || plan.operations.length === 0) return false;
  const before = plan.items.reduce((sum, i) => sum.plus(dec(i.monthlyBefore ?? '0')), ZERO);
  const delta = plan.items.reduce((sum, i) => sum.plus(dec(i.monthlyDelta ?? '0')), ZERO);
  if (before.eq(ZERO)) return !delta.eq(ZERO);
  return delta.abs().div(before.abs()).times(100).gt(threshold);
}

/** Stores a plan as a run (the preview), with a pending journal row per operation. */
export async function storeRun(
  deps: EngineDeps,
  ctx: RunContext,
  kind: RunKind,
  plan: Plan,
  status: RunStatus,
  customer: { tenantId: string; name: string } | undefined,
): Promise<string> {
  return withTransaction(deps.pool, async (tx) => {
    const id = await insertRun(tx, {
      workspaceId: ctx.ws,
      target: ctx.target,
      kind,
      tenantId: customer?.tenantId ?? null,
      customerName: customer?.name ?? null,
      status,
      asOf: ctx.asOf,
      trigger: ctx.trigger,
      createdBy: ctx.actor,
      plan: {
        operations: plan.operations.map(encodeOperation),
        invoiceIds: plan.invoiceIds,
        firstSyncedDay: plan.firstSyncedDay ?? null,
        ...(plan.checks?.length ? { checks: plan.checks } : {}),
        ...(plan.shadow ? { shadow: true } : {}),
        ...(plan.note ? { note: plan.note } : {}),
      },
      summary: { operations: plan.operations.length, items: countItems(plan.items.map((i) => i.status)) },
      items: plan.items,
      journal: plan.operations.map((op) => ({
        opKey: op.key,
        itemKey: itemKeyOf(op),
        op: encodeOperation(op),
      })),
    });
    if (plan.note) await setRunStatus(tx, id, status, { message: plan.note });
    return id;
  });
}

/** Executes a stored run's journal and records the outcome (links, synced invoices, statuses, audit). */
export async function executeRun(
  deps: EngineDeps,
  ctx: Pick<RunContext, 'ws' | 'target' | 'actor'>,
  runId: string,
  adapter: TargetAdapter,
): Promise<RunSummary> {
  const run = await getRun(deps.pool, ctx.ws, runId);
  if (!run) throw new AppError('not_found', 'No such run');
  await setRunStatus(deps.pool, runId, 'running', { started: true });
  let outcome: Awaited<ReturnType<typeof executeJournal>>;
  try {
    outcome = await executeJournal(deps, ctx.ws, ctx.target, runId, adapter);
  } catch (error) {
    // A crash of ours (not a vendor answer): the journal knows where we were; `billsync run resume` goes on.
    await setRunStatus(deps.pool, runId, 'interrupted', {
      message: `Interrupted: ${error instanceof Error ? error.message : String(error)}. Resume the run to finish it: writes in flight are checked in the PSA first`,
    });
    throw error;
  }
  // Verify after writing: a PSA that does not bill what was written pauses the customer (issue 11).
  let paused = false;
  if (outcome.writes > 0 || outcome.probedApplied > 0) {
    const v = await verifyRun(run, adapter, deps);
    await recordVerification(deps, run, ctx.target, ctx.actor, v);
    paused = v.problems.length > 0;
  }
  return finishRun(deps, ctx, run, { ...outcome, paused });
}

async function finishRun(
  deps: EngineDeps,
  ctx: Pick<RunContext, 'ws' | 'target' | 'actor'>,
  run: RunRow,
  outcome: { failed: number; writes: number; probedApplied: number; paused?: boolean },
): Promise<RunSummary> {
  const items = await listRunItems(deps.pool, run.id);
  const statuses = items.map((i) => i.status);
  const status = statusOf(statuses, run.plan.operations.length > 0);
  // An invoice counts as synced for the customer only when the run brought all of it in: after an item error its
  // next run still treats it as new, so its warnings (a price change) are reported by the run that writes them.
  if (run.kind === 'customer' && run.tenant_id && outcome.failed === 0 && !statuses.includes('error')) {
    await markInvoicesSynced(deps.pool, ctx.ws, ctx.target, run.tenant_id, run.plan.invoiceIds, run.id);
    if (run.plan.shadow) await endShadow(deps.pool, ctx.ws, ctx.target, run.tenant_id);
    if (run.plan.firstSyncedDay) {
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

/** A stored run as a summary (previews and runs awaiting approval). */
export async function summarizeRun(deps: EngineDeps, ws: WorkspaceId, runId: string): Promise<RunSummary> {
  const run = await getRun(deps.pool, ws, runId);
  if (!run) throw new AppError('not_found', 'No such run');
  const items = await listRunItems(deps.pool, runId);
  const s = run.summary as { writes?: number; probedApplied?: number };
  return {
    runId,
    kind: run.kind,
    tenantId: run.tenant_id,
    customerName: run.customer_name,
    status: run.status,
    operations: run.plan.operations.length,
    items: countItems(items.map((i) => i.status)),
    writes: s.writes ?? 0,
    probedApplied: s.probedApplied ?? 0,
    message: run.message,
  };
}

/** Puts failed operations whose error was retryable back to pending, so a resumed run tries them again. */
export async function reopenRetryable(deps: EngineDeps, runId: string): Promise<number> {
  let n = 0;
  for (const row of await listJournal(deps.pool, runId)) {
    const retryable = (row.error as { retryable?: boolean } | null)?.retryable === true;
    if (row.state === 'failed' && retryable) {
      await setJournalState(deps.pool, runId, row.seq, 'pending');
      n += 1;
    }
  }
  return n;
}
