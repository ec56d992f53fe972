import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { WorkspaceId } from '../../core/ids';
import {
  type BillingPeriod,
  type PlainDate,
  tryParseBillingPeriod,
  tryParsePlainDate,
} from '../../core/time';
import type { Pool } from '../../db/pool';
import { recordImportFailure } from '../../db/repos/source-data/import-history';
import { AppError } from '../../services/errors';
import { assertMicrosoftAllowed } from '../../services/pax8/one-source';
import {
  FileParseError,
  FileRefusedError,
  fileFailureOf,
} from '../../sources/partner-center/files/file-error';
import { fileKindOf } from '../../sources/partner-center/files/file-input';
import {
  type ImportProgress,
  type InvoiceFileImportResult,
  importInvoiceFile,
  importPriceListFile,
  type PriceListImportResult,
} from '../../sources/partner-center/import';
import { withContext } from '../context';
import { CliExit } from '../exit';
import { EXIT, type Output, output } from '../output';
import { resolveCliWorkspace } from '../workspace-option';

/** Files at least this big get a progress bar (on stderr, not with --json). */
const PROGRESS_MIN_BYTES = 2 * 1024 * 1024;

function progressFor(path: string, out: Output): { onProgress?: (p: ImportProgress) => void; stop(): void } {
  if (out.json || statSync(path).size < PROGRESS_MIN_BYTES) return { stop: () => {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'importing [{bar}] {percentage}% | {rows} rows',
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    onProgress: (p) => {
      if (!started) {
        bar.start(p.totalBytes, 0, { rows: 0 });
        started = true;
      }
      bar.update(p.bytesRead, { rows: p.rows });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function checkFile(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new AppError('not_found', `No such file: ${path}`);
}

type Outcome<R> = { ok: true; result: R } | { ok: false; error: FileParseError };

/**
 * Runs one import with a progress bar; a bad file is returned (not thrown) so the database closes first. A bad
 * file is kept in the import history (`billsync imports`, the Sources page), as an upload's is; nothing from it
 * is stored.
 */
async function runImport<R>(
  out: Output,
  at: { pool: Pool; ws: WorkspaceId },
  path: string,
  run: (onProgress: ((p: ImportProgress) => void) | undefined) => Promise<R>,
): Promise<Outcome<R>> {
  checkFile(path);
  const progress = progressFor(path, out);
  try {
    return { ok: true, result: await run(progress.onProgress) };
  } catch (error) {
    if (!(error instanceof FileParseError)) throw error;
    await recordImportFailure(at.pool, at.ws, {
      fileName: basename(path),
      kind: await fileKindOf(path, basename(path)).catch(() => null),
      importedBy: null,
      sizeBytes: statSync(path).size,
      error: fileFailureOf(error),
    });
    return { ok: false, error };
  } finally {
    progress.stop();
  }
}

/**
 * The result of a successful import; for a bad file, exit code 1 with the message naming row and column. With
 * --json the summary `{created, updated, unchanged, errors: [...]}` is printed either way.
 */
function settle<R>(out: Output, outcome: Outcome<R>): R {
  if (outcome.ok) return outcome.result;
  const { error } = outcome;
  const message = `${error.message}\nNothing from ${error.file} was stored.`;
  const code = error instanceof FileRefusedError ? error.code : 'bad_file';
  if (out.json) {
    out.result({ created: 0, updated: 0, unchanged: 0, errors: [error.toJSON()] }, '');
    throw new CliExit(EXIT.error, message, { code, afterOutput: true });
  }
  throw new CliExit(EXIT.error, message, { code });
}

function priceListText(r: PriceListImportResult): string {
  const lines = [
    `Imported price list ${r.file}: ${r.rows} entries (${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged)`,
  ];
  if (r.skipped.length > 0)
    lines.push(`  skipped ${r.skipped.length} rows (higher quantity bands of tiered offers)`);
  return lines.join('\n');
}

function invoiceText(r: InvoiceFileImportResult): string {
  const what = r.kind === 'recon' ? 'lines' : 'Azure usage rows';
  const replaced =
    r.status === 'replaced' ? ` (a corrected re-issue: replaced ${r.previousLineCount} stored ${what})` : '';
  return [
    `Imported ${r.file}: ${r.kind === 'recon' ? 'invoice' : 'Azure usage of invoice'} ${r.invoiceId} ${r.status}${replaced}`,
    `  ${r.rows} ${what}: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged`,
    `  customers: ${r.customers.created} created, ${r.customers.updated} updated, ${r.customers.unchanged} unchanged`,
    ...r.dates.basis.map((b) => `  ${b}`),
    ...r.warnings.map((w) => `  warning: ${w}`),
  ].join('\n');
}

/** The JSON summary of an invoice import: the counts, the errors (none) and what was inferred. */
function invoiceJson(r: InvoiceFileImportResult): Record<string, unknown> {
  const inferred =
    r.dates.datesFrom === 'inferred'
      ? { billingPeriod: r.dates.billingPeriod, issueDate: r.dates.issueDate }
      : {};
  return {
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    errors: [],
    file: r.file,
    kind: r.kind,
    invoiceId: r.invoiceId,
    status: r.status,
    rows: r.rows,
    previousLineCount: r.previousLineCount,
    customers: r.customers,
    billingPeriod: r.dates.billingPeriod,
    issueDate: r.dates.issueDate,
    datesFrom: r.dates.datesFrom,
    inferred: { ...inferred, basis: r.dates.basis },
    warnings: r.warnings,
  };
}

function parsePeriodOption(text: string | undefined): BillingPeriod | undefined {
  if (text === undefined) return undefined;
  return (
    tryParseBillingPeriod(text) ??
    (() => {
      throw new AppError('bad_request', `--period must be YYYY-MM, not "${text}"`);
    })()
  );
}

function parseIssuedOption(text: string | undefined): PlainDate | undefined {
  if (text === undefined) return undefined;
  return (
    tryParsePlainDate(text) ??
    (() => {
      throw new AppError('bad_request', `--issued must be a date YYYY-MM-DD, not "${text}"`);
    })()
  );
}

/** `billsync import pricelist FILE`. */
export async function importPriceList(
  file: string,
  opts: { workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const outcome = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info, { createIfNone: true });
    await assertMicrosoftAllowed(db.pool, ws);
    return runImport(out, { pool: db.pool, ws }, file, (onProgress) =>
      importPriceListFile(db.pool, ws, file, onProgress ? { onProgress } : {}),
    );
  });
  const result = settle(out, outcome);
  out.result(
    {
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      errors: [],
      file: result.file,
      rows: result.rows,
      skipped: result.skipped,
    },
    () => priceListText(result),
  );
}

export interface ImportInvoiceOptions {
  period?: string;
  issued?: string;
  replace?: boolean;
  workspace?: string;
}

/** `billsync import invoice FILE [--period] [--issued] [--replace]`. */
export async function importInvoice(file: string, opts: ImportInvoiceOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const period = parsePeriodOption(opts.period);
  const issued = parseIssuedOption(opts.issued);
  const outcome = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info, { createIfNone: true });
    await assertMicrosoftAllowed(db.pool, ws);
    return runImport(out, { pool: db.pool, ws }, file, (onProgress) =>
      importInvoiceFile(db.pool, ws, file, {
        ...(period ? { period } : {}),
        ...(issued ? { issued } : {}),
        ...(opts.replace ? { replace: true } : {}),
        ...(onProgress ? { onProgress } : {}),
      }),
    );
  });
  const result = settle(out, outcome);
  out.result(invoiceJson(result), () => invoiceText(result));
}
