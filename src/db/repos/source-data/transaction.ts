import pg from 'pg';
import { type PoolClient, type Queryable, withTransaction } from '../../pool';

/** Whether `inTransaction` can run on `db`: a pg Pool (it opens a transaction) or a client (the caller's). */
export function canHoldTransaction(db: Queryable): boolean {
  return db instanceof pg.Pool || db instanceof pg.Client;
}

/**
 * Runs `fn` on one client inside a transaction. Given a pool, opens (and commits or rolls back) its own
 * transaction; given a client, uses it as is: the caller's transaction then makes the whole file
 * all-or-nothing (the client must be in a transaction already, as `import.ts` does).
 */
export async function inTransaction<T>(db: Queryable, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  if (db instanceof pg.Pool) return withTransaction(db, fn);
  if (!(db instanceof pg.Client)) throw new TypeError('storing source data needs a pg Pool or a client');
  return fn(db as PoolClient);
}
