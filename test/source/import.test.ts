import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { BillingPeriod, PlainDate } from '../../src/core/time';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import {
  getInvoice,
  getInvoiceLines,
  type ImportCounts,
  listInvoices,
  listSourceCustomers,
  listSourceImports,
  storeInvoice,
} from '../../src/db/repos/source-data';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { generateDemoData, writeDemoData } from '../../src/sources/partner-center/demo/generate';
import { FileParseError, FileRefusedError } from '../../src/sources/partner-center/files/file-error';
import { importInvoiceFile, importPriceListFile } from '../../src/sources/partner-center/import';
import { createTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
let pool: Pool;
let ws: WorkspaceId;
const dir = mkdtempSync(join(tmpdir(), 'billsync-import-'));
const demo = generateDemoData({ months: 3, customers: 8, seed: 7, endPeriod: '2025-07' as BillingPeriod });
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  db = await createTestDatabase('import');
  await migrate(db.url);
  pool = createPool(db.url, 4);
  ws = (await insertWorkspace(pool, 'MSP')).id;
  await writeDemoData(dir, demo);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** The cells of one CSV line as written (quotes kept), for editing a cell. */
function cellsOf(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  return [...cells, cell];
}

/** A copy of a demo file with one cell of one data row replaced. */
function withCell(name: string, row: number, column: string, value: string, target = `bad-${name}`): string {
  const lines = readFileSync(file(name), 'utf8').split('\r\n');
  const col = cellsOf(lines[0]!).indexOf(column);
  const cells = cellsOf(lines[row - 1]!);
  expect(cells.length).toBe(cellsOf(lines[0]!).length);
  cells[col] = value;
  lines[row - 1] = cells.join(',');
  writeFileSync(file(target), lines.join('\r\n'));
  return file(target);
}

describe('importing the demo files', () => {
  it('stores the price list and every month, then changes nothing the second time', async () => {
    const prices = await importPriceListFile(pool, ws, file('pricelist.csv'));
    expect(prices).toMatchObject({ kind: 'price_list', updated: 0, unchanged: 0 });
    expect(prices.created).toBe(prices.rows);
    for (const period of ['2025-05', '2025-06', '2025-07']) {
      const recon = await importInvoiceFile(pool, ws, file(`invoice-${period}.csv`));
      expect(recon).toMatchObject({
        kind: 'recon',
        status: 'created',
        updated: 0,
        unchanged: 0,
        warnings: [],
      });
      expect(recon.dates).toMatchObject({ billingPeriod: period, datesFrom: 'inferred' });
      const usage = await importInvoiceFile(pool, ws, file(`azure-usage-${period}.csv`));
      expect(usage).toMatchObject({ kind: 'azure_usage', status: 'created', invoiceId: recon.invoiceId });
    }
    const july = (await listInvoices(pool, ws)).at(-1)!;
    expect(july).toMatchObject({ billingPeriod: '2025-07', issueDate: '2025-08-07', datesFrom: 'inferred' });
    expect((await listSourceCustomers(pool, ws)).map((c) => c.name)).toContain('Contoso Limited');

    const again: ImportCounts[] = [await importPriceListFile(pool, ws, file('pricelist.csv'))];
    for (const period of ['2025-05', '2025-06', '2025-07']) {
      again.push(await importInvoiceFile(pool, ws, file(`invoice-${period}.csv`)));
      again.push(await importInvoiceFile(pool, ws, file(`azure-usage-${period}.csv`)));
    }
    for (const r of again)
      expect({ created: r.created, updated: r.updated }).toEqual({ created: 0, updated: 0 });
    expect((await listSourceImports(pool, ws)).length).toBe(14);
  });

  it('reports and stores a corrected re-issue of an invoice', async () => {
    const name = 'invoice-2025-07.csv';
    const before = await getInvoice(pool, ws, demo.invoices.at(-1)!.id);
    const corrected = withCell(name, 2, 'Subtotal', '1.00', 'corrected.csv');
    const r = await importInvoiceFile(pool, ws, corrected);
    expect(r).toMatchObject({
      status: 'replaced',
      created: 0,
      unchanged: 0,
      previousLineCount: before!.lineCount,
    });
    expect(r.updated).toBe(before!.lineCount);
    expect((await getInvoice(pool, ws, r.invoiceId))!.revision).toBe(before!.revision + 1);
    expect((await getInvoiceLines(pool, ws, r.invoiceId))[0]!.subtotal.toString()).toBe('1');
    await importInvoiceFile(pool, ws, file(name));
  });

  it('refuses a later file of the invoice that leaves whole customers out (one part of a split export)', async () => {
    const name = 'invoice-2025-07.csv';
    const id = demo.invoices.at(-1)!.id;
    const [header, ...rows] = readFileSync(file(name), 'utf8').trimEnd().split('\r\n');
    const tenantColumn = cellsOf(header!).indexOf('CustomerId');
    const tenantOf = (row: string) => cellsOf(row)[tenantColumn]!;
    const first = tenantOf(rows[0]!);
    const part = rows.filter((r) => tenantOf(r) === first);
    expect(part.length).toBeLessThan(rows.length);
    writeFileSync(file('part.csv'), `${[header, ...part].join('\r\n')}\r\n`);
    const before = await getInvoiceLines(pool, ws, id);
    const revision = (await getInvoice(pool, ws, id))!.revision;
    const error = await importInvoiceFile(pool, ws, file('part.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRefusedError);
    expect(error).toMatchObject({ file: 'part.csv', code: 'drops_customers' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^part\\.csv: invoice ${id} was stored before with lines for \\d+ customer\\(s\\) this file has no line for \\(`,
      ),
    );
    expect((error as Error).message).toContain('join them into one file');
    expect((error as Error).message).toContain('--replace');
    expect(await getInvoiceLines(pool, ws, id)).toEqual(before);
    expect((await getInvoice(pool, ws, id))!.revision).toBe(revision);

    // Said to be a corrected invoice that drops those customers: it replaces the stored one.
    const replaced = await importInvoiceFile(pool, ws, file('part.csv'), { replace: true });
    expect(replaced).toMatchObject({ status: 'replaced', updated: part.length });
    expect(await getInvoiceLines(pool, ws, id)).toHaveLength(part.length);
    // The whole file again (a superset of what is stored) is a plain re-issue.
    expect((await importInvoiceFile(pool, ws, file(name))).status).toBe('replaced');
    expect(await getInvoiceLines(pool, ws, id)).toHaveLength(before.length);
  });

  it('takes the same rows in another order as the same invoice: unchanged, no customer touched', async () => {
    const name = 'invoice-2025-07.csv';
    const id = demo.invoices.at(-1)!.id;
    const [header, ...rows] = readFileSync(file(name), 'utf8').trimEnd().split('\r\n');
    writeFileSync(file('reversed.csv'), `${[header, ...rows.reverse()].join('\r\n')}\r\n`);
    const revision = (await getInvoice(pool, ws, id))!.revision;
    const r = await importInvoiceFile(pool, ws, file('reversed.csv'));
    expect(r).toMatchObject({ status: 'unchanged', unchanged: rows.length, updated: 0, created: 0 });
    expect((await getInvoice(pool, ws, id))!.revision).toBe(revision);
    // The rows are stored in the file's order now, and so is the content hash: the same file again writes nothing.
    const rowVersions = async () =>
      (
        await pool.query<{ v: string }>(
          'select xmin::text as v from invoice_lines where workspace_id = $1 and invoice_id = $2 order by line_number',
          [ws, id],
        )
      ).rows.map((x) => x.v);
    const stored = await rowVersions();
    const again = await importInvoiceFile(pool, ws, file('reversed.csv'));
    expect(again).toMatchObject({ status: 'unchanged', unchanged: rows.length });
    expect(await rowVersions()).toEqual(stored);
    expect((await getInvoice(pool, ws, id))!.revision).toBe(revision);
  });

  it('stores nothing from a file with a bad row (a new invoice), naming row and column', async () => {
    const target = 'bad-new.csv';
    const text = readFileSync(file('invoice-2025-07.csv'), 'utf8').replaceAll(
      demo.invoices.at(-1)!.id,
      'G999999999',
    );
    writeFileSync(file(target), text);
    const bad = withCell(target, 4, 'ChargeStartDate', '2025-13-01', target);
    const error = await importInvoiceFile(pool, ws, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileParseError);
    expect(error).toMatchObject({ file: target, row: 4, column: 'ChargeStartDate', value: '2025-13-01' });
    expect(await getInvoice(pool, ws, 'G999999999')).toBeUndefined();
    const count = await pool.query(
      "select count(*)::int as n from invoice_lines where invoice_id = 'G999999999'",
    );
    expect(count.rows[0].n).toBe(0);
    expect((await listSourceImports(pool, ws)).some((i) => i.fileName === target)).toBe(false);
  });

  it('keeps the stored invoice intact when a re-import has a bad decimal in its last row', async () => {
    const name = 'invoice-2025-06.csv';
    const id = demo.invoices.at(-2)!.id;
    const lines = readFileSync(file(name), 'utf8').trimEnd().split('\r\n').length;
    const before = await getInvoiceLines(pool, ws, id);
    const error = await importInvoiceFile(pool, ws, withCell(name, lines, 'UnitPrice', '12.5O')).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ row: lines, column: 'UnitPrice', value: '12.5O' });
    expect((error as Error).message).toMatch(
      /row \d+, column "UnitPrice": "12\.5O" is not valid; expected a decimal number/,
    );
    expect(await getInvoiceLines(pool, ws, id)).toEqual(before);
  });

  it('refuses a file of the other kind and a file without rows', async () => {
    await expect(importInvoiceFile(pool, ws, file('pricelist.csv'))).rejects.toThrow(
      /use `billsync import pricelist`/,
    );
    await expect(importPriceListFile(pool, ws, file('invoice-2025-07.csv'))).rejects.toThrow(
      /use `billsync import invoice`/,
    );
    const header = readFileSync(file('invoice-2025-07.csv'), 'utf8').split('\r\n')[0]!;
    writeFileSync(file('empty.csv'), `${header}\r\n`);
    await expect(importInvoiceFile(pool, ws, file('empty.csv'))).rejects.toThrow(
      /row 2: expected at least one data row/,
    );
  });
});

describe('billing period and issue date of a recon file', () => {
  it('takes them from a header Partner Center stated, else infers them, and accepts overrides', async () => {
    const own = (await insertWorkspace(pool, 'dates')).id;
    const july = demo.invoices.at(-1)!;
    const r1 = await importInvoiceFile(pool, own, file('invoice-2025-07.csv'), {
      period: '2025-06' as BillingPeriod,
    });
    expect(r1.dates).toMatchObject({ billingPeriod: '2025-06', issueDate: '2025-07-07', datesFrom: 'user' });
    expect(r1.warnings[0]).toMatch(/rows start outside the billing period 2025-06/);
    // Stated dates stick (a later import without options keeps them) until stated again.
    const kept = await importInvoiceFile(pool, own, file('invoice-2025-07.csv'));
    expect(kept).toMatchObject({
      status: 'unchanged',
      headerChanged: false,
      dates: { billingPeriod: '2025-06', datesFrom: 'user' },
    });
    const r2 = await importInvoiceFile(pool, own, file('invoice-2025-07.csv'), {
      period: '2025-07' as BillingPeriod,
      issued: '2025-08-06' as PlainDate,
    });
    expect(r2).toMatchObject({
      status: 'unchanged',
      headerChanged: true,
      warnings: [],
      dates: { billingPeriod: '2025-07', issueDate: '2025-08-06', datesFrom: 'user' },
    });

    const pulled = (await insertWorkspace(pool, 'pulled')).id;
    await storeInvoice(
      pool,
      pulled,
      {
        id: july.id,
        billingPeriod: '2025-07' as BillingPeriod,
        issueDate: '2025-08-08' as PlainDate,
        currency: 'USD',
        datesFrom: 'source',
      },
      [],
    );
    const r3 = await importInvoiceFile(pool, pulled, file('invoice-2025-07.csv'));
    expect(r3).toMatchObject({
      status: 'created',
      dates: { billingPeriod: '2025-07', issueDate: '2025-08-08', datesFrom: 'source' },
    });
    expect(r3.dates.basis.join(' ')).toMatch(/from the stored invoice header \(source\)/);
  });
});
