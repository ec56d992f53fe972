import type { FastifyBaseLogger } from 'fastify';
import type { BillingPeriod, PlainDate } from '../../core/time';
import { withActingPool } from '../../db/acting-pool';
import { recordAudit } from '../../db/repos/audit';
import type { SessionWithUser } from '../../db/repos/sessions';
import { recordImportFailure } from '../../db/repos/source-data/import-history';
import { assertMicrosoftAllowed } from '../../services/pax8/one-source';
import type { FileProblemWire, UploadedFileWire } from '../../services/sources/upload-schemas';
import type { PartnerCenterFileKind } from '../../sources/partner-center/files/detect';
import { FileParseError, fileFailureOf } from '../../sources/partner-center/files/file-error';
import { fileKindOf } from '../../sources/partner-center/files/file-input';
import { importInvoiceFile, importPriceListFile } from '../../sources/partner-center/import';
import type { AppContext } from '../context';
import { isDatabaseUnavailable } from '../errors';
import {
  failed,
  importFailedProblem,
  invoiceStored,
  priceListStored,
  tooLargeProblem,
} from './upload-results';
import type { StagedUpload, UploadSettings } from './upload-settings';

/** The CLI's `--period` / `--issued`, for the invoice files of an upload. */
export interface InvoiceOverrides {
  period?: BillingPeriod;
  issued?: PlainDate;
  /** The CLI's `--replace`: a corrected invoice that leaves customers of the stored one out. */
  replace?: boolean;
}

/** Plain errors of the importer say what is wrong (mixed currencies, ...); database errors stay in the log. */
function reasonOf(error: unknown, file: string): string {
  const isDatabaseError = typeof error === 'object' && error !== null && 'severity' in error;
  if (error instanceof Error && !isDatabaseError) return `${file} could not be imported: ${error.message}`;
  return `${file} could not be imported: the server had a problem (it has been logged)`;
}

/**
 * Imports one staged file exactly as the CLI does (`importPriceListFile` / `importInvoiceFile`, the kind from the
 * header), with the import record saying who uploaded it. A bad file, a file over the limit or a failed import
 * stores nothing and is kept in the history with its error. Every upload is in the audit trail.
 */
export async function importStagedFile(
  ctx: AppContext,
  settings: UploadSettings,
  session: SessionWithUser,
  staged: StagedUpload,
  overrides: InvoiceOverrides,
  log: FastifyBaseLogger,
): Promise<UploadedFileWire> {
  const ws = session.workspace_id;
  let kind: PartnerCenterFileKind | null = null;
  let result: UploadedFileWire;
  try {
    if (staged.tooLarge) {
      result = failed(staged, null, tooLargeProblem(staged, settings.maxFileBytes));
    } else {
      // A workspace whose source is Pax8 takes no Microsoft files (one source per program, issue 18).
      await assertMicrosoftAllowed(ctx.pool, ws);
      kind = await fileKindOf(staged.path, staged.fileName);
      const fileKind = kind;
      result = await withActingPool(ctx.pool, session.user_id, async (pool) =>
        fileKind === 'price_list'
          ? priceListStored(staged, await importPriceListFile(pool, ws, staged.path), overrides)
          : invoiceStored(staged, await importInvoiceFile(pool, ws, staged.path, overrides)),
      );
    }
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    let problem: FileProblemWire;
    if (error instanceof FileParseError) problem = fileFailureOf(error);
    else {
      log.error({ err: error, file: staged.fileName }, 'upload import failed');
      problem = importFailedProblem(reasonOf(error, staged.fileName));
    }
    result = failed(staged, kind, problem);
  }
  if (result.outcome === 'failed') {
    await recordImportFailure(ctx.pool, ws, {
      fileName: staged.fileName,
      kind: result.kind,
      importedBy: session.user_id,
      sizeBytes: staged.bytes,
      error: result.error,
    });
  }
  await recordAudit(ctx.pool, {
    workspaceId: ws,
    userId: session.user_id,
    actor: session.email,
    action: 'source.upload',
    targetType: 'file',
    targetId: staged.fileName,
    details: {
      kind: result.kind,
      outcome: result.outcome,
      bytes: staged.bytes,
      ...(result.outcome === 'stored'
        ? { created: result.created, updated: result.updated, unchanged: result.unchanged }
        : { error: result.error.message }),
    },
  });
  return result;
}
