import { createReadStream, statSync } from 'node:fs';
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

/** The kind of a Microsoft CSV file, from its header (an unknown header is an error on row 1). */
export async function fileKindOf(path: string, file: string): Promise<PartnerCenterFileKind> {
  const header = await readHeader(
    createReadStream(path, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>,
    file,
  );
  const kind = detectFileKind(header);
  if (!kind) {
    throw new FileParseError({
      file,
      row: 1,
      column: undefined,
      value: undefined,
      expected:
        'the header of a Microsoft recon file (ChargeStartDate, Subtotal, ...), Azure daily usage file (UsageDate, BillingPreTaxTotal, ...) or price list (EffectiveStartDate, BillingPlan, ...)',
    });
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
