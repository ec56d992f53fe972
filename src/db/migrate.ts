import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// Next to this module: src/db/migrations under tsx; dist/migrations in the build, which copies them there.
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

/** The migration names node-pg-migrate gives the files: the file name without its extension, dot files ignored. */
function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => !f.startsWith('.'))
    .map((f) => f.replace(/\.[^.]*$/, ''))
    .sort();
}

async function upToDate(client: pg.Client): Promise<boolean> {
  const applied = await client
    .query<{ name: string }>('select name from pgmigrations order by run_on, id')
    .then((r) => r.rows.map((row) => row.name))
    .catch(() => null);
  const files = migrationNames();
  return applied !== null && applied.length === files.length && applied.every((name, i) => name === files[i]);
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
    // Every command opens the database through here: when the applied migrations are exactly the files, in order,
    // the runner would do nothing, so neither it (node-pg-migrate, a large module) nor the lock is loaded. Any
    // other state (a file not applied, a row the files do not know, no table yet) goes to the runner as before.
    if (await upToDate(client)) return { applied: [] };
    const { PG_MIGRATE_LOCK_ID, runner } = await import('node-pg-migrate');
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
