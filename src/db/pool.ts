import pg from 'pg';
import { APP_NAME } from './embedded-postgres';

// Calendar dates stay `YYYY-MM-DD` strings (PlainDate); a JS Date would shift them by the local time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// numeric stays a string (exact decimal); int8 counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: APP_NAME });
  // An idle client losing its connection (database restarted) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** Runs `fn` in a transaction on one client; rolls back on any error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
