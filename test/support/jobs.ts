import type { WorkspaceId } from '../../src/core/ids';
import type { Clock } from '../../src/core/time/clock';
import type { Pool } from '../../src/db/pool';
import type { EngineDeps } from '../../src/engine/deps';
import type { JobDeps } from '../../src/jobs/job-deps';
import type { JobQueue, QueueTiming } from '../../src/jobs/queue';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
import type { Mailer } from '../../src/notifications/mailer';
import { notifyRun } from '../../src/notifications/notify-run';
import { reconEmailHook } from '../../src/services/reports/recon-email-hook';

/** Fast queue timing for tests: quick polls and retries (nothing waits on real minutes). */
export const TEST_TIMING: QueueTiming = { expireSeconds: 120, retryDelaySeconds: 1, pollSeconds: 0.5 };

export const PUBLIC_URL = 'https://billsync.example.com';

export interface QueuedJob {
  id: string;
  name: string;
  state: string;
  data: Record<string, unknown>;
  retry_count: number;
  output: unknown;
}

/** The jobs of a queue as pg-boss stores them (oldest first), optionally of one workspace. */
export async function jobsOf(pool: Pool, name: string, ws?: string): Promise<QueuedJob[]> {
  const res = await pool.query<QueuedJob>(
    `select id, name, state::text, data, retry_count, output from pgboss.job
     where name = $1 and ($2::text is null or data->>'workspaceId' = $2) order by created_on, id`,
    [name, ws ?? null],
  );
  return res.rows;
}

/** Polls `check` until it returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Job handlers' dependencies around an engine (e.g. an Autotask world's, backed by the emulator). */
export function testJobDeps(parts: {
  pool: Pool;
  engine: EngineDeps;
  queue: JobQueue;
  clock: Clock;
  mailer?: Mailer;
  log?: (m: string) => void;
}): JobDeps {
  const mailer: Mailer = parts.mailer ?? {
    configured: false,
    describe: 'none',
    send: async () => {},
    close: () => {},
  };
  return {
    pool: parts.pool,
    engine: parts.engine,
    queue: parts.queue,
    clock: parts.clock,
    notify: (ws: WorkspaceId, runId: string) =>
      notifyRun({ pool: parts.pool, mailer, publicUrl: PUBLIC_URL }, ws, runId),
    log: parts.log ?? (() => {}),
    slots: { pollMs: () => 20 },
  };
}

/**
 * The worker as `billsync worker` composes it (src/jobs/background-worker.ts), run notices and the monthly
 * reconciliation e-mails included, for scenarios on the test's clock: it polls the queue, and ticks (the daily
 * check) only when the test asks.
 */
export function startScenarioWorker(parts: {
  pool: Pool;
  engine: EngineDeps;
  queue: JobQueue;
  clock: Clock;
  mailer: Mailer;
  log: (m: string) => void;
}): Promise<RunningWorker> {
  const { pool, engine, queue, clock, mailer, log } = parts;
  const deps: JobDeps = {
    pool,
    engine,
    queue,
    clock,
    notify: (w, runId) => notifyRun({ pool, mailer, publicUrl: PUBLIC_URL }, w, runId),
    reconEmails: reconEmailHook({ engine, mailer, publicUrl: PUBLIC_URL, log }),
    log,
  };
  return startWorker(deps, {
    concurrency: 2,
    pollSeconds: 0.5,
    tickSeconds: 0,
    defaults: { hour: 6, timeZone: 'UTC' },
  });
}
