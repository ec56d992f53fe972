import type { WorkspaceId } from '../../core/ids';
import type { TargetKind } from '../../db/repos/sync';
import type { Mailer } from '../../notifications/mailer';
import type { SyncDeps } from '../sync/psa';
import { type ReconEmailOutcome, reconEmailsAfterDailyCheck } from './recon-email-job';
import { reconLeakage, reconMonth } from './reconciliation';

/**
 * The reconciliation e-mails with the real reconciliation service, for a worker's composition root: the function
 * the daily check calls when it finishes, with the PSAs it queued syncs for (its result's `queued`).
 */
export function reconEmailHook(parts: {
  engine: SyncDeps;
  mailer: Mailer;
  /** BILLSYNC_PUBLIC_URL. */
  publicUrl: string;
  log: (message: string) => void;
}): (
  ws: WorkspaceId,
  queued: readonly { target: TargetKind; thenCustomers: boolean }[],
) => Promise<ReconEmailOutcome[]> {
  const deps = {
    sync: parts.engine,
    mailer: parts.mailer,
    publicUrl: parts.publicUrl,
    reconMonth,
    reconLeakage,
    log: parts.log,
  };
  return (ws, queued) => reconEmailsAfterDailyCheck(deps, ws, queued);
}
