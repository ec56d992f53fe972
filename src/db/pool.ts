import pg from 'pg';
import { APP_NAME } from './embedded-postgres';

// Calendar dates stay `YYYY-MM-DD` strings (PlainDate); a JS Date would shift them by the local time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// numeric stays a string (exact decimal); int8 counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export interface PoolOptions {
  /** application_name of the connections (default `billsync`). */
  applicationName?: string;
  /** Seconds an unused connection stays open (BILLSYNC_DB_IDLE_SECONDS, default 10). */
  idleSeconds?: number;
  /** Told once per lost connection (database restarted or gone); the pool itself replaces it. */
  onLost?: (error: Error) => void;
}

/** Default seconds an unused pooled connection stays open. */
export const DEFAULT_IDLE_SECONDS = 10;

interface Sessions {
  /** Clients handed out by the pool right now. */
  out: Set<pg.PoolClient>;
  /** Of those, the ones whose connection died while handed out (their session locks are gone). */
  lost: Set<pg.PoolClient>;
}

const sessions = new WeakMap<pg.Pool, Sessions>();

/**
 * A pool whose every connection survives the database going away: a connection lost while idle or while handed
 * out (57P01 after a restart, a killed postmaster, a dropped socket) is reported to `onLost` instead of being an
 * unhandled 'error' event that ends the process, and the pool opens fresh ones once the database answers again.
 */
export function createPool(url: string, max = 10, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: options.applicationName ?? APP_NAME,
    idleTimeoutMillis: Math.max(1, Math.round((options.idleSeconds ?? DEFAULT_IDLE_SECONDS) * 1000)),
    // A peer that vanished without closing the socket (host down, network cut) is noticed, not waited on forever.
    keepAlive: true,
  });
  const state: Sessions = { out: new Set(), lost: new Set() };
  sessions.set(pool, state);
  const onLost = options.onLost ?? (() => {});
  pool.on('connect', (client) => {
    let reported = false;
    const lose = (error: Error) => {
      if (state.out.has(client as pg.PoolClient)) state.lost.add(client as pg.PoolClient);
      if (!reported) onLost(error);
      reported = true;
    };
    client.on('error', lose);
    client.on('end', () => {
      // A client the pool closes itself (idle, released broken) is not handed out: only a lost one counts.
      if (state.out.has(client as pg.PoolClient)) lose(new Error('Connection terminated unexpectedly'));
    });
  });
  pool.on('acquire', (client) => state.out.add(client));
  pool.on('release', (_error, client) => {
    state.out.delete(client);
    state.lost.delete(client);
  });
  // An idle client losing its connection: already handled above; this keeps pg-pool's own re-emit harmless.
  pool.on('error', () => {});
  return pool;
}

/**
 * How many connections this pool handed out lost their database session while held: the session advisory locks
 * they held (a customer's lock, a PSA slot) are gone, so whoever relies on them must stop before the next write.
 */
export function lostSessions(pool: pg.Pool): number {
  return sessions.get(pool)?.lost.size ?? 0;
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
