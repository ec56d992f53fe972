import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Decimal, decimalFixed, ZERO } from '../../../core/money';
import type { BillingPeriod, PlainDate } from '../../../core/time';
import { defaultIssueDate } from '../files/invoice-dates';
import { csvLine, writeLines } from './csv-text';
import type { DemoCustomer } from './customers';
import { type DemoPartner, demoPartner } from './partner';
import { priceListLines } from './price-list-csv';
import { mulberry32 } from './prng';
import { azureRecord, licenseRecord, RECON_CSV_COLUMNS } from './recon-csv';
import { buildScenario, type Scenario } from './scenario';
import { simulateAzureMonth } from './simulate-azure';
import { type DemoLicenseLine, simulateSubscription } from './simulate-licenses';
import { USAGE_CSV_COLUMNS, usageRecord } from './usage-csv';

export interface DemoOptions {
  months: number;
  customers: number;
  seed: number;
  /** The last billing period of the demo (its invoice is issued on the 7th of the month after). */
  endPeriod: BillingPeriod;
}

/** An invoice of the demo, as `invoices.json` lists it (the shape the Partner Center emulator seeds from). */
export interface DemoInvoice {
  id: string;
  billingPeriod: BillingPeriod;
  issueDate: PlainDate;
  currency: string;
}

export interface DemoFile {
  name: string;
  lines: string[];
}

export interface DemoData {
  partner: DemoPartner;
  scenario: Scenario;
  invoices: (DemoInvoice & { total: string; lineCount: number; usageRowCount: number })[];
  licenseLines: DemoLicenseLine[];
  /** CSV files: pricelist.csv, invoice-YYYY-MM.csv, azure-usage-YYYY-MM.csv (when the month has usage). */
  files: DemoFile[];
}

/** Deterministic demo data: the same options give byte-identical files. */
export function generateDemoData(options: DemoOptions): DemoData {
  if (!Number.isInteger(options.months) || options.months < 1)
    throw new RangeError('months must be a whole number >= 1');
  if (!Number.isInteger(options.customers) || options.customers < 1)
    throw new RangeError('customers must be a whole number >= 1');
  const rng = mulberry32(options.seed);
  const partner = demoPartner(rng);
  const scenario = buildScenario(rng, options);
  const licenseLines = scenario.subscriptions.flatMap((s) => simulateSubscription(s, scenario, rng));
  const base = rng.int(100_000, 899_999) * 1000;
  const files: DemoFile[] = [{ name: 'pricelist.csv', lines: priceListLines(scenario.schedule) }];
  const invoices: DemoData['invoices'] = [];
  scenario.periods.forEach((period, i) => {
    const id = `G${String(base + i).padStart(9, '0')}`;
    const recon: { customer: DemoCustomer; text: string }[] = [];
    let total: Decimal = ZERO;
    for (const l of licenseLines.filter((x) => x.period === period)) {
      recon.push({ customer: l.subscription.customer, text: licenseRecord(partner, id, l) });
      total = total.plus(l.subtotal);
    }
    const usage: string[] = [];
    for (const plan of scenario.azure) {
      const month = simulateAzureMonth(plan, period, rng);
      for (const l of month.lines) {
        recon.push({ customer: plan.customer, text: azureRecord(partner, id, l) });
        total = total.plus(l.subtotal);
      }
      for (const r of month.rows) usage.push(usageRecord(partner, id, r));
    }
    recon.sort((a, b) => a.customer.index - b.customer.index);
    files.push({
      name: `invoice-${period}.csv`,
      lines: [csvLine(RECON_CSV_COLUMNS), ...recon.map((r) => r.text)],
    });
    if (usage.length > 0)
      files.push({ name: `azure-usage-${period}.csv`, lines: [csvLine(USAGE_CSV_COLUMNS), ...usage] });
    invoices.push({
      id,
      billingPeriod: period,
      issueDate: defaultIssueDate(period),
      currency: 'USD',
      total: decimalFixed(total, 2),
      lineCount: recon.length,
      usageRowCount: usage.length,
    });
  });
  return { partner, scenario, invoices, licenseLines, files };
}

/**
 * Writes the demo directory: the CSV files, `customers.json` (`[{tenantId, name, domain}]`) and `invoices.json`
 * (`[{id, billingPeriod, issueDate, currency}]`), the seed format of the Partner Center emulator. Returns the
 * file names written.
 */
export async function writeDemoData(dir: string, data: DemoData): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  for (const f of data.files) await writeLines(join(dir, f.name), f.lines);
  const customers = data.scenario.customers.map((c) => ({
    tenantId: c.tenantId,
    name: c.name,
    domain: c.domain,
  }));
  writeFileSync(join(dir, 'customers.json'), `${JSON.stringify(customers, null, 2)}\n`);
  const invoices = data.invoices.map(({ id, billingPeriod, issueDate, currency }) => ({
    id,
    billingPeriod,
    issueDate,
    currency,
  }));
  writeFileSync(join(dir, 'invoices.json'), `${JSON.stringify(invoices, null, 2)}\n`);
  return [...data.files.map((f) => f.name), 'customers.json', 'invoices.json'];
}
