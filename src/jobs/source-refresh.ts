import type { WorkspaceId } from '../core/ids';
import { IntegrationError } from '../core/integration-error';
import { type BillingPeriod, nextPeriod, periodOf, previousPeriod } from '../core/time/billing-period';
import type { Clock } from '../core/time/clock';
import type { Pool } from '../db/pool';
import { getConnectionByKind } from '../db/repos/connections';
import { listInvoices, storeInvoice, storePriceList, upsertSourceCustomers } from '../db/repos/source-data';
import type { SecretBox } from '../runtime/secret-box';
import { openSecrets } from '../services/connections';
import {
  createPartnerCenterClient,
  type PullStore,
  pullFromPartnerCenter,
  resolveConnection,
} from '../sources/partner-center/api';

/** What the daily check's source step did. */
export interface SourceRefresh {
  /** `api`: read from Partner Center; `files`: new invoices come from imports; `none`: no source connection. */
  mode: 'api' | 'files' | 'none';
  invoicesPulled: number;
  /** The price list had new or changed entries. */
  pricesChanged: boolean;
  errors: string[];
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

function store(pool: Pool, ws: WorkspaceId): PullStore {
  return {
    upsertCustomers: (customers) => upsertSourceCustomers(pool, ws, customers),
    async storeInvoice(header, lines, usage) {
      const r = await storeInvoice(pool, ws, header, lines, usage);
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const c of [r.lines?.counts, r.usage?.counts]) {
        if (!c) continue;
        counts.created += c.created;
        counts.updated += c.updated;
        counts.unchanged += c.unchanged;
      }
      return { status: r.status, counts };
    },
  };
}

/** Markets of the stored price list (the price sheet is per market); US when there is none yet. */
async function marketsOf(pool: Pool, ws: WorkspaceId): Promise<string[]> {
  const res = await pool.query<{ market: string }>(
    'select distinct market from price_list_entries where workspace_id = $1 order by market',
    [ws],
  );
  return res.rows.length ? res.rows.map((r) => r.market) : ['US'];
}

/**
 * The daily check's source step. With the Partner Center API: invoices of the periods after the newest stored one
 * (or of last month on a first run) and the price list of each market are read and stored. With file imports
 * there is nothing to read: invoices arrive when someone imports them. Failures are reported, not thrown, so the
 * check still acts on what is stored.
 */
export function createSourceRefresher(deps: { pool: Pool; box: SecretBox; clock: Clock }) {
  return async (ws: WorkspaceId): Promise<SourceRefresh> => {
    const row = await getConnectionByKind(deps.pool, ws, 'partner-center');
    if (!row) return { mode: 'none', invoicesPulled: 0, pricesChanged: false, errors: [] };
    if (row.settings.mode !== 'api')
      return { mode: 'files', invoicesPulled: 0, pricesChanged: false, errors: [] };
    const secrets = openSecrets(deps.box, row);
    const conn = resolveConnection({
      authorityUrl: str(row.settings.authority),
      apiUrl: str(row.settings.apiUrl),
      tenantId: str(row.settings.tenantId),
      clientId: str(row.settings.clientId),
      clientSecret: secrets.clientSecret,
    });
    if (!conn.ok) {
      return {
        mode: 'api',
        invoicesPulled: 0,
        pricesChanged: false,
        errors: [`Partner Center: ${conn.problems.join('; ')}`],
      };
    }
    const client = createPartnerCenterClient({ connection: conn.value });
    const errors: string[] = [];
    const newest = (await listInvoices(deps.pool, ws)).at(-1)?.billingPeriod;
    const since: BillingPeriod = newest ? nextPeriod(newest) : previousPeriod(periodOf(deps.clock.today()));
    let invoicesPulled = 0;
    try {
      const pulled = await pullFromPartnerCenter(client, store(deps.pool, ws), { since });
      invoicesPulled = pulled.invoices.filter((i) => i.status !== 'unchanged').length;
      errors.push(
        ...pulled.errors.map((e) => `${e.stage}${e.invoiceId ? ` ${e.invoiceId}` : ''}: ${e.message}`),
      );
    } catch (error) {
      errors.push(`invoices: ${messageOf(error)}`);
    }
    let pricesChanged = false;
    for (const market of await marketsOf(deps.pool, ws)) {
      try {
        const counts = await storePriceList(deps.pool, ws, client.listPrices(market));
        pricesChanged ||= counts.created + counts.updated > 0;
      } catch (error) {
        errors.push(`price list ${market}: ${messageOf(error)}`);
      }
    }
    return { mode: 'api', invoicesPulled, pricesChanged, errors };
  };
}

function messageOf(error: unknown): string {
  if (error instanceof IntegrationError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
