import { createHash } from 'node:crypto';
import type { WorkspaceId } from '../../../core/ids';
import type { AzureUsageLine, InvoiceHeader, InvoiceLine } from '../../../core/model/source';
import type { PoolClient } from '../../pool';
import { CHUNK_CHARS, copyInto, copyValue } from './copy-text';
import { getInvoice } from './invoice-readers';
import { encodeLine, encodeUsage, LINE_COLUMNS, USAGE_COLUMNS } from './line-rows';
import { stageRows } from './stage-file';
import type { InvoiceImportResult, InvoicePartResult, StoredInvoice } from './types';

/**
 * Rows to store: one at a time, or (the file import's fast path) in arrays of a few hundred, which saves an
 * await per row on 100k-line invoices.
 */
export type Rows<T> = AsyncIterable<T | readonly T[]> | Iterable<T>;

/** The parts of an invoice one call stores; an absent part is left as it is. */
export interface InvoiceParts {
  lines?: Rows<InvoiceLine>;
  usage?: Rows<AzureUsageLine>;
}

/**
 * Decides the header to store once the rows are in: receives the stored header (undefined for a new invoice),
 * so a file import can take the issue date Partner Center stated, or infer one from what it saw in the rows.
 */
export type HeaderResolver = (stored: StoredInvoice | undefined) => InvoiceHeader | Promise<InvoiceHeader>;

interface PartSpec<T> {
  table: string;
  columns: readonly string[];
  encode(row: T): string;
  currency(row: T): string;
}

const LINES: PartSpec<InvoiceLine> = {
  table: 'invoice_lines',
  columns: LINE_COLUMNS,
  encode: encodeLine,
  currency: (l) => l.subtotal.currency,
};
const USAGE: PartSpec<AzureUsageLine> = {
  table: 'azure_usage_lines',
  columns: USAGE_COLUMNS,
  encode: encodeUsage,
  currency: (u) => u.cost.currency,
};

/**
 * Version of the row encoding the content hash covers (the COPY text, workspace and invoice ids included): bump
 * it when LINE_COLUMNS or USAGE_COLUMNS change.
 */
const HASH_VERSION = 'billsync-source-v1\n';

interface StoredPart {
  result: InvoicePartResult;
  hash: string;
  count: number;
  currency: string | undefined;
  /** The rows were stored again in another order (same content): the new hash must be kept, nothing else. */
  reordered?: boolean;
}

async function storePart<T extends { invoiceId: string }>(
  client: PoolClient,
  ws: WorkspaceId,
  invoiceId: string,
  spec: PartSpec<T>,
  rows: Rows<T>,
  previous: { hash: string | null; count: number },
  replace: boolean,
): Promise<StoredPart> {
  const hash = createHash('sha256').update(HASH_VERSION);
  const prefix = `${copyValue(ws)}\t${copyValue(invoiceId)}\t`;
  let count = 0;
  let currency: string | undefined;
  const encode = (row: T): string => {
    if (row.invoiceId !== invoiceId)
      throw new Error(`a row of invoice ${row.invoiceId} was given to store invoice ${invoiceId}`);
    const rowCurrency = spec.currency(row);
    currency ??= rowCurrency;
    if (rowCurrency !== currency)
      throw new Error(`invoice ${invoiceId} mixes currencies ${currency} and ${rowCurrency}`);
    count += 1;
    return `${prefix}${spec.encode(row)}\n`;
  };
  // COPY text in ~64 KB chunks; the content hash is taken over exactly that text. Each chunk is turned into
  // UTF-8 bytes once, for the hash and the socket (or the staging file) alike.
  async function* encoded(): AsyncGenerator<Buffer> {
    let parts: string[] = [];
    let size = 0;
    const flush = () => {
      const chunk = Buffer.from(parts.join(''), 'utf8');
      hash.update(chunk);
      parts = [];
      size = 0;
      return chunk;
    };
    for await (const item of rows) {
      const batch = Array.isArray(item) ? (item as readonly T[]) : [item as T];
      for (const row of batch) {
        const text = encode(row);
        parts.push(text);
        size += text.length;
      }
      if (size >= CHUNK_CHARS) yield flush();
    }
    if (parts.length > 0) yield flush();
  }
  const columns = ['workspace_id', 'invoice_id', ...spec.columns];
  if (previous.hash === null) {
    await copyInto(client, spec.table, columns, encoded());
    const result: InvoicePartResult = {
      status: 'created',
      counts: { created: count, updated: 0, unchanged: 0 },
      previousLineCount: 0,
    };
    return { result, hash: hash.digest('hex'), count, currency };
  }
  // Stored before: stage the rows on disk, and touch the table only when the content differs (a re-issue).
  const staged = await stageRows(encoded());
  try {
    const digest = hash.digest('hex');
    if (digest === previous.hash) {
      const result: InvoicePartResult = {
        status: 'unchanged',
        counts: { created: 0, updated: 0, unchanged: count },
        previousLineCount: previous.count,
      };
      return { result, hash: digest, count, currency };
    }
    const before = await customerPrints(client, spec.table, ws, invoiceId);
    await client.query(`delete from ${spec.table} where workspace_id = $1 and invoice_id = $2`, [
      ws,
      invoiceId,
    ]);
    await copyInto(client, spec.table, columns, staged.read());
    const after = await customerPrints(client, spec.table, ws, invoiceId);
    const dropped = [...before.keys()].filter((t) => !after.has(t));
    if (dropped.length > 0 && !replace && previous.count > 0)
      throw new ReissueDropsCustomers(invoiceId, await customerNames(client, ws, dropped));
    // The same rows in another order (a file sorted in a spreadsheet): every customer's rows are as stored, only
    // the line numbers moved. The same invoice: nothing to tell any customer.
    const reordered = before.size === after.size && [...before].every(([t, print]) => after.get(t) === print);
    if (reordered && previous.count > 0) {
      const result: InvoicePartResult = {
        status: 'unchanged',
        counts: { created: 0, updated: 0, unchanged: count },
        previousLineCount: previous.count,
      };
      return { result, hash: digest, count, currency, reordered: true };
    }
    await unsyncChangedCustomers(client, ws, invoiceId, before, after);
    // A part stored empty before (a header registered without its lines) is being filled, not corrected.
    const filled = previous.count === 0;
    const result: InvoicePartResult = {
      status: filled ? 'created' : 'replaced',
      counts: filled
        ? { created: count, updated: 0, unchanged: 0 }
        : { created: 0, updated: count, unchanged: 0 },
      previousLineCount: previous.count,
    };
    return { result, hash: digest, count, currency };
  } finally {
    staged.dispose();
  }
}

/**
 * A corrected re-issue that has no line at all for customers the stored invoice has (spec section 6, "Corrected
 * invoices"). Microsoft's re-issues correct lines; a file that leaves whole customers out is far more often one
 * part of an invoice split into several files (or filtered in a spreadsheet): replacing the stored invoice with it
 * would stop billing those customers without a word. Refused unless the import says it replaces the invoice.
 */
export class ReissueDropsCustomers extends Error {
  constructor(
    readonly invoiceId: string,
    /** The customers left out, by name (tenant id where no name is stored). */
    readonly customers: readonly string[],
  ) {
    const shown =
      customers.slice(0, 5).join(', ') + (customers.length > 5 ? `, and ${customers.length - 5} more` : '');
    super(
      `invoice ${invoiceId} was stored before with lines for ${customers.length} customer(s) this file has no line for (${shown})`,
    );
    this.name = 'ReissueDropsCustomers';
  }
}

async function customerNames(
  client: PoolClient,
  ws: WorkspaceId,
  tenants: readonly string[],
): Promise<string[]> {
  const res = await client.query<{ tenant: string; name: string | null }>(
    `select t.tenant, c.name from unnest($2::text[]) as t(tenant)
     left join source_customers c on c.workspace_id = $1 and c.tenant_id = t.tenant order by coalesce(c.name, t.tenant)`,
    [ws, tenants],
  );
  return res.rows.map((r) => r.name || r.tenant);
}

/**
 * Per customer of an invoice's stored rows, a fingerprint of them: the same rows in any order (and so with other
 * line numbers) give the same, so a file saved in another row order touches no customer.
 */
async function customerPrints(
  client: PoolClient,
  table: string,
  ws: WorkspaceId,
  invoiceId: string,
): Promise<Map<string, string>> {
  const res = await client.query<{ tenant: string; print: string }>(
    `select lower(t.customer_tenant_id) as tenant,
            md5(string_agg((to_jsonb(t) - 'line_number')::text, E'\n' order by (to_jsonb(t) - 'line_number')::text)) as print
     from ${table} t where t.workspace_id = $1 and t.invoice_id = $2 group by 1`,
    [ws, invoiceId],
  );
  return new Map(res.rows.map((r) => [r.tenant, r.print]));
}

/**
 * Spec section 6, "Corrected invoices": the customers a re-issue touches (their rows differ) have the invoice new
 * again, for every PSA: its next run tells what it brings and the reconciliation shows it as not synced until then.
 * The customers whose rows are the same keep it synced (nothing new to tell them).
 */
async function unsyncChangedCustomers(
  client: PoolClient,
  ws: WorkspaceId,
  invoiceId: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Promise<void> {
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
    (t) => before.get(t) !== after.get(t),
  );
  if (changed.length === 0) return;
  await client.query(
    `delete from synced_invoices
     where workspace_id = $1 and invoice_id = $2 and lower(tenant_id) = any($3::text[])`,
    [ws, invoiceId, changed],
  );
}

/**
 * Stores the given parts of one invoice, then its header (from `resolveHeader`), on a client inside a
 * transaction. Each part is compared by content hash: unchanged parts write nothing, a different content replaces
 * the stored rows (a corrected re-issue). Concurrent stores of one invoice are serialized by an advisory lock.
 */
export async function storeInvoiceParts(
  client: PoolClient,
  ws: WorkspaceId,
  invoiceId: string,
  parts: InvoiceParts,
  resolveHeader: HeaderResolver,
  /** The parts replace the stored invoice even where they leave whole customers out (see ReissueDropsCustomers). */
  opts: { replace?: boolean } = {},
): Promise<InvoiceImportResult> {
  await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `billsync:invoice:${ws}:${invoiceId}`,
  ]);
  const stored = await getInvoice(client, ws, invoiceId);
  const hashes = await client.query<{ lines_hash: string | null; usage_hash: string | null }>(
    'select lines_hash, usage_hash from invoices where workspace_id = $1 and id = $2 for update',
    [ws, invoiceId],
  );
  const prev = hashes.rows[0];
  const lines = parts.lines
    ? await storePart(
        client,
        ws,
        invoiceId,
        LINES,
        parts.lines,
        {
          hash: prev?.lines_hash ?? null,
          count: stored?.lineCount ?? 0,
        },
        opts.replace === true,
      )
    : undefined;
  const usage = parts.usage
    ? await storePart(
        client,
        ws,
        invoiceId,
        USAGE,
        parts.usage,
        {
          hash: prev?.usage_hash ?? null,
          count: stored?.usageLineCount ?? 0,
        },
        opts.replace === true,
      )
    : undefined;
  const wanted = await resolveHeader(stored);
  if (wanted.id !== invoiceId) throw new Error(`header ${wanted.id} given for invoice ${invoiceId}`);
  for (const part of [lines, usage]) {
    if (part?.currency !== undefined && part.currency !== wanted.currency) {
      throw new Error(`invoice ${invoiceId} is in ${wanted.currency} but its rows are in ${part.currency}`);
    }
  }
  // Inferred dates never overwrite dates the source (Partner Center) or a user stated.
  const keptStoredDates =
    stored !== undefined && stored.datesFrom !== 'inferred' && wanted.datesFrom === 'inferred';
  const header: InvoiceHeader = keptStoredDates
    ? {
        ...wanted,
        billingPeriod: stored.billingPeriod,
        issueDate: stored.issueDate,
        datesFrom: stored.datesFrom,
      }
    : wanted;
  const headerChanged =
    stored !== undefined &&
    (stored.billingPeriod !== header.billingPeriod ||
      stored.issueDate !== header.issueDate ||
      stored.currency !== header.currency);
  const replaced = lines?.result.status === 'replaced' || usage?.result.status === 'replaced';
  const changed =
    stored === undefined ||
    headerChanged ||
    replaced ||
    lines?.result.status === 'created' ||
    usage?.result.status === 'created' ||
    lines?.reordered === true ||
    usage?.reordered === true ||
    stored.datesFrom !== header.datesFrom;
  if (changed) {
    await client.query(
      `insert into invoices (workspace_id, id, billing_period, issue_date, currency, dates_from, lines_hash, line_count, usage_hash, usage_line_count)
       values ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 0), $9, coalesce($10, 0))
       on conflict (workspace_id, id) do update set
         billing_period = excluded.billing_period, issue_date = excluded.issue_date, currency = excluded.currency,
         dates_from = excluded.dates_from,
         lines_hash = coalesce($7, invoices.lines_hash), line_count = coalesce($8, invoices.line_count),
         usage_hash = coalesce($9, invoices.usage_hash), usage_line_count = coalesce($10, invoices.usage_line_count),
         revision = invoices.revision + $11, updated_at = now()`,
      [
        ws,
        invoiceId,
        header.billingPeriod,
        header.issueDate,
        header.currency,
        header.datesFrom,
        lines?.hash ?? null,
        lines?.count ?? null,
        usage?.hash ?? null,
        usage?.count ?? null,
        replaced || headerChanged ? 1 : 0,
      ],
    );
  }
  const after = await getInvoice(client, ws, invoiceId);
  if (!after) throw new Error(`invoice ${invoiceId} was not stored`);
  const status = (parts.lines ? lines?.result.status : usage?.result.status) ?? 'unchanged';
  return {
    invoiceId,
    status,
    lines: lines?.result,
    usage: usage?.result,
    header: after,
    headerChanged,
    keptStoredDates,
  };
}
