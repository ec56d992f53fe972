import type { WorkspaceId } from '../../core/ids';
import type { Queryable } from '../../db/pool';
import {
  type ImportFailureError,
  type ImportHistoryRow,
  listImportHistory,
} from '../../db/repos/source-data/import-history';
import type { FileProblemWire, ImportHistoryEntryWire, ImportHistoryWire } from './upload-schemas';

const STATUSES = new Set(['created', 'replaced', 'unchanged']);
const PROBLEM_CODES = new Set<FileProblemWire['code']>(['bad_file', 'too_large', 'import_failed']);

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The billing period and status an invoice import recorded in its details (price lists have neither). */
function invoiceDetails(details: Record<string, unknown> | null) {
  const dates = details?.dates as { billingPeriod?: unknown } | undefined;
  const status = text(details?.status);
  return {
    billingPeriod: text(dates?.billingPeriod),
    status: status && STATUSES.has(status) ? (status as 'created' | 'replaced' | 'unchanged') : null,
  };
}

function problemOf(error: ImportFailureError | null): FileProblemWire | null {
  if (!error) return null;
  const code = PROBLEM_CODES.has(error.code as FileProblemWire['code'])
    ? (error.code as FileProblemWire['code'])
    : 'import_failed';
  return {
    code,
    message: error.message,
    row: error.row ?? null,
    column: error.column ?? null,
    value: error.value ?? null,
    expected: error.expected ?? null,
  };
}

export function toHistoryEntry(r: ImportHistoryRow): ImportHistoryEntryWire {
  const stored = r.source === 'import';
  const invoice = invoiceDetails(r.details);
  return {
    id: `${r.source}-${r.id}`,
    at: r.at.toISOString(),
    by: r.user_id && r.user_email ? { userId: r.user_id, email: r.user_email } : null,
    fileName: r.file_name,
    kind: r.kind,
    outcome: stored ? 'stored' : 'failed',
    invoiceId: r.invoice_id,
    billingPeriod: invoice.billingPeriod,
    status: invoice.status,
    rows: r.row_count,
    counts: stored ? { created: r.created ?? 0, updated: r.updated ?? 0, unchanged: r.unchanged ?? 0 } : null,
    error: problemOf(r.error),
  };
}

/**
 * The import history of a workspace (issue 13): every file imported, from the browser or the command line, and
 * every upload that failed, the latest first, with who, when, the file, its kind, the counts and the outcome.
 */
export async function importHistory(
  db: Queryable,
  ws: WorkspaceId,
  page: { limit: number; offset: number },
): Promise<ImportHistoryWire> {
  const { rows, total } = await listImportHistory(db, ws, page);
  return { items: rows.map(toHistoryEntry), total, limit: page.limit, offset: page.offset };
}
