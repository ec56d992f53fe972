import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  customersTable,
  type ExportTable,
  escapeFormula,
  exportFileName,
  leakageTable,
  offersTable,
  sheetName,
  toCsv,
  toXlsx,
} from './export';
import type {
  LeakageWire,
  ReconCustomerWire,
  ReconFiguresWire,
  ReconMonthWire,
} from './reconciliation-schemas';

const figures = (o: Partial<ReconFiguresWire> = {}): ReconFiguresWire => ({
  cost: '100.00',
  expected: '120.00',
  billed: '118.50',
  billedCost: '100.00',
  margin: '18.50',
  marginPercent: 15.6,
  difference: '-1.50',
  ...o,
});

/** Names as Partner Center may send them: formulas, signs, an @, control characters, quotes, commas, accents. */
const DANGEROUS = [
  '=HYPERLINK("http://x.example","go")',
  '+31 Dental',
  '-minus Ltd',
  '@SUM(A1)',
  '\tTabbed',
  '\rReturn',
];

const month: ReconMonthWire = {
  target: 'autotask',
  period: '2025-08',
  periods: ['2025-08', '2025-07'],
  currency: 'EUR',
  totals: figures({ cost: '400.00', billed: '350.25', margin: '-49.75', marginPercent: -14.2 }),
  customers: [
    {
      tenantId: 't-1',
      name: DANGEROUS[0]!,
      contractName: 'Microsoft CSP, "monthly"',
      offers: 3,
      ...figures({ margin: '-12.50', marginPercent: -12.5, difference: '-20.00' }),
      flags: [
        { kind: 'below-cost', text: 'The PSA bills less than Microsoft charged' },
        { kind: 'differs', text: '-20.00 from the expected retail' },
      ],
    },
    ...DANGEROUS.slice(1).map((name, i) => ({
      tenantId: `t-${i + 2}`,
      name,
      contractName: null,
      offers: i,
      ...figures(),
      flags: [],
    })),
    {
      tenantId: 't-9',
      name: 'Zürich Zahnärzte, Ærø & Co\nline two',
      contractName: 'Vertrag €',
      offers: 1,
      ...figures({ marginPercent: null, billed: '0.00' }),
      flags: [],
    },
  ],
  leakage: { total: '45.00', rows: 2 },
  computedAt: '2025-09-10T09:00:00.000Z',
  psaCalls: 4,
};

/** The month table's cells as a person reads them back from the CSV: text escaped, amounts as written. */
function expectedCsvRows(m: ReconMonthWire): string[][] {
  const esc = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
  const fig = (f: ReconFiguresWire) => [
    f.cost,
    f.expected,
    f.billed,
    f.billedCost,
    f.margin,
    f.marginPercent === null ? '' : String(f.marginPercent),
    f.difference,
  ];
  return [
    [
      'Customer',
      'Tenant id',
      'Contract',
      'Offers',
      'Microsoft cost',
      'Expected retail',
      'PSA bills',
      'PSA cost',
      'Margin',
      'Margin %',
      'Difference',
      'Flags',
    ],
    ...m.customers.map((c) => [
      esc(c.name),
      c.tenantId,
      c.contractName ?? '',
      String(c.offers),
      ...fig(c),
      c.flags.map((f) => f.text).join('; '),
    ]),
    ['Total', '', '', '', ...fig(m.totals), ''],
  ];
}

describe('CSV', () => {
  it('round-trips through csv-parse: UTF-8 with a BOM, CRLF, every cell as written', () => {
    const csv = toCsv(customersTable(month));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    // Every record ends with CRLF (the embedded newline of a quoted cell is the cell's own).
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(month.customers.length + 3);
    const back = parse(csv, { bom: true, relax_column_count: false }) as string[][];
    expect(back).toEqual(expectedCsvRows(month));
  });

  it('escapes every dangerous first character of a text cell, and nothing else', () => {
    const back = parse(toCsv(customersTable(month)), { bom: true }) as string[][];
    const names = back.slice(1, 1 + DANGEROUS.length).map((r) => r[0]);
    expect(names).toEqual(DANGEROUS.map((n) => `'${n}`));
    // Only a cell's first character counts: the flags start with "The", the accented name is as it was.
    expect(back[1]![11]).toBe('The PSA bills less than Microsoft charged; -20.00 from the expected retail');
    expect(back.at(-2)![0]).toBe('Zürich Zahnärzte, Ærø & Co\nline two');
    for (const c of ['=', '+', '-', '@', '\t', '\r']) expect(escapeFormula(`${c}x`)).toBe(`'${c}x`);
    for (const s of ['x=1', ' =1', 'Contoso', '', "'=already"]) expect(escapeFormula(s)).toBe(s);
  });

  it('a flag text that is dangerous on its own is escaped', () => {
    const l: LeakageWire = {
      target: 'connectwise',
      period: '2025-08',
      currency: 'EUR',
      total: '-3.00',
      rows: [
        {
          reason: 'unmapped',
          tenantId: 't-1',
          customerName: '@evil',
          offerKey: null,
          title: '=1+1',
          cost: '-3.00',
          fix: '+map it',
          action: 'map',
          runId: null,
        },
      ],
      months: [],
    };
    const back = parse(toCsv(leakageTable(l)), { bom: true }) as string[][];
    expect(back).toEqual([
      ['Customer', 'Tenant id', 'Not billed', 'Offer key', 'Reason', 'Microsoft cost', 'Fix'],
      ["'@evil", 't-1', "'=1+1", '', 'Customer not mapped', '-3.00', "'+map it"],
      ['Total', '', '', '', '', '-3.00', ''],
    ]);
  });

  it('negative money stays a number: decimal strings as written, JS numbers with 2 decimals', () => {
    const t: ExportTable = {
      title: 'Money',
      columns: [
        { key: 'a', header: 'A', type: 'money' },
        { key: 'b', header: 'B', type: 'money' },
        { key: 'p', header: 'P', type: 'percent' },
        { key: 'x', header: 'X', type: 'text' },
      ],
      rows: [{ a: '-12.50', b: -3, p: -7.5, x: -4 }],
    };
    const back = parse(toCsv(t), { bom: true }) as string[][];
    expect(back[1]).toEqual(['-12.50', '-3.00', '-7.5', '-4']);
  });
});

/** The cells of a worksheet's rows as values, row by row (1-based columns; empty cells null). */
function sheetValues(ws: ExcelJS.Worksheet, columns: number): unknown[][] {
  const out: unknown[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    out.push(Array.from({ length: columns }, (_, i) => row.getCell(i + 1).value ?? null));
  }
  return out;
}

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return wb;
}

describe('XLSX', () => {
  it('reads back cell by cell: one named sheet, bold frozen header, numbers for amounts, plain strings', async () => {
    const table = customersTable(month);
    const wb = await load(await toXlsx(table));
    expect(wb.worksheets).toHaveLength(1);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Reconciliation 2025-08 Autotask');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const n = table.columns.length;
    // The CSV's cells, with the amounts as numbers: both formats say the same.
    const expected = expectedCsvRows(month).map((row, r) =>
      row.map((cell, c) => {
        if (cell === '') return null;
        const type = table.columns[c]!.type;
        return r > 0 && (type !== 'text' || c === 3) ? Number(cell) : cell;
      }),
    );
    expect(sheetValues(ws, n)).toEqual(expected);
    for (let c = 1; c <= n; c++) expect(ws.getRow(1).getCell(c).font?.bold).toBe(true);
    for (let r = 2; r <= ws.rowCount; r++) {
      table.columns.forEach((col, i) => {
        const cell = ws.getRow(r).getCell(i + 1);
        expect(cell.formula).toBeUndefined();
        if (cell.value === null) return;
        if (col.type === 'money') {
          expect(cell.type).toBe(ExcelJS.ValueType.Number);
          expect(cell.numFmt).toBe('0.00');
        } else if (col.type === 'percent') {
          expect(cell.type).toBe(ExcelJS.ValueType.Number);
          expect(cell.numFmt).toBe('0.0');
        } else if (typeof cell.value === 'string') {
          expect(cell.type).toBe(ExcelJS.ValueType.String);
        }
      });
    }
    // Widths follow the content: the long contract name's column is wider than the offers count's.
    expect(ws.getColumn(3).width).toBeGreaterThan(ws.getColumn(4).width ?? 0);
  });

  it('writes dangerous text as escaped strings, never as formulas, and negative money as numbers', async () => {
    const t: ExportTable = {
      title: 'Escapes',
      columns: [
        { key: 't', header: 'Text', type: 'text' },
        { key: 'm', header: 'Money', type: 'money' },
      ],
      rows: ['=1+1', '+1', '-1', '@A1', '\tx', '\rx'].map((t, i) => ({ t, m: i % 2 ? -i : `-${i}.25` })),
    };
    const ws = (await load(await toXlsx(t))).worksheets[0]!;
    t.rows.forEach((row, i) => {
      const text = ws.getRow(i + 2).getCell(1);
      expect(text.type).toBe(ExcelJS.ValueType.String);
      expect(text.value).toBe(`'${row.t}`);
      const money = ws.getRow(i + 2).getCell(2);
      expect(money.type).toBe(ExcelJS.ValueType.Number);
      expect(money.value).toBe(Number(row.m));
    });
  });

  it('keeps control characters and literal _xHHHH_ text exactly', async () => {
    const texts = ['a\rb', 'bell\u0007', 'literal _x000D_ here', 'tab\tand\nnewline'];
    const t: ExportTable = {
      title: 'Text',
      columns: [{ key: 't', header: 'Text', type: 'text' }],
      rows: texts.map((t) => ({ t })),
    };
    const ws = (await load(await toXlsx(t))).worksheets[0]!;
    expect(texts.map((_, i) => ws.getRow(i + 2).getCell(1).value)).toEqual(texts);
  });

  it('writes days as dates and the offers of a customer with their total', async () => {
    const customer: ReconCustomerWire = {
      target: 'connectwise',
      period: '2025-08',
      periods: ['2025-08'],
      tenantId: 't-1',
      name: 'Contoso Dental',
      contractName: 'CSP',
      mapped: true,
      currency: 'EUR',
      totals: figures(),
      flags: [{ kind: 'price-change', text: 'New price from 15 Aug' }],
      offers: [
        {
          offerKey: 'CFQ7TTC0LH18:0001',
          title: 'Microsoft 365 Business Basic',
          kind: 'seats',
          productId: '42',
          seats: '10',
          units: '9.5',
          ...figures(),
          flags: [],
          lines: [],
        },
      ],
      computedAt: '2025-09-10T09:00:00.000Z',
    };
    const table = offersTable(customer);
    const ws = (await load(await toXlsx(table))).worksheets[0]!;
    expect(ws.name).toBe('Contoso Dental 2025-08');
    expect(sheetValues(ws, table.columns.length)).toEqual([
      [
        'Offer',
        'Offer key',
        'Kind',
        'Invoice seats',
        'PSA units',
        'Microsoft cost',
        'Expected retail',
        'PSA bills',
        'PSA cost',
        'Margin',
        'Margin %',
        'Difference',
        'Flags',
      ],
      [
        'Microsoft 365 Business Basic',
        'CFQ7TTC0LH18:0001',
        'Seats',
        10,
        9.5,
        100,
        120,
        118.5,
        100,
        18.5,
        15.6,
        -1.5,
        null,
      ],
      ['Total', null, null, null, null, 100, 120, 118.5, 100, 18.5, 15.6, -1.5, 'New price from 15 Aug'],
    ]);

    const dated: ExportTable = {
      title: 'Days',
      columns: [{ key: 'd', header: 'Day', type: 'date' }],
      rows: [{ d: '2025-08-15' }, { d: 'not a day' }],
    };
    const days = (await load(await toXlsx(dated))).worksheets[0]!;
    expect(days.getRow(2).getCell(1).value).toEqual(new Date('2025-08-15T00:00:00Z'));
    expect(days.getRow(2).getCell(1).numFmt).toBe('yyyy-mm-dd');
    expect(days.getRow(3).getCell(1).value).toBe('not a day');
  });

  it('names sheets and files within the rules', () => {
    expect(sheetName('Leakage: 2025/08 [draft]?')).toBe('Leakage 2025 08 draft');
    expect(sheetName('A very long customer name that goes on and on 2025-08')).toBe(
      'A very long customer name that',
    );
    expect(sheetName('Exactly thirty-one characters!! and more')).toBe('Exactly thirty-one characters!!');
    expect(sheetName("''")).toBe('Sheet1');
    expect(exportFileName({ title: 'Reconciliation 2025-08 Autotask', columns: [], rows: [] }, 'xlsx')).toBe(
      'reconciliation-2025-08-autotask.xlsx',
    );
  });
});
