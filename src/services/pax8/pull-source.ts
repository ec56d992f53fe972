import type { WorkspaceId } from '../../core/ids';
import { offerKeyText, type PriceListEntry } from '../../core/model/source';
import { type BillingPeriod, firstDayOf } from '../../core/time/billing-period';
import type { PlainDate } from '../../core/time/plain-date';
import {
  listInvoices,
  listPriceEntries,
  storeInvoice,
  storePriceList,
  upsertSourceCustomers,
} from '../../db/repos/source-data';
import { replaceSourceHolds } from '../../db/repos/source-holds';
import { createPax8Client, NO_COMPANY, type Pax8PullResult, pullPax8 } from '../../sources/pax8';
import type { Pax8Deps } from './deps';
import { type Pax8PullRecord, pax8ConnectionOf, requirePax8Source, writePax8Status } from './store';
import { describePax8Failure, describePax8PullError, isCredentialFailure } from './words';

/** What a Pax8 pull read and stored. */
export interface Pax8PullSummary {
  state: Pax8PullRecord['state'];
  /** The billing period the invoices were read from (undefined: every invoice Pax8 lists). */
  since: BillingPeriod | null;
  customers: { read: number; created: number; updated: number; unchanged: number };
  priceList: { entries: number; created: number; updated: number; unchanged: number };
  invoices: {
    id: string;
    billingPeriod: BillingPeriod;
    status: 'created' | 'replaced' | 'unchanged';
    lines: number;
  }[];
  /** Credited or void invoices removed from the store (they had been stored before). */
  withdrawn: string[];
  /** Invoice lines without a Pax8 company (not stored: they bill no customer). */
  linesWithoutCompany: number;
  /** Seats the invoices bill that the subscriptions' history contradicts, in words. */
  disagreements: string[];
  errors: string[];
  /** One line for the card, the job result and the CLI. */
  summary: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Pax8's price list has no dates (src/sources/pax8/README.md): an offer first seen applies from the first day of
 * the oldest invoice billing period (so the months already invoiced are priced), an unchanged one keeps its stored
 * entry, and a changed one closes the stored entry today and opens a new one from today.
 */
function datedPriceList(
  pulled: readonly PriceListEntry[],
  stored: readonly PriceListEntry[],
  firstDay: PlainDate,
  today: PlainDate,
): PriceListEntry[] {
  const open = new Map<string, PriceListEntry>();
  for (const e of stored) if (e.effective.end === undefined) open.set(offerKeyText(e.offer), e);
  const out: PriceListEntry[] = [];
  for (const e of pulled) {
    const before = open.get(offerKeyText(e.offer));
    if (!before) out.push({ ...e, effective: { start: firstDay, end: undefined } });
    else if (
      before.effective.start >= today ||
      (before.cost.amount.eq(e.cost.amount) && before.retail.amount.eq(e.retail.amount))
    )
      out.push({ ...e, effective: before.effective });
    else {
      out.push({ ...before, effective: { start: before.effective.start, end: today } });
      out.push({ ...e, effective: { start: today, end: undefined } });
    }
  }
  return out;
}

function summaryOf(s: Omit<Pax8PullSummary, 'summary' | 'state'>): string {
  const changed = s.invoices.filter((i) => i.status !== 'unchanged').length;
  const parts = [
    plural(s.customers.read, 'customer'),
    `price list: ${plural(s.priceList.entries, 'entry', 'entries')}${s.priceList.created + s.priceList.updated > 0 ? ' (changed)' : ' (unchanged)'}`,
    changed ? plural(changed, 'new or corrected invoice') : 'no new invoice',
    ...(s.withdrawn.length ? [`${plural(s.withdrawn.length, 'withdrawn invoice')} removed`] : []),
    ...(s.disagreements.length ? [plural(s.disagreements.length, 'seat disagreement')] : []),
    ...(s.errors.length ? [plural(s.errors.length, 'problem')] : []),
  ];
  return parts.join(', ');
}

/**
 * Pulls the workspace's Pax8 source (the daily check and `billsync source pull --source pax8`): reads companies,
 * the catalog's pricing, every invoice (or those from `since` on, without the cross-check) with its items, and
 * cross-checks invoiced seats against the subscriptions' history; stores customers, the price list and each live invoice,
 * removes stored invoices Pax8 has credited or voided, and records the outcome on the Pax8 card. Lines without a
 * company are not stored (they bill no customer). Failures are listed in words; credential and permission
 * failures stop the pull and turn the card red.
 */
export async function pullPax8Source(
  deps: Pax8Deps,
  ws: WorkspaceId,
  options: { since?: BillingPeriod; onProgress?: (message: string) => void } = {},
): Promise<Pax8PullSummary> {
  const loaded = await requirePax8Source(deps.pool, deps.box, ws);
  const startedAt = deps.clock.now();
  const today = deps.clock.today();
  const storedInvoices = await listInvoices(deps.pool, ws);
  // Every invoice by default: a correction credits an old invoice and issues a new one, and the seat cross-check
  // needs each subscription's lines from its start (a delta line alone would contradict the history).
  const since = options.since;
  const empty = {
    since: since ?? null,
    customers: { read: 0, created: 0, updated: 0, unchanged: 0 },
    priceList: { entries: 0, created: 0, updated: 0, unchanged: 0 },
    invoices: [],
    withdrawn: [],
    linesWithoutCompany: 0,
    disagreements: [],
  };
  const finish = async (s: Omit<Pax8PullSummary, 'summary' | 'state'>, fatal?: string) => {
    const readSomething = s.customers.read > 0 || s.invoices.length > 0 || s.priceList.entries > 0;
    // Seats the history contradicts are worth a look before they are billed: a warning, like a failed part.
    const state: Pax8PullRecord['state'] =
      s.errors.length > 0 && (!readSomething || fatal)
        ? 'failed'
        : s.errors.length + s.disagreements.length > 0
          ? 'warning'
          : 'done';
    const summary = summaryOf(s);
    const record: Pax8PullRecord = {
      state,
      startedAt,
      finishedAt: deps.clock.now(),
      summary,
      errors: s.errors.slice(0, 20),
      disagreements: s.disagreements.slice(0, 20),
    };
    await writePax8Status(deps.pool, ws, {
      status: fatal ? 'error' : 'connected',
      message: fatal ?? `Last pull: ${summary}`,
      at: record.finishedAt,
      pull: record,
    });
    return { ...s, state, summary };
  };

  let pulled: Pax8PullResult;
  try {
    const client = createPax8Client({
      connection: pax8ConnectionOf(loaded),
      ...(deps.http ? { http: deps.http } : {}),
    });
    pulled = await pullPax8(client, {
      // Part of the invoices only: the cross-check would miss the lines before `since`, so it is left out.
      ...(since ? { since, crossCheck: false } : {}),
      priceListFrom: today,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    const words = describePax8Failure(error);
    return finish({ ...empty, errors: [words] }, isCredentialFailure(error) ? words : undefined);
  }

  const errors = pulled.errors.map(
    (e) => `${e.stage}${e.id ? ` ${e.id}` : ''}: ${describePax8PullError(e.kind, e.message)}`,
  );
  const customerCounts = await upsertSourceCustomers(deps.pool, ws, pulled.customers);

  const periods = [
    ...storedInvoices.map((i) => i.billingPeriod),
    ...pulled.invoices.map((i) => i.header.billingPeriod),
  ];
  const oldest = periods.sort()[0];
  const priceEntries = datedPriceList(
    pulled.priceList,
    await listPriceEntries(deps.pool, ws),
    oldest ? firstDayOf(oldest) : today,
    today,
  );
  const priceCounts = await storePriceList(deps.pool, ws, priceEntries);

  const invoices: Pax8PullSummary['invoices'] = [];
  let linesWithoutCompany = 0;
  for (const inv of pulled.invoices) {
    const lines = inv.lines.filter((l) => l.customerTenantId !== NO_COMPANY);
    const usage = inv.usage.filter((u) => u.customerTenantId !== NO_COMPANY);
    linesWithoutCompany += inv.lines.length - lines.length;
    for (const n of inv.notes) if (n.level === 'warning') errors.push(n.text);
    try {
      const r = await storeInvoice(deps.pool, ws, inv.header, lines, usage);
      invoices.push({
        id: inv.header.id,
        billingPeriod: inv.header.billingPeriod,
        status: r.lines?.status ?? r.status,
        lines: lines.length,
      });
    } catch (error) {
      errors.push(`invoice ${inv.header.id}: ${describePax8Failure(error)}`);
    }
  }
  // The seats the invoices bill against the subscriptions' history: where they disagree, the customer sync writes
  // no guess (its run says why) until a pull finds them agreeing. A partial pull (`since`) checks nothing: the
  // holds stay as the last full pull left them.
  if (!since)
    await replaceSourceHolds(
      deps.pool,
      ws,
      pulled.disagreements.map((d) => ({
        tenantId: d.customerTenantId,
        offerKey: d.offerKey,
        subscriptionId: d.subscriptionId,
        start: d.days.start,
        end: d.days.end,
        reason: d.text,
      })),
    );
  const withdrawn: string[] = [];
  for (const w of pulled.withdrawn) {
    const res = await deps.pool.query('delete from invoices where workspace_id = $1 and id = $2', [ws, w.id]);
    if ((res.rowCount ?? 0) > 0) withdrawn.push(w.id);
  }
  return finish({
    since: since ?? null,
    customers: { read: pulled.customers.length, ...customerCounts },
    priceList: { entries: priceEntries.length, ...priceCounts },
    invoices,
    withdrawn,
    linesWithoutCompany,
    disagreements: pulled.disagreements.map((d) => d.text),
    errors,
  });
}
