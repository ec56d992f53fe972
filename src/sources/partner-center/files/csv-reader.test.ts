import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from './csv-reader';
import { FileParseError } from './file-error';

async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function rowsOf(text: string, size = 1 << 16): Promise<{ fields: string[]; line: number }[]> {
  const out: { fields: string[]; line: number }[] = [];
  for await (const batch of readCsv(pieces(text, size), 'test.csv')) {
    for (let r = 0; r < batch.rowCount; r++) out.push({ fields: batch.fields(r), line: batch.lines[r]! });
  }
  return out;
}

describe('readCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF, a BOM and skips blank lines', async () => {
    const text = '\uFEFFa,b,c\r\n"Fabrikam, Inc.","say ""hi""",\r\n\r\nx,,"z"\n';
    expect(await rowsOf(text)).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['Fabrikam, Inc.', 'say "hi"', ''], line: 2 },
      { fields: ['x', '', 'z'], line: 4 },
    ]);
  });

  it('keeps line numbers right across quoted fields that span lines, and reads a last line without newline', async () => {
    const rows = await rowsOf('h1,h2\n"two\nlines",1\nlast,2');
    expect(rows).toEqual([
      { fields: ['h1', 'h2'], line: 1 },
      { fields: ['two\nlines', '1'], line: 2 },
      { fields: ['last', '2'], line: 4 },
    ]);
  });

  it('gives the same records whatever the chunk boundaries (including inside multi-byte characters)', async () => {
    const field = fc.oneof(
      fc.constantFrom('', 'Contoso Café', 'a,b', 'say "x"', 'two\nlines', 'Zürich', '23.10'),
      fc.string({ maxLength: 6 }).filter((s) => !s.includes('\r')),
    );
    const quote = (s: string) => (/[",\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 17 }),
        async (rows, size) => {
          const text = rows.map((r) => r.map(quote).join(',')).join('\n');
          const whole = await rowsOf(text);
          const chunked = await rowsOf(text, size);
          expect(chunked).toEqual(whole);
          expect(whole.map((r) => r.fields)).toEqual(rows);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses an unterminated quoted field, naming the row it starts on', async () => {
    await expect(rowsOf('a,b\n1,2\n3,"open\n')).rejects.toThrow(FileParseError);
    await expect(rowsOf('a,b\n1,2\n3,"open\n')).rejects.toThrow(
      /test\.csv row 3: expected a closing double quote/,
    );
  });

  it('refuses text after a closing quote', async () => {
    await expect(rowsOf('a,b\n"x"y,2\n')).rejects.toThrow(
      /row 2: expected a comma or the end of the line after a closing double quote/,
    );
  });
});
