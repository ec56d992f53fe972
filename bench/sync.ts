import { type ApiBenchRow, benchSyncApi } from './sync-api';
import { benchPlanner } from './sync-planner';

/**
 * `npm run bench -- sync`: the planner on 10,000 customers x 30 lines and a price list of 20,000 entries
 * (`BENCH_PLANNER_PRICE_ENTRIES`; target < 5 s, < 1 GB), and the PSA calls of
 * 500 customers against the Autotask emulator (targets: no-op re-sync 0 writes and <= 2 reads per customer; a
 * steady-state month <= 1.1 x changes + batched reads; a first sync's calls <= 1.1 x (its writes + the steady
 * state's batched reads), issue 14). Call counts do not depend on the machine; the planner's time does: compare
 * runs on an idle machine. `BENCH_API_ROUTES=1` also prints each phase's calls by route.
 */
export async function benchSync(): Promise<void> {
  const customers = Number(process.env.BENCH_PLANNER_CUSTOMERS ?? 10_000);
  const p = benchPlanner(customers, Number(process.env.BENCH_PLANNER_PRICE_ENTRIES ?? 20_000));
  console.log(
    `\nPlanner: ${p.customers} customers x ${p.lines / p.customers} lines, a price list of ${p.priceEntries} entries`,
  );
  console.table([
    {
      customers: p.customers,
      lines: p.lines,
      operations: p.operations,
      'planner time (s)': Math.round(p.ms / 10) / 100,
      'peak RSS (MB)': Math.round(p.peakRssMb),
      target: '< 5 s, < 1024 MB',
      verdict: p.ms < 5000 && p.peakRssMb < 1024 ? 'ok' : 'MISSED',
    },
  ]);
  const api = Number(process.env.BENCH_API_CUSTOMERS ?? 500);
  console.log(`\nAutotask API calls for ${api} customers (emulator)`);
  const rows = await benchSyncApi(api);
  console.table(
    rows.map((r) => ({
      ...r,
      target:
        r.phase === 'no-op re-sync'
          ? '0 writes, <= 2 reads/customer'
          : r.phase === 'steady-state month'
            ? 'writes <= 1.1 x changes'
            : '',
      verdict:
        r.phase === 'no-op re-sync'
          ? r.writes === 0 && r.readsPerCustomer <= 2
            ? 'ok'
            : 'MISSED'
          : r.phase === 'steady-state month'
            ? r.writes <= 1.1 * r.changes
              ? 'ok'
              : 'MISSED'
            : '',
    })),
  );
  const first = firstSyncFigures(rows);
  if (first) {
    console.log(
      `\nFirst sync of ${api} customers: PSA calls beside the floor (its writes + the steady state's reads)`,
    );
    console.table([first]);
  }
}

/**
 * The first sync's calls beside its floor, measured in the same run: every write it must make plus the batched
 * reads a steady-state month needs (the lines it creates are read back in batches, not one read per write).
 */
export function firstSyncFigures(rows: readonly ApiBenchRow[]) {
  const first = rows.find((r) => r.phase === 'first sync');
  const steady = rows.find((r) => r.phase === 'steady-state month');
  if (!first || !steady) return undefined;
  const floor = first.writes + steady.reads;
  const ratio = first.calls / floor;
  return {
    calls: first.calls,
    writes: first.writes,
    reads: first.reads,
    'steady reads': steady.reads,
    'floor (writes + steady reads)': floor,
    'bound (1.1 x floor)': Math.floor(1.1 * floor),
    ratio: Math.round(ratio * 1000) / 1000,
    target: '<= 1.1',
    verdict: ratio <= 1.1 ? 'ok' : 'MISSED',
  };
}
