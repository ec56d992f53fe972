import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { TargetKind } from '../../db/repos/sync';
import { CONTRACT_WORDS, TARGET_LABEL } from '../sync/psa';
import { LEAKAGE_REASON } from './leakage-words';
import type {
  LeakageWire,
  ReconCustomerWire,
  ReconFiguresWire,
  ReconFlagWire,
  ReconMonthWire,
} from './reconciliation-schemas';

/**
 * Reconciliation tables as files an MSP opens in Excel (issue 17): CSV and XLSX from one small table model, and
 * the tables of the month page, a customer's offers and the leakage built from their wire objects.
 *
 * Formula injection: customer names, offer titles and flag texts come from Partner Center and the PSA, so a text
 * cell starting with = + - @ (or a tab / carriage return) would run as a formula when the file is opened. Such a
 * cell gets a leading `'` in both formats (in XLSX too: the cell is a plain string anyway, but a sheet re-saved as
 * CSV must stay safe). Numbers are written as numbers and never escaped: a negative amount stays a number.
 */

export type ColumnType = 'text' | 'money' | 'percent' | 'date';

export interface ExportColumn {
  key: string;
  header: string;
  type: ColumnType;
}

export type ExportCell = string | number | null;

export interface ExportTable {
  /** The sheet's name (XLSX) and the file name's stem. */
  title: string;
  columns: ExportColumn[];
  rows: Record<string, ExportCell>[];
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const DANGEROUS_START = /^[=+\-@\t\r]/;

/** A text cell that a spreadsheet would read as a formula, made inert with a leading quote. */
export function escapeFormula(text: string): string {
  return DANGEROUS_START.test(text) ? `'${text}` : text;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** How a cell is written: a number (money, percent, counts), a day, or text (escaped). */
type Written =
  | { kind: 'number'; value: number; text: string }
  | { kind: 'day'; text: string }
  | { kind: 'text'; text: string }
  | null;

function written(column: ExportColumn, value: ExportCell | undefined): Written {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { kind: 'text', text: String(value) };
    const text = column.type === 'money' ? value.toFixed(2) : String(value);
    return { kind: 'number', value, text };
  }
  // Money arrives as decimal strings ("-12.50"): a number, kept as written in the CSV (no float noise).
  if ((column.type === 'money' || column.type === 'percent') && DECIMAL.test(value)) {
    return { kind: 'number', value: Number(value), text: value };
  }
  if (column.type === 'date' && DAY.test(value)) return { kind: 'day', text: value };
  return { kind: 'text', text: escapeFormula(value) };
}

/** The table as CSV: UTF-8 with a byte order mark (Excel reads it as UTF-8 then), CRLF line ends, a header row. */
export function toCsv(table: ExportTable): string {
  const records = [
    table.columns.map((c) => escapeFormula(c.header)),
    ...table.rows.map((row) => table.columns.map((c) => written(c, row[c.key])?.text ?? '')),
  ];
  return stringify(records, { bom: true, record_delimiter: 'windows' });
}

const FORMATS: Partial<Record<ColumnType, string>> = { money: '0.00', percent: '0.0', date: 'yyyy-mm-dd' };

/**
 * Text as an XLSX string cell holds it (OOXML ST_Xstring): control characters as `_xHHHH_` escapes (XML would
 * turn a carriage return into a line feed, and most others make the file unreadable), and a literal `_xHHHH_`
 * protected as `_x005F_xHHHH_`, so Excel and readers show exactly the text.
 */
function xlsxText(text: string): string {
  return text.replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1').replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
    /[\u0000-\u0008\u000B-\u001F]/g,
    (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`,
  );
}

/** Excel's rules for a sheet name: at most 31 characters, none of : \ / ? * [ ], no quote at either end. */
export function sheetName(title: string): string {
  const name = title
    .replace(/[:\\/?*[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 31)
    .replace(/^'+|'+$/g, '')
    .trim();
  return name || 'Sheet1';
}

/** Column widths in characters: the longest cell, within reason. */
function widthOf(table: ExportTable, column: ExportColumn): number {
  const longest = Math.max(
    column.header.length,
    ...table.rows.map((r) => written(column, r[column.key])?.text.length ?? 0),
  );
  return Math.min(60, Math.max(8, longest + 2));
}

/**
 * The table as an XLSX workbook: one worksheet named from the title, a bold header row kept in view (frozen),
 * money as numbers formatted 0.00, percentages as numbers formatted 0.0, days as dates, text as plain strings
 * (never formulas), columns as wide as their content.
 */
export async function toXlsx(table: ExportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'billsync';
  const sheet = workbook.addWorksheet(sheetName(table.title), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = table.columns.map((c) => ({ key: c.key, width: widthOf(table, c) }));
  const header = sheet.getRow(1);
  table.columns.forEach((c, i) => {
    header.getCell(i + 1).value = xlsxText(escapeFormula(c.header));
  });
  header.font = { bold: true };
  table.rows.forEach((row, r) => {
    const line = sheet.getRow(r + 2);
    table.columns.forEach((c, i) => {
      const w = written(c, row[c.key]);
      if (!w) return;
      const cell = line.getCell(i + 1);
      if (w.kind === 'number') {
        cell.value = w.value;
        const format = FORMATS[c.type];
        if (format) cell.numFmt = format;
      } else if (w.kind === 'day') {
        // Excel dates have no time zone: midnight UTC is the day itself.
        cell.value = new Date(`${w.text}T00:00:00Z`);
        cell.numFmt = FORMATS.date!;
      } else {
        cell.value = xlsxText(w.text);
      }
    });
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A file name for the table: its title in safe characters and the extension. */
export function exportFileName(table: ExportTable, ext: 'csv' | 'xlsx'): string {
  const stem = table.title
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return `${stem || 'billsync'}.${ext}`;
}

// The tables of the reconciliation pages, with the columns the UI shows.

const figureColumns: ExportColumn[] = [
  { key: 'cost', header: 'Microsoft cost', type: 'money' },
  { key: 'expected', header: 'Expected retail', type: 'money' },
  { key: 'billed', header: 'PSA bills', type: 'money' },
  { key: 'billedCost', header: 'PSA cost', type: 'money' },
  { key: 'margin', header: 'Margin', type: 'money' },
  { key: 'marginPercent', header: 'Margin %', type: 'percent' },
  { key: 'difference', header: 'Difference', type: 'money' },
];

const figuresOf = (f: ReconFiguresWire): Record<string, ExportCell> => ({
  cost: f.cost,
  expected: f.expected,
  billed: f.billed,
  billedCost: f.billedCost,
  margin: f.margin,
  marginPercent: f.marginPercent,
  difference: f.difference,
});

const flagsText = (flags: readonly ReconFlagWire[]) => flags.map((f) => f.text).join('; ') || null;

/** A decimal string as a number (seats, units); other text as it is. */
const quantity = (v: string | null): ExportCell => (v !== null && DECIMAL.test(v) ? Number(v) : v);

const targetWords = (target: TargetKind) => TARGET_LABEL[target];

/** The month page: one row per customer, then the total. */
export function customersTable(m: ReconMonthWire): ExportTable {
  const contract = CONTRACT_WORDS[m.target].title;
  return {
    title: `Reconciliation ${m.period ?? ''} ${targetWords(m.target)}`.replace(/\s+/g, ' ').trim(),
    columns: [
      { key: 'name', header: 'Customer', type: 'text' },
      { key: 'tenantId', header: 'Tenant id', type: 'text' },
      { key: 'contractName', header: contract, type: 'text' },
      { key: 'offers', header: 'Offers', type: 'text' },
      ...figureColumns,
      { key: 'flags', header: 'Flags', type: 'text' },
    ],
    rows: [
      ...m.customers.map((c) => ({
        name: c.name,
        tenantId: c.tenantId,
        contractName: c.contractName,
        offers: c.offers,
        ...figuresOf(c),
        flags: flagsText(c.flags),
      })),
      {
        name: 'Total',
        tenantId: null,
        contractName: null,
        offers: null,
        ...figuresOf(m.totals),
        flags: null,
      },
    ],
  };
}

const KIND: Record<ReconCustomerWire['offers'][number]['kind'], string> = {
  seats: 'Seats',
  azure: 'Azure',
  annual: 'Annual',
  problem: 'Problem',
};

/** A customer's offers in the period, then the customer's total. */
export function offersTable(c: ReconCustomerWire): ExportTable {
  return {
    title: `${c.name} ${c.period ?? ''}`.trim(),
    columns: [
      { key: 'title', header: 'Offer', type: 'text' },
      { key: 'offerKey', header: 'Offer key', type: 'text' },
      { key: 'kind', header: 'Kind', type: 'text' },
      { key: 'seats', header: 'Invoice seats', type: 'text' },
      { key: 'units', header: 'PSA units', type: 'text' },
      ...figureColumns,
      { key: 'flags', header: 'Flags', type: 'text' },
    ],
    rows: [
      ...c.offers.map((o) => ({
        title: o.title,
        offerKey: o.offerKey,
        kind: KIND[o.kind],
        seats: quantity(o.seats),
        units: quantity(o.units),
        ...figuresOf(o),
        flags: flagsText(o.flags),
      })),
      {
        title: 'Total',
        offerKey: null,
        kind: null,
        seats: null,
        units: null,
        ...figuresOf(c.totals),
        flags: flagsText(c.flags),
      },
    ],
  };
}

/** Microsoft charges nobody is billed for, then the total. */
export function leakageTable(l: LeakageWire): ExportTable {
  return {
    title: `Leakage ${l.period ?? ''} ${targetWords(l.target)}`.replace(/\s+/g, ' ').trim(),
    columns: [
      { key: 'customerName', header: 'Customer', type: 'text' },
      { key: 'tenantId', header: 'Tenant id', type: 'text' },
      { key: 'title', header: 'Not billed', type: 'text' },
      { key: 'offerKey', header: 'Offer key', type: 'text' },
      { key: 'reason', header: 'Reason', type: 'text' },
      { key: 'cost', header: 'Microsoft cost', type: 'money' },
      { key: 'fix', header: 'Fix', type: 'text' },
    ],
    rows: [
      ...l.rows.map((r) => ({
        customerName: r.customerName,
        tenantId: r.tenantId,
        title: r.title,
        offerKey: r.offerKey,
        reason: LEAKAGE_REASON[r.reason],
        cost: r.cost,
        fix: r.fix,
      })),
      {
        customerName: 'Total',
        tenantId: null,
        title: null,
        offerKey: null,
        reason: null,
        cost: l.total,
        fix: null,
      },
    ],
  };
}
