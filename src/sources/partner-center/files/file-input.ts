import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { readHeader } from './csv-rows';
import { detectFileKind, FILE_KIND_NAMES, type PartnerCenterFileKind } from './detect';
import { FileParseError } from './file-error';

/** The file's bytes, reporting progress as they are read. */
export async function* readWithProgress(
  path: string,
  rows: () => number,
  onProgress: ((p: { bytesRead: number; totalBytes: number; rows: number }) => void) | undefined,
): AsyncGenerator<Buffer> {
  const totalBytes = statSync(path).size;
  let bytesRead = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    bytesRead += (chunk as Buffer).length;
    yield chunk as Buffer;
    onProgress?.({ bytesRead, totalBytes, rows: rows() });
  }
}

const HEADERS =
  'the header of a Microsoft recon file (ChargeStartDate, Subtotal, ...), Azure daily usage file (UsageDate, BillingPreTaxTotal, ...) or price list (EffectiveStartDate, BillingPlan, ...)';

/** The first bytes of a file (to tell a workbook or another binary file from a CSV). */
function headBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * The kind of a Microsoft CSV file, from its header (an unknown header is an error on row 1). A file that is not
 * CSV text (an Excel workbook is a zip; another binary file has NUL bytes) or that a European Excel saved again with
 * semicolons or tabs is refused saying so and what to do.
 */
export async function fileKindOf(path: string, file: string): Promise<PartnerCenterFileKind> {
  const head = headBytes(path);
  const refuse = (expected: string) =>
    new FileParseError({ file, row: 1, column: undefined, value: undefined, expected });
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) || head.includes(0)) {
    throw refuse(
      `${HEADERS}; this is not a CSV text file (an Excel workbook or another binary file): import the CSV file as Partner Center downloads it, or open it in Excel and save it as "CSV UTF-8 (Comma delimited)"`,
    );
  }
  const header = await readHeader(
    createReadStream(path, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>,
    file,
  );
  const kind = detectFileKind(header);
  if (!kind) {
    const separator = header.length === 1 ? [';', '\t'].find((c) => header[0]!.includes(c)) : undefined;
    throw refuse(
      separator === undefined
        ? HEADERS
        : `${HEADERS} separated by commas; this file is separated by ${separator === ';' ? 'semicolons' : 'tabs'} (a spreadsheet saved it again in another format): import the file as Partner Center downloads it, or save it as "CSV UTF-8 (Comma delimited)" with a comma separator`,
    );
  }
  return kind;
}

/** The error for a file given to the other import command. */
export function wrongKind(
  file: string,
  found: PartnerCenterFileKind,
  wanted: string,
  command: string,
): FileParseError {
  return new FileParseError({
    file,
    row: 1,
    column: undefined,
    value: undefined,
    expected: `${wanted}, but the header is the one of an ${FILE_KIND_NAMES[found]}: use \`billsync ${command}\``,
  });
}

/** The first item of a stream and the stream again from that item (to learn the invoice id before storing). */
export async function peek<T>(
  items: AsyncGenerator<T>,
): Promise<{ first: T; all: AsyncGenerator<T> } | undefined> {
  const head = await items.next();
  if (head.done) return undefined;
  const all = (async function* () {
    yield head.value;
    yield* items;
  })();
  return { first: head.value, all };
}
