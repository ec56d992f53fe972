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
    log: (msg: string) => {
      if (!/^No migrations to run|^Migrations complete|timestamp/i.test(msg)) log(msg);
    },
    // Our files are numbered, not timestamped; node-pg-migrate warns about that on every run.
    logger: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => /timestamp/i.test(m) || log(m),
      error: log,
    },
  });
  return { applied: ran.map((m) => m.name) };
}
