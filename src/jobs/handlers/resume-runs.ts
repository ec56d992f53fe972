import type { WorkspaceId } from '../../core/ids';
import { listOpenRuns, type OpenRun, type RunFilter, supersedeOpenRun } from '../../db/repos/job-runs';
import type { TargetKind } from '../../db/repos/sync';
import { customerLockKey, productLockKey, withLock } from '../../engine/locks';
import type { RunSummary } from '../../engine/runs';
import { resumeRun } from '../../engine/sync';
import { AppError } from '../../services/errors';
import type { JobDeps } from '../job-deps';
import { withPsaSlot } from '../psa-slots';

export interface RunBrief {
  runId: string;
  tenantId: string | null;
  status: string;
  writes: number;
}

export const briefOf = (r: RunSummary): RunBrief => ({
  runId: r.runId,
  tenantId: r.tenantId,
  status: r.status,
  writes: r.writes,
});

/** Queues the notification of every run that ended with warnings or errors. */
export async function queueNotices(deps: JobDeps, ws: string, runs: readonly RunSummary[]): Promise<void> {
  for (const r of runs) {
    if (r.status === 'warning' || r.status === 'error') {
      await deps.queue.send('notify-run', { workspaceId: ws, runId: r.runId });
    }
  }
}

const SUPERSEDED =
  'A newer sync of the same customer (or products) re-planned from the PSA after this run stopped: it was not resumed';

const lockKeyOf = (run: OpenRun) =>
  run.kind === 'customer'
    ? customerLockKey(run.workspace_id, run.target, run.tenant_id ?? '')
    : productLockKey(run.workspace_id, run.target);

/** Whether nobody holds the run's lock right now (a live run holds it from planning to its last write). */
async function ownerless(deps: JobDeps, run: OpenRun): Promise<boolean> {
  try {
    return await withLock(deps.pool, lockKeyOf(run), async () => true);
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict') return false;
    throw error;
  }
}

/** Closes an open run a newer run has re-planned; false when its lock is held (it is alive elsewhere). */
async function supersede(deps: JobDeps, run: OpenRun): Promise<boolean> {
  try {
    return await withLock(deps.pool, lockKeyOf(run), () => supersedeOpenRun(deps.pool, run.id, SUPERSEDED));
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict') return false;
    throw error;
  }
}

/**
 * Resumes the runs left `running` or `interrupted` that match the filter, through their journal: in-flight
 * writes are probed first, so nothing is applied twice. A run whose lock is held is alive in another process and
 * is left alone. An open run that a newer run re-planned is closed as `superseded` instead (resuming it would send
 * its pending writes on top of the newer run's). The sweep (`sweep: true`) holds a PSA slot per resume and logs a
 * run it cannot resume and goes on; a sync job (holding its slot already) throws, so it never plans on top of an
 * open run.
 */
export async function resumeOpenRuns(
  deps: JobDeps,
  filter: RunFilter,
  options: { sweep: boolean },
): Promise<RunBrief[]> {
  const done: RunBrief[] = [];
  for (const run of await listOpenRuns(deps.pool, filter)) {
    if (run.newer) {
      if (await supersede(deps, run)) deps.log(`run ${run.id}: superseded by a newer run, not resumed`);
      continue;
    }
    // Alive in another process: leave it (and do not queue for a PSA slot only to find that out).
    if (!(await ownerless(deps, run))) continue;
    const target = run.target as TargetKind;
    const ctx = {
      ws: run.workspace_id as WorkspaceId,
      target,
      asOf: run.as_of,
      trigger: 'resume',
      actor: 'billsync',
    };
    const resume = () => resumeRun(deps.engine, ctx, run.id);
    try {
      const summary = options.sweep
        ? await withPsaSlot(deps.pool, run.workspace_id, target, resume, deps.slots)
        : await resume();
      deps.log(
        `resumed run ${run.id} (${run.kind}${run.tenant_id ? ` ${run.tenant_id}` : ''}): ${summary.status}`,
      );
      await queueNotices(deps, run.workspace_id, [summary]);
      done.push(briefOf(summary));
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') continue;
      if (!options.sweep) throw error;
      deps.log(
        `run ${run.id} could not be resumed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return done;
}

/**
 * For a sync job, before it plans: resumes the customer's (or the products') open runs and, while one stays open
 * because another process is on it (the sweep resuming it, a sync of the API), waits for that process to finish.
 * A sync job never plans on top of an open run. Holding a PSA slot while waiting cannot deadlock: whoever holds
 * the run's lock already has everything it needs.
 */
export async function settleOpenRuns(deps: JobDeps, filter: RunFilter): Promise<RunBrief[]> {
  const resumed: RunBrief[] = [];
  for (let round = 0; round < 5; round++) {
    resumed.push(...(await resumeOpenRuns(deps, filter, { sweep: false })));
    const open = (await listOpenRuns(deps.pool, filter)).find((r) => !r.newer);
    if (!open) return resumed;
    await withLock(deps.pool, lockKeyOf(open), async () => {}, { wait: true });
  }
  throw new Error(
    'Runs of this customer stay open after several attempts to resume them: the job will retry',
  );
}
