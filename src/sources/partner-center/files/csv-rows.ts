import { type CsvBatch, readCsv } from './csv-reader';
import { FileParseError } from './file-error';

/** Turns one data row (row `row` of `batch`) into a record, or skips it (undefined). */
export type RowMapper<T> = (batch: CsvBatch, row: number) => T | undefined;

const noHeader = (file: string) =>
  new FileParseError({
    file,
    row: 1,
    column: undefined,
    value: undefined,
    expected: 'a header row (the file is empty)',
  });

/**
 * Streams a CSV file through a row mapper built from its header row, one array of records per chunk of the file
 * (a few hundred rows: consumers iterate arrays instead of awaiting every row). An empty file is an error (a
 * header is expected on row 1); a file with a header and no rows yields nothing.
 */
export async function* mapCsvBatches<T>(
  input: AsyncIterable<string | Uint8Array>,
  file: string,
  start: (header: readonly string[]) => RowMapper<T>,
): AsyncGenerator<T[]> {
  let mapper: RowMapper<T> | undefined;
  for await (const batch of readCsv(input, file)) {
    const out: T[] = [];
    for (let r = 0; r < batch.rowCount; r++) {
      if (mapper === undefined) {
        mapper = start(batch.fields(r));
        continue;
      }
      const value = mapper(batch, r);
      if (value !== undefined) out.push(value);
    }
    if (out.length > 0) yield out;
  }
  if (mapper === undefined) throw noHeader(file);
}

/** `mapCsvBatches`, one record at a time. */
export async function* mapCsvRows<T>(
  input: AsyncIterable<string | Uint8Array>,
  file: string,
  start: (header: readonly string[]) => RowMapper<T>,
): AsyncGenerator<T> {
  for await (const batch of mapCsvBatches(input, file, start)) yield* batch;
}

/** The header row alone (for telling file kinds apart), reading no further than the first record. */
export async function readHeader(input: AsyncIterable<string | Uint8Array>, file: string): Promise<string[]> {
  for await (const batch of readCsv(input, file)) {
    if (batch.rowCount > 0) return batch.fields(0);
  }
  throw noHeader(file);
}
