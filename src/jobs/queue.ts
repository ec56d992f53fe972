import PgBoss from 'pg-boss';
import { createPool, type Pool, type Queryable } from '../db/pool';
import {
  JOB_NAMES,
  type JobName,
  PAYLOADS,
  type PayloadInput,
  type PayloadOf,
  singletonKeyOf,
} from './job-names';
import { bossDb, completionStatements, dbOf, throttled } from './queue-db';

import { QUEUE_SCHEMA } from './queue-schema';

export { QUEUE_SCHEMA };

/** Timing of the queue (README "Background jobs": BILLSYNC_JOB_EXPIRE_SECONDS, _RETRY_SECONDS, _POLL_SECONDS). */
export interface QueueTiming {
  expireSeconds: number;
  retryDelaySeconds: number;
  pollSeconds: number;
}

/**
 * Per queue: the pg-boss policy and retries. `short` keeps at most one waiting job per singleton key (a customer
 * is never queued twice; a job may still wait while the same key runs, and the engine's advisory lock makes the
 * two run one after the other). Retries back off exponentially from `retryDelaySeconds`.
 */
function queueOptions(name: JobName, t: QueueTiming): PgBoss.Queue {
  const base = {
    name,
    retryBackoff: true,
    retryDelay: t.retryDelaySeconds,
    expireInSeconds: t.expireSeconds,
  };
  switch (name) {
    case 'sync-products':
    case 'sync-customer':
      return { ...base, policy: 'short', retryLimit: 5 };
    case 'daily-check':
      // Exactly-once per day comes from schedule_fires, not from the queue (see schedule.ts).
      return { ...base, policy: 'standard', retryLimit: 3 };
    case 'resume-interrupted':
      return { ...base, policy: 'short', retryLimit: 2 };
    case 'notify-run':
      return { ...base, policy: 'short', retryLimit: 6, expireInSeconds: Math.min(t.expireSeconds, 600) };
  }
}

export interface SendOptions {
  /** Run at the earliest this many seconds from now. */
  startAfterSeconds?: number;
  /** Insert the job in the caller's transaction (a client inside `begin ... commit`). */
  db?: Queryable;
}

/** billsync's face of pg-boss: typed, validated sends and the queues created with their policies. */
export interface JobQueue {
  readonly boss: PgBoss;
  readonly timing: QueueTiming;
  /** Queues a job; `null` when one with the same singleton key is already waiting (nothing added). */
  send<N extends JobName>(name: N, data: PayloadInput<N>, options?: SendOptions): Promise<string | null>;
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

export interface QueueSource {
  /** Run pg-boss's SQL through this pool (enqueue-only use inside the server). */
  pool?: Pool;
  /** Or give pg-boss its own small pool on this URL (workers), closed when the queue stops. */
  url?: string;
  /** Connections of that own pool (default 4). */
  max?: number;
  /** Seconds an unused connection of that own pool stays open (default 10). */
  idleSeconds?: number;
}

/**
 * Starts pg-boss on billsync's database (schema `pgboss`, installed or migrated on first start under pg-boss's
 * own advisory lock) and makes sure every queue exists. A `worker` instance also supervises: it expires jobs still
 * active past BILLSYNC_JOB_EXPIRE_SECONDS (a dead worker's jobs are handed on much sooner by the heartbeat sweep,
 * heartbeat.ts) and archives old ones; it is the authority on queue settings, so a changed BILLSYNC_JOB_* takes
 * effect when the workers restart. pg-boss runs on a billsync pool (queue-db.ts): it survives the database going
 * away like every other connection.
 */
export async function startJobQueue(
  source: QueueSource,
  timing: QueueTiming,
  options: { worker: boolean; log?: (message: string) => void },
): Promise<JobQueue> {
  const log = throttled(options.log ?? (() => {}));
  const own = source.pool
    ? undefined
    : createPool(source.url ?? '', source.max ?? 4, {
        applicationName: 'billsync-queue',
        ...(source.idleSeconds !== undefined ? { idleSeconds: source.idleSeconds } : {}),
      });
  const pool = (source.pool ?? own)!;
  const completions = new Set<string>();
  const boss = new PgBoss({
    db: bossDb(pool, completions, log),
    schema: QUEUE_SCHEMA,
    supervise: options.worker,
    schedule: false,
    migrate: true,
    // Expiry is only noticed by maintenance: run it often enough that an expired job comes back soon.
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(timing.expireSeconds / 4))),
    // Failed jobs stay in the live table for a week, where `billsync jobs` and GET /api/jobs show them.
    archiveFailedAfterSeconds: 7 * 24 * 3600,
  });
  boss.on('error', (error) => log(`queue error: ${error.message}`));
  try {
    for (const text of await completionStatements(boss, JOB_NAMES[0])) completions.add(text);
    await withInstallLock(pool, async () => {
      await boss.start();
      for (const name of JOB_NAMES) await ensureQueue(boss, queueOptions(name, timing), options.worker);
    });
  } catch (error) {
    // Half started (the database went away meanwhile): no timer of pg-boss may keep the process alive.
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    await own?.end();
    throw error;
  }
  return {
    boss,
    timing,
    send(name, data, sendOptions = {}) {
      const payload = PAYLOADS[name].parse(data) as PayloadOf<typeof name>;
      return boss.send(name, payload, {
        singletonKey: singletonKeyOf(name, payload),
        ...(sendOptions.startAfterSeconds ? { startAfter: sendOptions.startAfterSeconds } : {}),
        ...(sendOptions.db ? { db: dbOf(sendOptions.db) } : {}),
      });
    },
    async stop(o = {}) {
      await boss.stop({ graceful: o.graceful ?? true, timeout: o.timeoutMs ?? 30_000, wait: true });
      await own?.end();
    },
  };
}

/**
 * pg-boss installs its schema under a transaction-level lock but checks whether it is installed before taking it,
 * so two processes starting together on a fresh database can both try to create it. One session lock of ours
 * around start-up makes them take turns (held for milliseconds once installed).
 */
async function withInstallLock(pool: Pool, fn: () => Promise<void>): Promise<void> {
  const client = await pool.connect();
  const key = `billsync:${QUEUE_SCHEMA}:install`;
  let unlocked = false;
  try {
    await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
    try {
      await fn();
    } finally {
      unlocked = await client
        .query('select pg_advisory_unlock(hashtextextended($1, 0))', [key])
        .then(() => true)
        .catch(() => false);
    }
  } finally {
    // A connection that could not unlock is closed rather than pooled still holding the lock.
    client.release(!unlocked);
  }
}

async function ensureQueue(boss: PgBoss, queue: PgBoss.Queue, authority: boolean): Promise<void> {
  if (!(await boss.getQueue(queue.name))) {
    try {
      await boss.createQueue(queue.name, queue);
      return;
    } catch (error) {
      // Another process created it a moment ago.
      if (!(await boss.getQueue(queue.name))) throw error;
    }
  }
  if (authority) await boss.updateQueue(queue.name, queue);
}
