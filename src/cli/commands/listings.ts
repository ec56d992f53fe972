import type { Command } from 'commander';
import { WORKSPACE_OPTION } from '../options';

/** `billsync connections` and `billsync imports`: what the Connections and Sources pages list. */
export function registerListings(program: Command): void {
  program
    .command('connections')
    .description(
      'the PSA and source connections with their state (as the Connections page); secrets never shown',
    )
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string }, cmd: Command) =>
      (await import('../actions/listings')).connectionList(opts, cmd),
    );
  program
    .command('imports')
    .description(
      'the import history, newest first: every file imported from the browser or the CLI, with its outcome',
    )
    .option('--limit <n>', 'at most this many (1-200)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string; limit: string; offset: string }, cmd: Command) =>
      (await import('../actions/listings')).importList(opts, cmd),
    );
}
