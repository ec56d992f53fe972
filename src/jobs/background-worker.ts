import type { Clock } from '../core/time/clock';
import { createPool, type Pool } from '../db/pool';
import type { EngineDeps } from '../engine/deps';
import { createMailer } from '../notifications/mailer';
import { notifyRun } from '../notifications/notify-run';
import type { Config } from '../runtime/config';
import { createEngineDeps } from '../runtime/engine';
import type { SecretBox } from '../runtime/secret-box';
import { systemClock } from '../runtime/system-clock';
import { createTargetOpener } from '../runtime/targets';
import { reconEmailHook } from '../services/reports/recon-email-hook';
import type { JobDeps } from './job-deps';
import { startJobQueue } from './queue';
import { createSourceRefresher } from './source-refresh';
import { type RunningWorker, startWorker } from './worker';

export interface BackgroundWorkerParts {
  config: Config;
  /** The database the server / CLI opened (DATABASE_URL or the embedded one). */
  databaseUrl: string;
  box: SecretBox;
  clock?: Clock;
  /** Customer syncs at once (default BILLSYNC_WORKER_CONCURRENCY). */
  concurrency?: number;
  log: (message: string) => void;
  /** The engine's dependencies; default: the PSA adapters of each workspace's stored connection. */
  engineDeps?: (pool: Pool) => EngineDeps;
}

export interface BackgroundWorker {
  worker: RunningWorker;
  stop(): Promise<void>;
}

/** Seconds between ticks: the daily schedule is checked and open runs are swept once a minute. */
const TICK_SECONDS = 60;

/**
 * The composition root of a worker (`billsync worker`, and the one `billsync serve` embeds): its own pool sized
 * for its concurrency (each running sync holds a PSA-slot and a customer-lock connection), pg-boss on a small
 * pool of its own, the real PSA adapters, the mailer, the Partner Center source.
 */
export async function startBackgroundWorker(parts: BackgroundWorkerParts): Promise<BackgroundWorker> {
  const { config, log } = parts;
  const jobs = config.jobs;
  const concurrency = parts.concurrency ?? jobs.concurrency;
  const clock = parts.clock ?? systemClock;
  let lostAt = 0;
  const pool = createPool(parts.databaseUrl, 2 * concurrency + 8, {
    idleSeconds: config.dbIdleSeconds,
    onLost: (error) => {
      // Running jobs fail and are retried; their runs resume through the journal (docs/operations.md).
      if (Date.now() - lostAt > 30_000)
        log(`database connection lost (${error.message}); reconnecting on demand`);
      lostAt = Date.now();
    },
  });
  const timing = {
    expireSeconds: jobs.expireSeconds,
    retryDelaySeconds: jobs.retryDelaySeconds,
    pollSeconds: jobs.pollSeconds,
  };
  let queue: Awaited<ReturnType<typeof startJobQueue>>;
  try {
    const source = { url: parts.databaseUrl, max: 4, idleSeconds: config.dbIdleSeconds };
    queue = await startJobQueue(source, timing, { worker: true, log });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const engine =
    parts.engineDeps?.(pool) ??
    createEngineDeps({ pool, clock, openTarget: createTargetOpener({ pool, box: parts.box }) });
  const mailer = createMailer(jobs.smtpUrl, jobs.smtpFrom);
  const deps: JobDeps = {
    pool,
    engine,
    queue,
    clock,
    notify: (ws, runId) => notifyRun({ pool, mailer, publicUrl: config.publicUrl }, ws, runId),
    refreshSource: createSourceRefresher({ pool, box: parts.box, clock }),
    reconEmails: reconEmailHook({ engine, mailer, publicUrl: config.publicUrl, log }),
    log,
  };
  const worker = await startWorker(deps, {
    concurrency,
    pollSeconds: jobs.pollSeconds,
    tickSeconds: TICK_SECONDS,
    defaults: { hour: jobs.scheduleHour, timeZone: jobs.timeZone },
    heartbeatSeconds: jobs.heartbeatSeconds,
  });
  log(
    `worker started: ${concurrency} customer sync(s) at once, heartbeat every ${jobs.heartbeatSeconds} s, daily check at ${String(jobs.scheduleHour).padStart(2, '0')}:00 ${jobs.timeZone} unless a workspace sets its own; e-mail: ${mailer.describe}`,
  );
  let stopping: Promise<void> | undefined;
  return {
    worker,
    stop() {
      stopping ??= (async () => {
        await worker.stop();
        mailer.close();
        await pool.end();
      })();
      return stopping;
    },
  };
}
