import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/core/money/decimal';
import type {
  LeakageWire,
  ReconCustomerWire,
  ReconMonthWire,
  TimelineWire,
} from '../../src/services/reports/reconciliation-schemas';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { CONTOSO, type CustomerSpec, priceListFile, reconFile } from '../support/csp-files';

/**
 * `billsync recon` on a world synced through the real CLI: Contoso Dental mapped and synced (10 seats of
 * Business Premium in January at 20.00 cost, 23.10 retail), Fabrikam on the same invoice but not mapped. The
 * figures are checked against independent readings: the invoice's amounts and what the Autotask emulator bills
 * (read back with a third-party client).
 */

const FABRIKAM: CustomerSpec = {
  tenantId: '8b2f0000-0000-4000-8000-000000000002',
  name: 'Fabrikam Vets',
  domain: 'fabrikamvets.onmicrosoft.com',
  country: 'US',
};
const AS_OF = ['--as-of', '2026-02-08'];
const SEATS = 10;
const COST = '20.00';
const RETAIL = '23.10';
const FABRIKAM_SEATS = 5;

let s: CliScenario;
beforeAll(async () => {
  s = await createCliScenario({ now: '2026-02-08T09:00:00Z' });
  await s.setup(['--mode', 'all']);
  await s.importPriceList(priceListFile(s.dir, [{ cost: COST, erp: RETAIL }]));
  const month = { chargeType: 'new', unitPrice: COST, chargeStart: '2026-01-01', chargeEnd: '2026-01-31' };
  await s.importInvoice(
    reconFile(s.dir, 'G000000101', [
      { ...month, quantity: SEATS },
      { ...month, customer: FABRIKAM, quantity: FABRIKAM_SEATS },
    ]),
  );
  const products = await s.syncProducts({ asOf: '2026-02-08' });
  if (products.code !== 0) throw new Error(await s.explain(products));
  await s.map(CONTOSO.tenantId, { syncStart: '2026-02-01' });
  const synced = await s.syncCustomers({ asOf: '2026-02-08' });
  if (synced.code !== 0) throw new Error(await s.explain(synced));
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const money = (v: ReturnType<typeof dec>) => v.toFixed(2);

describe('billsync recon', { timeout: 120_000 }, () => {
  it("the month: each customer's cost, expected retail and PSA bills as the invoice and Autotask say", async () => {
    const m = await s.json<ReconMonthWire>('recon', ...AS_OF);
    const billed = (await s.readback.billedPerMonth(IDS.contract, '2026-01')).total;
    const cost = dec(COST).times(SEATS);
    const expected = dec(RETAIL).times(SEATS);
    expect(m).toMatchObject({ target: 'autotask', period: '2026-01', currency: 'USD' });
    expect(m.customers).toHaveLength(1);
    expect(m.customers[0]).toMatchObject({
      tenantId: CONTOSO.tenantId,
      name: CONTOSO.name,
      cost: money(cost),
      expected: money(expected),
      billed: money(billed),
      margin: money(billed.minus(cost)),
      difference: money(billed.minus(expected)),
      flags: [],
    });
    expect(m.totals.billed).toBe(money(billed));
    // Fabrikam's seats cost Microsoft money nobody bills.
    expect(m.leakage).toEqual({ total: money(dec(COST).times(FABRIKAM_SEATS)), rows: 1 });

    const text = await s.run('recon', ...AS_OF);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^Reconciliation of 2026-01 \(Autotask\), amounts in USD; PSA read at /);
    expect(lines[1]).toMatch(
      /^customer\s+contract\s+offers\s+Microsoft cost\s+expected retail\s+PSA bills\s+margin\s+margin %\s+difference\s+flags$/,
    );
    const row = (first: string) => lines.find((l) => l.startsWith(first))?.split(/\s{2,}/);
    const c = m.customers[0]!;
    expect(row(CONTOSO.name)).toEqual([
      c.name,
      c.contractName,
      String(c.offers),
      c.cost,
      c.expected,
      c.billed,
      c.margin,
      c.marginPercent!.toFixed(1),
      c.difference,
    ]);
    expect(row('total')?.slice(1)).toEqual([
      m.totals.cost,
      m.totals.expected,
      m.totals.billed,
      m.totals.margin,
      m.totals.marginPercent!.toFixed(1),
      m.totals.difference,
    ]);
    expect(text.stdout).toContain(`Not billed (leakage): ${m.leakage.total} in 1 line(s)`);
  });

  it("a customer's offers, by name, and a contract line's timeline with billsync's writes", async () => {
    const c = await s.json<ReconCustomerWire>('recon', '--customer', 'contoso', ...AS_OF);
    expect(c).toMatchObject({ tenantId: CONTOSO.tenantId, mapped: true, period: '2026-01' });
    expect(c.offers).toHaveLength(1);
    const offer = c.offers[0]!;
    expect(offer).toMatchObject({ kind: 'seats', seats: String(SEATS), units: String(SEATS) });
    expect(offer.lines.map((l) => [l.invoiceId, l.quantity, l.inPeriod])).toEqual([
      ['G000000101', String(SEATS), money(dec(COST).times(SEATS))],
    ]);
    const text = await s.run('recon', '--customer', CONTOSO.tenantId, ...AS_OF);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Offer keys (for --timeline): ${offer.offerKey}`);
    expect(
      text.stdout
        .split('\n')
        .find((l) => l.startsWith(offer.title))
        ?.split(/\s{2,}/),
    ).toEqual([
      offer.title,
      'seats',
      String(SEATS),
      String(SEATS),
      offer.cost,
      offer.expected,
      offer.billed,
      offer.margin,
      offer.marginPercent!.toFixed(1),
      offer.difference,
    ]);

    const t = await s.json<TimelineWire>(
      'recon',
      '--customer',
      CONTOSO.name,
      '--timeline',
      offer.offerKey,
      ...AS_OF,
    );
    expect(t).toMatchObject({
      tenantId: CONTOSO.tenantId,
      offerKey: offer.offerKey,
      contractId: String(IDS.contract),
    });
    expect(t.psa.some((r) => r.units === String(SEATS) && r.price === RETAIL)).toBe(true);
    expect(t.writes.length).toBeGreaterThan(0);
    const human = await s.run('recon', '--customer', CONTOSO.name, '--timeline', offer.offerKey, ...AS_OF);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('What Autotask carries:');
    expect(human.stdout).toContain(t.writes[0]!.runId);
  });

  it('the leakage: the unmapped customer with its cost and the fix', async () => {
    const l = await s.json<LeakageWire>('recon', '--leakage', ...AS_OF);
    const cost = money(dec(COST).times(FABRIKAM_SEATS));
    expect(l).toMatchObject({ period: '2026-01', total: cost });
    expect(l.rows).toMatchObject([{ reason: 'unmapped', tenantId: FABRIKAM.tenantId, cost }]);
    const text = await s.run('recon', '--leakage', ...AS_OF);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Not billed in 2026-01 (Autotask), amounts in USD: ${cost}`);
    const row = text.stdout
      .split('\n')
      .find((x) => x.startsWith(FABRIKAM.name))
      ?.split(/\s{2,}/);
    expect(row).toEqual([FABRIKAM.name, l.rows[0]!.title, 'Customer not mapped', cost, l.rows[0]!.fix]);
  });

  it('exports the month as CSV and XLSX with the figures of --json', async () => {
    const m = await s.json<ReconMonthWire>('recon', ...AS_OF);
    const csvFile = join(s.dir, 'month.csv');
    const wrote = await s.json<{ file: string; format: string; rows: number }>(
      'recon',
      '--export',
      'csv',
      '--out',
      csvFile,
      ...AS_OF,
    );
    expect(wrote).toMatchObject({ file: csvFile, format: 'csv', rows: 2 });
    const rows = parse(readFileSync(csvFile, 'utf8'), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    const c = m.customers[0]!;
    expect(rows).toEqual([
      expect.objectContaining({
        Customer: c.name,
        'Tenant id': c.tenantId,
        'Microsoft cost': c.cost,
        'Expected retail': c.expected,
        'PSA bills': c.billed,
        Margin: c.margin,
        'Margin %': String(c.marginPercent),
        Difference: c.difference,
      }),
      expect.objectContaining({ Customer: 'Total', 'PSA bills': m.totals.billed }),
    ]);

    // --out alone: the format from the extension.
    const xlsxFile = join(s.dir, 'month.xlsx');
    expect(await s.json('recon', '--out', xlsxFile, ...AS_OF)).toMatchObject({ format: 'xlsx', rows: 2 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxFile);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Reconciliation 2026-01 Autotask');
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const cell = (r: number, h: string) => ws.getRow(r).getCell(header.indexOf(h) + 1).value;
    expect(cell(2, 'Customer')).toBe(c.name);
    expect(cell(2, 'PSA bills')).toBe(Number(c.billed));
    expect(cell(2, 'Margin %')).toBe(c.marginPercent);
    expect(cell(3, 'Microsoft cost')).toBe(Number(m.totals.cost));

    const leak = join(s.dir, 'leakage.csv');
    await s.json('recon', '--leakage', '--export', 'csv', '--out', leak, ...AS_OF);
    const leakRows = parse(readFileSync(leak, 'utf8'), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    expect(leakRows[0]).toMatchObject({ Customer: FABRIKAM.name, Reason: 'Customer not mapped' });
  });

  it('bad arguments exit 2 and say what to do; an unknown customer exits 1', async () => {
    const cases: [string[], RegExp][] = [
      [['--period', '2026-13'], /--period must be a month written YYYY-MM/],
      [['--timeline', 'X'], /--timeline needs --customer/],
      [['--leakage', '--customer', 'contoso'], /--leakage or --customer, not both/],
      [['--export', 'pdf', '--out', 'x.pdf'], /--export must be one of csv, xlsx/],
      [['--export', 'csv'], /--export needs --out/],
      [['--out', 'table.txt'], /--export csv or --export xlsx/],
      [['--target', 'halo'], /--target must be one of autotask, connectwise/],
    ];
    for (const [args, message] of cases) {
      const res = await s.run('recon', ...args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    const unknown = await s.run('--json', 'recon', '--customer', 'Nobody Ltd', ...AS_OF);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      error: { message: expect.stringMatching(/No customer matches/) },
    });
  });
});
