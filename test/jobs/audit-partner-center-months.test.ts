import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
} from '../../emulators/partner-center';
import type { WorkspaceId } from '../../src/core/ids';
import { dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { createPool, type Pool } from '../../src/db/pool';
import { enqueueDailyCheck } from '../../src/jobs/enqueue';
import type { JobDeps } from '../../src/jobs/job-deps';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { createSourceRefresher } from '../../src/jobs/source-refresh';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
import { createEngineDeps } from '../../src/runtime/engine';
import { SecretBox } from '../../src/runtime/secret-box';
import { createTargetOpener } from '../../src/runtime/targets';
import { saveConnection } from '../../src/services/connections';
import { storeRefreshToken } from '../../src/services/partner-center/access';
import { IDS } from '../support/autotask-world';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  type ScenarioTarget,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import {
  azurePlanLine,
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  type PriceSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { jobsOf, TEST_TIMING, testJobDeps, waitFor } from '../support/jobs';
import { carriedSeatsOn, FABRIKAM, NORTHWIND, subscription } from '../support/months-data';
import { movableClock } from '../support/partner-center-consent';
import { billed } from '../support/psa-picture';

/**
 * Audit of spec sections 2, 6 and 8 with the Microsoft data read from the Partner Center API (the emulator), the
 * daily check doing all the work (an in-process worker composed like `billsync worker`, its tick fired by the
 * test at 06:00 UTC), on Autotask and on ConnectWise. Four invoices (December 2026 to March 2027, issued on the
 * 7th of the next month), line items served in pages of 2.
 *
 * Contoso Dental (contract 400 / agreement 1040): Business Premium, cycles on the 15th, 10 seats, 10 -> 12 from
 *   20 Jan; from 15 Feb the cycle costs 105.00 and the price list's retail is 136.50 (R-8: warning, the period
 *   keeps 130.20, 136.50 from 1 Mar). Azure plan (markup 10%): Dec 100.50, Jan 120.00, none in Feb, Mar 64.10.
 * Fabrikam (contract/agreement 500): Business Premium, calendar cycles, 5 seats. The January invoice is re-issued
 *   on 20 Mar (same number): 5 -> 6 from 25 Jan.
 * Northwind (contract/agreement 501): a new customer that appears in Partner Center with the February invoice
 *   (new subscription from 10 Feb, 3 seats); mapped on 21 Mar with sync start 1 Mar.
 *
 * Days: 5 Jan first pull (customers, price list); 7 Jan invoice 1; 7 Feb line items answer 503 all day, 8 Feb
 * recovered; 15 Feb price list change; 7 Mar the invoice list answers 429 all day, 8 Mar recovered; 20 Mar the
 * re-issue; 7 Apr the app's secret is rejected (401), 8 Apr the admin saves the new one but Partner Center lists
 * invoice 4 without its line items yet, 9 Apr the line items are there.
 */

const KEY = 'ab'.repeat(32); // the CliScenario's BILLSYNC_SECRET_KEY
const MARKUP = '10';
const FAB_CONTRACT = 500;
const NOR_CONTRACT = 501;
const BP_SERVICE = 'PC_CFQ7TTC0LCHC:0002';

const CBP = subscription(CONTOSO, BUSINESS_PREMIUM, 'c0bb0000-0000-4000-8000-0000000000c1', '2026-12-15');
const FBP = subscription(FABRIKAM, BUSINESS_PREMIUM, 'fa000000-0000-4000-8000-0000000000f1', '2026-12-01');
const NBP = subscription(NORTHWIND, BUSINESS_PREMIUM, 'ab000000-0000-4000-8000-0000000000a1', '2027-02-10');

interface Inv {
  id: string;
  period: string;
  issued: string;
  lines: ReconLineSpec[];
}
const G1: Inv = {
  id: 'G000003612',
  period: '2026-12',
  issued: '2027-01-07',
  lines: [
    CBP.cycle('2026-12-15', '2027-01-14', 10, '100.00'),
    FBP.cycle('2026-12-01', '2026-12-31', 5, '100.00'),
    azurePlanLine('2026-12', '100.50', CONTOSO),
  ],
};
const G2: Inv = {
  id: 'G000003701',
  period: '2027-01',
  issued: '2027-02-07',
  lines: [
    CBP.cycle('2027-01-15', '2027-02-14', 10, '100.00'),
    ...CBP.change('2027-01-20', '2027-02-14', 10, 12, '100.00'),
    FBP.cycle('2027-01-01', '2027-01-31', 5, '100.00'),
    azurePlanLine('2027-01', '120.00', CONTOSO),
  ],
};
/** The corrected re-issue of January (same number): Fabrikam 5 -> 6 from 25 Jan. */
const G2_CORRECTED: Inv = {
  ...G2,
  lines: [...G2.lines, ...FBP.change('2027-01-25', '2027-01-31', 5, 6, '100.00')],
};
const G3: Inv = {
  id: 'G000003702',
  period: '2027-02',
  issued: '2027-03-07',
  lines: [
    CBP.cycle('2027-02-15', '2027-03-14', 12, '105.00'),
    FBP.cycle('2027-02-01', '2027-02-28', 5, '100.00'),
    NBP.cycle('2027-02-10', '2027-03-09', 3, '100.00', { chargeType: 'new' }),
  ],
};
const G4: Inv = {
  id: 'G000003703',
  period: '2027-03',
  issued: '2027-04-07',
  lines: [
    CBP.cycle('2027-03-15', '2027-04-14', 12, '105.00'),
    FBP.cycle('2027-03-01', '2027-03-31', 5, '105.00'),
    NBP.cycle('2027-03-10', '2027-04-09', 3, '105.00'),
    azurePlanLine('2027-03', '64.10', CONTOSO),
  ],
};

const PRICES_BEFORE: PriceSpec[] = [{ offer: BUSINESS_PREMIUM, cost: '100.00', erp: '130.20' }];
/** From 15 Feb: cost 105.00, retail 136.50 (the old window ends 14 Feb). */
const PRICES_AFTER: PriceSpec[] = [
  { offer: BUSINESS_PREMIUM, cost: '100.00', erp: '130.20', end: '2027-02-14' },
  { offer: BUSINESS_PREMIUM, cost: '105.00', erp: '136.50', start: '2027-02-15', changed: true },
];

// ---------------------------------------------------------------------------------------------------------------
// What Microsoft published so far and what billsync must have synced: the expectations come from these only.

interface Truth {
  /** Invoice id -> its lines as synced (a re-issue replaces them). */
  synced: Map<string, ReconLineSpec[]>;
  /** Customers whose sync is on and who were synced by the daily check. */
  customers: Set<CustomerSpec>;
  /** The newest billing period synced (months up to it are final). */
  through: string;
}

const linesOf = (t: Truth, c: CustomerSpec) =>
  [...t.synced.values()].flat().filter((l) => l.customer === c && l.offer === BUSINESS_PREMIUM);

/**
 * the contract period (calendar month) of a mid-period price change keeps the old price. The retail is the price
 * list's for the contract period (decision 0006: per calendar month, from the list's dates), the cost Microsoft's unit
 * price of the line charged (its charge date). Northwind's cycle runs from the 10th: its 1-9 March, decided by the
 * February invoice, take March's list retail (136.50) while their cost is still the cycle's of 10 February (100.00);
 * its cost moves with the cycle charged on 10 March, from April.
 */
function priceOn(t: Truth, c: CustomerSpec, day: string): { price: string; cost: string } {
  const costFrom =
    c === CONTOSO && t.synced.has(G3.id)
      ? '2027-03-01'
      : c === FABRIKAM && t.synced.has(G4.id)
        ? '2027-03-01'
        : c === NORTHWIND && t.synced.has(G4.id)
          ? '2027-04-01'
          : '9999-12-31';
  const retailFrom = c === NORTHWIND && t.synced.has(G3.id) ? '2027-03-01' : costFrom;
  return {
    price: day >= retailFrom ? '136.50' : '130.20',
    cost: day >= costFrom ? '105.00' : '100.00',
  };
}

/** Azure retail of the usage of `month` (cost + 10%, half-up to cents), billed in the month after. */
function azureRetail(t: Truth, c: CustomerSpec, month: string) {
  const line = [...t.synced.values()]
    .flat()
    .find((l) => l.customer === c && l.offer !== BUSINESS_PREMIUM && l.chargeStart.startsWith(month));
  return line ? dec(line.subtotal!).times(dec('1.1')).round(2, 1) : ZERO;
}

function expectedBill(t: Truth, c: CustomerSpec, month: string) {
  if (!t.customers.has(c)) return ZERO;
  const first = parsePlainDate(`${month}-01`);
  const last = addDays(addMonths(first, 1), -1);
  const n = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let sum = ZERO;
  for (const d of eachDay(first, last))
    sum = sum.plus(dec(carriedSeatsOn(linesOf(t, c), d)).times(dec(priceOn(t, c, d).price)));
  return sum
    .div(dec(n))
    .round(2, 1)
    .plus(azureRetail(t, c, addMonths(first, -1).slice(0, 7)));
}

const MONTHS = ['2026-12', '2027-01', '2027-02', '2027-03'];

// ---------------------------------------------------------------------------------------------------------------

type RunRow = { kind: string; customer_name: string | null; status: string; id: string };

interface World {
  s: CliScenario<ScenarioTarget>;
  pc: PartnerCenterEmulator;
  seedDir: string;
  pool: Pool;
  queue: JobQueue;
  worker: RunningWorker;
  ws: WorkspaceId;
  clock: ReturnType<typeof movableClock>;
  box: SecretBox;
  pcBase: string;
  secret: string;
  log: string[];
  contract: Map<CustomerSpec, number>;
  truth: Truth;
}

function writeSeed(
  w: World,
  o: { customers: CustomerSpec[]; invoices: Inv[]; notReady?: string[]; prices: PriceSpec[] },
) {
  rmSync(w.seedDir, { recursive: true, force: true });
  w.seedDir = mkdtempSync(join(tmpdir(), 'billsync-pcseed-'));
  writeFileSync(
    join(w.seedDir, 'customers.json'),
    JSON.stringify(o.customers.map((c) => ({ tenantId: c.tenantId, name: c.name, domain: c.domain }))),
  );
  writeFileSync(
    join(w.seedDir, 'invoices.json'),
    JSON.stringify(
      o.invoices.map((i) => ({ id: i.id, billingPeriod: i.period, issueDate: i.issued, currency: 'USD' })),
    ),
  );
  for (const i of o.invoices)
    if (!o.notReady?.includes(i.id)) reconFile(w.seedDir, i.id, i.lines, `invoice-${i.period}.csv`);
  priceListFile(w.seedDir, o.prices);
  w.pc.reseed(w.seedDir);
}

async function runsSince(w: World, n: number): Promise<RunRow[]> {
  const res = await w.pool.query<RunRow>(
    'select id, kind, customer_name, status from runs where workspace_id = $1 order by created_at, id',
    [w.ws],
  );
  return res.rows.slice(n);
}
const runCount = async (w: World) => (await runsSince(w, 0)).length;

async function settled(w: World): Promise<void> {
  await waitFor('the queue of the workspace to settle', async () => {
    const res = await w.pool.query<{ n: number }>(
      `select count(*)::int as n from pgboss.job
       where data->>'workspaceId' = $1 and state::text not in ('completed', 'failed', 'cancelled')`,
      [w.ws],
    );
    return res.rows[0]!.n === 0;
  });
  const failed = await w.pool.query(
    `select name, state::text, output from pgboss.job where data->>'workspaceId' = $1 and state::text <> 'completed'`,
    [w.ws],
  );
  expect(failed.rows, w.log.join('\n')).toEqual([]);
}

interface DayOutcome {
  runs: RunRow[];
  errors: string[];
  newInvoices: string[];
  writes: number;
}

/** 06:00 UTC of `day` on every clock, the worker's tick, everything it queued finished. */
async function checkDay(w: World, day: string): Promise<DayOutcome> {
  const at = `${day}T06:00:00.000Z`;
  w.clock.set(at);
  w.pc.clock.set(at);
  w.s.setClock(at);
  const before = await runCount(w);
  const writes = w.s.writes();
  const report = await w.worker.tick();
  expect(report.fired.map((f) => f.localDate)).toEqual([day]);
  await settled(w);
  const jobs = (await jobsOf(w.pool, 'daily-check', w.ws)).filter((j) => j.data.localDate === day);
  expect(jobs.map((j) => j.state)).toEqual(['completed']);
  const out = jobs[0]!.output as { newInvoices: string[]; source: { errors: string[] } };
  return {
    runs: await runsSince(w, before),
    errors: out.source.errors,
    newInvoices: out.newInvoices,
    writes: w.s.writes() - writes,
  };
}

const summary = (runs: RunRow[]) => ({
  products: runs.filter((r) => r.kind === 'product').length,
  customers: runs
    .filter((r) => r.kind === 'customer')
    .map((r) => r.customer_name)
    .sort(),
});

/** What is stored from the source: invoices with revision and line count, customers, price entries. */
async function stored(w: World) {
  const inv = await w.pool.query(
    `select i.id, i.revision, (select count(*)::int from invoice_lines l
       where l.workspace_id = i.workspace_id and l.invoice_id = i.id) as lines
     from invoices i where i.workspace_id = $1 order by i.id`,
    [w.ws],
  );
  const customers = await w.pool.query(
    'select tenant_id from source_customers where workspace_id = $1 order by tenant_id',
    [w.ws],
  );
  const prices = await w.pool.query<{ n: number }>(
    'select count(*)::int as n from price_list_entries where workspace_id = $1',
    [w.ws],
  );
  return { invoices: inv.rows, customers: customers.rows.map((r) => r.tenant_id), prices: prices.rows[0]!.n };
}

/** The PSA bills each mapped customer what the synced invoices say, per month to the cent, and per day (Autotask). */
async function expectPsa(w: World, label: string, daysThrough?: string): Promise<void> {
  const t = w.truth;
  for (const [c, contract] of w.contract) {
    for (const month of MONTHS.filter((m) => m <= t.through)) {
      const got = (await billed(w.s, contract, month)).round(2, 1).toFixed(2);
      expect.soft(got, `${label}: ${c.name} billed in ${month}`).toBe(expectedBill(t, c, month).toFixed(2));
    }
    if (w.s.target !== 'autotask') continue;
    const s = w.s as CliScenario<'autotask'>;
    const last = daysThrough ?? addDays(addMonths(parsePlainDate(`${t.through}-01`), 1), -1);
    const line = (await s.readback.contractServices(contract)).find((l) => l.serviceName === BP_SERVICE);
    const segs = line ? await s.readback.unitSegments(line.id) : [];
    const want: [string, string][] = [];
    const got: [string, string][] = [];
    for (const d of eachDay('2026-12-01', last)) {
      const units = t.customers.has(c) ? carriedSeatsOn(linesOf(t, c), d) : 0;
      const p = priceOn(t, c, d);
      want.push([d, units === 0 ? '0' : `${units} @ ${p.price}/${p.cost}`]);
      const seg = segs.find((x) => x.start <= d && d <= x.end);
      const u = seg ? Number(seg.units.toFixed()) : 0;
      got.push([d, u === 0 ? '0' : `${u} @ ${seg!.price?.toFixed(2)}/${seg!.cost?.toFixed(2)}`]);
    }
    expect.soft(dayRuns(got), `${label}: ${c.name} Business Premium units per day`).toBe(dayRuns(want));
  }
}

/** A sync day: the runs, then the same day's check again (nothing new) and a CLI re-run write nothing. */
async function expectRerunsQuiet(w: World, day: string): Promise<void> {
  const writes = w.s.writes();
  const n = await runCount(w);
  await enqueueDailyCheck(w.queue, w.ws, day);
  await waitFor('the second check of the day', async () => {
    const jobs = (await jobsOf(w.pool, 'daily-check', w.ws)).filter((j) => j.data.localDate === day);
    return jobs.length === 2 && jobs.every((j) => j.state === 'completed');
  });
  await settled(w);
  const second = (await jobsOf(w.pool, 'daily-check', w.ws)).filter((j) => j.data.localDate === day)[1]!;
  expect(second.output).toMatchObject({ newInvoices: [], queued: [] });
  expect(await runCount(w), 'runs of the second check').toBe(n);
  expect(w.s.writes(), 'PSA writes of the second check').toBe(writes);
  await expectRerunWritesNothing(w.s, day);
}

async function saveSource(w: World, secret: string) {
  await saveConnection(w.pool, w.box, {
    workspaceId: w.ws,
    kind: 'partner-center',
    settings: {
      mode: 'api',
      tenantId: DEMO_CREDENTIALS.tenantId,
      clientId: DEMO_CREDENTIALS.clientId,
      authority: w.pcBase,
      apiUrl: w.pcBase,
      partnerApiUrl: w.pcBase,
    },
    secrets: { clientSecret: secret },
    actor: 'test',
  });
}

async function createWorld(target: ScenarioTarget): Promise<World> {
  const s = (await createCliScenario({
    target,
    inProcess: true,
    now: '2027-01-05T06:00:00Z',
    seed: { extraCustomers: 2 },
  } as never)) as CliScenario<ScenarioTarget>;
  await s.setup(['--azure-markup', MARKUP]);
  const pool = createPool(s.db.url, 8);
  const ws = (await pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
  const clock = movableClock('2027-01-05T06:00:00.000Z');
  const pc = createPartnerCenterEmulator({
    clock: createClock({ start: '2027-01-05T06:00:00Z' }),
    maxPageSize: 2,
    priceSheetNeedsUser: true,
    credentials: { clientSecret: 'secret-one' },
    sleep: async () => {},
  });
  const pcBase = await pc.listen();
  const box = new SecretBox(Buffer.from(KEY, 'hex'));
  const queue = await startJobQueue({ url: s.db.url, max: 4 }, TEST_TIMING, { worker: true });
  const log: string[] = [];
  const engine = createEngineDeps({
    pool,
    clock,
    openTarget: createTargetOpener({
      pool,
      box,
      env: {
        ...process.env,
        AUTOTASK_DISCOVERY_URL: `${s.base}/ATServicesRest/`,
        BILLSYNC_ALLOW_LOCAL_PSA: '1',
      },
    }),
  });
  const deps: JobDeps = {
    ...testJobDeps({ pool, engine, queue, clock, log: (m) => log.push(m) }),
    refreshSource: createSourceRefresher({ pool, box, clock, http: { sleep: async () => {} } }),
  };
  const worker = await startWorker(deps, {
    concurrency: 2,
    pollSeconds: 0.5,
    tickSeconds: 0,
    defaults: { hour: 6, timeZone: 'UTC' },
  });
  const cw = target === 'connectwise';
  const w: World = {
    s,
    pc,
    seedDir: mkdtempSync(join(tmpdir(), 'billsync-pcseed-')),
    pool,
    queue,
    worker,
    ws,
    clock,
    box,
    pcBase,
    secret: 'secret-one',
    log,
    contract: new Map([
      [CONTOSO, cw ? CW_IDS.agreement : IDS.contract],
      [FABRIKAM, FAB_CONTRACT],
      [NORTHWIND, NOR_CONTRACT],
    ]),
    truth: { synced: new Map(), customers: new Set(), through: '2026-11' },
  };
  await saveSource(w, 'secret-one');
  // As if an admin had connected on the card: the App+User consent the price sheet needs.
  await storeRefreshToken({ pool, box, clock }, ws, DEMO_CREDENTIALS.refreshToken);
  return w;
}

async function closeWorld(w: World | undefined) {
  if (!w) return;
  await w.worker.stop({ timeoutMs: 5000 });
  await w.pc.close();
  await w.pool.end();
  await w.s.close();
  rmSync(w.seedDir, { recursive: true, force: true });
}

for (const target of ['autotask', 'connectwise'] as const) {
  describe(`Partner Center API + daily check over four months on ${target}`, () => {
    let w: World;
    const cw = target === 'connectwise';
    const map = (c: CustomerSpec, company: number, syncStart: string) =>
      w.s.map(c.tenantId, { company, contract: w.contract.get(c)!, syncStart });

    beforeAll(async () => {
      w = await createWorld(target);
    }, 120_000);
    afterAll(async () => closeWorld(w));

    it('5 Jan: the first check reads customers and the price list; no invoice yet, so no customer run', async () => {
      writeSeed(w, { customers: [CONTOSO, FABRIKAM], invoices: [G1], prices: PRICES_BEFORE });
      const d = await checkDay(w, '2027-01-05');
      expect(d.errors).toEqual([]);
      expect(d.newInvoices).toEqual([]);
      expect(summary(d.runs).customers).toEqual([]);
      expect(d.writes, 'In Use mode: no invoiced offer yet').toBe(0);
      expect((await stored(w)).customers).toEqual([CONTOSO.tenantId, FABRIKAM.tenantId].sort());
      await map(CONTOSO, cw ? CW_IDS.company : IDS.company, '2027-01-01');
      await map(FABRIKAM, 600, '2027-01-01');
      const quiet = await checkDay(w, '2027-01-06');
      expect(summary(quiet.runs)).toEqual({ products: 0, customers: [] });
      expect(quiet.writes).toBe(0);
    }, 60_000);

    it('7 Jan: invoice 1 (line items paged) -> product sync, then both customers; the PSA bills it', async () => {
      const d = await checkDay(w, '2027-01-07');
      expect(d.errors).toEqual([]);
      expect(d.newInvoices).toEqual([G1.id]);
      expect(summary(d.runs)).toEqual({ products: 1, customers: ['Contoso Dental', 'Fabrikam'] });
      w.truth = {
        synced: new Map([[G1.id, G1.lines]]),
        customers: new Set([CONTOSO, FABRIKAM]),
        through: '2026-12',
      };
      await expectPsa(w, '7 Jan');
      await expectRerunsQuiet(w, '2027-01-07');
      const quiet = await checkDay(w, '2027-01-20');
      expect(summary(quiet.runs)).toEqual({ products: 0, customers: [] });
      expect(quiet.writes).toBe(0);
    }, 60_000);

    it('7 Feb: the line items answer 503 all day -> stated in words, nothing written, nothing lost; 8 Feb recovers', async () => {
      writeSeed(w, { customers: [CONTOSO, FABRIKAM], invoices: [G1, G2], prices: PRICES_BEFORE });
      const before = await stored(w);
      w.pc.faults.inject({ kind: '503', path: '/v1/invoices/*/lineitems', count: 1000 });
      const d = await checkDay(w, '2027-02-07');
      w.pc.faults.clear();
      expect(summary(d.runs)).toEqual({ products: 0, customers: [] });
      expect(d.writes).toBe(0);
      expect(d.errors.join('\n')).toMatch(/G000003701.*unavailable.*tried again later/);
      expect(await stored(w)).toEqual(before);
      await expectPsa(w, '7 Feb (fault)');

      const r = await checkDay(w, '2027-02-08');
      expect(r.errors).toEqual([]);
      expect(r.newInvoices).toEqual([G2.id]);
      expect(summary(r.runs)).toEqual({ products: 1, customers: ['Contoso Dental', 'Fabrikam'] });
      w.truth.synced.set(G2.id, G2.lines);
      w.truth.through = '2027-01';
      await expectPsa(w, '8 Feb');
      await expectRerunsQuiet(w, '2027-02-08');
    }, 60_000);

    it('15 Feb: the price list changes mid-month -> the product sync only, no customer run, no contract change', async () => {
      writeSeed(w, { customers: [CONTOSO, FABRIKAM], invoices: [G1, G2], prices: PRICES_AFTER });
      const d = await checkDay(w, '2027-02-15');
      expect(d.errors).toEqual([]);
      expect(summary(d.runs)).toEqual({ products: 1, customers: [] });
      await expectPsa(w, '15 Feb');
      const quiet = await checkDay(w, '2027-02-16');
      expect(summary(quiet.runs)).toEqual({ products: 0, customers: [] });
      expect(quiet.writes).toBe(0);
    }, 60_000);

    it('7 Mar: the invoice list answers 429 all day (Northwind appears) -> no run; 8 Mar: R-8 warning, Northwind unmapped', async () => {
      writeSeed(w, {
        customers: [CONTOSO, FABRIKAM, NORTHWIND],
        invoices: [G1, G2, G3],
        prices: PRICES_AFTER,
      });
      const before = await stored(w);
      w.pc.faults.inject({ kind: '429', path: '/v1/invoices', method: 'GET', count: 1000, retryAfter: 1 });
      const d = await checkDay(w, '2027-03-07');
      w.pc.faults.clear();
      expect(summary(d.runs)).toEqual({ products: 0, customers: [] });
      expect(d.writes).toBe(0);
      expect(d.errors.join('\n')).toMatch(/limiting requests.*tried again later/);
      const after = await stored(w);
      expect(after.invoices).toEqual(before.invoices);
      expect(after.customers, 'the new customer is read').toContain(NORTHWIND.tenantId);

      const r = await checkDay(w, '2027-03-08');
      expect(r.errors).toEqual([]);
      expect(r.newInvoices).toEqual([G3.id]);
      expect(summary(r.runs)).toEqual({ products: 1, customers: ['Contoso Dental', 'Fabrikam'] });
      const contoso = r.runs.find((x) => x.customer_name === 'Contoso Dental')!;
      expect(contoso.status).toBe('warning');
      const shown = await w.s.run('run', 'show', contoso.id);
      expect(shown.stdout).toContain(
        'Subscription cost unit price changed from 100.00 to 105.00 on 15 Feb 2027',
      );
      expect(shown.stdout).toContain('retail unit price changed from 130.20 to 136.50 on 15 Feb 2027');
      w.truth.synced.set(
        G3.id,
        G3.lines.filter((l) => l.customer !== NORTHWIND),
      );
      w.truth.through = '2027-02';
      await expectPsa(w, '8 Mar');
      await expectRerunsQuiet(w, '2027-03-08');
    }, 60_000);

    it('20 Mar: a corrected re-issue of the January invoice (same number) is read and corrects Fabrikam', async () => {
      writeSeed(w, {
        customers: [CONTOSO, FABRIKAM, NORTHWIND],
        invoices: [G1, G2_CORRECTED, G3],
        prices: PRICES_AFTER,
      });
      const d = await checkDay(w, '2027-03-20');
      expect.soft(d.errors).toEqual([]);
      expect
        .soft((await stored(w)).invoices.find((i) => i.id === G2.id)?.lines, 'the re-issue is stored')
        .toBe(G2_CORRECTED.lines.length);
      expect.soft(d.newInvoices).toEqual([G2.id]);
      expect.soft(summary(d.runs).customers).toEqual(['Contoso Dental', 'Fabrikam']);
      w.truth.synced.set(G2.id, G2_CORRECTED.lines);
      await expectPsa(w, '20 Mar');
      await map(NORTHWIND, 601, '2027-03-01');
      const quiet = await checkDay(w, '2027-03-21');
      expect(summary(quiet.runs)).toEqual({ products: 0, customers: [] });
      expect(quiet.writes).toBe(0);
    }, 60_000);

    it('7 Apr: the app secret is rejected (401) -> stated in words, nothing lost; 8 Apr: invoice 4 listed without line items writes nothing; 9 Apr: synced', async () => {
      writeSeed(w, {
        customers: [CONTOSO, FABRIKAM, NORTHWIND],
        invoices: [G1, G2_CORRECTED, G3, G4],
        prices: PRICES_AFTER,
      });
      // The secret expired at Microsoft: a new one is made in the app registration.
      w.pc.credentials.clientSecret = 'secret-two';
      const before = await stored(w);
      const d = await checkDay(w, '2027-04-07');
      expect(summary(d.runs)).toEqual({ products: 0, customers: [] });
      expect(d.writes).toBe(0);
      expect(d.errors.join('\n')).toContain('the client secret is wrong');
      expect(await stored(w)).toEqual(before);
      const card = await w.pool.query(
        `select status, status_message from connections where workspace_id = $1 and kind = 'partner-center'`,
        [w.ws],
      );
      expect(card.rows[0]).toMatchObject({
        status: 'error',
        status_message: expect.stringContaining('secret'),
      });
      await expectPsa(w, '7 Apr (401)');

      // The admin saves the new secret; Partner Center lists invoice 4 but its line items are not ready yet.
      await saveSource(w, 'secret-two');
      writeSeed(w, {
        customers: [CONTOSO, FABRIKAM, NORTHWIND],
        invoices: [G1, G2_CORRECTED, G3, G4],
        notReady: [G4.id],
        prices: PRICES_AFTER,
      });
      const early = await checkDay(w, '2027-04-08');
      // Whether the chain ran is the product's choice (Northwind's February invoice is due when it runs); what the
      // incomplete invoice 4 must not do is decide anything: every line carries forward through March.
      if (early.runs.some((x) => x.customer_name === 'Northwind')) {
        w.truth.synced.set(G3.id, G3.lines);
        w.truth.customers.add(NORTHWIND);
      }
      await expectPsa(w, '8 Apr (line items not ready)', '2027-03-31');

      writeSeed(w, {
        customers: [CONTOSO, FABRIKAM, NORTHWIND],
        invoices: [G1, G2_CORRECTED, G3, G4],
        prices: PRICES_AFTER,
      });
      const r = await checkDay(w, '2027-04-09');
      expect.soft(r.errors).toEqual([]);
      expect
        .soft(
          (await stored(w)).invoices.find((i) => i.id === G4.id)?.lines,
          'invoice 4 stored with its line items',
        )
        .toBe(G4.lines.length);
      expect.soft(summary(r.runs).customers).toEqual(['Contoso Dental', 'Fabrikam', 'Northwind']);
      w.truth.synced.set(G3.id, G3.lines);
      w.truth.synced.set(G4.id, G4.lines);
      w.truth.customers.add(NORTHWIND);
      w.truth.through = '2027-03';
      await expectPsa(w, '9 Apr');
      await expectRerunsQuiet(w, '2027-04-09');
    }, 90_000);
  });
}
