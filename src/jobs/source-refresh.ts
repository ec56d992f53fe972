import type { WorkspaceId } from '../core/ids';
import { type BillingPeriod, nextPeriod, periodOf, previousPeriod } from '../core/time/billing-period';
import type { Clock } from '../core/time/clock';
import type { Pool } from '../db/pool';
import { listInvoices } from '../db/repos/source-data';
import type { SecretBox } from '../runtime/secret-box';
import { pullStoredSource } from '../services/partner-center/pull-source';
import { loadSource } from '../services/partner-center/store';
import type { ConsentHttpOptions } from '../sources/partner-center/api';

/** What the daily check's source step did. */
export interface SourceRefresh {
  /** `api`: read from Partner Center; `files`: new invoices come from imports; `none`: no source connection. */
  mode: 'api' | 'files' | 'none';
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
    since: newest ? nextPeriod(newest) : previousPeriod(periodOf(clock.today())),
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
  log?: (message: string) => void;
}) {
  return async (ws: WorkspaceId): Promise<SourceRefresh> => {
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
