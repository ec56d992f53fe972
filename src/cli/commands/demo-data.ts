import { resolve } from 'node:path';
import type { Command } from 'commander';
import { periodOf, previousPeriod, tryParseBillingPeriod } from '../../core/time';
import { systemClock } from '../../runtime/system-clock';
import { AppError } from '../../services/errors';
import { generateDemoData, writeDemoData } from '../../sources/partner-center/demo/generate';
import { output, table } from '../output';

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new AppError('bad_request', `${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}

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
    .action(
      async (
        opts: { out: string; months: string; customers: string; seed: string; endPeriod?: string },
        cmd: Command,
      ) => {
        const out = output(Boolean(cmd.optsWithGlobals().json));
        const endPeriod =
          opts.endPeriod === undefined
            ? previousPeriod(periodOf(systemClock.today()))
            : tryParseBillingPeriod(opts.endPeriod);
        if (!endPeriod)
          throw new AppError('bad_request', `--end-period must be YYYY-MM, not "${opts.endPeriod}"`);
        const options = {
          months: wholeNumber('--months', opts.months, 1, 60),
          customers: wholeNumber('--customers', opts.customers, 1, 10_000),
          seed: wholeNumber('--seed', opts.seed, 0, 2 ** 32 - 1),
          endPeriod,
        };
        const dir = resolve(opts.out);
        const data = generateDemoData(options);
        const files = await writeDemoData(dir, data);
        out.result(
          {
            dir,
            files,
            customers: data.scenario.customers.map((c) => ({
              tenantId: c.tenantId,
              name: c.name,
              domain: c.domain,
            })),
            invoices: data.invoices,
          },
          () =>
            [
              `Wrote ${files.length} files to ${dir} (seed ${options.seed}, ${options.customers} customers)`,
              table(
                ['invoice', 'period', 'issued', 'lines', 'usage rows', 'total'],
                data.invoices.map((i) => [
                  i.id,
                  i.billingPeriod,
                  i.issueDate,
                  i.lineCount,
                  i.usageRowCount,
                  `${i.total} ${i.currency}`,
                ]),
              ),
            ].join('\n'),
        );
      },
    );
}
