import type { Command } from 'commander';
import type { DemoDataOptions } from '../actions/demo-data';

/**
 * `billsync demo-data --out DIR [--months 12] [--customers 25] [--seed 42] [--end-period YYYY-MM]`: writes a
 * Partner Center demo directory (price list, one recon file and one Azure usage file per month, customers.json,
 * invoices.json): the seed of the Partner Center emulator and importable with `billsync import`.
 */
export function registerDemoData(program: Command): void {
  program
    .command('demo-data')
    .description(
      'write realistic, deterministic Microsoft CSP demo files (price list, monthly invoices, usage)',
    )
    .requiredOption('--out <dir>', 'directory to write (created when missing)')
    .option('--months <n>', 'billing periods to generate', '12')
    .option('--customers <n>', 'customers (tenants)', '25')
    .option('--seed <n>', 'random seed: the same seed gives the same files', '42')
    .option('--end-period <YYYY-MM>', 'the last billing period (default: last month)')
    .action(async (opts: DemoDataOptions, cmd: Command) =>
      (await import('../actions/demo-data')).demoData(opts, cmd),
    );
}
