import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { createPool, type Pool } from '../../src/db/pool';
import { listNotifications, listOutbox } from '../../src/db/repos/notifications';
import { enqueueDailyCheck } from '../../src/jobs/enqueue';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import type { RunningWorker } from '../../src/jobs/worker';
import { createMailer, type Mailer } from '../../src/notifications/mailer';
import { createEngineDeps } from '../../src/runtime/engine';
import { SecretBox } from '../../src/runtime/secret-box';
import { createTargetOpener } from '../../src/runtime/targets';
import { IDS } from '../support/autotask-world';
import {
  type CliScenario,
  createCliScenario,
  type ScenarioSeed,
  type SyncOutcome,
} from '../support/cli-scenario';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { jobsOf, PUBLIC_URL, startScenarioWorker, TEST_TIMING, waitFor } from '../support/jobs';
import { movableClock, type Received, startMailSink } from '../support/mail-sink';
import { BASIC, E3, FABRIKAM, NORTHWIND, subscription, TAILSPIN } from '../support/months-data';

/**
 * Audit of spec sections 7 and 8 (runs, statuses, notifications, the daily schedule) over four months.
 *
 * Two worlds on the same Autotask seed and the same Microsoft files (December 2026 to March 2027, issued on the
 * 7th of the next month, imported as files on the 7th):
 * - `sched`: set up through the CLI like an MSP does, then left to the daily check only: an in-process worker
 *   composed like `billsync worker` (stored PSA connection, mailer on a real SMTP sink, a clock the test moves),
 *   the schedule fired by the worker's tick at 06:00 UTC.
 * - `manual`: the same CLI setup, then `billsync sync products` + `billsync sync customers --as-of` on the day of
 *   each daily check (the CLI in-process).
 *
 * Customers: Contoso Dental (contract 400, cost-and-retail), Fabrikam (contract 500, which ends 28 Feb 2027),
 * Northwind (mapped, sync off), Tailspin (never mapped). Offers: Business Premium (retail 130.20: a seat-day is a
 * whole number of cents in 28-, 30- and 31-day months), Business Basic (from March), Office 365 E3 (only on the
 * invoices of Northwind and Tailspin: In Use mode never creates it).
 *
 *  Contoso BP, cycles on the 15th: 10 seats from 15 Dec; 10 -> 12 from 20 Jan; the cycle from 15 Feb costs 105.00
 *  instead of 100.00 (a mid-period price change: warning, no proration, 105.00 from 1 Mar); Basic 3 seats from
 *  10 Mar. Fabrikam BP, calendar cycles, 5 seats; 5 -> 7 from 10 Feb (on the invoice synced after its contract
 *  ended: an error, nothing written).
 */

const KEY = 'ab'.repeat(32); // the CliScenario's BILLSYNC_SECRET_KEY
const EMAILS = ['billing@msp.example', 'owner@msp.example'];
const START = '2027-01-01';
const FAB_CONTRACT = 500;
const NOR_CONTRACT = 501;

const BP = subscription(CONTOSO, BUSINESS_PREMIUM, 'c0bb0000-0000-4000-8000-0000000000c1', '2026-12-15');
const BB = subscription(CONTOSO, BASIC, 'c0bb0000-0000-4000-8000-0000000000c2', '2027-03-10');
const FAB = subscription(FABRIKAM, BUSINESS_PREMIUM, 'fa000000-0000-4000-8000-0000000000f1', '2026-12-01');
const NOR = subscription(NORTHWIND, E3, 'a0000000-0000-4000-8000-0000000000a1', '2026-12-01');
const TAIL = subscription(TAILSPIN, E3, 'ba000000-0000-4000-8000-0000000000b1', '2026-12-01');

interface Month {
  invoice: string;
  period: string;
  issued: string;
  /** The day of the daily check that finds it (06:00 UTC). */
  check: string;
  lines: ReconLineSpec[];
}

const MONTHS: Month[] = [
  {
    invoice: 'G000002612',
    period: '2026-12',
    issued: '2027-01-07',
    check: '2027-01-08',
    lines: [
      BP.cycle('2026-12-15', '2027-01-14', 10, '100.00'),
      FAB.cycle('2026-12-01', '2026-12-31', 5, '100.00'),
      NOR.cycle('2026-12-01', '2026-12-31', 4, '30.00'),
      TAIL.cycle('2026-12-01', '2026-12-31', 6, '30.00'),
    ],
  },
  {
    invoice: 'G000002701',
    period: '2027-01',
    issued: '2027-02-07',
    check: '2027-02-08',
    lines: [
      BP.cycle('2027-01-15', '2027-02-14', 10, '100.00'),
      ...BP.change('2027-01-20', '2027-02-14', 10, 12, '100.00'),
      FAB.cycle('2027-01-01', '2027-01-31', 5, '100.00'),
      NOR.cycle('2027-01-01', '2027-01-31', 4, '30.00'),
      TAIL.cycle('2027-01-01', '2027-01-31', 6, '30.00'),
    ],
  },
  {
    invoice: 'G000002702',
    period: '2027-02',
    issued: '2027-03-07',
    check: '2027-03-08',
    lines: [
      BP.cycle('2027-02-15', '2027-03-14', 12, '105.00'),
      FAB.cycle('2027-02-01', '2027-02-28', 5, '100.00'),
      ...FAB.change('2027-02-10', '2027-02-28', 5, 7, '100.00'),
      NOR.cycle('2027-02-01', '2027-02-28', 4, '30.00'),
      TAIL.cycle('2027-02-01', '2027-02-28', 6, '30.00'),
    ],
  },
  {
    invoice: 'G000002703',
    period: '2027-03',
    issued: '2027-04-07',
    check: '2027-04-08',
    lines: [
      BP.cycle('2027-03-15', '2027-04-14', 12, '105.00'),
      BB.cycle('2027-03-10', '2027-04-09', 3, '10.00', { chargeType: 'new' }),
      FAB.cycle('2027-03-01', '2027-03-31', 7, '100.00'),
      NOR.cycle('2027-03-01', '2027-03-31', 4, '30.00'),
      TAIL.cycle('2027-03-01', '2027-03-31', 6, '30.00'),
    ],
  },
];

const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '100.00', erp: '130.20' },
  { offer: BASIC, cost: '10.00', erp: '12.40' },
  { offer: E3, cost: '30.00', erp: '36.00' },
];

/** Run statuses the spec implies for each month's scheduled chain (section 7: No Change = nothing new). */
const EXPECTED_STATUS: Record<string, string>[] = [
  { products: 'success', 'Contoso Dental': 'success', Fabrikam: 'success' },
  { products: 'no_change', 'Contoso Dental': 'success', Fabrikam: 'no_change' },
  { products: 'no_change', 'Contoso Dental': 'warning', Fabrikam: 'error' },
  { products: 'success', 'Contoso Dental': 'success', Fabrikam: 'error' },
];

// ---------------------------------------------------------------------------------------------------------------
// What the PSA must bill after month k (1-based), from the invoices above (never read from billsync).

interface DayLine {
  units: number;
  price: string;
  cost: string;
}
type Expected = (day: string, k: number) => DayLine | undefined;

const EXPECTED: Record<number, Record<string, Expected>> = {
  [IDS.contract]: {
    'PC_CFQ7TTC0LCHC:0002': (day, k) => {
      if (day < '2026-12-15') return undefined;
      const units = day >= '2027-01-20' && k >= 2 ? 12 : 10;
      return { units, price: '130.20', cost: day >= '2027-03-01' && k >= 3 ? '105.00' : '100.00' };
    },
    'PC_CFQ7TTC0LH18:0001': (day, k) =>
      k >= 4 && day >= '2027-03-10' ? { units: 3, price: '12.40', cost: '10.00' } : undefined,
  },
  [FAB_CONTRACT]: {
    // The contract ended on 28 Feb: the 5 -> 7 change of 10 Feb is never written.
    'PC_CFQ7TTC0LCHC:0002': (day) =>
      day >= '2026-12-01' ? { units: 5, price: '130.20', cost: '100.00' } : undefined,
  },
};
/** The days checked per contract (Fabrikam's contract ends on 28 Feb). */
const CHECKED: Record<number, [string, string]> = {
  [IDS.contract]: ['2026-12-01', '2027-04-30'],
  [FAB_CONTRACT]: ['2026-12-01', '2027-02-28'],
};

function* days(from: string, to: string): Generator<string> {
  for (let d = parsePlainDate(from); d <= parsePlainDate(to); d = addDays(d, 1)) yield d;
}

/** Retail billed in a month: sum over days of units x price / days of the month, to the cent. */
function expectedBill(contract: number, month: string, k: number): Decimal {
  const first = parsePlainDate(`${month}-01`);
  const last = addDays(addMonths(first, 1), -1);
  const n = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let sum = ZERO;
  for (const d of days(first, last)) {
    for (const line of Object.values(EXPECTED[contract]!)) {
      const x = line(d, k);
      if (x) sum = sum.plus(dec(x.price).times(dec(x.units)));
    }
  }
  return sum.div(dec(n)).round(2, 1);
}

// ---------------------------------------------------------------------------------------------------------------

let sched: CliScenario;
let manual: CliScenario;
let pool: Pool;
let queue: JobQueue;
let worker: RunningWorker;
let mailer: Mailer;
let sink: Awaited<ReturnType<typeof startMailSink>> | undefined;
let ws: WorkspaceId;
let inbox: Received[] = [];
const clock = movableClock('2027-01-05T06:00:00.000Z');
const log: string[] = [];

/** The same CLI setup in both worlds: user, Autotask, program (with the notification addresses), price list. */
async function setUp(s: CliScenario): Promise<void> {
  await s.setup(['--emails', EMAILS.join(',')]);
  await s.importPriceList(priceListFile(s.dir, PRICES));
}

async function importMonth(s: CliScenario, m: Month, first: boolean): Promise<void> {
  await s.importInvoice(reconFile(s.dir, m.invoice, m.lines), { period: m.period, issued: m.issued });
  if (!first) return;
  await s.map(CONTOSO.tenantId, { syncStart: START });
  await s.map(FABRIKAM.tenantId, { company: 600, contract: FAB_CONTRACT, syncStart: START });
  await s.map(NORTHWIND.tenantId, { company: 601, contract: NOR_CONTRACT, syncStart: START, sync: false });
  // Tailspin: never mapped.
}

const editSeed = (seed: ScenarioSeed) => {
  const fab = seed.Contracts.find((c) => c.id === FAB_CONTRACT)!;
  fab.contractName = 'Fabrikam M365';
  fab.endDate = '2027-02-28';
  const company = seed.Companies.find((c) => c.id === 600)!;
  company.companyName = 'Fabrikam Inc';
  seed.Companies.find((c) => c.id === 601)!.companyName = 'Northwind Traders';
};

type Row = Record<string, unknown>;

/** The PSA as the emulator holds it, ids replaced by names (created ids may differ between the two worlds). */
async function picture(s: CliScenario) {
  const state = (await (await fetch(`${s.base}/_emulator/state`)).json()) as Record<string, Row[]>;
  const service = new Map((state.Services ?? []).map((x) => [x.id, String(x.name)]));
  const line = new Map(
    (state.ContractServices ?? []).map((x) => [x.id, `${x.contractID}|${service.get(x.serviceID)}`]),
  );
  const strip = (r: Row, drop: string[]) =>
    Object.fromEntries(
      Object.entries(r).filter(
        ([k]) => !drop.includes(k) && !/^(id|lastModified|createDate|lastActivity)/i.test(k),
      ),
    );
  const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    services: sorted((state.Services ?? []).map((x) => strip(x, []))),
    lines: sorted(
      (state.ContractServices ?? []).map((x) => ({
        ...strip(x, ['serviceID']),
        service: service.get(x.serviceID),
      })),
    ),
    units: sorted(
      (state.ContractServiceUnits ?? []).map((x) => ({
        ...strip(x, ['serviceID', 'contractServiceID']),
        line: line.get(x.contractServiceID),
      })),
    ),
    adjustments: sorted(
      (state.ContractServiceAdjustments ?? []).map((x) => ({
        ...strip(x, ['serviceID', 'contractServiceID']),
        line: line.get(x.contractServiceID),
      })),
    ),
    charges: sorted((state.ContractCharges ?? []).map((x) => strip(x, []))),
  };
}

interface RunRow {
  id: string;
  kind: string;
  tenant_id: string | null;
  customer_name: string | null;
  status: string;
  as_of: string;
  trigger: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** "Customer sync of Contoso Dental finished with warnings" (the e-mail's subject and the in-app title). */
const titleOf = (run: RunRow) =>
  `${run.kind === 'customer' ? `Customer sync of ${run.customer_name}` : 'Product sync'} ${
    run.status === 'error' ? 'finished with errors' : 'finished with warnings'
  }`;

async function runs(): Promise<RunRow[]> {
  const res = await pool.query<RunRow>(
    `select id, kind, tenant_id, customer_name, status, to_char(as_of, 'YYYY-MM-DD') as as_of, trigger,
       created_at, started_at, finished_at
     from runs where workspace_id = $1 order by created_at, id`,
    [ws],
  );
  return res.rows;
}

/** Every job of the workspace is finished (none waiting, running or retrying), and none failed. */
async function settled(): Promise<void> {
  await waitFor('the queue of the workspace to settle', async () => {
    const res = await pool.query<{ n: number }>(
      `select count(*)::int as n from pgboss.job
       where data->>'workspaceId' = $1 and state::text not in ('completed', 'failed', 'cancelled')`,
      [ws],
    );
    return res.rows[0]!.n === 0;
  });
  const failed = await pool.query(
    `select name, state::text, output from pgboss.job where data->>'workspaceId' = $1 and state::text <> 'completed'`,
    [ws],
  );
  expect(failed.rows, log.join('\n')).toEqual([]);
}

/** Moves the clock, ticks the worker like its minute timer does, waits for what that queued to finish. */
async function tickAt(at: string) {
  clock.set(at);
  sched.setClock(at);
  const report = await worker.tick();
  await settled();
  return report;
}

/** The daily check job of a local day as the worker finished it. */
async function checkOutputs(localDate: string) {
  return (await jobsOf(pool, 'daily-check', ws))
    .filter((j) => j.data.localDate === localDate)
    .map((j) => ({ state: j.state, output: j.output }));
}

/** Statuses of a CLI sync's runs, keyed like EXPECTED_STATUS. */
const statusesOf = (products: SyncOutcome, customers: SyncOutcome) =>
  Object.fromEntries([
    ['products', products.runs.map((r) => r.status).join(',')],
    ...customers.runs.map((r) => [r.customerName, r.status]),
  ]);

beforeAll(async () => {
  [sched, manual] = await Promise.all([
    createCliScenario({ inProcess: true, seed: { extraCustomers: 2 }, editSeed }),
    createCliScenario({ inProcess: true, seed: { extraCustomers: 2 }, editSeed }),
  ]);
  await setUp(sched);
  await setUp(manual);
  pool = createPool(sched.db.url, 8);
  ws = (await pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
  sink = await startMailSink();
  inbox = sink.inbox;
  const port = sink.port;
  mailer = createMailer(`smtp://127.0.0.1:${port}`, 'billsync <billsync@msp.example>');
  queue = await startJobQueue({ url: sched.db.url, max: 4 }, TEST_TIMING, { worker: true });
  // Composed like src/jobs/background-worker.ts, with the test's clock and a tick only when the test asks.
  const box = new SecretBox(Buffer.from(KEY, 'hex'));
  const engine = createEngineDeps({
    pool,
    clock,
    openTarget: createTargetOpener({
      pool,
      box,
      env: { ...process.env, AUTOTASK_DISCOVERY_URL: `${sched.base}/ATServicesRest/` },
    }),
  });
  worker = await startScenarioWorker({ pool, engine, queue, clock, mailer, log: (m) => log.push(m) });
}, 60_000);

afterAll(async () => {
  await worker?.stop({ timeoutMs: 5000 });
  mailer?.close();
  await sink?.close();
  await pool?.end();
  await sched?.close();
  await manual?.close();
});

describe('the daily check over four months (files imported on the 7th, checked at 06:00 UTC)', () => {
  it('before any invoice: the check fires and does nothing', async () => {
    const report = await tickAt('2027-01-05T06:00:00.000Z');
    expect(report.fired.map((f) => f.localDate)).toEqual(['2027-01-05']);
    expect(await checkOutputs('2027-01-05')).toMatchObject([
      { state: 'completed', output: { newInvoices: [], queued: [] } },
    ]);
    expect(await runs()).toEqual([]);
    expect(sched.writes()).toBe(0);
    expect(inbox).toEqual([]);
  });

  for (const [i, m] of MONTHS.entries()) {
    const k = i + 1;
    it(`month ${k}: invoice ${m.invoice} (${m.period}) is synced by the ${m.check} check like a manual sync`, async () => {
      // The file arrives on the 7th, after that day's check; the manual world imports the same file.
      await importMonth(sched, m, i === 0);
      await importMonth(manual, m, i === 0);
      const runsBefore = (await runs()).length;
      const mailBefore = inbox.length;
      const notesBefore = (await listNotifications(pool, ws)).length;

      // The scheduled check at 06:00 UTC finds the new invoice: the product sync, then every enabled customer.
      const report = await tickAt(`${m.check}T06:00:00.000Z`);
      expect(report.fired.map((f) => [f.workspaceId, f.localDate])).toEqual([[ws, m.check]]);
      expect(await checkOutputs(m.check)).toMatchObject([
        { state: 'completed', output: { newInvoices: [m.invoice], source: { mode: 'none' } } },
      ]);
      const fresh = (await runs()).slice(runsBefore);
      const product = fresh.filter((r) => r.kind === 'product');
      const customers = fresh.filter((r) => r.kind === 'customer');
      expect(product, 'one product sync per check').toHaveLength(1);
      expect(customers.map((r) => r.customer_name).sort(), 'only the enabled, mapped customers').toEqual([
        'Contoso Dental',
        'Fabrikam',
      ]);
      expect(fresh.every((r) => r.as_of === m.check && r.trigger === 'schedule')).toBe(true);
      // Products first: the product run finished before any customer run was created.
      for (const c of customers)
        expect(c.created_at.getTime()).toBeGreaterThanOrEqual(product[0]!.finished_at!.getTime());
      const statuses = Object.fromEntries([
        ['products', product[0]!.status],
        ...customers.map((r) => [r.customer_name, r.status]),
      ]);
      expect(statuses).toEqual(EXPECTED_STATUS[i]);

      // The manual world: `billsync sync products` then `sync customers` on the same day gives the same runs.
      const mp = await manual.syncProducts({ asOf: m.check });
      const mc = await manual.syncCustomers({ asOf: m.check });
      expect(statusesOf(mp, mc)).toEqual(statuses);
      // ... and the same PSA.
      expect(await picture(sched)).toEqual(await picture(manual));

      // One e-mail per run with warnings or errors, to the program's addresses; none for Success / No Change.
      const loud = fresh.filter((r) => r.status === 'warning' || r.status === 'error');
      const mails = inbox.slice(mailBefore);
      expect(mails).toHaveLength(loud.length);
      for (const run of loud) {
        const link = `${PUBLIC_URL}/history/${run.id}`;
        const mine = mails.filter((x) => x.raw.includes(link));
        expect(mine, `the e-mail of run ${run.customer_name} ${run.status}`).toHaveLength(1);
        const mail = mine[0]!;
        expect(mail.to.sort()).toEqual(EMAILS);
        expect(mail.raw).toContain(`Subject: [billsync] ${titleOf(run)}`);
        expect(mail.raw).toMatch(/\d+ error\(s\), \d+ warning\(s\), \d+ changed, \d+ unchanged/);
        if (run.customer_name === 'Contoso Dental' && run.status === 'warning')
          expect(mail.raw).toContain(
            'Subscription cost unit price changed from 100.00 to 105.00 on 15 Feb 2027',
          );
        if (run.customer_name === 'Fabrikam' && run.status === 'error')
          expect(mail.raw).toContain('Contract Fabrikam M365 ended on 28 Feb 2027');
      }
      // In-app: one unread notification per such run, with its title and link.
      const notes = await listNotifications(pool, ws);
      expect(notes.length - notesBefore).toBe(loud.length);
      const byRun = (x: { run: string }, y: { run: string }) => (x.run < y.run ? -1 : 1);
      expect(
        notes
          .filter((n) => loud.some((r) => r.id === n.run_id))
          .map((n) => ({
            run: n.run_id ?? '',
            level: n.level,
            title: n.title,
            link: n.link,
            read: n.read_at,
          }))
          .sort(byRun),
      ).toEqual(
        loud
          .map((r) => ({
            run: r.id,
            level: r.status === 'error' ? 'error' : 'warning',
            title: titleOf(r),
            link: `${PUBLIC_URL}/history/${r.id}`,
            read: null,
          }))
          .sort(byRun),
      );

      // The PSA bills the invoices' seats per day at their prices, and each month's money to the cent.
      for (const [contract, [from, to]] of Object.entries(CHECKED).map(([c, r]) => [Number(c), r] as const)) {
        const lines = await sched.readback.contractServices(contract);
        const expectedNames = Object.entries(EXPECTED[contract]!)
          .filter(([, f]) => [...days(from, to)].some((d) => f(d, k)))
          .map(([name]) => name)
          .sort();
        expect(lines.map((l) => l.serviceName).sort(), `contract ${contract} lines`).toEqual(expectedNames);
        for (const l of lines) {
          const segs = await sched.readback.unitSegments(l.id);
          for (const d of days(from, to)) {
            const want = EXPECTED[contract]![l.serviceName]!(d, k);
            const seg = segs.find((s) => s.start <= d && d <= s.end);
            const got = seg
              ? {
                  units: Number(seg.units.toFixed()),
                  price: seg.price?.toFixed(2),
                  cost: seg.cost?.toFixed(2),
                }
              : undefined;
            const expected = want ? { units: want.units, price: want.price, cost: want.cost } : undefined;
            if (!want && got?.units === 0) continue;
            expect(got, `contract ${contract} ${l.serviceName} on ${d} after month ${k}`).toEqual(expected);
          }
        }
        for (const month of ['2026-12', '2027-01', '2027-02', '2027-03', '2027-04']) {
          if (`${month}-01` > to) continue;
          const bill = await sched.readback.billedPerMonth(contract, month);
          expect(bill.charges, `charges of ${contract} in ${month}`).toEqual([]);
          expect(
            bill.total.round(2, 1).toFixed(2),
            `contract ${contract} billed in ${month} after month ${k}`,
          ).toBe(expectedBill(contract, month, k).toFixed(2));
        }
      }

      // The same day again: the schedule does not fire twice, and a check asked by hand finds nothing new.
      const writes = sched.writes();
      const mailCount = inbox.length;
      const runCount = (await runs()).length;
      const again = await tickAt(`${m.check}T18:00:00.000Z`);
      expect(again.fired).toEqual([]);
      expect(again.notices).toBe(0);
      const byHand = await enqueueDailyCheck(queue, ws, m.check);
      expect(byHand.jobId).not.toBeNull();
      await waitFor(
        'the second check of the day',
        async () =>
          (await checkOutputs(m.check)).every((j) => j.state === 'completed') &&
          (await checkOutputs(m.check)).length === 2,
      );
      await settled();
      expect((await checkOutputs(m.check))[1]!.output).toMatchObject({ newInvoices: [], queued: [] });
      expect((await runs()).length).toBe(runCount);
      expect(sched.writes()).toBe(writes);
      expect(inbox.length).toBe(mailCount);

      // A day with no new invoice (the 20th): the check fires, queues nothing, writes and sends nothing.
      const quietDay = `${m.check.slice(0, 8)}20`;
      const quiet = await tickAt(`${quietDay}T06:00:00.000Z`);
      expect(quiet.fired.map((f) => f.localDate)).toEqual([quietDay]);
      expect(await checkOutputs(quietDay)).toMatchObject([
        { state: 'completed', output: { newInvoices: [], queued: [] } },
      ]);
      expect((await runs()).length).toBe(runCount);
      expect(sched.writes()).toBe(writes);
      expect(inbox.length).toBe(mailCount);
      expect((await listOutbox(pool, ws)).every((o) => o.status === 'sent')).toBe(true);
    }, 30_000);
  }

  it('over the four months: no run of Northwind (sync off) or Tailspin (unmapped), no E3 service, one e-mail per loud run', async () => {
    const all = await runs();
    expect(
      all.filter((r) => r.tenant_id === NORTHWIND.tenantId || r.tenant_id === TAILSPIN.tenantId),
    ).toEqual([]);
    const loud = all.filter((r) => r.status === 'warning' || r.status === 'error');
    expect(loud.map((r) => `${r.as_of} ${r.customer_name} ${r.status}`).sort()).toEqual([
      '2027-03-08 Contoso Dental warning',
      '2027-03-08 Fabrikam error',
      '2027-04-08 Fabrikam error',
    ]);
    expect(inbox).toHaveLength(3);
    expect((await listOutbox(pool, ws)).map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
    const services = (await picture(sched)).services
      .map((s) => (JSON.parse(s) as { name: string }).name)
      .sort();
    expect(services).toEqual(['PC_CFQ7TTC0LCHC:0002', 'PC_CFQ7TTC0LH18:0001']);
    expect(await sched.readback.contractServices(NOR_CONTRACT)).toEqual([]);
    // Money of the last state, as literal figures (Contoso: 10 seats x 17 days in December at 4.20 a seat-day...).
    const contoso = async (month: string) =>
      (await sched.readback.billedPerMonth(IDS.contract, month)).total.round(2, 1).toFixed(2);
    expect(await contoso('2026-12')).toBe('714.00');
    expect(await contoso('2027-01')).toBe('1402.80');
    expect(await contoso('2027-02')).toBe('1562.40');
    expect(await contoso('2027-03')).toBe('1588.80');
    expect(await contoso('2027-04')).toBe('1599.60');
  });
});
