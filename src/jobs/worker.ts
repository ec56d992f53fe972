import type PgBoss from 'pg-boss';
import { runJob } from './dispatch';
import { createInFlight, type Heartbeat, STALE_BEATS, startHeartbeat } from './heartbeat';
import type { JobDeps } from './job-deps';
import { doneLine, failedLine } from './job-log';
import { JOB_NAMES, type JobName } from './job-names';
import type { ScheduleDefaults } from './schedule';
import { type TickReport, tick } from './tick';

export interface WorkerOptions {
  /** Customer syncs this process runs at once (`billsync worker --concurrency`). */
  concurrency: number;
  /** How often an idle handler asks the queue for a job, in seconds (pg-boss polling; at least 0.5). */
  pollSeconds: number;
  /** Seconds between ticks (schedule, sweeps); 0 = only when `tick()` is called (tests). */
  tickSeconds: number;
  defaults: ScheduleDefaults;
  /**
   * Seconds between heartbeats (BILLSYNC_HEARTBEAT_SECONDS): the worker reports the jobs it runs, and the
   * jobs of workers silent for 4 heartbeats are handed on (heartbeat.ts). Unset: no heartbeat (in-process tests).
   */
  heartbeatSeconds?: number;
}

export interface RunningWorker {
  /** Runs one tick now (the schedule, the resume sweep, pending notices). */
  tick(): Promise<TickReport>;
  /** Stops taking jobs, waits up to `timeoutMs` for running ones, then stops the queue (unfinished jobs retry). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Handlers per queue in one process. Customer syncs get `concurrency` handlers; how many of them talk to one PSA
 * connection at once is capped separately by the PSA slots (psa-slots.ts), across all processes.
 */
function handlersFor(name: JobName, concurrency: number): number {
  if (name === 'sync-customer') return concurrency;
  if (name === 'sync-products' || name === 'notify-run') return Math.max(1, Math.ceil(concurrency / 4));
  return 1;
}

/**
 * Starts handling every queue on the worker's pg-boss instance, and the tick: the daily schedule and sweeps, once
 * at start and then every `tickSeconds`. Any number of workers may run on one database.
 */
export async function startWorker(base: JobDeps, o: WorkerOptions): Promise<RunningWorker> {
  const boss = base.queue.boss;
  const inFlight = createInFlight((o.heartbeatSeconds ?? 0) * STALE_BEATS * 1000);
  const handlers = new Map<JobName, string[]>();
  // Handlers that take over more jobs (a customer sync's batch) list them in the heartbeat too; a handler that
  // queued follow-ups wakes this process's handlers of their queue.
  const deps: JobDeps = {
    ...base,
    inFlight,
    wake: (name) => {
      for (const id of handlers.get(name) ?? []) boss.notifyWorker(id);
    },
  };
  for (const name of JOB_NAMES) {
    const handle = async ([job]: PgBoss.JobWithMetadata<unknown>[]) => {
      if (!job) return undefined;
      const info = { id: job.id, createdOn: job.createdOn, retryCount: job.retryCount };
      const started = Date.now();
      inFlight.start(job.id);
      try {
        const result = await runJob(deps, name, job.data, info);
        deps.log(doneLine(name, job.id, Date.now() - started, result));
        return result;
      } catch (error) {
        deps.log(failedLine(name, job.id, error, job));
        throw error;
      } finally {
        inFlight.finish(job.id);
      }
    };
    const ids: string[] = [];
    for (let i = 0; i < handlersFor(name, o.concurrency); i++) {
      ids.push(
        await boss.work(
          name,
          { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: o.pollSeconds },
          handle,
        ),
      );
    }
    handlers.set(name, ids);
  }
  let ticking: Promise<TickReport> | undefined;
  const runTick = () => {
    ticking ??= tick(deps, o.defaults).finally(() => {
      ticking = undefined;
    });
    return ticking;
  };
  const onTimer = () => {
    runTick().catch((error) =>
      deps.log(`tick failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  let timer: NodeJS.Timeout | undefined;
  if (o.tickSeconds > 0) {
    onTimer();
    timer = setInterval(onTimer, o.tickSeconds * 1000);
  }
  const heartbeat: Heartbeat | undefined = o.heartbeatSeconds
    ? startHeartbeat({
        pool: deps.pool,
        queue: deps.queue,
        inFlight,
        seconds: o.heartbeatSeconds,
        log: deps.log,
      })
    : undefined;
  let stopping: Promise<void> | undefined;
  return {
    tick: runTick,
    stop(options = {}) {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        heartbeat?.retire();
        await ticking?.catch(() => {});
        await deps.queue.stop({ graceful: true, timeoutMs: options.timeoutMs ?? 30_000 });
        // Only now: until its jobs are finished or back in the queue, the worker keeps listing them.
        await heartbeat?.stop();
      })();
      return stopping;
    },
  };
}
