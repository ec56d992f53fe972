import { describe, expect, it } from 'vitest';
import { MAX_FIELD_CHARS, MAX_FIELDS, MAX_RECORD_CHARS, readCsv } from './csv-reader';
import { FileParseError } from './file-error';
import { parseReconFile } from './recon-file';
import { RECON_COLUMNS } from './recon-line';

/**
 * Oversized records are refused, naming the row, after reading little more than the limit: the reader's work and
 * memory stay bounded by the limits, whatever follows in the file. Inputs are generated lazily in 64 KiB chunks
 * (like a file stream) and the test counts how much of them the reader consumed; no timing is measured.
 */
function generated(head: string, filler: string, totalChars: number) {
  const consumed = { chars: 0 };
  const chunk = filler.repeat(Math.ceil((1 << 16) / filler.length));
  async function* input(): AsyncGenerator<string> {
    consumed.chars += head.length;
    yield head;
    while (consumed.chars < totalChars) {
      consumed.chars += chunk.length;
      yield chunk;
    }
  }
  return { input: input(), consumed };
}

async function drain(input: AsyncIterable<string>, file = 'big.csv'): Promise<number> {
  let rows = 0;
  for await (const batch of readCsv(input, file)) rows += batch.rowCount;
  return rows;
}

async function failure(p: Promise<unknown>): Promise<FileParseError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof FileParseError) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

const SIX_MB = 6_000_000;

describe('readCsv limits', () => {
  it('an unterminated line: refused at its row once it outgrows a field, without reading the rest', async () => {
    const { input, consumed } = generated('a,b\n1,2\n3,', 'x', SIX_MB);
    const error = await failure(drain(input));
    expect(error.row).toBe(3);
    expect(error.message).toMatch(/^big\.csv row 3: expected a value of at most 100,000 characters/);
    expect(consumed.chars).toBeLessThan(3 * MAX_RECORD_CHARS);
  });

  it('a line with many short fields and no line end: refused as a row longer than the record limit', async () => {
    const { input, consumed } = generated('a,b\n1,2\n', 'abcdefghi,', SIX_MB);
    const error = await failure(drain(input));
    expect(error.message).toMatch(
      /^big\.csv row 3: expected a row of at most (1,000,000 characters|1,000 fields)/,
    );
    expect(consumed.chars).toBeLessThan(3 * MAX_RECORD_CHARS);
  });

  it('an unclosed double quote: refused at the row it opens on, without reading the rest', async () => {
    // Line ends and commas inside the open quote: everything after it would be one endless quoted field.
    const { input, consumed } = generated('a,b\n1,2\n3,"open\n', 'x,y\n', SIX_MB);
    const error = await failure(drain(input));
    expect(error.row).toBe(3);
    expect(error.message).toMatch(/^big\.csv row 3: expected a value of at most 100,000 characters/);
    expect(error.message).toMatch(/double quote/);
    expect(consumed.chars).toBeLessThan(3 * MAX_RECORD_CHARS);
  });

  it('a complete row with one oversized field, or too many fields, in a single chunk', async () => {
    const long = `a,b\n1,2\n3,${'y'.repeat(MAX_FIELD_CHARS + 1)}\n4,5\n`;
    const error = await failure(
      drain(
        (async function* () {
          yield long;
        })(),
      ),
    );
    expect(error.message).toMatch(
      /^big\.csv row 3: expected a value of at most 100,000 characters \(field 2/,
    );
    const wide = `a,b\n1,2\n${'z,'.repeat(MAX_FIELDS)}z\n`;
    const tooWide = await failure(
      drain(
        (async function* () {
          yield wide;
        })(),
      ),
    );
    expect(tooWide.message).toMatch(/^big\.csv row 3: expected a row of at most 1,000 fields/);
  });

  it('a record exactly at the limits is read', async () => {
    const field = 'q'.repeat(MAX_FIELD_CHARS);
    const rows = await drain(
      (async function* () {
        yield `a,b\n"${field}",${field}\n`;
      })(),
    );
    expect(rows).toBe(2);
  });

  it('the import names the file and the row of an oversized record', async () => {
    const header = `${RECON_COLUMNS.map((c) => c.name).join(',')}\n`;
    const { input } = generated(header, '1', SIX_MB);
    const lines = parseReconFile(input, 'invoice.csv');
    await expect(lines.next()).rejects.toThrow(/^invoice\.csv row 2: expected a value of at most/);
  });
});
