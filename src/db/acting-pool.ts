import pg from 'pg';
import { isUuid, type UserId } from '../core/ids';
import type { Pool } from './pool';

/** The session setting the `source_imports.imported_by` default reads (migration 0008). */
export const IMPORTED_BY_SETTING = 'billsync.imported_by';

/**
 * Runs `fn` with a pool of one connection of its own whose session says who acts (`billsync.imported_by`, set
 * when the connection opens). The file importer writes its import record in its own transaction; run on this
 * pool, the record's `imported_by` is the user, without the importer knowing about users. The pool is closed
 * when `fn` settles. Same database and settings as `base`.
 */
export async function withActingPool<T>(
  base: Pool,
  userId: UserId,
  fn: (pool: Pool) => Promise<T>,
): Promise<T> {
  if (!isUuid(userId)) throw new TypeError(`not a user id: ${JSON.stringify(userId)}`);
  const inherited = typeof base.options.options === 'string' ? `${base.options.options} ` : '';
  const pool = new pg.Pool({
    ...base.options,
    max: 1,
    options: `${inherited}-c ${IMPORTED_BY_SETTING}=${userId}`,
  });
  // A connection lost while idle is the pool's to replace; the import itself sees the error of its query.
  pool.on('error', () => {});
  try {
    return await fn(pool);
  } finally {
    await pool.end().catch(() => {});
  }
}
