import type { WorkspaceId } from '../core/ids';
import { dec } from '../core/money/decimal';
import type { ProgramSettings } from '../core/planner/types';
import type { Queryable } from '../db/pool';
import { getProgram, type StoredProgram, type TargetKind } from '../db/repos/sync';
import { AppError } from '../services/errors';

/** Spec section 3 defaults: In Use products, monthly and Azure motions on, annual off, prefix PC_. */
export const DEFAULT_PROGRAM: StoredProgram = {
  syncEnabled: false,
  mode: 'in-use',
  motions: { monthly: true, annual: false, azure: true },
  billingCodeId: null,
  vendorId: null,
  chargeCodeId: null,
  namePrefix: 'PC_',
  azureMarkupPercent: '0',
  emails: [],
  reconEmail: false,
  approvalThresholdPercent: null,
};

export function toProgramSettings(p: StoredProgram): ProgramSettings {
  return {
    syncEnabled: p.syncEnabled,
    mode: p.mode,
    motions: p.motions,
    billingCodeId: p.billingCodeId ?? undefined,
    vendorId: p.vendorId ?? undefined,
    chargeCodeId: p.chargeCodeId ?? undefined,
    namePrefix: p.namePrefix,
    azureMarkupPercent: dec(p.azureMarkupPercent),
    monthChanges: p.approvalThresholdPercent !== null && p.approvalThresholdPercent !== undefined,
  };
}

/** The program of a target, or a clear error saying how to set it up. */
export async function requireProgram(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
): Promise<StoredProgram> {
  const p = await getProgram(db, ws, target);
  if (!p) {
    throw new AppError(
      'bad_request',
      `The Microsoft CSP program is not set up for ${target}: set it up in its program settings`,
      undefined,
      { cli: '`billsync program set`' },
    );
  }
  if (!p.syncEnabled)
    throw new AppError(
      'bad_request',
      `Sync is switched off for ${target}: switch it on in the program settings`,
    );
  return { ...DEFAULT_PROGRAM, ...p };
}
