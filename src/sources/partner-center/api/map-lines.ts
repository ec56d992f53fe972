import { IntegrationError } from '../../../core/integration-error';
import type { AzureUsageLine, InvoiceLine } from '../../../core/model/source';
import { CsvBatch } from '../files/csv-reader';
import { FileParseError } from '../files/file-error';
import { reconLineFromRecord } from '../files/recon-line';
import { usageCursor, usageLineFromRow } from '../files/usage-file';
import { VENDOR } from './error-mapper';

/**
 * .NET writes an unset DateTime as `0001-01-01T00:00:00`; it means "no date", like an empty cell in the file.
 * [UNVERIFIED for Partner Center line items; harmless when it never occurs.]
 */
const UNSET_DATE = /^0001-01-01T/;

/** A line-item record (lossless: numbers as their text) with unset dates as null and nested values as JSON text. */
export function cleanWireRecord(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k === 'attributes' || k === 'links') continue;
    out[k] = typeof v === 'string' && UNSET_DATE.test(v) ? null : v;
  }
  return out;
}

function asIntegrationError(error: unknown, source: string): never {
  if (error instanceof FileParseError) {
    throw new IntegrationError({
      kind: 'protocol',
      vendor: VENDOR,
      message: `${source}: Partner Center sent a line item billsync cannot read: ${error.message}`,
      vendorMessages: [error.expected],
    });
  }
  throw error;
}

/**
 * A `OneTimeInvoiceLineItem` as an InvoiceLine, by the very normalization of the recon file (part A's
 * `reconLineFromRecord`: the JSON names are the CSV columns in camelCase, matched case-insensitively), so the API
 * and the file give identical records: sign from Subtotal, inclusive ChargeEndDate made half-open, `org:`
 * stripped and tenant ids lower-cased, ChargeType lower-cased.
 */
export function invoiceLineFromWire(
  record: Readonly<Record<string, unknown>>,
  lineNumber: number,
  source: string,
): InvoiceLine {
  try {
    return reconLineFromRecord(cleanWireRecord(record), lineNumber, source);
  } catch (error) {
    return asIntegrationError(error, source);
  }
}

/** JSON record -> the header and the fields of one "row", the way the file parsers see a CSV line. */
function asRow(record: Readonly<Record<string, unknown>>): { header: string[]; fields: string[] } {
  const header = Object.keys(record);
  const fields = header.map((k) => {
    const v = record[k];
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  return { header, fields };
}

/**
 * A `DailyRatedUsageLineItem` as an AzureUsageLine, through the usage file's normalization. The JSON names are the
 * CSV columns in camelCase except `unitOfMeasure` (CSV `Unit`), `resellerMpnId` (`Tier2MpnId`) and the credit
 * rates, none of which normalization reads.
 */
export function usageLineFromWire(
  record: Readonly<Record<string, unknown>>,
  lineNumber: number,
  source: string,
): AzureUsageLine {
  try {
    const { header, fields } = asRow(cleanWireRecord(record));
    return usageLineFromRow(usageCursor(header, source).at(CsvBatch.of([fields], lineNumber), 0), lineNumber);
  } catch (error) {
    return asIntegrationError(error, source);
  }
}
