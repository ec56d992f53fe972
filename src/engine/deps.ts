import type { WorkspaceId } from '../core/ids';
import type { TargetAdapter } from '../core/ports/target';
import type { Clock } from '../core/time/clock';
import type { Pool } from '../db/pool';
import type { TargetKind } from '../db/repos/sync';

/** What the engine needs from its composition root (server, CLI, worker). No concrete adapter in here. */
export interface EngineDeps {
  pool: Pool;
  clock: Clock;
  /** The PSA adapter of a workspace's connection (throws an AppError when it is not connected). */
  openTarget(workspaceId: WorkspaceId, target: TargetKind): Promise<TargetAdapter>;
  /** Retries of one write after a retryable failure, and how to wait between them (tests pass a fast sleep). */
  retry?: { attempts: number; baseDelayMs: number; sleep(ms: number): Promise<void> };
  log?: (message: string) => void;
  /**
   * Called before each PSA write; throwing stops the run there (its journal resumes it). The runtime uses it as
   * a fence: when the database connection holding the customer's lock is lost, the next write is refused
   * (decision 0009). Tests use it to simulate a crash mid-run.
   */
  beforeWrite?: (opKey: string) => void;
}

export const DEFAULT_RETRY = {
  attempts: 5,
  baseDelayMs: 1000,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};
