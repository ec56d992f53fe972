import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PG_MIGRATE_LOCK_ID, runner } from 'node-pg-migrate';
import pg from 'pg';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface MigrationReport {
  applied: string[];
}

/**
 * Drops node-pg-migrate's routine chatter. Our files are numbered (0001_...), not timestamped; it sorts them by
 * the number all the same but reports "Can't determine timestamp" on every run.
 */
function quiet(log: (msg: string) => void): (msg: string) => void {
  return (msg) => {
    if (!/^No migrations to run|^Migrations complete|determine timestamp/i.test(msg)) log(msg);
  };
}

/**
 * Applies pending migrations (SQL files in src/db/migrations, in name order) under node-pg-migrate's Postgres
 * advisory lock, waited for: a server and a CLI (or several workers) migrating the same database at once take
 * turns.
 */
export async function migrate(
  databaseUrl: string,
  log: (msg: string) => void = () => {},
): Promise<MigrationReport> {
  // Our own client, so that a connection lost mid-migration fails the migration instead of ending the process.
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'billsync' });
  client.on('error', () => {});
  await client.connect();
  try {
    // node-pg-migrate's own lock is a try-lock ("Another migration is already running"): processes starting
    // together (a server and its workers after a deploy) wait for each other on the same lock instead.
    await client.query('select pg_advisory_lock($1::bigint)', [String(PG_MIGRATE_LOCK_ID)]);
    const ran = await runner({
      dbClient: client,
      noLock: true,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Number.POSITIVE_INFINITY,
      checkOrder: true,
      singleTransaction: true,
      log: quiet(log),
      logger: { debug: () => {}, info: () => {}, warn: quiet(log), error: quiet(log) },
    });
    return { applied: ran.map((m) => m.name) };
  } finally {
    // Ending the session releases the lock.
    await client.end().catch(() => {});
  }
}
