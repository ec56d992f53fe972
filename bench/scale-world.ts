import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type AutotaskEmulator, type AutotaskSeed, createAutotaskEmulator } from '../emulators/autotask';
import type { WorkspaceId } from '../src/core/ids';
import { offerKeyText } from '../src/core/model/source';
import type { PlainDate } from '../src/core/time/plain-date';
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
import { type CallStats, observeCalls } from './scale-calls';
import {
  companyIdOf,
  contractIdOf,
  costOf,
  customerName,
  invoiceOf,
  LINES_PER_CUSTOMER,
  priceList,
  retailOf,
  type ScaleDates,
  scaleDates,
  subscription,
  tenantOf,
  todayUtc,
} from './scale-data';

export const SCALE_CREDS = {
  userName: 'api@scale.example',
  secret: 'scale-secret',
  integrationCode: 'SCALECODE',
};
/** The key the workers open the stored Autotask credentials with (BILLSYNC_SECRET_KEY). */
export const SCALE_KEY = randomBytes(32).toString('hex');
const IDS = { apiUser: 1, owner: 2, vendor: 100, cloudCode: 200, materialCode: 201 };

/** The Autotask tenant before any line: Microsoft, two billing codes, one company and contract per customer. */
function baseSeed(customers: number, dates: ScaleDates): AutotaskSeed {
  const n = Array.from({ length: customers }, (_, i) => i);
  return {
    apiUsers: [{ ...SCALE_CREDS, resourceId: IDS.apiUser }],
    Resources: [
      { id: IDS.apiUser, firstName: 'API', lastName: 'User', userName: SCALE_CREDS.userName, isActive: true },
      { id: IDS.owner, firstName: 'Dana', lastName: 'Owner', userName: 'dana', isActive: true },
    ],
    BillingCodes: [
      { id: IDS.cloudCode, name: 'Cloud and SaaS', useType: 5, isActive: true, unitCost: 0, unitPrice: 0 },
      { id: IDS.materialCode, name: 'Hardware', useType: 4, isActive: true, unitCost: 0, unitPrice: 0 },
    ],
    Companies: [
      { id: IDS.vendor, companyName: 'Microsoft', companyType: 6, ownerResourceID: IDS.owner, phone: '1' },
      ...n.map((i) => ({
        id: companyIdOf(i),
        companyName: customerName(i),
        companyType: 1,
        ownerResourceID: IDS.owner,
        phone: '2',
      })),
    ],
    Contracts: n.map((i) => ({
      id: contractIdOf(i),
      companyID: companyIdOf(i),
      contractName: `${customerName(i)} Microsoft 365`,
      contractType: 7,
      status: 1,
      contractPeriodType: 2,
      timeReportingRequiresStartAndStopTimes: 0,
      startDate: dates.contractStart,
      endDate: dates.contractEnd,
    })),
  };
}

export interface ScaleWorld {
  pool: Pool;
  databaseUrl: string;
  ws: WorkspaceId;
  emulator: AutotaskEmulator;
  calls: CallStats;
  customers: number;
  dates: ScaleDates;
  /** PSA writes the first sync of month M still had to make on top of the bulk seed (Azure lines, mostly). */
  seedCorrections: number;
  close(): Promise<void>;
}

/** Requests that changed the PSA (creates, updates, adjustments; queries excluded) since the log's reset. */
export function psaWrites(emulator: AutotaskEmulator): number {
  return Object.entries(emulator.requests.counts())
    .filter(([key]) => /^(POST|PATCH|PUT|DELETE) /.test(key) && !/\/query(\/|$)/i.test(key))
    .reduce((n, [, c]) => n + c, 0);
}

/**
 * The steady state after month M, built in bulk: the emulator seeded with every customer's company, contract and
 * the contract lines M's invoice asks for (through the emulator's own adjustment rules, no HTTP); billsync's
 * customers, mappings, price list and invoice M stored with the repositories' bulk paths. Then one real first
 * sync of month M at zero latency brings billsync's own records (links, synced invoices, journal) in step and
 * writes whatever the seed did not foresee; invoice M counts as checked. Month M+1 is stored last: what the
 * daily check finds.
 */
export async function scaleWorld(customers: number, log: (m: string) => void): Promise<ScaleWorld> {
  const t0 = performance.now();
  const round = (ms: number) => Math.round(ms / 100) / 10;
  const db = await benchDatabase();
  await migrate(db.url);
  const pool = createPool(db.url, 12);
  const today = todayUtc();
  const dates = scaleDates(today);
  const base = baseSeed(customers, dates);
  const emulator = createAutotaskEmulator({
    seed: base,
    limits: { hourlyThreshold: 10_000, maxConcurrent: 3, baseLatencyMs: 0 },
  });
  const closeAll = async () => {
    await emulator.close();
    await pool.end();
    await db.close();
  };
  const calls = observeCalls(emulator.app);
  try {
    const url = await emulator.listen(0);
    const ws = (await insertWorkspace(pool, 'scale bench')).id;
    const tenants = Array.from({ length: customers }, (_, i) => i);
    await upsertSourceCustomers(
      pool,
      ws,
      tenants.map((i) => ({ tenantId: tenantOf(i), name: customerName(i), defaultDomain: '' })),
    );
    await storePriceList(pool, ws, priceList());
    await saveProgram(pool, ws, 'autotask', {
      ...DEFAULT_PROGRAM,
      syncEnabled: true,
      billingCodeId: String(IDS.cloudCode),
      vendorId: String(IDS.vendor),
      azureMarkupPercent: '10',
    });
    await pool.query(
      `insert into customer_mappings (workspace_id, target, tenant_id, company_id, company_name, contract_id,
         contract_name, strategy, sync_start, sync_on)
       select $1, 'autotask', t.tenant, t.company, t.name, t.contract, t.name || ' Microsoft 365', 'cost-and-retail', $2, true
       from unnest($3::text[], $4::text[], $5::text[], $6::text[]) as t(tenant, company, name, contract)`,
      [
        ws,
        dates.syncStart,
        tenants.map(tenantOf),
        tenants.map((i) => String(companyIdOf(i))),
        tenants.map(customerName),
        tenants.map((i) => String(contractIdOf(i))),
      ],
    );
    // The daily check is queued by the bench, not by the workers' schedule (their clock is the real one).
    await saveStoredSchedule(pool, ws, { enabled: false });
    const box = new SecretBox(Buffer.from(SCALE_KEY, 'hex'));
    await saveConnection(pool, box, {
      workspaceId: ws,
      kind: 'autotask',
      settings: { username: SCALE_CREDS.userName, zoneUrl: `${url}/ATServicesRest/` },
      secrets: { secret: SCALE_CREDS.secret, integrationCode: SCALE_CREDS.integrationCode },
      actor: 'bench',
    });
    log(`billsync data stored (${round(performance.now() - t0)} s)`);
    const invoiceM = invoiceOf('SCALE-M', dates.m, customers, false);
    await storeInvoice(pool, ws, invoiceM.header, invoiceM.lines);

    const deps = createEngineDeps({
      pool,
      clock: systemClock,
      openTarget: createTargetOpener({ pool, box }),
    });
    const ctx: RunContext = { ws, target: 'autotask', asOf: today, trigger: 'bench', actor: 'bench' };
    log(`invoice M stored (${round(performance.now() - t0)} s)`);
    await syncProducts(deps, ctx, { preview: false });
    seedLines(emulator, base, await listLinks(pool, ws, 'autotask', 'product'), customers, dates);
    emulator.requests.reset();
    log(
      `seeded: ${customers} customers x ${LINES_PER_CUSTOMER} contract lines (${round(performance.now() - t0)} s); first sync of month M...`,
    );
    await firstSync(deps, ctx, customers);
    log(`first sync done (${round(performance.now() - t0)} s)`);
    const seedCorrections = psaWrites(emulator);
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
      emulator,
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

/** Month M in the PSA: each subscription's line from its charge start, at its seats, retail price and cost. */
function seedLines(
  emulator: AutotaskEmulator,
  base: AutotaskSeed,
  productLinks: ReadonlyMap<string, string>,
  customers: number,
  dates: ScaleDates,
): void {
  const services = [...emulator.state.tables.Services.values()];
  const adjustments: Record<string, unknown>[] = [];
  for (let i = 0; i < customers; i++) {
    for (let j = 0; j < LINES_PER_CUSTOMER; j++) {
      const sub = subscription(i, j);
      const serviceId = Number(productLinks.get(offerKeyText(sub.offer)));
      if (!serviceId) throw new Error(`the product sync did not link ${offerKeyText(sub.offer)}`);
      const start = `${dates.m}-${String(sub.anniversary).padStart(2, '0')}` as PlainDate;
      adjustments.push({
        contractID: contractIdOf(i),
        serviceID: serviceId,
        effectiveDate: start,
        unitChange: sub.seats,
        adjustedUnitPrice: retailOf(sub.k),
        adjustedUnitCost: costOf(sub.k),
      });
    }
  }
  emulator.loadSeed({
    ...base,
    firstId: emulator.state.nextId,
    Services: services,
    ContractServiceAdjustments: adjustments,
  });
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
