import type { WorkspaceId } from '../../core/ids';
import type { ItemStatus, LineCheck, PlanItem } from '../../core/planner/types';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';

export type RunKind = 'product' | 'customer';
/** Every status a run can have (the table's check constraint lists the same). */
export const RUN_STATUSES = [
  'preview',
  'awaiting_approval',
  'running',
  'interrupted',
  'no_change',
  'success',
  'warning',
  'error',
  'rejected',
  'superseded',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRow {
  id: string;
  workspace_id: WorkspaceId;
  target: string;
  kind: RunKind;
  tenant_id: string | null;
  customer_name: string | null;
  status: RunStatus;
  as_of: PlainDate;
  trigger: string;
  created_by: string;
  plan: {
    operations: Record<string, unknown>[];
    invoiceIds: string[];
    firstSyncedDay?: string | null;
    /** What the PSA must bill after the writes (verify after writing). */
    checks?: LineCheck[];
    /** A shadow first sync: written only once a user applies it. */
    shadow?: boolean;
    /** Why there was nothing to do, in words. */
    note?: string;
  };
  summary: Record<string, unknown>;
  message: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface RunItemRow {
  seq: number;
  item_key: string;
  label: string;
  action: string;
  status: ItemStatus;
  messages: PlanItem['messages'];
  changes: PlanItem['changes'] | null;
  monthly_delta: string | null;
  offer_key: string | null;
  tenant_id: string | null;
  target_id: string | null;
  comparison: PlanItem['comparison'] | null;
}

export interface JournalRow {
  seq: number;
  op_key: string;
  item_key: string | null;
  op: Record<string, unknown>;
  state: 'pending' | 'in_flight' | 'done' | 'failed';
  attempts: number;
  result: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
}

export interface NewRun {
  workspaceId: WorkspaceId;
  target: string;
  kind: RunKind;
  tenantId: string | null;
  customerName: string | null;
  status: RunStatus;
  asOf: PlainDate;
  trigger: string;
  createdBy: string;
  plan: RunRow['plan'];
  summary: Record<string, unknown>;
  items: PlanItem[];
  journal: { opKey: string; itemKey: string; op: Record<string, unknown> }[];
}

/** Stores a run with its plan, items and journal (one pending row per operation), in the caller's transaction. */
export async function insertRun(db: Queryable, r: NewRun): Promise<string> {
  const res = await db.query<{ id: string }>(
    `insert into runs (workspace_id, target, kind, tenant_id, customer_name, status, as_of, trigger, created_by, plan, summary)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
    [
      r.workspaceId,
      r.target,
      r.kind,
      r.tenantId,
      r.customerName,
      r.status,
      r.asOf,
      r.trigger,
      r.createdBy,
      r.plan,
      r.summary,
    ],
  );
  const id = res.rows[0]!.id;
  if (r.items.length) {
    await db.query(
      `insert into run_items (run_id, seq, item_key, label, action, status, messages, changes, monthly_delta, offer_key, tenant_id, target_id, comparison)
       select $1, s.seq, s.item_key, s.label, s.action, s.status, s.messages, s.changes, s.monthly_delta::numeric, s.offer_key, s.tenant_id, s.target_id, s.comparison
       from jsonb_to_recordset($2::jsonb) as s(seq int, item_key text, label text, action text, status text, messages jsonb,
         changes jsonb, monthly_delta text, offer_key text, tenant_id text, target_id text, comparison jsonb)`,
      [
        id,
        JSON.stringify(
          r.items.map((i, seq) => ({
            seq,
            item_key: i.key,
            label: i.label,
            action: i.action,
            status: i.status,
            messages: i.messages,
            changes: i.changes ?? null,
            monthly_delta: i.monthlyDelta ?? null,
            offer_key: i.offerKey ?? null,
            tenant_id: i.customerTenantId ?? null,
            target_id: i.targetId ?? null,
            comparison: i.comparison ?? null,
          })),
        ),
      ],
    );
  }
  if (r.journal.length) {
    await db.query(
      `insert into journal (run_id, seq, op_key, item_key, op, state)
       select $1, s.seq, s.op_key, s.item_key, s.op, 'pending'
       from jsonb_to_recordset($2::jsonb) as s(seq int, op_key text, item_key text, op jsonb)`,
      [
        id,
        JSON.stringify(r.journal.map((j, seq) => ({ seq, op_key: j.opKey, item_key: j.itemKey, op: j.op }))),
      ],
    );
  }
  return id;
}

export async function getRun(db: Queryable, ws: WorkspaceId, id: string): Promise<RunRow | undefined> {
  const res = await db.query<RunRow>('select * from runs where workspace_id = $1 and id = $2', [ws, id]);
  return res.rows[0];
}

export async function listRunItems(db: Queryable, runId: string): Promise<RunItemRow[]> {
  const res = await db.query<RunItemRow>('select * from run_items where run_id = $1 order by seq', [runId]);
  return res.rows;
}

export async function listJournal(db: Queryable, runId: string): Promise<JournalRow[]> {
  const res = await db.query<JournalRow>('select * from journal where run_id = $1 order by seq', [runId]);
  return res.rows;
}

export interface RunFilter {
  target?: string;
  kind?: RunKind;
  tenantId?: string;
  status?: RunStatus;
  limit?: number;
  offset?: number;
}

/**
 * Runs newest first, a page at a time (History). The page's ids are found first, in an index that has the
 * filter's columns in the page's order (migration 0009), so an offset is skipped in the index; only the page's
 * rows (with their plans) are read from the table.
 */
export async function listRuns(db: Queryable, ws: WorkspaceId, f: RunFilter = {}): Promise<RunRow[]> {
  const res = await db.query<RunRow>(
    `select r.* from (
       select id, created_at from runs where workspace_id = $1
         and ($2::text is null or target = $2) and ($3::text is null or kind = $3)
         and ($4::text is null or tenant_id = $4) and ($5::text is null or status = $5)
       order by created_at desc, id limit $6 offset $7) p
     join runs r on r.id = p.id
     order by p.created_at desc, p.id`,
    [
      ws,
      f.target ?? null,
      f.kind ?? null,
      f.tenantId ?? null,
      f.status ?? null,
      f.limit ?? 100,
      f.offset ?? 0,
    ],
  );
  return res.rows;
}

export async function setRunStatus(
  db: Queryable,
  id: string,
  status: RunStatus,
  fields: {
    message?: string | null;
    summary?: Record<string, unknown>;
    started?: boolean;
    finished?: boolean;
  } = {},
): Promise<void> {
  await db.query(
    `update runs set status = $2,
       message = coalesce($3, message),
       summary = coalesce($4, summary),
       started_at = case when $5 then coalesce(started_at, now()) else started_at end,
       finished_at = case when $6 then now() else finished_at end
     where id = $1`,
    [
      id,
      status,
      fields.message ?? null,
      fields.summary ?? null,
      fields.started ?? false,
      fields.finished ?? false,
    ],
  );
}

export async function setJournalState(
  db: Queryable,
  runId: string,
  seq: number,
  state: JournalRow['state'],
  fields: { result?: unknown; error?: unknown; attempt?: boolean } = {},
): Promise<void> {
  await db.query(
    `update journal set state = $3, result = coalesce($4, result), error = $5,
       attempts = attempts + case when $6 then 1 else 0 end, updated_at = now()
     where run_id = $1 and seq = $2`,
    [
      runId,
      seq,
      state,
      fields.result === undefined ? null : JSON.stringify(fields.result),
      fields.error === undefined ? null : JSON.stringify(fields.error),
      fields.attempt ?? false,
    ],
  );
}

export async function updateRunItem(
  db: Queryable,
  runId: string,
  itemKey: string,
  patch: { status: ItemStatus; message?: PlanItem['messages'][number]; targetId?: string },
): Promise<void> {
  await db.query(
    `update run_items set status = $3,
       messages = case when $4::jsonb is null then messages else messages || $4::jsonb end,
       target_id = coalesce($5, target_id)
     where run_id = $1 and item_key = $2`,
    [
      runId,
      itemKey,
      patch.status,
      patch.message ? JSON.stringify([patch.message]) : null,
      patch.targetId ?? null,
    ],
  );
}

/** Sets an item's status and its whole message list (a resumed run puts back what the plan said). */
export async function resetRunItem(
  db: Queryable,
  runId: string,
  itemKey: string,
  patch: { status: ItemStatus; messages: PlanItem['messages'] },
): Promise<void> {
  await db.query(
    'update run_items set status = $3, messages = $4::jsonb where run_id = $1 and item_key = $2',
    [runId, itemKey, patch.status, JSON.stringify(patch.messages)],
  );
}

/** The latest finished run of each customer (for the customers table). */
export async function lastCustomerRuns(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
): Promise<Map<string, RunRow>> {
  const res = await db.query<RunRow>(
    `select distinct on (tenant_id) * from runs
     where workspace_id = $1 and target = $2 and kind = 'customer' and status not in ('preview', 'superseded')
     order by tenant_id, created_at desc`,
    [ws, target],
  );
  return new Map(res.rows.map((r) => [r.tenant_id ?? '', r]));
}

/**
 * Marks the open (running / interrupted) runs of some customers, or the open product run, superseded: called
 * under the customer locks right before a fresh plan is made from the PSA's current state, so an old plan's
 * pending writes can never be resumed on top of it.
 */
export async function supersedeOpenRuns(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  kind: RunKind,
  tenantIds: readonly string[] | null,
): Promise<number> {
  const res = await db.query(
    `update runs set status = 'superseded', finished_at = now(),
       message = 'Superseded: a newer sync re-read the PSA and planned from its current state'
     where workspace_id = $1 and target = $2 and kind = $3 and status in ('running', 'interrupted')
       and ($4::text[] is null or tenant_id = any($4::text[]))`,
    [ws, target, kind, tenantIds],
  );
  return res.rowCount ?? 0;
}

/** Customer runs that wait for approval, per customer (oldest first): a newer plan supersedes or keeps them. */
export async function heldRuns(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  tenantIds: readonly string[],
): Promise<Map<string, Pick<RunRow, 'id' | 'plan'>[]>> {
  const res = await db.query<Pick<RunRow, 'id' | 'plan' | 'tenant_id'>>(
    `select id, plan, tenant_id from runs
     where workspace_id = $1 and target = $2 and kind = 'customer' and status = 'awaiting_approval'
       and tenant_id = any($3::text[])
     order by created_at, id`,
    [ws, target, tenantIds],
  );
  const out = new Map<string, Pick<RunRow, 'id' | 'plan'>[]>();
  for (const r of res.rows) {
    const key = r.tenant_id ?? '';
    out.set(key, [...(out.get(key) ?? []), { id: r.id, plan: r.plan }]);
  }
  return out;
}

/** Marks runs that wait for approval superseded (they can no longer be applied), with why. */
export async function supersedeHeldRuns(
  db: Queryable,
  ids: readonly string[],
  message: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `update runs set status = 'superseded', finished_at = now(), message = $2
     where id = any($1::uuid[]) and status = 'awaiting_approval'`,
    [ids, message],
  );
}

/**
 * The contracts billsync wrote a customer's lines or charges to, with the last day it dated a write to on each
 * (a mapping moved to another contract must not leave the old one billing the same days: spec section 5).
 */
export async function contractsWrittenFor(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  tenantId: string,
): Promise<{ contractId: string; lastDay: PlainDate | null }[]> {
  const res = await db.query<{ contract_id: string; last_day: PlainDate | null }>(
    `select j.op->>'contractId' as contract_id,
            max(coalesce(j.op->>'effectiveDate', j.op->>'date')) as last_day
     from journal j join runs r on r.id = j.run_id
     where r.workspace_id = $1 and r.target = $2 and r.kind = 'customer' and r.tenant_id = $3
       and j.state = 'done' and j.op->>'contractId' is not null
     group by 1`,
    [ws, target, tenantId],
  );
  return res.rows.map((r) => ({ contractId: r.contract_id, lastDay: r.last_day }));
}

/**
 * The days billsync's adjustments already occupy on contract lines of some customers, by `contractId|productId`:
 * those that landed, and those the PSA refused because the day already had one (a conflict); a write left in
 * flight by a crash is settled by what the PSA shows. A PSA keeps one adjustment per line and day (spec section 6, "Locked days"), and
 * not every such day shows in what the PSA lets us read. `priced`: the days whose adjustment (billsync's, landed)
 * set the line's price and cost: the PSA row starting there carries that price, whatever came before.
 */
export async function adjustmentDaysOf(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  tenantIds: readonly string[],
): Promise<{ days: Map<string, PlainDate[]>; priced: Map<string, PlainDate[]> }> {
  const res = await db.query<{ contract_id: string; product_id: string; day: PlainDate; priced: boolean }>(
    `select j.op->>'contractId' as contract_id, j.op->>'productId' as product_id,
            j.op->>'effectiveDate' as day,
            bool_or(j.state = 'done' and j.op->>'unitPrice' is not null) as priced
     from journal j join runs r on r.id = j.run_id
     where r.workspace_id = $1 and r.target = $2 and r.kind = 'customer' and r.tenant_id = any($3::text[])
       and j.op->>'kind' = 'adjust-contract-line'
       and (j.state = 'done' or (j.state = 'failed' and j.error->>'kind' = 'conflict'))
     group by 1, 2, 3`,
    [ws, target, tenantIds],
  );
  const days = new Map<string, PlainDate[]>();
  const priced = new Map<string, PlainDate[]>();
  for (const r of res.rows) {
    const key = `${r.contract_id}|${r.product_id}`;
    days.set(key, [...(days.get(key) ?? []), r.day]);
    if (r.priced) priced.set(key, [...(priced.get(key) ?? []), r.day]);
  }
  return { days, priced };
}
