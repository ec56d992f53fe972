import type { InvoiceHeader } from '../../../core/model/source';

/** What a store call did: rows new to the database, rows whose content changed, rows already stored as they are. */
export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export const NO_COUNTS: ImportCounts = { created: 0, updated: 0, unchanged: 0 };

export function addCounts(a: ImportCounts, b: ImportCounts): ImportCounts {
  return {
    created: a.created + b.created,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
  };
}

/**
 * What happened to one part of an invoice (its lines, or its Azure usage rows):
 * - `created`: the part was not stored before;
 * - `unchanged`: stored with the same content (same hash): nothing was written;
 * - `replaced`: a corrected re-issue (same invoice id, other content): the old rows were removed, the new stored.
 */
export type InvoicePartStatus = 'created' | 'unchanged' | 'replaced';

export interface InvoicePartResult {
  status: InvoicePartStatus;
  /** Row counts of this import: created (new part), updated (replaced part) or unchanged. */
  counts: ImportCounts;
  /** Rows stored for this part before the import (0 when created). */
  previousLineCount: number;
}

/** An invoice header as stored, with what is known about its parts. */
export interface StoredInvoice extends InvoiceHeader {
  lineCount: number;
  usageLineCount: number;
  /** 1 when first stored; +1 for each corrected re-issue. */
  revision: number;
  /** Last time the invoice or its rows changed (UTC ISO). */
  updatedAt: string;
}

/** The outcome of `storeInvoice` / `storeAzureUsage`. */
export interface InvoiceImportResult {
  invoiceId: string;
  /** The status of the part this call stored (lines for storeInvoice, usage for storeAzureUsage). */
  status: InvoicePartStatus;
  lines: InvoicePartResult | undefined;
  usage: InvoicePartResult | undefined;
  /** The header as stored after the call. */
  header: StoredInvoice;
  /** true when the header existed and its billing period, issue date or currency changed. */
  headerChanged: boolean;
  /**
   * true when the caller's header was only inferred and a stored header stated by the source or a user was kept
   * instead (inferred dates never overwrite stated ones).
   */
  keptStoredDates: boolean;
}
