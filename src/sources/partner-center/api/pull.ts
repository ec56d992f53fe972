import { IntegrationError } from '../../../core/integration-error';
import type { AzureUsageLine, InvoiceHeader, InvoiceLine, SourceCustomer } from '../../../core/model/source';
import type { BillingPeriod } from '../../../core/time';
import type { PartnerCenterClient } from './partner-center-client';

/** Row counts of a pull: what was new, what changed, what was already stored as it is. */
export interface PullCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** Where a pull stores what it read (the CLI wires src/db/repos/source-data.ts; tests pass a fake). */
export interface PullStore {
  upsertCustomers(customers: readonly SourceCustomer[]): Promise<PullCounts>;
  /** Stores one invoice with its lines (streamed) and usage; one transaction: all or nothing. */
  storeInvoice(
    header: InvoiceHeader,
    lines: AsyncIterable<InvoiceLine>,
    usage: readonly AzureUsageLine[] | undefined,
  ): Promise<{ status: 'created' | 'unchanged' | 'replaced'; counts: PullCounts }>;
}

export interface PullError {
  stage: 'customers' | 'invoices' | 'lines' | 'usage';
  invoiceId?: string;
  kind: string;
  message: string;
}

export interface PullResult extends PullCounts {
  errors: PullError[];
  customers: PullCounts;
  invoices: {
    id: string;
    billingPeriod: BillingPeriod;
    status: 'created' | 'unchanged' | 'replaced';
    counts: PullCounts;
  }[];
}

const add = (a: PullCounts, b: PullCounts): PullCounts => ({
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
});

/** Failures that make every further call fail the same way: stop the pull instead of listing them per invoice. */
const FATAL = new Set(['auth', 'forbidden']);

function pullError(stage: PullError['stage'], error: unknown, invoiceId?: string): PullError {
  if (error instanceof IntegrationError && FATAL.has(error.kind)) throw error;
  const kind = error instanceof IntegrationError ? error.kind : error instanceof Error ? error.name : 'error';
  const message = error instanceof Error ? error.message : String(error);
  return { stage, ...(invoiceId ? { invoiceId } : {}), kind, message };
}

/** The lines with their first one read ahead; undefined when there is none. */
async function withFirst<T>(items: AsyncIterable<T>): Promise<AsyncIterable<T> | undefined> {
  const it = items[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return undefined;
  return {
    async *[Symbol.asyncIterator]() {
      yield first.value;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    },
  };
}

async function* empty<T>(): AsyncIterable<T> {}

/**
 * Reads customers, invoices (from `since` on) and their line items and Azure usage from Partner Center and stores
 * them. A failing invoice is listed in `errors` and the pull goes on with the next one; credential and permission
 * failures stop it (they would fail every call). Usage that cannot be read is an error of its own: the invoice's
 * lines are still stored.
 */
export async function pullFromPartnerCenter(
  client: PartnerCenterClient,
  store: PullStore,
  options: { since?: BillingPeriod; onProgress?: (message: string) => void } = {},
): Promise<PullResult> {
  const errors: PullError[] = [];
  const progress = options.onProgress ?? (() => {});
  let customers: PullCounts = { created: 0, updated: 0, unchanged: 0 };
  try {
    const all: SourceCustomer[] = [];
    for await (const c of client.listCustomers()) all.push(c);
    customers = await store.upsertCustomers(all);
    progress(`customers: ${all.length} read (${customers.created} new, ${customers.updated} changed)`);
  } catch (error) {
    errors.push(pullError('customers', error));
  }
  let headers: InvoiceHeader[] = [];
  try {
    for await (const h of client.listInvoices(options.since ? { since: options.since } : {})) headers.push(h);
    headers = headers.sort((a, b) =>
      a.billingPeriod === b.billingPeriod
        ? a.id.localeCompare(b.id)
        : a.billingPeriod.localeCompare(b.billingPeriod),
    );
  } catch (error) {
    errors.push(pullError('invoices', error));
  }
  const invoices: PullResult['invoices'] = [];
  let total = customers;
  for (const header of headers) {
    let usage: AzureUsageLine[] | undefined;
    try {
      usage = [];
      for await (const u of client.listUsageLines(header)) usage.push(u);
    } catch (error) {
      errors.push(pullError('usage', error, header.id));
      usage = undefined;
    }
    try {
      // An invoice Partner Center lists before its line items are ready reads as empty. Stored, it would decide
      // that every monthly subscription ended (spec section 6: no line on the next synced invoice) and the sync
      // would write every customer to 0. A partner-wide invoice never bills nothing: it is left for the next check.
      const lines = await withFirst(client.listInvoiceLines(header));
      if (lines === undefined && (usage === undefined || usage.length === 0)) {
        errors.push({
          stage: 'lines',
          invoiceId: header.id,
          kind: 'not_ready',
          message: `invoice ${header.id} (${header.billingPeriod}) is listed but has no line items yet (Microsoft is still preparing them): nothing of it is stored; it is read again at the next check`,
        });
        progress(
          `invoice ${header.id} (${header.billingPeriod}): no line items yet, read again at the next check`,
        );
        continue;
      }
      const stored = await store.storeInvoice(header, lines ?? empty(), usage);
      invoices.push({ id: header.id, billingPeriod: header.billingPeriod, ...stored });
      total = add(total, stored.counts);
      progress(`invoice ${header.id} (${header.billingPeriod}): ${stored.status}`);
    } catch (error) {
      errors.push(pullError('lines', error, header.id));
    }
  }
  return { ...total, errors, customers, invoices };
}
