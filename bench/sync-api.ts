import { migrate } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { storeInvoice } from '../src/db/repos/source-data';
import { syncCustomers, syncProducts } from '../src/engine/sync';
import { autotaskWorld, runCtx } from '../test/support/autotask-world';
import { month, PRICES } from '../test/support/volume-fixtures';
import { benchDatabase } from './bench-database';

export interface ApiBenchRow {
  phase: string;
  changes: number;
  /** Every request to the PSA (writes + reads, zone and threshold look-ups included). */
  calls: number;
  reads: number;
  writes: number;
  readsPerCustomer: number;
}

/** The PSA writes in an emulator's request log: services, prices, adjustments, charges. The rest are reads. */
export function psaWrites(requests: { count(method?: string, routeGlob?: string): number }): number {
  return (
    requests.count('POST', '**/Services') +
    requests.count('PATCH', '**') +
    requests.count('POST', '**/ServiceAdjustments') +
    requests.count('POST', '**/Charges')
  );
}

/**
 * API calls of the sync for `customers` customers against the Autotask emulator: the first sync, a steady-state
 * month (one new invoice, every 5th customer changes seats), and a no-op re-sync, each beside its changes.
 */
export async function benchSyncApi(customers = 500): Promise<ApiBenchRow[]> {
  const db = await benchDatabase();
  await migrate(db.url);
  const pool = createPool(db.url, 10);
  const tenants = Array.from(
    { length: customers - 1 },
    (_, i) => `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
  );
  const w = await autotaskWorld(pool, {
    invoices: [
      month('G7', '2025-07', '2025-07-15', '2025-08-14', 10, { day: '2025-07-20', to: 12 }),
      month('G8', '2025-08', '2025-08-15', '2025-09-14', 12),
    ],
    priceList: PRICES,
    extraTenants: tenants,
  });
  const rows: ApiBenchRow[] = [];
  const measure = async (phase: string, asOf: string) => {
    w.emulator.requests.reset();
    const products = await syncProducts(w.deps, runCtx(w, asOf), { preview: false });
    const runs = await syncCustomers(w.deps, runCtx(w, asOf), { preview: false });
    const changes = products.operations + runs.reduce((n, r) => n + r.operations, 0);
    const writes = psaWrites(w.emulator.requests);
    const calls = w.emulator.requests.count();
    const reads = calls - writes;
    // BENCH_API_ROUTES=1: the calls of each phase by route, to see where reads come from.
    if (process.env.BENCH_API_ROUTES) console.log(phase, w.emulator.requests.counts());
    rows.push({
      phase,
      changes,
      calls,
      reads,
      writes,
      readsPerCustomer: Math.round((reads / customers) * 100) / 100,
    });
  };
  try {
    await measure('first sync', '2025-09-10');
    // A steady-state month: the September invoice; every 5th customer drops to 11 seats on the 25th.
    const sept = month('G9', '2025-09', '2025-09-15', '2025-10-14', 12);
    const changed = tenants.filter((_, i) => i % 5 === 0);
    const lines = [
      ...sept.lines,
      ...tenants.flatMap((t) =>
        month(
          'G9',
          '2025-09',
          '2025-09-15',
          '2025-10-14',
          12,
          changed.includes(t) ? { day: '2025-09-25', to: 11 } : undefined,
        ).lines.map((l) => ({
          ...l,
          customerTenantId: t,
          subscriptionId: `${t}-${l.subscriptionId}`,
        })),
      ),
    ].map((l, n) => ({ ...l, lineNumber: n + 1 }));
    await storeInvoice(pool, w.ws, sept.header, lines);
    await measure('steady-state month', '2025-10-10');
    await measure('no-op re-sync', '2025-10-10');
  } finally {
    await w.close();
    await pool.end();
    await db.close();
  }
  return rows;
}
