import type { Command } from 'commander';
import type { AdoptOptions, SyncOptions } from '../actions/sync';
import { AS_OF_OPTION, collect, TARGET_OPTION, WORKSPACE_OPTION } from '../options';

/** `billsync sync products|customers` and `billsync adopt`. Exit 0 ok / no change, 2 warnings, 1 errors. */
export function registerSync(program: Command): void {
  const sync = program.command('sync').description('sync products or customers to the PSA (or preview it)');

  sync
    .command('products')
    .description('create and update the PSA products of the offers in scope')
    .option('--preview', 'plan only: show what would change, write nothing')
    .option(...AS_OF_OPTION)
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: SyncOptions, cmd: Command) =>
      (await import('../actions/sync')).syncProducts(opts, cmd),
    );

  sync
    .command('customers')
    .description('bring mapped customers with sync on up to date with their invoices (one run per customer)')
    .option('--customer <customer>', 'only this customer (tenant id, name or domain); repeatable', collect)
    .option('--preview', 'plan only: show the PSA changes and money deltas, write nothing')
    .option(...AS_OF_OPTION)
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: SyncOptions, cmd: Command) =>
      (await import('../actions/sync')).syncCustomers(opts, cmd),
    );

  program
    .command('adopt')
    .description(
      'link an existing PSA product to an offer (after a name collision); billsync then keeps it updated',
    )
    .requiredOption(
      '--offer <offer>',
      'offer key from the product preview, or its SKU code / product name when unique',
    )
    .requiredOption('--product <id>', 'the PSA product (Autotask Service) id')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: AdoptOptions, cmd: Command) => (await import('../actions/sync')).adopt(opts, cmd));
}
