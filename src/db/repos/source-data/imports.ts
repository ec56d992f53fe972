import type { WorkspaceId } from '../../../core/ids';
import type { Queryable } from '../../pool';
import type { ImportCounts } from './types';

/** The kinds of file an import record is about. */
export type SourceImportKind = 'price_list' | 'recon' | 'azure_usage';

/** One successful file import: what, when, and what it changed. */
export interface SourceImportRecord {
  id: number;
  fileName: string;
  kind: SourceImportKind;
  invoiceId: string | undefined;
  rowCount: number;
  counts: ImportCounts;
  /** Inferred dates, statuses, warnings: whatever the import reported. */
  details: Record<string, unknown>;
  importedAt: string;
}

export type NewSourceImport = Omit<SourceImportRecord, 'id' | 'importedAt'>;

export async function recordSourceImport(
  db: Queryable,
  ws: WorkspaceId,
  rec: NewSourceImport,
): Promise<SourceImportRecord> {
  const res = await db.query<{ id: number; imported_at: Date }>(
    `insert into source_imports (workspace_id, file_name, kind, invoice_id, row_count, created, updated, unchanged, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id, imported_at`,
    [
      ws,
      rec.fileName,
      rec.kind,
      rec.invoiceId ?? null,
      rec.rowCount,
      rec.counts.created,
      rec.counts.updated,
      rec.counts.unchanged,
      JSON.stringify(rec.details),
    ],
  );
  const row = res.rows[0]!;
  return { ...rec, id: row.id, importedAt: row.imported_at.toISOString() };
}

/** The latest imports first. */
export async function listSourceImports(
  db: Queryable,
  ws: WorkspaceId,
  options: { limit?: number } = {},
): Promise<SourceImportRecord[]> {
  const res = await db.query<{
    id: number;
    file_name: string;
    kind: SourceImportKind;
    invoice_id: string | null;
    row_count: number;
    created: number;
    updated: number;
    unchanged: number;
    details: Record<string, unknown>;
    imported_at: Date;
  }>('select * from source_imports where workspace_id = $1 order by imported_at desc, id desc limit $2', [
    ws,
    options.limit ?? 100,
  ]);
  return res.rows.map((r) => ({
    id: r.id,
    fileName: r.file_name,
    kind: r.kind,
    invoiceId: r.invoice_id ?? undefined,
    rowCount: r.row_count,
    counts: { created: r.created, updated: r.updated, unchanged: r.unchanged },
    details: r.details,
    importedAt: r.imported_at.toISOString(),
  }));
}
