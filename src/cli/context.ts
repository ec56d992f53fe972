import { type Config, loadConfig } from '../runtime/config';
import { type Database, openDatabase } from '../runtime/database';
import { loadSecretBox, type SecretBox } from '../runtime/secret-box';

export interface CliContext {
  config: Config;
  db: Database;
  box: SecretBox;
}

/**
 * Opens what a command needs (config, database with migrations applied, secret box), runs it, and always
 * closes the database, so an embedded Postgres shared with a running server is released, not stopped.
 */
export async function withContext<T>(
  fn: (ctx: CliContext) => Promise<T>,
  log?: (msg: string) => void,
): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config, { log: log ?? (() => {}), poolSize: 4 });
  try {
    return await fn({ config, db, box: loadSecretBox(config) });
  } finally {
    await db.close();
  }
}
