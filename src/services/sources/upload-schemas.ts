import { z } from 'zod';
import { tryParseBillingPeriod } from '../../core/time/billing-period';
import { tryParsePlainDate } from '../../core/time/plain-date';

/**
 * The API contract of the Sources page (issue 13: upload the Microsoft CSP files in the browser, and the import
 * history), in one place: the server validates and documents its source routes with these schemas, and the web
 * app takes its wire types from them (type-only imports). Keep this file pure zod (and pure core helpers): no
 * database or server code, so the web project can import it.
 */

/** The Microsoft files billsync reads, told apart by their header. */
export const SourceFileKindSchema = z.enum(['price_list', 'recon', 'azure_usage']);

/** `POST /api/sources/uploads` query: the CLI's `--period` / `--issued`, for the invoice files of the request. */
export const UploadQuery = z.object({
  period: z
    .string()
    .refine((s) => tryParseBillingPeriod(s) !== undefined, 'a billing period is written YYYY-MM')
    .optional()
    .describe("the invoice's billing period (YYYY-MM), when the inference from the charge dates cannot tell"),
  issued: z
    .string()
    .refine((s) => tryParsePlainDate(s) !== undefined, 'a date is written YYYY-MM-DD (a UTC calendar date)')
    .optional()
    .describe(
      "the invoice's issue date (YYYY-MM-DD); default: from Partner Center, else the 7th of the next month",
    ),
  replace: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .describe(
      'the invoice file is a corrected invoice that replaces the stored one even where it leaves customers out',
    ),
});

const Counts = z.object({ created: z.number(), updated: z.number(), unchanged: z.number() });

/** What is wrong with a file: where (row, column), the value found and what was expected there. */
export const FileProblemOut = z.object({
  code: z
    .enum(['bad_file', 'too_large', 'import_failed', 'drops_customers'])
    .describe(
      'bad_file: fix the file (row and column named); too_large: over BILLSYNC_UPLOAD_MAX_MB; drops_customers: ' +
        'an invoice stored before has customers this file has no line for (one part of a split export?): join ' +
        'the parts, or upload it again with replace=1 if it is a corrected invoice that drops them',
    ),
  message: z.string(),
  row: z.number().nullable().describe('the 1-based line of the file (the header is row 1)'),
  column: z.string().nullable(),
  value: z.string().nullable(),
  expected: z.string().nullable(),
});

/** What an invoice file did to its invoice, and how its dates were settled. */
export const InvoiceImportOut = z.object({
  invoiceId: z.string(),
  status: z
    .enum(['created', 'replaced', 'unchanged'])
    .describe('replaced: a corrected re-issue; the stored lines were replaced'),
  previousLineCount: z.number().describe('the rows stored before (replaced by a corrected re-issue)'),
  billingPeriod: z.string(),
  issueDate: z.string(),
  datesFrom: z.enum(['source', 'inferred', 'user']),
  basis: z.array(z.string()).describe('one sentence per date: where it came from'),
  customers: Counts,
});

const FileOut = {
  file: z.string().describe('the file name as uploaded'),
  bytes: z.number(),
  message: z.string().describe('the outcome in words'),
};

export const StoredFileOut = z.object({
  ...FileOut,
  outcome: z.literal('stored'),
  kind: SourceFileKindSchema,
  rows: z.number(),
  ...Counts.shape,
  invoice: InvoiceImportOut.nullable().describe('null for a price list'),
  skippedRows: z.number().describe('price list rows left out on purpose (higher bands of tiered offers)'),
  warnings: z.array(z.string()),
});

export const FailedFileOut = z.object({
  ...FileOut,
  outcome: z.literal('failed').describe('nothing from this file was stored'),
  kind: SourceFileKindSchema.nullable(),
  error: FileProblemOut,
});

export const UploadedFileOut = z.discriminatedUnion('outcome', [StoredFileOut, FailedFileOut]);

/** `POST /api/sources/uploads`: one answer per file, in the order they were sent. */
export const UploadOut = z.object({ files: z.array(UploadedFileOut) });

/** `GET /api/sources/upload-limits`. */
export const UploadLimitsOut = z.object({
  maxFileBytes: z.number().describe('BILLSYNC_UPLOAD_MAX_MB in bytes'),
  maxFiles: z.number().describe('files per request'),
});

/** One import, stored or failed. */
export const ImportHistoryEntryOut = z.object({
  id: z.string(),
  at: z.string(),
  by: z
    .object({ userId: z.string(), email: z.string() })
    .nullable()
    .describe('who uploaded it; null: imported with the command line'),
  fileName: z.string(),
  kind: SourceFileKindSchema.nullable(),
  outcome: z.enum(['stored', 'failed']),
  invoiceId: z.string().nullable(),
  billingPeriod: z.string().nullable(),
  status: z.enum(['created', 'replaced', 'unchanged']).nullable(),
  rows: z.number().nullable(),
  counts: Counts.nullable(),
  error: FileProblemOut.nullable(),
});

/** `GET /api/sources/imports`. */
export const ImportHistoryOut = z.object({
  items: z.array(ImportHistoryEntryOut),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
});

/** Wire types (what the API sends and takes), for the web app. */
export type SourceFileKindWire = z.infer<typeof SourceFileKindSchema>;
export type FileProblemWire = z.infer<typeof FileProblemOut>;
export type InvoiceImportWire = z.infer<typeof InvoiceImportOut>;
export type UploadedFileWire = z.infer<typeof UploadedFileOut>;
export type UploadWire = z.infer<typeof UploadOut>;
export type UploadLimitsWire = z.infer<typeof UploadLimitsOut>;
export type ImportHistoryEntryWire = z.infer<typeof ImportHistoryEntryOut>;
export type ImportHistoryWire = z.infer<typeof ImportHistoryOut>;
export type UploadQueryWire = z.input<typeof UploadQuery>;
