import type PgBoss from 'pg-boss';
import type { Pool, Queryable } from '../db/pool';
import type { JobName } from './job-names';

/** How pg-boss reaches billsync's database: through our pools, with lost completions and repeated errors tamed. */

export function dbOf(q: Queryable): PgBoss.Db {
  return { executeSql: (text, values) => q.query(text, values) };
}

const NO_ROWS = { rows: [{ count: '0' }] };

/**
 * The SQL pg-boss runs to complete or fail a job: recorded from pg-boss itself (no copy of its text here). Its
 * work loop sends these without waiting for them, so when the database is gone at that moment the rejection would
 * be unhandled and end the process.
 */
export async function completionStatements(boss: PgBoss, name: JobName): Promise<Set<string>> {
  const seen = new Set<string>();
  const recorder: PgBoss.Db = {
    executeSql: async (text) => {
      seen.add(text);
      return NO_ROWS;
    },
  };
  const id = '00000000-0000-4000-8000-000000000000';
  await boss.complete(name, id, {}, { db: recorder });
  await boss.fail(name, id, {}, { db: recorder });
  return seen;
}

/**
 * pg-boss's database: our pool (every connection handles its own errors, see createPool). A completion that cannot
 * reach the database is logged and dropped: the job stays `active` and the workers' heartbeat sweep hands it on
 * once no live worker runs it (src/jobs/heartbeat.ts).
 */
export function bossDb(pool: Pool, completions: Set<string>, log: (message: string) => void): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      try {
        return await pool.query(text, values);
      } catch (error) {
        if (!completions.has(text)) throw error;
        log(`could not record a job's end (${(error as Error).message}): the heartbeat sweep hands it on`);
        return NO_ROWS;
      }
    },
  };
}

/**
 * At most one line per kind of message and half minute: a worker whose every handler polls a database that is gone
 * says so once (messages differing only in ids, pg-boss's `(Queue: ..., Worker: ...)` suffix included, are one).
 */
export function throttled(log: (message: string) => void): (message: string) => void {
  const last = new Map<string, number>();
  return (message) => {
    const key = message.replace(/ \(Queue: [^)]*\)/g, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '');
    const now = Date.now();
    if (now - (last.get(key) ?? 0) < 30_000) return;
    if (last.size > 100) last.clear();
    last.set(key, now);
    log(message);
  };
}
