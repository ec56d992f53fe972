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

export interface DemoDataOptions {
  out: string;
  months: string;
  customers: string;
  seed: string;
  endPeriod?: string;
}

/** Writes a Partner Center demo directory (see commands/demo-data.ts). */
export async function demoData(opts: DemoDataOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const endPeriod =
    opts.endPeriod === undefined
      ? previousPeriod(periodOf(systemClock.today()))
      : tryParseBillingPeriod(opts.endPeriod);
  if (!endPeriod) throw new AppError('bad_request', `--end-period must be YYYY-MM, not "${opts.endPeriod}"`);
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
}
