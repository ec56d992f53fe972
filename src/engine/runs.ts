import type { WorkspaceId } from '../core/ids';
import { type Decimal, dec, ZERO } from '../core/money/decimal';
import type { ItemStatus, Plan } from '../core/planner/types';
import type { PlainDate } from '../core/time/plain-date';
import { withTransaction } from '../db/pool';
import {
  getRun,
  insertRun,
  listJournal,
  listRunItems,
  type RunKind,
  type RunStatus,
  resetRunItem,
  setJournalState,
  setRunStatus,
} from '../db/repos/runs';
import type { StoredProgram, TargetKind } from '../db/repos/sync';
import { AppError } from '../services/errors';
import type { EngineDeps } from './deps';
import { describeWriteError, NOT_SENT } from './executor';
import { decodeOperation, encodeOperation, itemKeyOf } from './plan-codec';

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

export function countItems(statuses: readonly ItemStatus[]): Record<ItemStatus, number> {
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
  // A change within a month (a spike between two syncs, a correction) moves that month's bill, not the monthly
  // value of today: the largest change of any one month's bill counts too, against the same monthly value.
  const perMonth = new Map<string, Decimal>();
  for (const i of plan.items)
    for (const [month, d] of Object.entries(i.monthChanges ?? {}))
      perMonth.set(month, (perMonth.get(month) ?? ZERO).plus(dec(d)));
  const largest = [...perMonth.values(), delta].reduce((a, b) => (b.abs().gt(a) ? b.abs() : a), ZERO);
  if (before.eq(ZERO)) return !largest.eq(ZERO);
  return largest.div(before.abs()).times(100).gt(threshold);
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

/**
 * A run that could not be planned because the PSA could not be read (credentials rejected, unreachable after the
 * client's retries): stored as finished with status Error and the reason in words, so History, the e-mail and the
 * in-app notice say what happened to a scheduled sync nobody was watching (spec section 7). Nothing was written.
 */
export async function storeUnreadableRun(
  deps: EngineDeps,
  ctx: RunContext,
  kind: RunKind,
  reason: string,
): Promise<RunSummary> {
  const id = await storeRun(
    deps,
    ctx,
    kind,
    { operations: [], items: [], invoiceIds: [] },
    'error',
    undefined,
  );
  await setRunStatus(deps.pool, id, 'error', {
    finished: true,
    message: `The PSA could not be read, nothing was written: ${reason}. Fix the connection (Settings), then sync again`,
  });
  return summarizeRun(deps, ctx.ws, id);
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

/**
 * Puts failed operations whose error was retryable back to pending, so a resumed run tries them again, with the
 * later changes of their lines that were not sent because of them. Their items get back what the plan said (the
 * failure's message off, the status from what is left): a resumed run that writes everything finishes as the
 * uninterrupted run would have, and one that fails again says so again.
 */
export async function reopenRetryable(deps: EngineDeps, runId: string): Promise<number> {
  let n = 0;
  const rows = await listJournal(deps.pool, runId);
  const itemOf = (row: (typeof rows)[number]) => row.item_key ?? itemKeyOf(decodeOperation(row.op));
  const failures = new Map<string, Set<string>>();
  for (const row of rows) {
    const error = row.error as { retryable?: boolean; message?: string; vendorMessages?: string[] } | null;
    if (row.state !== 'failed' || error?.retryable !== true) continue;
    await setJournalState(deps.pool, runId, row.seq, 'pending');
    n += 1;
    const key = itemOf(row);
    failures.set(key, (failures.get(key) ?? new Set()).add(describeWriteError({ message: '', ...error })));
  }
  for (const row of rows) {
    const error = row.error as { notSent?: boolean; message?: string } | null;
    const notSent = error?.notSent === true || error?.message === NOT_SENT.message;
    if (row.state === 'failed' && notSent && failures.has(itemOf(row))) {
      await setJournalState(deps.pool, runId, row.seq, 'pending');
      n += 1;
    }
  }
  for (const item of await listRunItems(deps.pool, runId)) {
    const texts = failures.get(item.item_key);
    if (!texts || item.status !== 'error') continue;
    const messages = item.messages.filter((m) => !(m.level === 'error' && texts.has(m.text)));
    if (messages.some((m) => m.level === 'error')) continue;
    const status = messages.some((m) => m.level === 'warning') ? 'warning' : 'ok';
    await resetRunItem(deps.pool, runId, item.item_key, { status, messages });
  }
  return n;
}
