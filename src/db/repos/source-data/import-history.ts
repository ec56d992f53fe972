import type { UserId, WorkspaceId } from '../../../core/ids';
import type { Queryable } from '../../pool';
import type { SourceImportKind } from './imports';

/** What the user reads to fix a file that failed to import (the file parser's problem, or the reason). */
export interface ImportFailureError {
  code: string;
  message: string;
  row: number | null;
  column: string | null;
  value: string | null;
  expected: string | null;
}

export interface NewImportFailure {
  fileName: string;
  kind: SourceImportKind | null;
  importedBy: UserId | null;
  sizeBytes: number;
  error: ImportFailureError;
}

/** A file that failed to import: nothing from it was stored, the attempt is kept for the history. */
export async function recordImportFailure(
  db: Queryable,
  ws: WorkspaceId,
  f: NewImportFailure,
): Promise<void> {
  await db.query(
    `insert into source_import_failures (workspace_id, file_name, kind, imported_by, size_bytes, error)
     values ($1, $2, $3, $4, $5, $6)`,
    [ws, f.fileName, f.kind, f.importedBy, f.sizeBytes, JSON.stringify(f.error)],
  );
}

/** One entry of the import history: a stored import (`source_imports`) or a failed one. */
export interface ImportHistoryRow {
  source: 'import' | 'failure';
  id: number;
  file_name: string;
  kind: SourceImportKind | null;
  invoice_id: string | null;
  row_count: number | null;
  created: number | null;
  updated: number | null;
  unchanged: number | null;
  details: Record<string, unknown> | null;
  error: ImportFailureError | null;
  user_id: UserId | null;
  user_email: string | null;
  at: Date;
}

/** The imports of a workspace, stored and failed, the latest first; `total` counts them all. */
export async function listImportHistory(
  db: Queryable,
  ws: WorkspaceId,
  page: { limit: number; offset: number },
): Promise<{ rows: ImportHistoryRow[]; total: number }> {
  const res = await db.query<ImportHistoryRow>(
    `select h.*, u.email as user_email
       from (select 'import' as source, id, file_name, kind, invoice_id, row_count, created, updated, unchanged,
                    details, null::jsonb as error, imported_by as user_id, imported_at as at
               from source_imports where workspace_id = $1
             union all
             select 'failure', id, file_name, kind, null, null, null, null, null, null, error, imported_by,
                    failed_at
               from source_import_failures where workspace_id = $1) h
       left join users u on u.id = h.user_id and u.workspace_id = $1
      order by h.at desc, h.source, h.id desc
      limit $2 offset $3`,
    [ws, page.limit, page.offset],
  );
  const count = await db.query<{ n: number }>(
    `select (select count(*) from source_imports where workspace_id = $1)
          + (select count(*) from source_import_failures where workspace_id = $1) as n`,
    [ws],
  );
  return { rows: res.rows, total: Number(count.rows[0]?.n ?? 0) };
}
