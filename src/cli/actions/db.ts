import type { Command } from 'commander';
import { migrate } from '../../db/migrate';
import { withContext } from '../context';
import { output } from '../output';

export async function dbMigrate(_opts: unknown, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const applied = await withContext(
    async ({ db: database }) => (await migrate(database.url)).applied,
    out.info,
  );
  out.result({ applied }, applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
}
