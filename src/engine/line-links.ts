import type { WorkspaceId } from '../core/ids';
import type { TargetSnapshot } from '../core/ports/target';
import type { JournalRow } from '../db/repos/runs';
import { saveLink, type TargetKind } from '../db/repos/sync';
import type { EngineDeps } from './deps';
import { decodeOperation } from './plan-codec';

/** A contract line a run's adjustment created, whose id the write's answer did not carry. */
export interface CreatedLine {
  tenantId: string;
  offerKey: string;
  contractId: string;
  productId: string;
}

/**
 * The lines a run created without learning their ids: done adjustments without a contract line id (the plan had
 * no line) that came back without a target id. A PSA may answer a create without the new line's id (Autotask:
 * `{"itemId":null}`); the id is then read back with the batch's check after writing, one read for many writes
 * (issue 14), instead of one lookup per write.
 */
export function createdLines(journal: readonly JournalRow[]): CreatedLine[] {
  const out = new Map<string, CreatedLine>();
  for (const row of journal) {
    if (row.state !== 'done' || row.result?.targetId) continue;
    const op = decodeOperation(row.op);
    if (op.kind !== 'adjust-contract-line' || op.contractLineId !== undefined) continue;
    const key = `${op.customerTenantId}|${op.offerKey}`;
    out.set(key, {
      tenantId: op.customerTenantId,
      offerKey: op.offerKey,
      contractId: op.contractId,
      productId: op.productId,
    });
  }
  return [...out.values()];
}

/**
 * Links each created line to its offer from a snapshot read after the writes. The plan had no line of the
 * product on the contract, so a single line there now is the one the adjustment created. Several (someone added
 * one meanwhile) are left unlinked: the next plan says so and asks a user to choose, never a guess.
 */
export async function linkCreatedLines(
  deps: EngineDeps,
  ws: WorkspaceId,
  target: TargetKind,
  lines: readonly CreatedLine[],
  snapshot: TargetSnapshot,
): Promise<void> {
  for (const l of lines) {
    const onContract = snapshot.contractLines.filter(
      (x) => x.contractId === l.contractId && x.productId === l.productId,
    );
    if (onContract.length !== 1) continue;
    await saveLink(deps.pool, ws, target, 'contract-line', `${l.tenantId}|${l.offerKey}`, onContract[0]!.id);
  }
}
