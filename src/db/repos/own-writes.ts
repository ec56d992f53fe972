import type { WorkspaceId } from '../../core/ids';
import { dec } from '../../core/money/decimal';
import type { OwnAdjustment } from '../../core/planner/own-writes';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';

// Not in runs.ts: the CLI's start-up imports that module, and this one needs big.js (test/cli/compiled-cli.test.ts).

/**
 * The adjustments billsync wrote (done) for these customers to these contracts dated from `from` on, in the order
 * written: what the PSA does not show yet on the days past its rows (`withOwnWrites`). By customer first: the runs'
 * customer index keeps it to their own runs (a workspace has a run per customer and month).
 */
export async function ownAdjustmentsOf(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  tenantIds: readonly string[],
  contractIds: readonly string[],
  from: PlainDate,
): Promise<OwnAdjustment[]> {
  if (contractIds.length === 0 || tenantIds.length === 0) return [];
  const res = await db.query<{ op: Record<string, string | null> }>(
    `select j.op from journal j join runs r on r.id = j.run_id
     where r.workspace_id = $1 and r.target = $2 and r.tenant_id = any($3::text[]) and r.kind = 'customer'
       and j.state = 'done' and j.op->>'kind' = 'adjust-contract-line' and j.op->>'contractId' = any($4::text[])
       and j.op->>'effectiveDate' >= $5
     order by r.created_at, j.seq`,
    [ws, target, tenantIds, contractIds, from],
  );
  const value = (v: string | null | undefined) => (v === null || v === undefined ? undefined : dec(v));
  return res.rows.map(({ op }) => ({
    contractId: String(op.contractId),
    productId: String(op.productId),
    contractLineId: op.contractLineId ?? undefined,
    effectiveDate: op.effectiveDate as PlainDate,
    unitChange: dec(String(op.unitChange)),
    unitPrice: value(op.unitPrice),
    unitCost: value(op.unitCost),
  }));
}
