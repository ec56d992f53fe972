import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { BIN, type CliResult } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';

/** bin/billsync.js once main.ts registers the import commands; until then an entry that adds them. */
const MAIN = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8');
const ENTRY = MAIN.includes('registerImport') ? BIN : join(import.meta.dirname, 'support', 'cli-entry.mjs');

let db: TestDatabase;
let pool: Pool;
const dir = mkdtempSync(join(tmpdir(), 'billsync-import-cli-'));

function billsync(...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, ...args], {
      env: { ...process.env, DATABASE_URL: db.url, BILLSYNC_DATA_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  db = await createTestDatabase('importcli');
  await migrate(db.url);
  pool = createPool(db.url, 2);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (sql: string) => (await pool.query<{ n: number }>(sql)).rows[0]!.n;

describe('billsync demo-data and import (CLI end to end)', () => {
  const out = join(dir, 'demo');

  it('writes the demo directory', async () => {
    const res = await billsync(
      '--json',
      'demo-data',
      '--out',
      out,
      '--months',
      '2',
      '--customers',
      '5',
      '--seed',
      '3',
      '--end-period',
      '2025-07',
    );
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(res.stdout) as { files: string[]; invoices: { id: string; issueDate: string }[] };
    expect(json.files).toEqual(
      expect.arrayContaining([
        'pricelist.csv',
        'invoice-2025-06.csv',
        'invoice-2025-07.csv',
        'azure-usage-2025-07.csv',
        'customers.json',
        'invoices.json',
      ]),
    );
    expect(json.invoices.map((i) => i.issueDate)).toEqual(['2025-07-07', '2025-08-07']);
    for (const f of json.files) expect(existsSync(join(out, f))).toBe(true);
  });

  it('imports a price list and an invoice with --json, and a second time changes nothing', async () => {
    const prices = await billsync('--json', 'import', 'pricelist', join(out, 'pricelist.csv'));
    expect(prices.code, prices.stderr).toBe(0);
    expect(JSON.parse(prices.stdout)).toMatchObject({ updated: 0, unchanged: 0, errors: [] });
    const invoice = await billsync('--json', 'import', 'invoice', join(out, 'invoice-2025-07.csv'));
    expect(invoice.code, invoice.stderr).toBe(0);
    const first = JSON.parse(invoice.stdout);
    expect(first).toMatchObject({
      updated: 0,
      unchanged: 0,
      errors: [],
      status: 'created',
      billingPeriod: '2025-07',
      issueDate: '2025-08-07',
      inferred: { billingPeriod: '2025-07', issueDate: '2025-08-07' },
    });
    expect(first.created).toBeGreaterThan(5);
    const again = await billsync('--json', 'import', 'invoice', join(out, 'invoice-2025-07.csv'));
    expect(JSON.parse(again.stdout)).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: first.created,
      errors: [],
    });
  });

  it('exits 1 on a bad file, names row and column, and stores nothing from it', async () => {
    const lines = readFileSync(join(out, 'invoice-2025-06.csv'), 'utf8').split('\r\n');
    lines[2] = lines[2]!.replace(/,(\d+)\/(\d+)\/2025,/, ',2025-06-31,');
    const bad = join(dir, 'bad-invoice.csv');
    writeFileSync(bad, lines.join('\r\n'));
    const json = await billsync('--json', 'import', 'invoice', bad);
    expect(json.code).toBe(1);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: [{ file: 'bad-invoice.csv', row: 3, value: '2025-06-31' }],
    });
    expect(result.errors[0].message).toMatch(
      /row 3, column "\w+Date": "2025-06-31" is not valid; expected a date/,
    );
    const human = await billsync('import', 'invoice', bad, '--period', '2025-06');
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/bad-invoice\.csv row 3, column "\w+Date"/);
    expect(human.stderr).toMatch(/Nothing from bad-invoice\.csv was stored/);
    expect(await count("select count(*)::int as n from invoices where billing_period = '2025-06'")).toBe(0);
    expect(
      await count("select count(*)::int as n from source_imports where file_name = 'bad-invoice.csv'"),
    ).toBe(0);
    const usage = await billsync('import', 'invoice', bad, '--period', 'June');
    expect(usage.code).toBe(2);
  });
});
