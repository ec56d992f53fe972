import { type EmbeddedPostgres, ensureEmbeddedPostgres } from '../db/embedded-postgres';
import { migrate } from '../db/migrate';
import { createPool, type Pool } from '../db/pool';
import type { Config } from './config';

export interface Database {
  pool: Pool;
  url: string;
  /** true when running on the embedded Postgres of the data dir. */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Opens the configured database: DATABASE_URL, or the embedded Postgres in the data dir (started or joined; this
 * process stays registered on the data dir until `close()`). Pending migrations run first unless `migrate: false`.
 * The pool outlives the database going away: requests fail while it is gone and work again once it is back.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'dbIdleSeconds'>>,
  options: { migrate?: boolean; log?: (msg: string) => void; poolSize?: number } = {},
): Promise<Database> {
  const log = options.log ?? (() => {});
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await ensureEmbeddedPostgres(config.dataDir, { log });
    url = embedded.url;
  }
  try {
    if (options.migrate !== false) {
      const report = await migrate(url, log);
      if (report.applied.length > 0) log(`applied migrations: ${report.applied.join(', ')}`);
    }
  } catch (error) {
    await embedded?.release();
    throw error;
  }
  let lostAt = 0;
  const pool = createPool(url, options.poolSize, {
    ...(config.dbIdleSeconds !== undefined ? { idleSeconds: config.dbIdleSeconds } : {}),
    onLost: (error) => {
      // One line per outage, not one per connection.
      if (Date.now() - lostAt > 30_000)
        log(`database connection lost (${error.message}); reconnecting on demand`);
      lostAt = Date.now();
    },
  });
  let closed = false;
  return {
    pool,
    url,
    embedded: embedded !== undefined,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await embedded?.release();
    },
  };
}
