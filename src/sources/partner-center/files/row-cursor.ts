import type { Decimal } from '../../../core/money';
import type { ColumnIndex } from './columns';
import { CsvBatch } from './csv-reader';
import { DATE_EXPECTED, type FileDateTime, parseFileDate } from './dates';
import { FileParseError } from './file-error';
import { TextCache } from './text-cache';
import { AMOUNT_BOUNDS, boundedDecimal, type DecimalBounds } from './value-bounds';

export const DECIMAL_EXPECTED =
  'a decimal number such as 23.10 or -193.70 (no thousands separators, no exponent)';
export const CURRENCY_EXPECTED = 'a three-letter ISO currency code such as USD';
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Typed, checked reads of one CSV row. One cursor per file is moved from row to row (`at`), so parsing a
 * 100k-row file allocates no reader per row. Every failed read throws a FileParseError naming the file, the
 * row, the column as the header spells it, the value and what was expected.
 * Dates, decimals and other values repeat a lot within a file (a few hundred distinct charge dates and prices in
 * 100k rows), so parsed values are cached per text: they are immutable (big.js values, strings).
 */
export class RowCursor<N extends string> {
  private batch: CsvBatch | undefined;
  private index = 0;
  /** Line of the file the current row starts on (header = 1). */
  row = 0;
  /** Per column: consecutive rows often repeat a column's value, which the cache's last-key check catches. */
  private readonly dates: (TextCache<FileDateTime | undefined> | undefined)[] = [];
  /** Parsed decimals per column, or what was expected instead (values are checked once per distinct text). */
  private readonly decimals: (DecimalSlot | undefined)[] = [];
  private readonly memos = new Map<string, TextCache<unknown>>();

  constructor(
    readonly file: string,
    private readonly columns: ColumnIndex<N>,
    private readonly labels: Record<N, string>,
    private readonly width: number,
  ) {}

  /**
   * Moves to a row: row `index` of a batch, or a row given as its fields and its line number. A row with another
   * number of fields than the header is refused.
   */
  at(source: CsvBatch | readonly string[], indexOrLine: number): this {
    const batch = source instanceof CsvBatch ? source : CsvBatch.of([source], indexOrLine);
    const index = source instanceof CsvBatch ? indexOrLine : 0;
    this.batch = batch;
    this.index = index;
    this.row = batch.lines[index] ?? 0;
    const count = batch.fieldCount(index);
    if (count !== this.width) {
      throw new FileParseError({
        file: this.file,
        row: this.row,
        column: undefined,
        value: undefined,
        expected: `${this.width} fields like the header, found ${count}`,
      });
    }
    return this;
  }

  has(col: N): boolean {
    return this.columns[col] !== undefined;
  }

  /** The trimmed text of a column; '' for an absent optional column. */
  text(col: N): string {
    const pos = this.columns[col];
    return pos === undefined || this.batch === undefined ? '' : this.batch.field(this.index, pos).trim();
  }

  /** The trimmed text, which must not be empty. */
  required(col: N, expected: string): string {
    const v = this.text(col);
    if (v === '') this.fail(col, expected, v);
    return v;
  }

  /** An amount (price, subtotal, cost): a decimal within AMOUNT_BOUNDS (value-bounds.ts). */
  decimal(col: N): Decimal {
    return this.bounded(col, AMOUNT_BOUNDS);
  }

  /** A decimal within the given bounds (a quantity's, see value-bounds.ts). */
  bounded(col: N, bounds: DecimalBounds): Decimal {
    const v = this.text(col);
    const pos = (this.columns[col] ?? -1) + 1;
    let slot = this.decimals[pos];
    if (slot?.bounds !== bounds) {
      slot = decimalSlot(bounds);
      this.decimals[pos] = slot;
    }
    const value = slot.cache.get(v, slot.parse);
    return typeof value === 'string' ? this.fail(col, value, v) : value;
  }

  /** undefined when the cell is empty (or the column absent). */
  optionalDecimal(col: N): Decimal | undefined {
    return this.text(col) === '' ? undefined : this.decimal(col);
  }

  date(col: N): FileDateTime {
    const v = this.text(col);
    const pos = (this.columns[col] ?? -1) + 1;
    let cache = this.dates[pos];
    if (cache === undefined) {
      cache = new TextCache();
      this.dates[pos] = cache;
    }
    return cache.get(v, parseFileDate) ?? this.fail(col, DATE_EXPECTED, v);
  }

  optionalDate(col: N): FileDateTime | undefined {
    return this.text(col) === '' ? undefined : this.date(col);
  }

  currency(col: N): string {
    const raw = this.text(col);
    return this.memo('currency', raw, currencyCode) ?? this.fail(col, CURRENCY_EXPECTED, raw);
  }

  /**
   * A value derived from a text, computed once per distinct text within its `kind` (e.g. a tenant id). On the
   * hot path pass a function defined once (not an arrow per row): it gets the text.
   */
  memo<T>(kind: string, key: string, compute: (key: string) => T): T {
    return this.cacheOf<T>(kind).get(key, compute);
  }

  /** Like `memo`, for a value derived from two texts (e.g. a date range from its two ends). */
  memo2<T>(kind: string, key: string, key2: string, compute: (key: string, key2: string) => T): T {
    return this.cacheOf<TextCache<T>>(kind).get(key, newTextCache).getWith(key2, key, compute);
  }

  private cacheOf<T>(kind: string): TextCache<T> {
    let cache = this.memos.get(kind);
    if (cache === undefined) {
      cache = new TextCache();
      this.memos.set(kind, cache);
    }
    return cache as TextCache<T>;
  }

  fail(col: N, expected: string, value: string | undefined = this.text(col)): never {
    throw new FileParseError({ file: this.file, row: this.row, column: this.labels[col], value, expected });
  }
}

interface DecimalSlot {
  bounds: DecimalBounds;
  cache: TextCache<Decimal | string>;
  parse: (text: string) => Decimal | string;
}

function decimalSlot(bounds: DecimalBounds): DecimalSlot {
  return { bounds, cache: new TextCache(), parse: (t) => boundedDecimal(t, bounds, DECIMAL_EXPECTED) };
}

function currencyCode(raw: string): string | undefined {
  const upper = raw.toUpperCase();
  return CURRENCY.test(upper) ? upper : undefined;
}

const newTextCache = <T>() => new TextCache<T>();
