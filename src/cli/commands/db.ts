import type { Command } from 'commander';

export function registerDb(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending database migrations (safe while a server runs: migrations take a lock)')
    .action(async (opts: unknown, cmd: Command) => (await import('../actions/db')).dbMigrate(opts, cmd));
}
