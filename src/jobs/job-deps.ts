import type { WorkspaceId } from '../core/ids';
import type { Clock } from '../core/time/clock';
import type { PlainDate } from '../core/time/plain-date';
import type { Pool } from '../db/pool';
import type { TargetKind } from '../db/repos/sync';
import type { EngineDeps } from '../engine/deps';
import type { RunContext } from '../engine/runs';
import type { JobName } from './job-names';
import type { SlotOptions } from './psa-slots';
import type { JobQueue } from './queue';
import type { SourceRefresh } from './source-refresh';

/**
 * What job handlers get from their composition root (`billsync worker`, `billsync serve`, tests): the engine's
 * dependencies with the real PSA adapters, the queue for follow-up jobs and the notifier. Handlers stay thin: the
 * business rules are the engine's.
 */
export interface JobDeps {
  pool: Pool;
  engine: EngineDeps;
  queue: JobQueue;
  clock: Clock;
  /** Sends a run's notification (in-app + e-mail); see src/notifications/notify-run.ts. */
  notify(ws: WorkspaceId, runId: string): Promise<unknown>;
  /** Reads new invoices and the price list from the source when it is the Partner Center API (daily check). */
  refreshSource?: (ws: WorkspaceId) => Promise<SourceRefresh>;
  /**
   * Sends the monthly reconciliation e-mails a workspace is due after its daily check (issue 17;
   * src/services/reports/recon-email-job.ts); undefined = none.
   */
  reconEmails?: (
    ws: WorkspaceId,
    queued: readonly { target: TargetKind; thenCustomers: boolean }[],
  ) => Promise<unknown>;
  log(message: string): void;
  /** Test hook: how the PSA slot waits. */
  slots?: SlotOptions;
  /**
   * The jobs this process runs, as its heartbeat reports them (heartbeat.ts): a handler that takes over more jobs
   * than the one it was given (a customer sync's batch) lists them here while it runs them. Set by the worker.
   */
  inFlight?: { start(id: string): void; finish(id: string): void };
  /**
   * Asks this process's handlers of a queue to look for work now instead of at their next poll: a handler that
   * queued follow-up jobs (the daily check's chain) calls it after they are committed. Set by the worker.
   */
  wake?: (name: JobName) => void;
}

/** What a handler knows about its job (pg-boss metadata). */
export interface JobInfo {
  id: string;
  /** When the job was first queued (kept across retries). */
  createdOn: Date;
  retryCount: number;
}

/** The engine's run context of a sync job. */
export function runContextOf(
  deps: Pick<JobDeps, 'clock'>,
  p: { workspaceId: string; target: TargetKind; asOf?: string | undefined; trigger: string; actor: string },
): RunContext {
  return {
    ws: p.workspaceId as WorkspaceId,
    target: p.target,
    asOf: (p.asOf ?? deps.clock.today()) as PlainDate,
    trigger: p.trigger,
    actor: p.actor,
  };
}
