import { isUuid, type WorkspaceId } from '../../core/ids';
import { dec, ZERO } from '../../core/money/decimal';
import type { ItemStatus, PlanMessage } from '../../core/planner/types';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../../db/pool';
import {
  getRun,
  type JournalRow,
  listJournal,
  listRunItems,
  listRuns,
  type RunKind,
  type RunRow,
  type RunStatus,
} from '../../db/repos/runs';
import { AppError } from '../errors';

/** A run in lists (History) and at the top of its detail. */
export interface RunView {
  id: string;
  target: string;
  kind: RunKind;
  tenantId: string | null;
  customerName: string | null;
  status: RunStatus;
  asOf: PlainDate;
  trigger: string;
  createdBy: string;
  operations: number;
  items: Record<ItemStatus, number>;
  writes: number;
  message: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const NO_ITEMS: Record<ItemStatus, number> = { no_change: 0, ok: 0, warning: 0, error: 0, skipped: 0 };

export function toRunView(r: RunRow): RunView {
  const s = r.summary as { items?: Partial<Record<ItemStatus, number>>; writes?: number };
  return {
    id: r.id,
    target: r.target,
    kind: r.kind,
    tenantId: r.tenant_id,
    customerName: r.customer_name,
    status: r.status,
    asOf: r.as_of,
    trigger: r.trigger,
    createdBy: r.created_by,
    operations: r.plan.operations.length,
    items: { ...NO_ITEMS, ...s.items },
    writes: s.writes ?? 0,
    message: r.message,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

export interface RunListQuery {
  target?: string | undefined;
  kind?: RunKind | undefined;
  status?: RunStatus | undefined;
  /** Tenant id of the customer. */
  customer?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Runs of the workspace, newest first; `hasMore` says whether a next page exists. */
export async function listRunViews(
  db: Queryable,
  ws: WorkspaceId,
  q: RunListQuery = {},
): Promise<{ items: RunView[]; limit: number; offset: number; hasMore: boolean }> {
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  const rows = await listRuns(db, ws, {
    ...(q.target ? { target: q.target } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.customer ? { tenantId: q.customer.trim().toLowerCase() } : {}),
    limit: limit + 1,
    offset,
  });
  return { items: rows.slice(0, limit).map(toRunView), limit, offset, hasMore: rows.length > limit };
}

export interface RunItemView {
  seq: number;
  key: string;
  label: string;
  action: string;
  status: ItemStatus;
  messages: PlanMessage[];
  changes: { field: string; from: string | null; to: string | null }[];
  monthlyDelta: string | null;
  offerKey: string | null;
  tenantId: string | null;
  targetId: string | null;
  /** Shadow first sync: per month, what the PSA bills today and what it will bill once the run is applied. */
  comparison: { month: string; psa: string; invoices: string }[] | null;
}

export interface RunDetail extends RunView {
  /** One per product or customer offer line, with its own status and messages (spec section 7). */
  lines: RunItemView[];
  /** Money delta per month of the run's customer lines (customer syncs), decimal string. */
  monthlyDelta: string | null;
  /** The journal of PSA writes: how many operations are in each state, and the failures in words. */
  journal: {
    pending: number;
    inFlight: number;
    done: number;
    failed: number;
    attempts: number;
    failures: string[];
  };
}

function journalSummary(rows: readonly JournalRow[]): RunDetail['journal'] {
  const j = { pending: 0, inFlight: 0, done: 0, failed: 0, attempts: 0, failures: [] as string[] };
  for (const r of rows) {
    if (r.state === 'in_flight') j.inFlight += 1;
    else j[r.state] += 1;
    j.attempts += r.attempts;
    const message = (r.error as { message?: unknown } | null)?.message;
    if (r.state === 'failed' && typeof message === 'string') j.failures.push(`${r.op_key}: ${message}`);
  }
  return j;
}

export async function getRunDetail(db: Queryable, ws: WorkspaceId, id: string): Promise<RunDetail> {
  const run = isUuid(id) ? await getRun(db, ws, id) : undefined;
  if (!run)
    throw new AppError('not_found', `No run ${id}: see the runs list`, undefined, { cli: '`billsync runs`' });
  const [items, journal] = await Promise.all([listRunItems(db, run.id), listJournal(db, run.id)]);
  const deltas = items.map((i) => i.monthly_delta).filter((d): d is string => d !== null);
  const counts = { ...NO_ITEMS };
  for (const i of items) counts[i.status] += 1;
  return {
    ...toRunView(run),
    items: counts,
    lines: items.map((i) => ({
      seq: i.seq,
      key: i.item_key,
      label: i.label,
      action: i.action,
      status: i.status,
      messages: i.messages,
      changes: i.changes ?? [],
      monthlyDelta: i.monthly_delta,
      offerKey: i.offer_key,
      tenantId: i.tenant_id,
      targetId: i.target_id,
      comparison: i.comparison ?? null,
    })),
    monthlyDelta: deltas.length ? deltas.reduce((sum, d) => sum.plus(dec(d)), ZERO).toString() : null,
    journal: journalSummary(journal),
  };
}
