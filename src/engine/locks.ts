import type { Pool, PoolClient } from '../db/pool';
import { AppError } from '../services/errors';

/**
 * Holds a Postgres advisory lock for the duration of `fn` on a dedicated connection: two runs for the same
 * customer (or two product syncs of one connection) never execute at once, across processes and machines.
 * If the process dies, the connection closes and the lock goes with it.
 */
export async function withLock<T>(
  pool: Pool,
  key: string,
  fn: () => Promise<T>,
  options: { wait?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    if (options.wait) {
      await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
    } else {
      const res = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
        [key],
      );
      if (!res.rows[0]?.ok)
        throw new AppError(
          'conflict',
          'Another sync of the same customer or products is running: try again when it has finished',
        );
    }
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

export function customerLockKey(workspaceId: string, target: string, tenantId: string): string {
  return `billsync:customer:${workspaceId}:${target}:${tenantId}`;
}

export function productLockKey(workspaceId: string, target: string): string {
  return `billsync:products:${workspaceId}:${target}`;
}

/** Waiting for a lock: between attempts nothing is held (default 40-120 ms, jittered). */
export interface LockPolling {
  pollMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

// Short: a freed lock should not stay idle long (one cheap try-lock query per attempt).
export const lockPollJitter = () => 40 + Math.floor(Math.random() * 80);
export const lockPollSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function unlockAll(client: PoolClient, keys: readonly string[]): Promise<boolean> {
  let ok = true;
  for (const key of [...keys].reverse()) {
    await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => {
      ok = false;
    });
  }
  return ok;
}

/**
 * Holds several advisory locks on one connection while `fn` runs, taken all or none: while any of them is held
 * elsewhere, nothing is held and no pooled connection is kept (a sync waiting for a customer another sync holds
 * must not hold a connection that sync needs to finish: twelve API syncs of one customer at once exhausted the
 * server's pool). Taken in sorted order, released all on a miss: no deadlock between overlapping sets.
 */
export async function withLockSet<T>(
  pool: Pool,
  keys: readonly string[],
  fn: () => Promise<T>,
  options: LockPolling = {},
): Promise<T> {
  const sorted = [...new Set(keys)].sort();
  const sleep = options.sleep ?? lockPollSleep;
  for (;;) {
    const client = await pool.connect();
    const held: string[] = [];
    try {
      for (const key of sorted) {
        const res = await client.query<{ ok: boolean }>(
          'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
          [key],
        );
        if (!res.rows[0]?.ok) break;
        held.push(key);
      }
    } catch (error) {
      // A connection that may still hold locks is closed rather than returned to the pool.
      client.release(true);
      throw error;
    }
    if (held.length < sorted.length) {
      client.release(!(await unlockAll(client, held)));
      await sleep((options.pollMs ?? lockPollJitter)());
      continue;
    }
    try {
      return await fn();
    } finally {
      client.release(!(await unlockAll(client, held)));
    }
  }
}
