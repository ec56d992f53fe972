import { verifyLine } from '../core/planner/line-check';
import type { StateSegment } from '../core/planner/line-state';
import type { LineCheck } from '../core/planner/types';
import type { TargetSnapshot } from '../core/ports/target';
import { recordAudit } from '../db/repos/audit';
import { type JournalRow, type RunRow, updateRunItem } from '../db/repos/runs';
import { pauseMapping, type TargetKind } from '../db/repos/sync';
import type { EngineDeps } from './deps';

/** What verifying a run found: the lines whose PSA state differs from what was written, in words. */
export interface Verification {
  problems: { itemKey: string; differences: string[] }[];
  /** The PSA could not be re-read: nothing was verified (the reason). */
  unverified?: string;
}

function lineSegments(snapshot: TargetSnapshot, contractId: string, productId: string): StateSegment[] {
  const ids = new Set(
    snapshot.contractLines
      .filter((l) => l.contractId === contractId && l.productId === productId)
      .map((l) => l.id),
  );
  return snapshot.unitSegments
    .filter((s) => ids.has(s.contractLineId))
    .map((s) => ({ start: s.start, end: s.end, state: { units: s.units, price: s.price, cost: s.cost } }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
}

/**
 * Verify after writing (issue 11), step 1: the checks of the contract lines a run wrote to (all their operations
 * done). Empty for product runs and runs that wrote nothing.
 */
export function checksToVerify(run: RunRow, journal: readonly JournalRow[]): LineCheck[] {
  const checks = run.plan.checks ?? [];
  if (run.kind !== 'customer' || checks.length === 0) return [];
  const failed = new Set(journal.filter((j) => j.state !== 'done').map((j) => j.item_key));
  const written = new Set(journal.filter((j) => j.state === 'done').map((j) => j.item_key));
  return checks.filter((c) => written.has(c.itemKey) && !failed.has(c.itemKey));
}

/**
 * Step 2: compares what the PSA bills per day, and billsync's charges per month, with what the plan meant to
 * leave. `snapshot` is one read of the PSA after the writes, shared by every run of a batch (issue 14): it must
 * cover the checks' contracts.
 */
export function verifyChecks(checks: readonly LineCheck[], snapshot: TargetSnapshot): Verification {
  const problems = checks
    .map((c) => {
      const charges = (snapshot.charges ?? []).filter(
        (x) => x.billsync && x.contractId === c.contractId && x.productId === c.productId,
      );
      return {
        itemKey: c.itemKey,
        differences: verifyLine(c, lineSegments(snapshot, c.contractId, c.productId), charges),
      };
    })
    .filter((p) => p.differences.length > 0);
  return { problems };
}

const SHOWN = 5;

/**
 * Records what verifying found: each differing line is an item error with the differences; the customer is
 * paused (sync off, with the reason) so nothing more is written for it until a user resumes it. A PSA that could
 * not be re-read leaves a warning on the written items.
 */
export async function recordVerification(
  deps: EngineDeps,
  run: RunRow,
  target: TargetKind,
  actor: string,
  v: Verification,
): Promise<void> {
  if (v.unverified) {
    for (const key of new Set((run.plan.checks ?? []).map((c) => c.itemKey))) {
      await updateRunItem(deps.pool, run.id, key, {
        status: 'warning',
        message: {
          level: 'warning',
          text: `The contract could not be re-read to verify the changes (${v.unverified}); the next sync checks it again`,
        },
      });
    }
    return;
  }
  if (v.problems.length === 0 || !run.tenant_id) return;
  for (const p of v.problems) {
    const shown = p.differences.slice(0, SHOWN).join('; ');
    const more = p.differences.length > SHOWN ? ` (and ${p.differences.length - SHOWN} more)` : '';
    await updateRunItem(deps.pool, run.id, p.itemKey, {
      status: 'error',
      message: {
        level: 'error',
        text: `The PSA does not bill what billsync wrote: ${shown}${more}. This customer's sync is paused: check the contract in the PSA, then switch its sync on again`,
      },
    });
  }
  const first = v.problems[0]!;
  const reason = `The PSA did not bill what billsync wrote (run ${run.id}): ${first.differences[0]}`;
  await pauseMapping(deps.pool, run.workspace_id, target, run.tenant_id, reason);
  await recordAudit(deps.pool, {
    workspaceId: run.workspace_id,
    actor,
    action: 'sync.pause',
    targetType: 'customer',
    targetId: run.tenant_id,
    details: { target, runId: run.id, problems: v.problems },
  });
}
