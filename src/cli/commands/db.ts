import type { Command } from 'commander';
import { migrate } from '../../db/migrate';
import { withContext } from '../context';
import { output } from '../output';

export function registerDb(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending database migrations (safe while a server runs: migrations take a lock)')
    .action(async (_opts, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const applied = await withContext(
        async ({ db: database }) => (await migrate(database.url)).applied,
        out.info,
      );
      out.result(
        { applied },
        applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.',
      );
    });
}
