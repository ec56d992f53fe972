import type { InvoiceLine } from '../../../core/model/source';
import { mapCsvBatches } from './csv-rows';
import { reconCursor, reconLineFromRow } from './recon-line';

/**
 * Streams the normalized lines of an NCE billed invoice reconciliation CSV (one invoice per file), an array per
 * chunk of the file (a few hundred lines; see `parseReconFile` for one line at a time). Besides each
 * row's own checks, every row must name the same InvoiceNumber and Currency as the first one: a file mixing
 * invoices is refused at the first row that differs.
 */
export async function* parseReconBatches(
  input: AsyncIterable<string | Uint8Array>,
  file: string,
): AsyncGenerator<InvoiceLine[]> {
  yield* mapCsvBatches(input, file, (header) => {
    const cursor = reconCursor(header, file);
    let lineNumber = 0;
    let invoiceId: string | undefined;
    let currency: string | undefined;
    return (batch, row) => {
      lineNumber += 1;
      const result = reconLineFromRow(cursor.at(batch, row), lineNumber);
      invoiceId ??= result.invoiceId;
      currency ??= result.subtotal.currency;
      if (result.invoiceId !== invoiceId) {
        cursor.fail(
          'InvoiceNumber',
          `the same invoice number on every row (${invoiceId} on the first row): one file per invoice`,
        );
      }
      if (result.subtotal.currency !== currency) {
        cursor.fail(
          'Currency',
          `the same currency on every row (${currency} on the first row): Microsoft issues one invoice per currency`,
        );
      }
      return result;
    };
  });
}

/** `parseReconBatches`, one line at a time. */
export async function* parseReconFile(
  input: AsyncIterable<string | Uint8Array>,
  file: string,
): AsyncGenerator<InvoiceLine> {
  for await (const batch of parseReconBatches(input, file)) yield* batch;
}
