import type { Clock } from '../core/time/clock';
import { lostSessions, type Pool } from '../db/pool';
import { DEFAULT_RETRY, type EngineDeps } from '../engine/deps';
import { AppError } from '../services/errors';
import type { TargetOpener } from './targets';

/**
 * The sync engine's dependencies, built the same way by the server, the CLI and (later) the worker. Without an
 * opener (a server started without PSA wiring) every PSA use fails with a clear error; runs that need no PSA
 * (reject, lists) still work.
 */
export function createEngineDeps(parts: {
  pool: Pool;
  clock: Clock;
  openTarget: TargetOpener | undefined;
  log?: (message: string) => void;
}): EngineDeps {
  const { openTarget, pool } = parts;
  return {
    pool,
    clock: parts.clock,
    retry: DEFAULT_RETRY,
    // The fence of a run whose database session died under it: its customer lock and PSA slot went with the
    // connection, so another worker may resume the run now. No further write is sent; the run resumes through
    // its journal (the write marked in flight is probed first).
    beforeWrite: () => {
      if (lostSessions(pool) > 0) {
        throw new AppError(
          'unavailable',
          'The database connection holding the locks of this sync was lost: stopped before the next PSA write (the run resumes through its journal)',
        );
      }
    },
    ...(parts.log ? { log: parts.log } : {}),
    openTarget: openTarget
      ? (ws, target) => openTarget(ws, target)
      : async () => {
          throw new AppError(
            'unavailable',
            'This billsync process has no PSA adapters wired: start it with `billsync serve` to sync',
          );
        },
  };
}
