import type { WorkspaceId } from '../core/ids';
import { type BillingPeriod, periodOf, previousPeriod } from '../core/time/billing-period';
import type { Clock } from '../core/time/clock';
import type { Pool } from '../db/pool';
import { listInvoices } from '../db/repos/source-data';
import type { SecretBox } from '../runtime/secret-box';
import { pullStoredSource } from '../services/partner-center/pull-source';
import { loadSource } from '../services/partner-center/store';
import { pullPax8Source } from '../services/pax8/pull-source';
import type { ConsentHttpOptions } from '../sources/partner-center/api';
import type { Pax8ClientOptions } from '../sources/pax8';

/** What the daily check's source step did. */
export interface SourceRefresh {
  /**
   * `api`: read from Partner Center; `files`: new invoices come from imports; `pax8`: read from Pax8; `none`: no
   * source connection.
   */
  mode: 'api' | 'files' | 'pax8' | 'none';
  invoicesPulled: number;
  /** The price list had new or changed entries. */
  pricesChanged: boolean;
  /** What went wrong, in words (also on the Microsoft CSP card). */
  errors: string[];
}

/**
 * What a pull reads: the invoices of the periods after the newest stored one (last month's on a first pull), and
 * the price sheet of each market of the stored price list (US when there is none yet).
 */
export async function pullPlan(
  pool: Pool,
  ws: WorkspaceId,
  clock: Clock,
): Promise<{ since: BillingPeriod; markets: string[] }> {
  const newest = (await listInvoices(pool, ws)).at(-1)?.billingPeriod;
  const res = await pool.query<{ market: string }>(
    'select distinct market from price_list_entries where workspace_id = $1 order by market',
    [ws],
  );
  return {
    // The newest stored periods are read again (unchanged invoices write nothing): a corrected re-issue keeps its
    // number (spec section 6), and an invoice read while Microsoft was still adding lines is completed.
    since: newest ? previousPeriod(previousPeriod(newest)) : previousPeriod(periodOf(clock.today())),
    markets: res.rows.length ? res.rows.map((r) => r.market) : ['US'],
  };
}

/**
 * The daily check's source step (and Pull now's, which runs the daily check). With the Partner Center API: the
 * App+User consent is renewed when fewer than 30 of its 90 days remain, the invoices of the periods after the
 * newest stored one (or of last month on a first run) and the price sheet of each market are read and stored,
 * with progress on the Microsoft CSP card (src/services/partner-center/pull-source.ts). With file imports there
 * is nothing to read: invoices arrive when someone imports them. Failures are reported, not thrown, so the check
 * still acts on what is stored.
 */
export function createSourceRefresher(deps: {
  pool: Pool;
  box: SecretBox;
  clock: Clock;
  http?: ConsentHttpOptions;
  pax8Http?: Pax8ClientOptions['http'];
  log?: (message: string) => void;
}) {
  return async (ws: WorkspaceId): Promise<SourceRefresh> => {
    // A workspace whose source is Pax8 (issue 18): Pax8 issues the month's invoice around the 5th. Each day's
    // check reads every invoice (stored ones that did not change write nothing), so a new invoice and a
    // correction (a credited invoice and its re-issue) are both found. Reported, not thrown, like Partner Center.
    const pax8 = await deps.pool.query(
      `select 1 from connections where workspace_id = $1 and kind = 'pax8'`,
      [ws],
    );
    if ((pax8.rowCount ?? 0) > 0) {
      const pulled = await pullPax8Source(
        {
          pool: deps.pool,
          box: deps.box,
          clock: deps.clock,
          ...(deps.pax8Http ? { http: deps.pax8Http } : {}),
          ...(deps.log ? { log: deps.log } : {}),
        },
        ws,
      ).catch((error: unknown) => error as Error);
      if (pulled instanceof Error)
        return { mode: 'pax8', invoicesPulled: 0, pricesChanged: false, errors: [`Pax8: ${pulled.message}`] };
      return {
        mode: 'pax8',
        invoicesPulled:
          pulled.invoices.filter((i) => i.status !== 'unchanged').length + pulled.withdrawn.length,
        pricesChanged: pulled.priceList.created + pulled.priceList.updated > 0,
        errors: [...pulled.errors, ...pulled.disagreements],
      };
    }
    const loaded = await loadSource(deps.pool, deps.box, ws);
    if (!loaded) return { mode: 'none', invoicesPulled: 0, pricesChanged: false, errors: [] };
    if (loaded.row.settings.mode !== 'api')
      return { mode: 'files', invoicesPulled: 0, pricesChanged: false, errors: [] };
    const pulled = await pullStoredSource(deps, loaded, await pullPlan(deps.pool, ws, deps.clock));
    return {
      mode: 'api',
      invoicesPulled: pulled.invoicesPulled,
      pricesChanged: pulled.pricesChanged,
      errors: pulled.errors,
    };
  };
}
