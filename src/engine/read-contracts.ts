import type { WorkspaceId } from '../core/ids';
import { withOwnWrites } from '../core/planner/own-writes';
import type { TargetAdapter, TargetScope, TargetSnapshot } from '../core/ports/target';
import { ownAdjustmentsOf } from '../db/repos/own-writes';
import type { TargetKind } from '../db/repos/sync';
import type { EngineDeps } from './deps';

/**
 * Reads the PSA's contracts for a plan or a check after writing, with billsync's own writes added on the days the
 * PSA has no rows for yet (a line's `unitsReadUntil`, core/planner/own-writes.ts): without them a change dated in a
 * coming period would look unwritten, and be written again.
 */
export async function readContracts(
  deps: EngineDeps,
  ws: WorkspaceId,
  target: TargetKind,
  adapter: TargetAdapter,
  scope: TargetScope,
  /** The customers whose runs wrote to these contracts. */
  tenantIds: readonly string[],
): Promise<TargetSnapshot> {
  const snapshot = await adapter.readState({}, scope);
  const open = snapshot.contractLines.filter((l) => l.unitsReadUntil !== undefined);
  if (open.length === 0) return snapshot;
  const from = open.map((l) => l.unitsReadUntil!).sort()[0]!;
  const contractIds = [...new Set(open.map((l) => l.contractId))];
  return withOwnWrites(snapshot, await ownAdjustmentsOf(deps.pool, ws, target, tenantIds, contractIds, from));
}
