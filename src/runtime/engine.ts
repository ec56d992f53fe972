import type { Clock } from '../core/time/clock';
import type { Pool } from '../db/pool';
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
  const { openTarget } = parts;
  return {
    pool: parts.pool,
    clock: parts.clock,
    retry: DEFAULT_RETRY,
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
