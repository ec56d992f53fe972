import type { WorkspaceId } from '../../core/ids';
import { IntegrationError } from '../../core/integration-error';
import type { BillingPeriod } from '../../core/time/billing-period';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../db/repos/source-data';
import {
  isGrantRejected,
  type PartnerCenterClient,
  type PullStore,
  pullFromPartnerCenter,
} from '../../sources/partner-center/api';
import { markReconnect, renewIfDue, type SourceDeps, sourceClient } from './access';
import { createPullProgress, type PullTotals } from './pull-progress';
import { type LoadedSource, writeStatus } from './store';
import { describeFailure, describePullError } from './words';

/** The pull's store: the source-data repository (customers, invoices with lines and usage). */
export function databaseStore(deps: Pick<SourceDeps, 'pool'>, ws: WorkspaceId): PullStore {
  return {
    upsertCustomers: (customers) => upsertSourceCustomers(deps.pool, ws, customers),
    async storeInvoice(header, lines, usage) {
      const r = await storeInvoice(deps.pool, ws, header, lines, usage);
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

const NOTHING: PullTotals = {
  invoicesPulled: 0,
  pricesChanged: false,
  priceEntries: null,
  errors: [],
  readSomething: false,
};

const NEEDS_CONSENT =
  'Microsoft’s price sheet needs the App+User consent: click Connect (Reconnect, when the card says so) on the Microsoft CSP card and sign in';

/** Reads the price sheet of each market into the price list. */
async function pullPrices(
  deps: SourceDeps,
  loaded: LoadedSource,
  client: PartnerCenterClient,
  p: { markets: readonly string[]; appUser: boolean; step: (text: string) => Promise<void> },
): Promise<{ entries: number | null; changed: boolean; errors: string[] }> {
  let entries: number | null = null;
  let changed = false;
  const errors: string[] = [];
  for (const market of p.markets) {
    await p.step(`Reading the price sheet (${market})`);
    try {
      const counts = await storePriceList(deps.pool, loaded.row.workspace_id, client.listPrices(market));
      entries = (entries ?? 0) + counts.created + counts.updated + counts.unchanged;
      changed ||= counts.created + counts.updated > 0;
    } catch (error) {
      if (p.appUser && isGrantRejected(error)) {
        errors.push(`price list: ${await markReconnect(deps, loaded.row.workspace_id, error)}`);
        break;
      }
      const appOnlyRefused =
        !p.appUser &&
        error instanceof IntegrationError &&
        (error.kind === 'auth' || error.kind === 'forbidden');
      errors.push(`price list ${market}: ${appOnlyRefused ? NEEDS_CONSENT : describeFailure(error)}`);
    }
  }
  return { entries, changed, errors };
}

/**
 * Pulls the stored Partner Center source (the daily check and Pull now): renews the App+User consent when it is
 * due, reads customers and the invoices from `since` on (app-only), then the price sheet of each market (App+User;
 * without a consent it is tried app-only, which Microsoft refuses, and the card says to connect). Progress and the
 * outcome go to the card; failures are listed in words, not thrown.
 */
export async function pullStoredSource(
  deps: SourceDeps & { log?: (message: string) => void },
  loaded: LoadedSource,
  p: { since: BillingPeriod; markets: readonly string[] },
): Promise<PullTotals> {
  const ws = loaded.row.workspace_id;
  const progress = createPullProgress(deps, ws);
  await progress.start(loaded.row.settings);
  const errors: string[] = [];
  let refreshToken = loaded.secrets.refreshToken;
  const totals = { invoicesPulled: 0, read: false };
  try {
    const renewal = await renewIfDue(deps, loaded);
    if (renewal.outcome === 'rejected') errors.push(`consent: ${renewal.problem}`);
    refreshToken = renewal.refreshToken;
  } catch (error) {
    errors.push(`consent renewal: ${describeFailure(error)} (it is tried again on the next pull)`);
  }
  let client: PartnerCenterClient;
  try {
    client = sourceClient(deps, loaded, refreshToken);
  } catch (error) {
    const failed: PullTotals = { ...NOTHING, errors: [...errors, describeFailure(error)] };
    await progress.finish(failed);
    return failed;
  }
  try {
    const pulled = await pullFromPartnerCenter(client, databaseStore(deps, ws), {
      since: p.since,
      onProgress: (message) => void progress.step(message),
    });
    totals.invoicesPulled = pulled.invoices.filter((i) => i.status !== 'unchanged').length;
    const c = pulled.customers;
    totals.read = c.created + c.updated + c.unchanged > 0 || pulled.invoices.length > 0;
    for (const e of pulled.errors)
      errors.push(
        `${e.stage}${e.invoiceId ? ` ${e.invoiceId}` : ''}: ${describePullError(e.kind, e.message)}`,
      );
  } catch (error) {
    const words = describeFailure(error);
    errors.push(`invoices: ${words}`);
    if (error instanceof IntegrationError && (error.kind === 'auth' || error.kind === 'forbidden'))
      await writeStatus(deps.pool, ws, 'error', words, deps.clock.now());
  }
  const prices = await pullPrices(deps, loaded, client, {
    markets: p.markets,
    appUser: refreshToken !== undefined,
    step: (text) => progress.step(text),
  });
  errors.push(...prices.errors);
  const result: PullTotals = {
    invoicesPulled: totals.invoicesPulled,
    pricesChanged: prices.changed,
    priceEntries: prices.entries,
    errors,
    readSomething: totals.read || (prices.entries ?? 0) > 0,
  };
  await progress.finish(result);
  return result;
}
