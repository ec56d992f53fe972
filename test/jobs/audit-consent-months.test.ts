import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
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
import type { JobDeps } from '../../src/jobs/job-deps';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { createSourceRefresher } from '../../src/jobs/source-refresh';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
import { loadConfig } from '../../src/runtime/config';
import { createEngineDeps } from '../../src/runtime/engine';
import { SecretBox } from '../../src/runtime/secret-box';
import { createTargetOpener } from '../../src/runtime/targets';
import { buildApp } from '../../src/server/app';
import { type Agent, login } from '../support/app';
import { IDS } from '../support/autotask-world';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  runMessages,
  type ScenarioTarget,
  showRun,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import {
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
import { carriedSeatsOn, FABRIKAM, subscription } from '../support/months-data';
import { answerConsentPage, cookieOf, movableClock } from '../support/partner-center-consent';
import { billed } from '../support/psa-picture';

/**
 * Audit of spec sections 2, 6 and 8 and docs/vendors/microsoft-csp.md ("Partner Center API in the browser: the
 * App+User consent") over five months with the daily check doing the work (an in-process worker, its tick fired by
 * the test at 06:00 UTC), the Microsoft data read from the Partner Center emulator, which refuses the price sheet to
 * app-only tokens (as Microsoft does). The App+User consent is granted through the real flow: Connect on the card
 * (POST .../consent with the session and CSRF), Microsoft's consent page answered, the callback with the consent
 * cookie.
 *
 * Contoso Dental (Autotask contract 400 / ConnectWise agreement 1040): Business Premium, cycles on the 15th, 10
 * seats, 12 from 20 Jan, 11 from 25 Mar; its cycle of 15 Mar costs 105.00 (R-8: March keeps 100.00).
 * Fabrikam (contract/agreement 500): Business Premium, calendar cycles, 5 seats, 7 from 20 Feb; 105.00 from March.
 * Microsoft's price list: 100.00 / 130.20 until 28 Feb, 105.00 / 136.50 from 1 Mar (published while billsync
 * cannot read it).
 *
 * Days: 2 Jan the admin connects (consent) ; 7 Jan, 7 Feb invoices 1, 2; 1 Mar a password reset revokes the
 * consent (2 Mar check: "Reconnect"); 7 Mar invoice 3 (app-only reads go on); 5 Apr the app's client secret is
 * rotated at Microsoft and billsync still has the old one (7 Apr, 15 Apr, 7 May: a clear error, nothing read,
 * nothing written, nothing lost: invoices 4 and 5 are missed); 10 May the admin enters the new secret and
 * re-consents: the missed invoices are read and synced in order, the price list is read again, every month
 * December to April billed to the cent; re-runs write nothing.
 */

const KEY = 'ab'.repeat(32); // the CliScenario's BILLSYNC_SECRET_KEY
const PUBLIC_URL = 'https://billsync.example.com';
const REDIRECT = `${PUBLIC_URL}/api/connections/partner-center/consent/callback`;
const FAB_CONTRACT = 500;
const BP_SERVICE = 'PC_CFQ7TTC0LCHC:0002';

const CBP = subscription(CONTOSO, BUSINESS_PREMIUM, 'c0de0000-0000-4000-8000-0000000000c1', '2026-12-15');
const FBP = subscription(FABRIKAM, BUSINESS_PREMIUM, 'fade0000-0000-4000-8000-0000000000f1', '2026-12-01');

interface Inv {
  id: string;
  period: string;
  issued: string;
  lines: ReconLineSpec[];
}
const G1: Inv = {
  id: 'G000004612',
  period: '2026-12',
  issued: '2027-01-07',
  lines: [
    CBP.cycle('2026-12-15', '2027-01-14', 10, '100.00'),
    FBP.cycle('2026-12-01', '2026-12-31', 5, '100.00'),
  ],
};
const G2: Inv = {
  id: 'G000004701',
  period: '2027-01',
  issued: '2027-02-07',
  lines: [
    CBP.cycle('2027-01-15', '2027-02-14', 10, '100.00'),
    ...CBP.change('2027-01-20', '2027-02-14', 10, 12, '100.00'),
    FBP.cycle('2027-01-01', '2027-01-31', 5, '100.00'),
  ],
};
const G3: Inv = {
  id: 'G000004702',
  period: '2027-02',
  issued: '2027-03-07',
  lines: [
    CBP.cycle('2027-02-15', '2027-03-14', 12, '100.00'),
    FBP.cycle('2027-02-01', '2027-02-28', 5, '100.00'),
    ...FBP.change('2027-02-20', '2027-02-28', 5, 7, '100.00'),
  ],
};
const G4: Inv = {
  id: 'G000004703',
  period: '2027-03',
  issued: '2027-04-07',
  lines: [
    CBP.cycle('2027-03-15', '2027-04-14', 12, '105.00'),
    ...CBP.change('2027-03-25', '2027-04-14', 12, 11, '105.00', 'removeQuantity'),
    FBP.cycle('2027-03-01', '2027-03-31', 7, '105.00'),
  ],
};
const G5: Inv = {
  id: 'G000004704',
  period: '2027-04',
  issued: '2027-05-07',
  lines: [
    CBP.cycle('2027-04-15', '2027-05-14', 11, '105.00'),
    FBP.cycle('2027-04-01', '2027-04-30', 7, '105.00'),
  ],
};

const PRICES_BEFORE: PriceSpec[] = [{ offer: BUSINESS_PREMIUM, cost: '100.00', erp: '130.20' }];
/** Published on 1 Mar: the old window ends 28 Feb, 105.00 / 136.50 from 1 Mar. */
const PRICES_AFTER: PriceSpec[] = [
  { offer: BUSINESS_PREMIUM, cost: '100.00', erp: '130.20', end: '2027-02-28' },
  { offer: BUSINESS_PREMIUM, cost: '105.00', erp: '136.50', start: '2027-03-01', changed: true },
];

// ---------------------------------------------------------------------------------------------------------------
// What must be billed: from the invoices synced and Microsoft's price list only.

interface Truth {
  synced: Map<string, ReconLineSpec[]>;
  customers: Set<CustomerSpec>;
  /** The newest billing period synced. */
  through: string;
}

const linesOf = (t: Truth, c: CustomerSpec) =>
  [...t.synced.values()].flat().filter((l) => l.customer === c && l.offer === BUSINESS_PREMIUM);

/**
 * Retail: the list's ERP price of the contract period (calendar month) the day is in: 136.50 from March (the change
 * is on a period's first day: nothing to prorate or warn). Cost: the unit price of the invoice line covering the
 * period's first day (R-8: Contoso's cycle of 15 Mar at 105.00 leaves March at 100.00, April on 105.00; Fabrikam's
 * calendar cycles cost 105.00 from March).
 */
function priceOn(c: CustomerSpec, day: string): { price: string; cost: string } {
  const costFrom = c === CONTOSO ? '2027-04-01' : '2027-03-01';
  return { price: day >= '2027-03-01' ? '136.50' : '130.20', cost: day >= costFrom ? '105.00' : '100.00' };
}

function expectedBill(t: Truth, c: CustomerSpec, month: string) {
  if (!t.customers.has(c)) return ZERO;
  const first = parsePlainDate(`${month}-01`);
  const last = addDays(addMonths(first, 1), -1);
  const n = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let sum = ZERO;
  for (const d of eachDay(first, last))
    sum = sum.plus(dec(carriedSeatsOn(linesOf(t, c), d)).times(dec(priceOn(c, d).price)));
  return sum.div(dec(n)).round(2, 1);
}

const MONTHS = ['2026-12', '2027-01', '2027-02', '2027-03', '2027-04'];

// ---------------------------------------------------------------------------------------------------------------

type RunRow = { kind: string; customer_name: string | null; status: string; id: string };

interface World {
  s: CliScenario<ScenarioTarget>;
  pc: PartnerCenterEmulator;
  seedDir: string;
  pool: Pool;
  queue: JobQueue;
  worker: RunningWorker;
  app: FastifyInstance;
  ws: WorkspaceId;
  clock: ReturnType<typeof movableClock>;
  pcBase: string;
  log: string[];
  contract: Map<CustomerSpec, number>;
  truth: Truth;
}

function writeSeed(w: World, o: { invoices: Inv[]; prices: PriceSpec[] }) {
  rmSync(w.seedDir, { recursive: true, force: true });
  w.seedDir = mkdtempSync(join(tmpdir(), 'billsync-pcseed-'));
  writeFileSync(
    join(w.seedDir, 'customers.json'),
    JSON.stringify(
      [CONTOSO, FABRIKAM].map((c) => ({ tenantId: c.tenantId, name: c.name, domain: c.domain })),
    ),
  );
  writeFileSync(
    join(w.seedDir, 'invoices.json'),
    JSON.stringify(
      o.invoices.map((i) => ({ id: i.id, billingPeriod: i.period, issueDate: i.issued, currency: 'USD' })),
    ),
  );
  for (const i of o.invoices) reconFile(w.seedDir, i.id, i.lines, `invoice-${i.period}.csv`);
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

function setDay(w: World, at: string) {
  w.clock.set(at);
  w.pc.clock.set(at);
  w.s.setClock(at);
}

/** 06:00 UTC of `day` on every clock, the worker's tick, everything it queued finished. */
async function checkDay(w: World, day: string): Promise<DayOutcome> {
  setDay(w, `${day}T06:00:00.000Z`);
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

const customersOf = (runs: RunRow[]) =>
  runs
    .filter((r) => r.kind === 'customer')
    .map((r) => r.customer_name)
    .sort();

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
  const prices = await w.pool.query(
    `select product_id, effective_start::text as start, cost::text as cost, retail::text as erp
     from price_list_entries where workspace_id = $1 order by 1, 2`,
    [w.ws],
  );
  return { invoices: inv.rows, customers: customers.rows.map((r) => r.tenant_id), prices: prices.rows };
}

/** The PSA bills each customer what the synced invoices say, per month to the cent, and per day (Autotask). */
async function expectPsa(w: World, label: string, through = w.truth.through): Promise<void> {
  const t = w.truth;
  for (const [c, contract] of w.contract) {
    for (const month of MONTHS.filter((m) => m <= through)) {
      const got = (await billed(w.s, contract, month)).round(2, 1).toFixed(2);
      expect.soft(got, `${label}: ${c.name} billed in ${month}`).toBe(expectedBill(t, c, month).toFixed(2));
    }
    if (w.s.target !== 'autotask') continue;
    const s = w.s as CliScenario<'autotask'>;
    const last = addDays(addMonths(parsePlainDate(`${through}-01`), 1), -1);
    const line = (await s.readback.contractServices(contract)).find((l) => l.serviceName === BP_SERVICE);
    const segs = line ? await s.readback.unitSegments(line.id) : [];
    const want: [string, string][] = [];
    const got: [string, string][] = [];
    for (const d of eachDay('2026-12-01', last)) {
      const units = t.customers.has(c) ? carriedSeatsOn(linesOf(t, c), d) : 0;
      const p = priceOn(c, d);
      want.push([d, units === 0 ? '0' : `${units} @ ${p.price}/${p.cost}`]);
      const seg = segs.find((x) => x.start <= d && d <= x.end);
      const u = seg ? Number(seg.units.toFixed()) : 0;
      got.push([d, u === 0 ? '0' : `${u} @ ${seg!.price?.toFixed(2)}/${seg!.cost?.toFixed(2)}`]);
    }
    expect.soft(dayRuns(got), `${label}: ${c.name} Business Premium units per day`).toBe(dayRuns(want));
  }
}

async function adminAgent(w: World): Promise<Agent> {
  return login(w.app, 'admin@msp.example', 'correct horse 1');
}

const sourceInput = (w: World, secret: string) => ({
  settings: {
    mode: 'api',
    tenantId: DEMO_CREDENTIALS.tenantId,
    clientId: DEMO_CREDENTIALS.clientId,
    authority: w.pcBase,
    apiUrl: w.pcBase,
    partnerApiUrl: w.pcBase,
  },
  secrets: { clientSecret: secret },
});

/** The admin clicks Connect on the Microsoft CSP card (saving the form), accepts on Microsoft's page, comes back. */
async function consent(w: World, secret: string): Promise<string | undefined> {
  const admin = await adminAgent(w);
  const start = await admin.request(
    'POST',
    '/api/connections/partner-center/consent',
    sourceInput(w, secret),
  );
  expect(start.status, JSON.stringify(start.json)).toBe(200);
  const cookie = cookieOf(start.headers['set-cookie'], 'billsync_pc_consent');
  const back = await answerConsentPage(start.json.authorizeUrl);
  const res = await w.app.inject({
    method: 'GET',
    url: `${back.pathname}${back.search}`,
    headers: { cookie: cookie! },
  });
  return res.headers.location as string | undefined;
}

async function card(w: World) {
  return (await (await adminAgent(w)).request('GET', '/api/connections/partner-center/status')).json;
}

async function createWorld(target: ScenarioTarget): Promise<World> {
  const start = '2027-01-02T06:00:00.000Z';
  const s = (await createCliScenario({
    target,
    inProcess: true,
    now: start,
    seed: { extraCustomers: 2 },
  } as never)) as CliScenario<ScenarioTarget>;
  await s.setup();
  const pool = createPool(s.db.url, 8);
  const ws = (await pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
  const clock = movableClock(start);
  const pc = createPartnerCenterEmulator({
    clock: createClock({ start }),
    maxPageSize: 2,
    priceSheetNeedsUser: true,
    redirectUris: [REDIRECT],
    credentials: { clientSecret: 'secret-one' },
    sleep: async () => {},
  });
  const pcBase = await pc.listen();
  const box = new SecretBox(Buffer.from(KEY, 'hex'));
  const app = await buildApp(
    {
      config: loadConfig({
        BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-app-')),
        BILLSYNC_PUBLIC_URL: PUBLIC_URL,
      }),
      pool,
      box,
      clock,
    },
    { logger: false },
  );
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
  return {
    s,
    pc,
    seedDir: mkdtempSync(join(tmpdir(), 'billsync-pcseed-')),
    pool,
    queue,
    worker,
    app,
    ws,
    clock,
    pcBase,
    log,
    contract: new Map([
      [CONTOSO, cw ? CW_IDS.agreement : IDS.contract],
      [FABRIKAM, FAB_CONTRACT],
    ]),
    truth: { synced: new Map(), customers: new Set(), through: '2026-11' },
  };
}

async function closeWorld(w: World | undefined) {
  if (!w) return;
  await w.worker.stop({ timeoutMs: 5000 });
  await w.app.close();
  await w.pc.close();
  await w.pool.end();
  await w.s.close();
  rmSync(w.seedDir, { recursive: true, force: true });
}

for (const target of ['autotask', 'connectwise'] as const) {
  describe(`Partner Center consent revoked, secret rotated, re-consent, over five months on ${target}`, () => {
    let w: World;
    const cw = target === 'connectwise';

    beforeAll(async () => {
      w = await createWorld(target);
    }, 120_000);
    afterAll(async () => closeWorld(w));

    it('2 Jan: the admin connects through the consent page; 5 Jan the first check reads customers and the price sheet', async () => {
      writeSeed(w, { invoices: [], prices: PRICES_BEFORE });
      setDay(w, '2027-01-02T10:00:00.000Z');
      expect(await consent(w, 'secret-one')).toBe('/connections?partnerCenter=connected');
      expect((await card(w)).consent).toMatchObject({ state: 'connected', daysLeft: 90 });
      const d = await checkDay(w, '2027-01-05');
      expect(d.errors).toEqual([]);
      const st = await stored(w);
      expect(st.customers).toEqual([CONTOSO.tenantId, FABRIKAM.tenantId].sort());
      expect(st.prices.map((p) => Number(p.erp))).toEqual([130.2]);
      await w.s.map(CONTOSO.tenantId, {
        company: cw ? CW_IDS.company : IDS.company,
        syncStart: '2027-01-01',
      });
      await w.s.map(FABRIKAM.tenantId, { company: 600, contract: FAB_CONTRACT, syncStart: '2027-01-01' });
    }, 60_000);

    it('7 Jan, 7 Feb: invoices 1 and 2 synced by the daily check; the PSA bills them; re-runs write nothing', async () => {
      writeSeed(w, { invoices: [G1], prices: PRICES_BEFORE });
      const d1 = await checkDay(w, '2027-01-07');
      expect(d1.errors).toEqual([]);
      expect(d1.newInvoices).toEqual([G1.id]);
      expect(customersOf(d1.runs)).toEqual(['Contoso Dental', 'Fabrikam']);
      w.truth = {
        synced: new Map([[G1.id, G1.lines]]),
        customers: new Set([CONTOSO, FABRIKAM]),
        through: '2026-12',
      };
      await expectPsa(w, '7 Jan');
      writeSeed(w, { invoices: [G1, G2], prices: PRICES_BEFORE });
      const d2 = await checkDay(w, '2027-02-07');
      expect(d2.errors).toEqual([]);
      expect(d2.newInvoices).toEqual([G2.id]);
      w.truth.synced.set(G2.id, G2.lines);
      w.truth.through = '2027-01';
      await expectPsa(w, '7 Feb');
      await expectRerunWritesNothing(w.s, '2027-02-07');
    }, 60_000);

    it('1 Mar: a password reset revokes the consent -> 2 Mar the check says to reconnect, in words; nothing lost, nothing written', async () => {
      writeSeed(w, { invoices: [G1, G2], prices: PRICES_AFTER });
      setDay(w, '2027-03-01T12:00:00.000Z');
      const revoke = await fetch(`${w.pcBase}/_emulator/refresh-tokens/revoke`, { method: 'POST' });
      expect(revoke.status).toBe(200);
      const before = await stored(w);
      const d = await checkDay(w, '2027-03-02');
      expect(d.errors.join('\n')).toMatch(/consent was revoked.*Reconnect/s);
      expect(d.writes).toBe(0);
      expect(customersOf(d.runs)).toEqual([]);
      expect(await stored(w), 'the stored invoices and price list are kept').toEqual(before);
      const view = await card(w);
      expect(view.consent.state).toBe('reconnect');
      expect(view.connection).toMatchObject({
        status: 'error',
        statusMessage: expect.stringMatching(/Reconnect/),
      });
      await expectPsa(w, '2 Mar');
      // The next day says it again (the MSP may not have looked yet), still in words, still nothing written.
      const again = await checkDay(w, '2027-03-03');
      expect.soft(again.errors.join('\n'), 'the day after').toMatch(/Reconnect|Connect/);
      expect(again.writes).toBe(0);
    }, 60_000);

    it('7 Mar: invoice 3 is read app-only while the consent is revoked; what is written is right; the price list is kept', async () => {
      writeSeed(w, { invoices: [G1, G2, G3], prices: PRICES_AFTER });
      const pricesBefore = (await stored(w)).prices;
      const d = await checkDay(w, '2027-03-07');
      expect.soft(d.errors.join('\n')).toMatch(/Reconnect|Connect/);
      expect
        .soft(d.newInvoices, 'invoices are read app-only (docs/vendors/microsoft-csp.md)')
        .toEqual([G3.id]);
      expect((await stored(w)).prices, 'the price list as last read').toEqual(pricesBefore);
      const synced = customersOf(d.runs);
      // Holding the customers until the price list can be read again, or syncing February (whose retail the stored
      // list does decide) are both fine; what is written must be right.
      if (synced.length) {
        expect(synced).toEqual(['Contoso Dental', 'Fabrikam']);
        w.truth.synced.set(G3.id, G3.lines);
        w.truth.through = '2027-02';
      }
      await expectPsa(w, '7 Mar', '2027-02');
    }, 60_000);

    it('5 Apr the client secret is rotated at Microsoft: 7 Apr, 15 Apr, 7 May say so in words; nothing read, written or lost', async () => {
      writeSeed(w, { invoices: [G1, G2, G3, G4], prices: PRICES_AFTER });
      w.pc.credentials.clientSecret = 'secret-two';
      const before = await stored(w);
      for (const day of ['2027-04-07', '2027-04-15', '2027-05-07']) {
        if (day === '2027-05-07') writeSeed(w, { invoices: [G1, G2, G3, G4, G5], prices: PRICES_AFTER });
        const d = await checkDay(w, day);
        expect(d.errors.join('\n'), day).toContain('the client secret is wrong');
        expect(d.newInvoices, day).toEqual([]);
        expect(customersOf(d.runs), day).toEqual([]);
        expect(d.writes, day).toBe(0);
        expect(await stored(w), `${day}: nothing stored is lost`).toEqual(before);
        const view = await card(w);
        expect(view.connection, day).toMatchObject({
          status: 'error',
          statusMessage: expect.stringContaining('secret'),
        });
      }
      await expectPsa(w, '7 May (secret rejected)', '2027-02');
    }, 90_000);

    it('10 May: the admin enters the new secret and re-consents; the missed invoices are read and synced in order; five months right', async () => {
      setDay(w, '2027-05-10T05:00:00.000Z');
      expect(await consent(w, 'secret-two')).toBe('/connections?partnerCenter=connected');
      const view = await card(w);
      expect(view.consent).toMatchObject({ state: 'connected', daysLeft: 90 });
      const n = await runCount(w);
      const d = await checkDay(w, '2027-05-10');
      expect(d.errors).toEqual([]);
      const st = await stored(w);
      expect.soft(st.invoices.map((i) => i.id)).toEqual([G1.id, G2.id, G3.id, G4.id, G5.id].sort());
      expect
        .soft(st.prices.map((p) => `${p.start.slice(0, 10)} ${p.cost} ${p.erp}`))
        .toEqual([
          expect.stringMatching(/^2024-01-01 100(\.00)? 130\.20?$/),
          expect.stringMatching(/^2027-03-01 105(\.00)? 136\.50?$/),
        ]);
      for (const i of [G3, G4, G5]) w.truth.synced.set(i.id, i.lines);
      w.truth.through = '2027-04';
      // In order: every customer's runs of this day read the invoices oldest first (one run may do several).
      const runs = (await runsSince(w, n)).filter((r) => r.kind === 'customer');
      expect
        .soft(runs.map((r) => r.customer_name).sort())
        .toEqual(expect.arrayContaining(['Contoso Dental', 'Fabrikam']));
      expect.soft(runs.filter((r) => r.status === 'error')).toEqual([]);
      const contoso = runs.filter((r) => r.customer_name === 'Contoso Dental').at(-1);
      if (contoso) {
        const texts = runMessages(await showRun(w.s, contoso.id)).join('\n');
        expect
          .soft(texts, 'R-8 on Contoso')
          .toContain('Subscription cost unit price changed from 100.00 to 105.00 on 15 Mar 2027');
      }
      await expectPsa(w, '10 May');
      await expectRerunWritesNothing(w.s, '2027-05-10');
      const quiet = await checkDay(w, '2027-05-11');
      expect(quiet.errors).toEqual([]);
      expect(customersOf(quiet.runs)).toEqual([]);
      expect(quiet.writes).toBe(0);
      await expectPsa(w, '11 May');
    }, 90_000);
  });
}
