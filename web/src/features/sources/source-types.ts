/** Wire types of the Sources page: the server's schemas are the one contract (type-only: no zod in the bundle). */

import type {
  FileProblemWire,
  ImportHistoryEntryWire,
  ImportHistoryWire,
  InvoiceImportWire,
  SourceFileKindWire,
  UploadedFileWire,
  UploadLimitsWire,
  UploadWire,
} from '../../../../src/services/sources/upload-schemas';

export type SourceFileKind = SourceFileKindWire;
export type FileProblem = FileProblemWire;
export type InvoiceImport = InvoiceImportWire;

/** One file's answer of `POST /api/sources/uploads`: stored (counts, invoice) or failed (the error). */
export type UploadedFile = UploadedFileWire;
export type StoredFile = Extract<UploadedFile, { outcome: 'stored' }>;
export type FailedFile = Extract<UploadedFile, { outcome: 'failed' }>;
export type UploadAnswer = UploadWire;

/** `GET /api/sources/upload-limits`. */
export type UploadLimits = UploadLimitsWire;

/** `GET /api/sources/imports`. */
export type ImportHistory = ImportHistoryWire;
export type ImportHistoryEntry = ImportHistoryEntryWire;

export const FILE_KIND_LABEL: Record<SourceFileKind, string> = {
  price_list: 'Price list',
  recon: 'Invoice reconciliation',
  azure_usage: 'Azure usage',
};
