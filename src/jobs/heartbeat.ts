import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from '../db/pool';
import type { JobName } from './job-names';
import type { JobQueue } from './queue';
import { beat, forgetLongDeadWorkers, forgetWorker, orphanedJobs, runNow } from './worker-registry';

/** A worker silent for this many heartbeats counts as dead. */
export const STALE_BEATS = 4;

/** The jobs a worker process runs now, and the ones it finished within `lingerMs` (their completion may be on its way). */
export interface InFlight {
  start(id: string): void;
  finish(id: string): void;
  ids(): string[];
}

export function createInFlight(lingerMs: number): InFlight {
  const running = new Map<string, number>();
  const finished = new Map<string, number>();
  return {
    start: (id) => running.set(id, (running.get(id) ?? 0) + 1),
    finish(id) {
      const left = (running.get(id) ?? 1) - 1;
      if (left > 0) running.set(id, left);
      else running.delete(id);
      finished.set(id, Date.now());
    },
    ids() {
      for (const [id, at] of finished) if (Date.now() - at > lingerMs) finished.delete(id);
      return [...new Set([...running.keys(), ...finished.keys()])];
    },
  };
}

export interface Heartbeat {
  readonly workerId: string;
  /** One heartbeat (and sweep when due) now; for tests. */
  beatNow(): Promise<void>;
  /** No more sweeps (the worker is stopping); heartbeats go on, listing the jobs still finishing. */
  retire(): void;
  /** No more heartbeats; the worker's row is removed. */
  stop(): Promise<void>;
}

const SWEEP_LOCK = 'billsync:worker-sweep';

/**
 * Hands on the jobs no live worker runs: pg-boss `fail` (so a retry, counted like an expiry) and run again at
 * once. One sweeper at a time (a session advisory lock), so a job is never failed twice.
 */
async function sweep(pool: Pool, queue: JobQueue, staleSeconds: number, log: (m: string) => void) {
  const client = await pool.connect();
  let held = false;
  try {
    const got = await client.query<{ ok: boolean }>(
      'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
      [SWEEP_LOCK],
    );
    held = got.rows[0]?.ok === true;
    if (!held) return;
    const orphans = await orphanedJobs(client, staleSeconds);
    for (const job of orphans) {
      const message = `no live worker runs this job (its worker stopped for ${staleSeconds} s or more: killed, machine or database lost): handed on`;
      await queue.boss.fail(job.name as JobName, job.id, { message });
      log(`${job.name} ${job.id} handed on: no live worker runs it (no heartbeat for ${staleSeconds} s)`);
    }
    if (orphans.length > 0)
      await runNow(
        client,
        orphans.map((j) => j.id),
      );
    await forgetLongDeadWorkers(client);
  } finally {
    const unlocked =
      !held ||
      (await client
        .query('select pg_advisory_unlock(hashtextextended($1, 0))', [SWEEP_LOCK])
        .then(() => true)
        .catch(() => false));
    client.release(!unlocked);
  }
}

/**
 * The worker's heartbeat: every `seconds` it writes its row (worker_heartbeats) with the jobs it runs, then sweeps
 * for jobs no live worker runs. A worker sweeps only once its own heartbeat has worked for STALE_BEATS beats in a
 * row: after the database was away, every live worker gets the time to report its jobs before anyone judges them.
 */
export function startHeartbeat(parts: {
  pool: Pool;
  queue: JobQueue;
  inFlight: InFlight;
  seconds: number;
  log: (message: string) => void;
}): Heartbeat {
  const { pool, queue, inFlight, log } = parts;
  const workerId = randomUUID();
  const staleMs = parts.seconds * STALE_BEATS * 1000;
  let healthySince: number | undefined;
  let failing = false;
  let retired = false;
  const once = async () => {
    try {
      await beat(pool, { id: workerId, host: hostname(), pid: process.pid, jobs: inFlight.ids() });
    } catch (error) {
      healthySince = undefined;
      if (!failing) log(`heartbeat failed (${(error as Error).message}); retrying every ${parts.seconds} s`);
      failing = true;
      return;
    }
    if (failing) log('heartbeat back');
    failing = false;
    healthySince ??= Date.now();
    if (retired || Date.now() - healthySince < staleMs) return;
    await sweep(pool, queue, staleMs / 1000, log).catch((error: unknown) =>
      log(`heartbeat sweep failed: ${(error as Error).message}`),
    );
  };
  let running: Promise<void> | undefined;
  const beatNow = () => {
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      void beatNow().then(() => {
        if (!stopped) schedule();
      });
    }, parts.seconds * 1000);
  };
  void beatNow().then(() => {
    if (!stopped) schedule();
  });
  return {
    workerId,
    beatNow,
    retire() {
      retired = true;
    },
    async stop() {
      retired = true;
      stopped = true;
      clearTimeout(timer);
      await running;
      await forgetWorker(pool, workerId).catch(() => {});
    },
  };
}
