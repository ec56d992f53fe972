import type { Command } from 'commander';
import type { ImportInvoiceOptions } from '../actions/import';
import { WORKSPACE_OPTION } from '../options';

/** `billsync import pricelist FILE` and `billsync import invoice FILE [--period] [--issued] [--replace]`. */
export function registerImport(program: Command): void {
  const imp = program
    .command('import')
    .description('import Microsoft CSP files from Partner Center (price list, invoice reconciliation)');
  imp
    .command('pricelist')
    .description(
      'import an NCE license-based price list CSV (idempotent: importing it again changes nothing)',
    )
    .argument('<file>', 'the price list CSV')
    .option(...WORKSPACE_OPTION)
    .action(async (file: string, opts: { workspace?: string }, cmd: Command) =>
      (await import('../actions/import')).importPriceList(file, opts, cmd),
    );
  imp
    .command('invoice')
    .description(
      'import an NCE invoice reconciliation CSV or an Azure plan daily usage CSV (told apart by the header)',
    )
    .argument('<file>', 'the reconciliation or usage CSV')
    .option('--period <YYYY-MM>', 'the billing period (default: inferred from the charge dates)')
    .option(
      '--issued <YYYY-MM-DD>',
      'the issue date (default: from Partner Center, else the 7th of the next month)',
    )
    .option(
      '--replace',
      'a corrected invoice that replaces the stored one even where it has no line for some of its customers (refused otherwise: such a file is usually one part of a split export)',
    )
    .option(...WORKSPACE_OPTION)
    .action(async (file: string, opts: ImportInvoiceOptions, cmd: Command) =>
      (await import('../actions/import')).importInvoice(file, opts, cmd),
    );
}
