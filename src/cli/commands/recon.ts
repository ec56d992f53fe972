import type { Command } from 'commander';
import type { ReconOptions } from '../actions/recon';
import { AS_OF_OPTION, TARGET_OPTION, WORKSPACE_OPTION } from '../options';

/** `billsync recon`: reconciliation, leakage and a contract line's timeline (issue 17). */
export function registerRecon(program: Command): void {
  program
    .command('recon')
    .description(
      "reconciliation: Microsoft's cost, the expected retail and what the PSA bills per customer, the margin, and what nobody is billed for",
    )
    .option('--period <YYYY-MM>', "the month (default: the newest invoice's)")
    .option(...TARGET_OPTION)
    .option('--customer <customer>', "one customer's offers (tenant id, name or domain)")
    .option('--leakage', 'Microsoft charges nobody is billed for, with the fix for each')
    .option('--timeline <offer-key>', 'one contract line day by day: invoices, PSA, writes (with --customer)')
    .option(
      '--chart',
      "the dashboard's chart: cost, expected, billed and margin per month (or one --customer's)",
    )
    .option('--months <n>', 'how many months --chart shows (1-36, default 12)')
    .option('--export <csv|xlsx>', 'write the table to a file instead (with --out)')
    .option('--out <file>', 'the file --export writes')
    .option('--refresh', 'read the PSA afresh, not a cached reading')
    .option(...AS_OF_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ReconOptions, c: Command) => (await import('../actions/recon')).recon(opts, c));
}
