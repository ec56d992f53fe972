import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field: quoted (with doubled quotes) when it holds a comma, quote, line break or edge spaces. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (CRLF, as Microsoft's downloads end their lines). */
export function csvLine(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A record as a CSV line in the order of `columns`; absent columns are empty cells. */
export function csvRecord<C extends string>(
  columns: readonly C[],
  record: Partial<Record<C, string>>,
): string {
  return csvLine(columns.map((c) => record[c] ?? ''));
}

/** Writes lines to a file with backpressure (for the 100k-line benchmark file); a write error rejects. */
export async function writeLines(
  path: string,
  lines: Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  await pipeline(Readable.from(lines, { objectMode: false }), createWriteStream(path));
}
