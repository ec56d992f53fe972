import type { Pool } from '../db/pool';
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

/**
 * Holds several advisory locks on one connection (taken in sorted order, so two processes locking overlapping
 * sets cannot deadlock), waiting for each, while `fn` runs.
 */
export async function withLockSet<T>(pool: Pool, keys: readonly string[], fn: () => Promise<T>): Promise<T> {
  const sorted = [...new Set(keys)].sort();
  const client = await pool.connect();
  const held: string[] = [];
  try {
    for (const key of sorted) {
      await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
      held.push(key);
    }
    return await fn();
  } finally {
    for (const key of held.reverse()) {
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => {});
    }
    client.release();
  }
}
