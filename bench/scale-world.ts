import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { WorkspaceId } from '../src/core/ids';
import { migrate } from '../src/db/migrate';
import { createPool, type Pool } from '../src/db/pool';
import { listUncheckedInvoices, markInvoicesChecked, saveStoredSchedule } from '../src/db/repos/schedule';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../src/db/repos/source-data';
import { listLinks, saveProgram } from '../src/db/repos/sync';
import { insertWorkspace } from '../src/db/repos/workspaces';
import type { EngineDeps } from '../src/engine/deps';
import { DEFAULT_PROGRAM } from '../src/engine/program';
import type { RunContext } from '../src/engine/runs';
import { syncCustomers, syncProducts } from '../src/engine/sync';
import { createEngineDeps } from '../src/runtime/engine';
import { SecretBox } from '../src/runtime/secret-box';
import { systemClock } from '../src/runtime/system-clock';
import { createTargetOpener } from '../src/runtime/targets';
import { saveConnection } from '../src/services/connections';
import { benchDatabase } from './bench-database';
import { autotaskEndpoint, type CallStats, connectWiseEndpoint, observeCalls } from './scale-calls';
import {
  companyIdOf,
  contractIdOf,
  customerName,
  invoiceOf,
  LINES_PER_CUSTOMER,
  priceList,
  type ScaleDates,
  scaleDates,
  tenantOf,
  todayUtc,
} from './scale-data';
import type { ScalePsa } from './scale-psa';

/** The key the workers open the stored PSA credentials with (BILLSYNC_SECRET_KEY). */
export const SCALE_KEY = randomBytes(32).toString('hex');

export interface ScaleWorld<P extends ScalePsa = ScalePsa> {
  pool: Pool;
  databaseUrl: string;
  ws: WorkspaceId;
  psa: P;
  calls: CallStats;
  customers: number;
  dates: ScaleDates;
  /** PSA writes the first sync of month M still had to make on top of the bulk seed (Azure lines, mostly). */
  seedCorrections: number;
  close(): Promise<void>;
}

/**
 * The steady state after month M, built in bulk: the PSA emulator (`makePsa`: Autotask or ConnectWise) seeded
 * with every customer's company and contract, and on Autotask the contract lines M's invoice asks for (through
 * the emulator's own adjustment rules, no HTTP); billsync's
 * customers, mappings, price list and invoice M stored with the repositories' bulk paths. Then one real first
 * sync of month M at zero latency brings billsync's own records (links, synced invoices, journal) in step and
 * writes whatever the seed did not foresee; invoice M counts as checked. Month M+1 is stored last: what the
 * daily check finds.
 */
export async function scaleWorld<P extends ScalePsa>(
  customers: number,
  makePsa: (customers: number, dates: ScaleDates) => P,
  log: (m: string) => void,
): Promise<ScaleWorld<P>> {
  const t0 = performance.now();
  const round = (ms: number) => Math.round(ms / 100) / 10;
  const db = await benchDatabase();
  await migrate(db.url);
  const pool = createPool(db.url, 12);
  const today = todayUtc();
  const dates = scaleDates(today);
  const psa = makePsa(customers, dates);
  const target = psa.target;
  const closeAll = async () => {
    await psa.close();
    await pool.end();
    await db.close();
  };
  const calls = observeCalls(psa.app, target === 'connectwise' ? connectWiseEndpoint : autotaskEndpoint);
  try {
    const url = await psa.listen();
    const ws = (await insertWorkspace(pool, 'scale bench')).id;
    const tenants = Array.from({ length: customers }, (_, i) => i);
    await upsertSourceCustomers(
      pool,
      ws,
      tenants.map((i) => ({ tenantId: tenantOf(i), name: customerName(i), defaultDomain: '' })),
    );
    await storePriceList(pool, ws, priceList());
    await saveProgram(pool, ws, target, {
      ...DEFAULT_PROGRAM,
      syncEnabled: true,
      ...psa.program,
      azureMarkupPercent: '10',
    });
    await pool.query(
      `insert into customer_mappings (workspace_id, target, tenant_id, company_id, company_name, contract_id,
         contract_name, strategy, sync_start, sync_on)
       select $1, $7, t.tenant, t.company, t.name, t.contract, t.name || ' Microsoft 365', 'cost-and-retail', $2, true
       from unnest($3::text[], $4::text[], $5::text[], $6::text[]) as t(tenant, company, name, contract)`,
      [
        ws,
        dates.syncStart,
        tenants.map(tenantOf),
        tenants.map((i) => String(companyIdOf(i))),
        tenants.map(customerName),
        tenants.map((i) => String(contractIdOf(i))),
        target,
      ],
    );
    // The daily check is queued by the bench, not by the workers' schedule (their clock is the real one).
    await saveStoredSchedule(pool, ws, { enabled: false });
    const box = new SecretBox(Buffer.from(SCALE_KEY, 'hex'));
    await saveConnection(pool, box, {
      workspaceId: ws,
      kind: target,
      ...psa.connection(url),
      actor: 'bench',
    });
    log(`billsync data stored (${round(performance.now() - t0)} s)`);
    const invoiceM = invoiceOf('SCALE-M', dates.m, customers, false);
    await storeInvoice(pool, ws, invoiceM.header, invoiceM.lines);

    const deps = createEngineDeps({
      pool,
      clock: systemClock,
      // The setup writes month M with the limits off: ConnectWise's pace (900 a minute) is the measured workers'.
      openTarget: createTargetOpener({
        pool,
        box,
        env: { ...process.env, BILLSYNC_CW_REQUESTS_PER_MINUTE: '10000000' },
      }),
    });
    const ctx: RunContext = { ws, target, asOf: today, trigger: 'bench', actor: 'bench' };
    log(`invoice M stored (${round(performance.now() - t0)} s)`);
    await syncProducts(deps, ctx, { preview: false });
    psa.seedLines(await listLinks(pool, ws, target, 'product'), dates);
    psa.startWindow('off');
    const seeded =
      target === 'connectwise'
        ? `seeded: ${customers} companies and agreements, no lines (month M's are written over HTTP)`
        : `seeded: ${customers} customers x ${LINES_PER_CUSTOMER} contract lines`;
    log(`${seeded} (${round(performance.now() - t0)} s); first sync of month M...`);
    await firstSync(deps, ctx, customers);
    log(`first sync done (${round(performance.now() - t0)} s)`);
    const seedCorrections = psa.writes();
    await markInvoicesChecked(pool, ws, await listUncheckedInvoices(pool, ws));
    const invoiceM1 = invoiceOf('SCALE-M1', dates.m1, customers, true);
    await storeInvoice(pool, ws, invoiceM1.header, invoiceM1.lines);
    // A database in its steady state has planner statistics; right after a bulk load it has none until
    // autovacuum's next round, and the per-batch queries over invoice lines would run without them.
    await pool.query('analyze');
    return {
      pool,
      databaseUrl: db.url,
      ws,
      psa,
      calls,
      customers,
      dates,
      seedCorrections,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The first sync of month M, as billsync runs it for a whole tenant (batches of 50 customers), in 4 parts at
 * once: the latency is off, the PSA answers from this process, and the parts overlap their database waits.
 */
async function firstSync(deps: EngineDeps, ctx: RunContext, customers: number): Promise<void> {
  const parts = 4;
  const tenants = Array.from({ length: customers }, (_, i) => tenantOf(i));
  const size = Math.ceil(customers / parts / 50) * 50;
  const chunks = Array.from({ length: parts }, (_, k) => tenants.slice(k * size, (k + 1) * size));
  const runs = (
    await Promise.all(
      chunks
        .filter((c) => c.length > 0)
        .map((tenantIds) => syncCustomers(deps, ctx, { preview: false, tenantIds })),
    )
  ).flat();
  const failed = runs.filter((r) => !['success', 'no_change', 'warning'].includes(r.status));
  if (failed.length > 0) {
    throw new Error(
      `the first sync of month M failed for ${failed.length} customers: ${JSON.stringify(failed[0]).slice(0, 600)}`,
    );
  }
}
