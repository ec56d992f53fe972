import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface MigrationReport {
  applied: string[];
}

/**
 * Applies pending migrations (SQL files in src/db/migrations, in name order). node-pg-migrate takes a Postgres
 * advisory lock, so a server and a CLI migrating the same database at once do not collide: one waits.
 */
/**
 * Drops node-pg-migrate's routine chatter. Our files are numbered (0001_...), not timestamped; it sorts them by
 * the number all the same but reports "Can't determine timestamp" on every run.
 */
function quiet(log: (msg: string) => void): (msg: string) => void {
  return (msg) => {
    if (!/^No migrations to run|^Migrations complete|determine timestamp/i.test(msg)) log(msg);
  };
}

export async function migrate(
  databaseUrl: string,
  log: (msg: string) => void = () => {},
): Promise<MigrationReport> {
  const ran = await runner({
    databaseUrl: { connectionString: databaseUrl, application_name: 'billsync' },
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
}
