import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { billingLineItem, usageLineItem } from './wire-line-items';

/** A customer of the seed (`customers.json`). */
export interface SeedCustomer {
  tenantId: string;
  name: string;
  domain: string;
}

/** An invoice of the seed (`invoices.json`). */
export interface SeedInvoice {
  id: string;
  /** `YYYY-MM`. */
  billingPeriod: string;
  /** `YYYY-MM-DD`. */
  issueDate: string;
  currency: string;
}

/** What the emulator serves, already in wire form. */
export interface PartnerCenterSeed {
  customers: SeedCustomer[];
  invoices: SeedInvoice[];
  /** Invoice id -> OneTimeInvoiceLineItem JSON objects, in file order. */
  billingLines: Map<string, Record<string, unknown>[]>;
  /** Invoice id -> DailyRatedUsageLineItem JSON objects, in file order. */
  usageLines: Map<string, Record<string, unknown>[]>;
  /** Invoice id -> the recon rows' `Total` cells (for the invoice's totalCharges). */
  totals: Map<string, string[]>;
  /** The license-based price list CSV as it was written, or undefined when the seed has none. */
  priceListCsv: string | undefined;
}

export function emptySeed(): PartnerCenterSeed {
  return {
    customers: [],
    invoices: [],
    billingLines: new Map(),
    usageLines: new Map(),
    totals: new Map(),
    priceListCsv: undefined,
  };
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new Error(`Cannot read seed file ${path}: ${(err as Error).message}`);
  }
}

function readCsvRecords(path: string): Record<string, string>[] {
  return parse(readFileSync(path), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: false,
  });
}

/** The 7th of the month after `month` (`YYYY-MM`): when Microsoft's NCE invoices appear (6th-8th). */
function issuedAfter(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return `${next}-07`;
}

const RECON = /^invoice-(\d{4}-\d{2})\.csv$/;
const USAGE = /^azure-usage-(\d{4}-\d{2})\.csv$/;

/** The invoice a row belongs to: its InvoiceNumber, else the seed invoice of the file's month. */
function invoiceIdOf(
  record: Record<string, string>,
  month: string,
  invoices: SeedInvoice[],
  where: string,
): string {
  const stated = (record.InvoiceNumber ?? record.invoiceNumber ?? '').trim();
  if (stated !== '') return stated;
  const byMonth = invoices.find((i) => i.billingPeriod === month);
  if (!byMonth) throw new Error(`${where}: no InvoiceNumber and no invoice for ${month} in invoices.json`);
  return byMonth.id;
}

/**
 * Reads a demo-data directory (what `billsync demo-data --out DIR` writes): `customers.json`, `invoices.json`,
 * `invoice-YYYY-MM.csv` (NCE recon), `azure-usage-YYYY-MM.csv` (daily-rated usage) and `pricelist.csv`.
 * Missing files are fine (the emulator serves nothing for them); a malformed one is an error naming it.
 */
export function readSeedDir(dir: string): PartnerCenterSeed {
  if (!existsSync(dir)) throw new Error(`Seed directory ${dir} does not exist`);
  const seed = emptySeed();
  const customersPath = join(dir, 'customers.json');
  if (existsSync(customersPath)) seed.customers = readJson<SeedCustomer[]>(customersPath);
  const invoicesPath = join(dir, 'invoices.json');
  if (existsSync(invoicesPath)) seed.invoices = readJson<SeedInvoice[]>(invoicesPath);
  for (const name of readdirSync(dir).sort()) {
    const recon = RECON.exec(name);
    const usage = USAGE.exec(name);
    if (!recon && !usage) continue;
    const month = (recon ?? usage)![1]!;
    const records = readCsvRecords(join(dir, name));
    records.forEach((record, i) => {
      const where = `${name} row ${i + 2}`;
      const invoiceId = invoiceIdOf(record, month, seed.invoices, where);
      const target = recon ? seed.billingLines : seed.usageLines;
      const list = target.get(invoiceId) ?? [];
      list.push(recon ? billingLineItem(record, where) : usageLineItem(record, where));
      target.set(invoiceId, list);
      if (!recon) return;
      const totals = seed.totals.get(invoiceId) ?? [];
      totals.push(record.Total ?? record.Subtotal ?? '0');
      seed.totals.set(invoiceId, totals);
      if (!seed.invoices.some((inv) => inv.id === invoiceId)) {
        // A recon file for an invoice that invoices.json does not list: serve it anyway, dated like an NCE
        // invoice (issued on the 7th of the next month).
        seed.invoices.push({
          id: invoiceId,
          billingPeriod: month,
          issueDate: issuedAfter(month),
          currency: record.Currency || 'USD',
        });
      }
    });
  }
  const priceListPath = join(dir, 'pricelist.csv');
  if (existsSync(priceListPath)) seed.priceListCsv = readFileSync(priceListPath, 'utf8');
  return seed;
}
