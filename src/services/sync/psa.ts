import type { WorkspaceId } from '../../core/ids';
import { IntegrationError } from '../../core/integration-error';
import type { TargetSnapshot } from '../../core/ports/target';
import type { TargetKind } from '../../db/repos/sync';
import type { EngineDeps } from '../../engine/deps';
import { AppError } from '../errors';

/** What the sync use cases need: the engine's dependencies (pool, clock, openTarget, retry). */
export type SyncDeps = EngineDeps;

export const TARGET_KINDS = ['autotask', 'connectwise'] as const satisfies readonly TargetKind[];
export const TARGET_LABEL: Record<TargetKind, string> = { autotask: 'Autotask', connectwise: 'ConnectWise' };

/** What each PSA calls the contract billsync writes to (spec section 5: Recurring Service contracts, agreements). */
export const CONTRACT_WORDS: Record<TargetKind, { one: string; title: string; kind: string }> = {
  autotask: { one: 'contract', title: 'Contract', kind: 'Recurring Service contract' },
  connectwise: { one: 'agreement', title: 'Agreement', kind: 'monthly agreement' },
};

/** A vendor failure in a use case becomes an AppError the API and CLI show in words. */
export function toAppError(error: unknown, target: TargetKind): unknown {
  if (!(error instanceof IntegrationError)) return error;
  const hint = error.retryable ? ': try again in a few minutes' : '';
  const text = error.message.replace(/[.\s]+$/, '');
  return new AppError('integration_failed', `${TARGET_LABEL[target]}: ${text}${hint}`, error.toJSON());
}

/** Runs a use case step that talks to the PSA, with vendor failures in words. */
export async function withPsa<T>(target: TargetKind, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toAppError(error, target);
  }
}

/** Companies, recurring contracts and billing codes of the PSA (the dropdowns' source). */
export function readDirectory(deps: SyncDeps, ws: WorkspaceId, target: TargetKind): Promise<TargetSnapshot> {
  return withPsa(target, async () => {
    const adapter = await deps.openTarget(ws, target);
    return adapter.readState({}, { directory: true });
  });
}

export type Maybe<T> = { ok: true; value: T } | { ok: false; message: string };

/** The directory when the PSA answers; else why not (for checks that may be skipped while it is down). */
export async function tryReadDirectory(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
): Promise<Maybe<TargetSnapshot>> {
  try {
    return { ok: true, value: await readDirectory(deps, ws, target) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, message: error.message };
    throw error;
  }
}
