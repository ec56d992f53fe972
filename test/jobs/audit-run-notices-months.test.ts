import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { createPool, type Pool } from '../../src/db/pool';
import { enqueueDailyCheck } from '../../src/jobs/enqueue';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import type { RunningWorker } from '../../src/jobs/worker';
import { createMailer, type Mailer } from '../../src/notifications/mailer';
import { loadConfig } from '../../src/runtime/config';
import { createEngineDeps } from '../../src/runtime/engine';
import { SecretBox } from '../../src/runtime/secret-box';
import { systemClock } from '../../src/runtime/system-clock';
import { createTargetOpener } from '../../src/runtime/targets';
import { buildApp } from '../../src/server/app';
import type { NotificationListWire } from '../../src/services/notification-schemas';
import type { OverviewWire } from '../../src/services/sync/report-schemas';
import type { RunDetail } from '../../src/services/sync/run-views';
import { type Agent, login } from '../support/app';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario, type ScenarioSeed, showRun } from '../support/cli-scenario';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import type { OfferSpec } from '../support/csp-specs';
import { jobsOf, PUBLIC_URL, startScenarioWorker, TEST_TIMING, waitFor } from '../support/jobs';
import { movableClock, type Received, startMailSink } from '../support/mail-sink';
import { BASIC, FABRIKAM, NORTHWIND, subscription } from '../support/months-data';

/**
 * Audit of spec sections 7 (runs, statuses, item messages, notifications, dashboard) and 8 (the daily schedule)
 * over five months on Autotask, every expectation from the spec text.
 *
 * The MSP sets billsync up with the CLI (notification addresses billing@ and owner@), imports each month's
 * Microsoft file on the 7th, and leaves the rest to the daily check at 06:00 UTC: an in-process worker composed
 * like `billsync worker` (stored Autotask connection, mailer on a real SMTP sink, a clock the test moves). The app
 * (HTTP API) runs on the same database for what the MSP sees in-app: notifications, the run behind each link,
 * the dashboard cards.
 *
 * Customers (all cost-and-retail):
 * - Contoso Dental (contract 400). Business Premium cycles on the 15th: 10 seats from 15 Dec; 10 -> 12 from
 *   20 Jan; the cycle from 15 Feb costs 105.00 (cost warning, 105.00 from 1 Mar); the price list's retail rises
 *   to 136.40 from 15 Mar (retail warning on the cycle from 15 Mar, 136.40 from 1 Apr); Business Basic 3 seats
 *   from 10 Mar.
 * - Fabrikam (contract 500 "Fabrikam M365", ends 28 Feb 2027): 5 seats, calendar cycles; 5 -> 7 from 10 Feb,
 *   synced after the end: `Contract Fabrikam M365 ended on 28 Feb 2027` (error) from then on.
 * - Northwind (contract 501 "Northwind M365", starts 10 Jan 2027): 4 seats from 1 Dec, so the first change is
 *   moved to the contract start (warning); from January a Windows Server subscription that is not in the price
 *   list: `Could not find source product or multiple matches` (error), every month.
 *
 * PSA trouble: in April (the March invoice) Autotask rate-limits every adjustment (429) until the test lifts it;
 * the run ends in Error, is e-mailed once, and `billsync run resume` writes each change once. In May the API
 * user's secret was rotated in Autotask (credentials rejected): every run of the check is an Error, e-mailed once
 * each; after the secret is put back the MSP syncs by hand.
 */

const KEY = 'ab'.repeat(32); // the CliScenario's BILLSYNC_SECRET_KEY
const PASSWORD = 'correct horse 1'; // the CliScenario's admin
const EMAILS = ['billing@msp.example', 'owner@msp.example'];
const START = '2027-01-01';
const FAB_CONTRACT = 500;
const NOR_CONTRACT = 501;

const BP = subscription(CONTOSO, BUSINESS_PREMIUM, 'c0bb0000-0000-4000-8000-0000000000c1', '2026-12-15');
const BB = subscription(CONTOSO, BASIC, 'c0bb0000-0000-4000-8000-0000000000c2', '2027-03-10');
const FAB = subscription(FABRIKAM, BUSINESS_PREMIUM, 'fa000000-0000-4000-8000-0000000000f1', '2026-12-01');
const NOR = subscription(NORTHWIND, BUSINESS_PREMIUM, 'a0000000-0000-4000-8000-0000000000a1', '2026-12-01');
/** A monthly license offer that the price list does not have. */
const UNLISTED: OfferSpec = {
  productId: 'CFQ7TTC0ZZ99',
  skuId: '0001',
  title: 'Contoso Unlisted Add-on',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const NSW = subscription(NORTHWIND, UNLISTED, 'a0000000-0000-4000-8000-0000000000a2', '2027-01-01');

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
    invoice: 'G000012612',
    period: '2026-12',
    issued: '2027-01-07',
    check: '2027-01-08',
    lines: [
      BP.cycle('2026-12-15', '2027-01-14', 10, '100.00'),
      FAB.cycle('2026-12-01', '2026-12-31', 5, '100.00'),
      NOR.cycle('2026-12-01', '2026-12-31', 4, '100.00'),
    ],
  },
  {
    invoice: 'G000012701',
    period: '2027-01',
    issued: '2027-02-07',
    check: '2027-02-08',
    lines: [
      BP.cycle('2027-01-15', '2027-02-14', 10, '100.00'),
      ...BP.change('2027-01-20', '2027-02-14', 10, 12, '100.00'),
      FAB.cycle('2027-01-01', '2027-01-31', 5, '100.00'),
      NOR.cycle('2027-01-01', '2027-01-31', 4, '100.00'),
      NSW.cycle('2027-01-01', '2027-01-31', 1, '48.00', { chargeType: 'new' }),
    ],
  },
  {
    invoice: 'G000012702',
    period: '2027-02',
    issued: '2027-03-07',
    check: '2027-03-08',
    lines: [
      BP.cycle('2027-02-15', '2027-03-14', 12, '105.00'),
      FAB.cycle('2027-02-01', '2027-02-28', 5, '100.00'),
      ...FAB.change('2027-02-10', '2027-02-28', 5, 7, '100.00'),
      NOR.cycle('2027-02-01', '2027-02-28', 4, '100.00'),
      NSW.cycle('2027-02-01', '2027-02-28', 1, '48.00'),
    ],
  },
  {
    invoice: 'G000012703',
    period: '2027-03',
    issued: '2027-04-07',
    check: '2027-04-08',
    lines: [
      BP.cycle('2027-03-15', '2027-04-14', 12, '105.00'),
      BB.cycle('2027-03-10', '2027-04-09', 3, '10.00', { chargeType: 'new' }),
      FAB.cycle('2027-03-01', '2027-03-31', 7, '100.00'),
      NOR.cycle('2027-03-01', '2027-03-31', 4, '100.00'),
      NSW.cycle('2027-03-01', '2027-03-31', 1, '48.00'),
    ],
  },
  {
    invoice: 'G000012704',
    period: '2027-04',
    issued: '2027-05-07',
    check: '2027-05-08',
    lines: [
      BP.cycle('2027-04-15', '2027-05-14', 12, '105.00'),
      BB.cycle('2027-04-10', '2027-05-09', 3, '10.00'),
      FAB.cycle('2027-04-01', '2027-04-30', 7, '100.00'),
      NOR.cycle('2027-04-01', '2027-04-30', 4, '100.00'),
      NSW.cycle('2027-04-01', '2027-04-30', 1, '48.00'),
    ],
  },
];

/** Business Premium's retail rises on 15 Mar 2027 (130.20 / 136.40: whole cents per seat-day in 31-day months). */
const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '100.00', erp: '130.20', end: '2027-03-14' },
  { offer: BUSINESS_PREMIUM, cost: '100.00', erp: '136.40', start: '2027-03-15' },
  { offer: BASIC, cost: '10.00', erp: '12.40' },
];

const CONTOSO_NAME = 'Contoso Dental';
const NOT_FOUND = 'Could not find source product or multiple matches';
const ENDED = 'Contract Fabrikam M365 ended on 28 Feb 2027';

/**
 * Run statuses the spec implies for each month's scheduled chain (section 7: No Change = nothing new, Warning =
 * written but look, Error = one or more items failed). Products: the Windows Server SKU is invoiced but not in the
 * price list: the product run may list it as an error item (then with the documented message) or leave it out.
 */
const EXPECTED_STATUS: Record<string, string | string[]>[] = [
  { products: 'success', [CONTOSO_NAME]: 'success', Fabrikam: 'success', Northwind: 'warning' },
  { products: ['no_change', 'error'], [CONTOSO_NAME]: 'success', Fabrikam: 'no_change', Northwind: 'error' },
  { products: ['no_change', 'error'], [CONTOSO_NAME]: 'warning', Fabrikam: 'error', Northwind: 'error' },
  // Autotask rate-limits every adjustment: Contoso's run fails (its writes are adjustments).
  { products: ['success', 'error'], [CONTOSO_NAME]: 'error', Fabrikam: 'error', Northwind: 'error' },
  // The API user's secret was rotated: the product sync cannot read the PSA (an Error run, e-mailed); the customers
  // would fail the same way and are not queued (the invoice is new again to the next check).
  { products: 'error' },
];

// ---------------------------------------------------------------------------------------------------------------
// What the PSA must bill after month k (1-based), from the invoices and the price list above.

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
      return {
        units: day >= '2027-01-20' && k >= 2 ? 12 : 10,
        price: day >= '2027-04-01' && k >= 4 ? '136.40' : '130.20',
        cost: day >= '2027-03-01' && k >= 3 ? '105.00' : '100.00',
      };
    },
    'PC_CFQ7TTC0LH18:0001': (day, k) =>
      k >= 4 && day >= '2027-03-10' ? { units: 3, price: '12.40', cost: '10.00' } : undefined,
  },
  [FAB_CONTRACT]: {
    // The contract ended on 28 Feb: the 5 -> 7 change of 10 Feb is never written.
    'PC_CFQ7TTC0LCHC:0002': (day) =>
      day >= '2026-12-01' ? { units: 5, price: '130.20', cost: '100.00' } : undefined,
  },
  [NOR_CONTRACT]: {
    // 4 seats from 1 Dec, moved to the contract start (10 Jan); the price list's 136.40 from the period of 1 Apr.
    'PC_CFQ7TTC0LCHC:0002': (day, k) =>
      day >= '2027-01-10'
        ? { units: 4, price: day >= '2027-04-01' && k >= 5 ? '136.40' : '130.20', cost: '100.00' }
        : undefined,
  },
};
/** The days checked per contract (Fabrikam's contract ends on 28 Feb, Northwind's starts on 10 Jan). */
const CHECKED: Record<number, [string, string]> = {
  [IDS.contract]: ['2026-12-01', '2027-05-31'],
  [FAB_CONTRACT]: ['2026-12-01', '2027-02-28'],
  [NOR_CONTRACT]: ['2027-01-10', '2027-05-31'],
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
let pool: Pool;
let queue: JobQueue;
let worker: RunningWorker;
let mailer: Mailer;
let sink: Awaited<ReturnType<typeof startMailSink>> | undefined;
let app: FastifyInstance;
let msp: Agent;
let ws: WorkspaceId;
let inbox: Received[] = [];
const clock = movableClock('2027-01-05T06:00:00.000Z');
const log: string[] = [];

const editSeed = (seed: ScenarioSeed) => {
  const fab = seed.Contracts.find((c) => c.id === FAB_CONTRACT)!;
  fab.contractName = 'Fabrikam M365';
  fab.endDate = '2027-02-28';
  const nor = seed.Contracts.find((c) => c.id === NOR_CONTRACT)!;
  nor.contractName = 'Northwind M365';
  nor.startDate = '2027-01-10';
  seed.Companies.find((c) => c.id === 600)!.companyName = 'Fabrikam Inc';
  seed.Companies.find((c) => c.id === 601)!.companyName = 'Northwind Traders';
};

async function importMonth(m: Month, first: boolean): Promise<void> {
  await sched.importInvoice(reconFile(sched.dir, m.invoice, m.lines), { period: m.period, issued: m.issued });
  if (!first) return;
  await sched.map(CONTOSO.tenantId, { syncStart: START });
  await sched.map(FABRIKAM.tenantId, { company: 600, contract: FAB_CONTRACT, syncStart: START });
  await sched.map(NORTHWIND.tenantId, { company: 601, contract: NOR_CONTRACT, syncStart: START });
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

async function runs(): Promise<RunRow[]> {
  const res = await pool.query<RunRow>(
    `select id, kind, tenant_id, customer_name, status, to_char(as_of, 'YYYY-MM-DD') as as_of, trigger,
       created_at, started_at, finished_at
     from runs where workspace_id = $1 order by created_at, id`,
    [ws],
  );
  return res.rows;
}

const nameOf = (r: { kind: string; customer_name: string | null }) =>
  r.kind === 'product' ? 'products' : (r.customer_name ?? '?');

/** "Customer sync of Contoso Dental finished with errors" (the e-mail's subject and the in-app title). */
const titleOf = (run: RunRow) =>
  `${run.kind === 'customer' ? `Customer sync of ${run.customer_name}` : 'Product sync'} ${
    run.status === 'error' ? 'finished with errors' : 'finished with warnings'
  }`;

/** Every job of the workspace is finished (none waiting, running or retrying). */
async function settled(): Promise<void> {
  await waitFor(
    'the queue of the workspace to settle',
    async () => {
      const res = await pool.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job
       where data->>'workspaceId' = $1 and state::text not in ('completed', 'failed', 'cancelled')`,
        [ws],
      );
      return res.rows[0]!.n === 0;
    },
    80_000,
  );
}

/** Moves the clock, ticks the worker like its minute timer does, waits for what that queued to finish. */
async function tickAt(at: string) {
  clock.set(at);
  sched.setClock(at);
  const report = await worker.tick();
  await settled();
  return report;
}

async function checkOutputs(localDate: string) {
  return (await jobsOf(pool, 'daily-check', ws))
    .filter((j) => j.data.localDate === localDate)
    .map((j) => ({ state: j.state, output: j.output }));
}

/** The counts line of an e-mail or a notification: `1 error(s), 0 warning(s), 2 changed, 3 unchanged`. */
function countsIn(text: string) {
  const m = /(\d+) error\(s\), (\d+) warning\(s\), (\d+) changed, (\d+) unchanged/.exec(text);
  if (!m) return undefined;
  return { errors: Number(m[1]), warnings: Number(m[2]), changed: Number(m[3]), unchanged: Number(m[4]) };
}

/**
 * What the counts must say of a run, from its items (spec section 7: "with the summary"): items that failed,
 * items with a warning, items whose changes were written (a warning item that wrote counts as changed too: the
 * MSP must not read "0 changed" when the PSA was changed), items with nothing to do.
 */
function truthfulCounts(d: RunDetail) {
  return {
    errors: d.lines.filter((l) => l.status === 'error').length,
    warnings: d.lines.filter((l) => l.status === 'warning').length,
    changed: d.lines.filter((l) => (l.status === 'ok' || l.status === 'warning') && l.changes.length > 0)
      .length,
    unchanged: d.lines.filter((l) => l.status === 'no_change').length,
  };
}

const messagesOf = (d: RunDetail) => d.lines.flatMap((l) => l.messages.map((m) => `${m.level}: ${m.text}`));
const itemOf = (d: RunDetail, pred: (label: string, key: string) => boolean) =>
  d.lines.filter((l) => pred(l.label, l.key));

async function api<T>(url: string): Promise<T> {
  const res = await msp.request('GET', url);
  expect(res.status, `GET ${url}: ${JSON.stringify(res.json)}`).toBe(200);
  return res.json as T;
}

/** The PSA bills the invoices per day and per month to the cent, as EXPECTED says after month k. */
async function expectPsaBills(k: number, label: string): Promise<void> {
  for (const [contract, [from, to]] of Object.entries(CHECKED).map(([c, r]) => [Number(c), r] as const)) {
    // Northwind after December: its change moves to the contract start (10 Jan), a day the December invoice does
    // not decide (decision 0008: only decided days are written), so writing it then or with January's invoice
    // are both readings of the spec; from January on it must be there.
    if (contract === NOR_CONTRACT && k === 1) continue;
    const lines = await sched.readback.contractServices(contract);
    const expectedNames = Object.entries(EXPECTED[contract]!)
      .filter(([, f]) => [...days(from, to)].some((d) => f(d, k)))
      .map(([name]) => name)
      .sort();
    expect
      .soft(lines.map((l) => l.serviceName).sort(), `contract ${contract} lines ${label}`)
      .toEqual(expectedNames);
    for (const l of lines) {
      const segs = await sched.readback.unitSegments(l.id);
      for (const d of days(from, to)) {
        const want = EXPECTED[contract]![l.serviceName]!(d, k);
        const seg = segs.find((s) => s.start <= d && d <= s.end);
        const got = seg
          ? { units: Number(seg.units.toFixed()), price: seg.price?.toFixed(2), cost: seg.cost?.toFixed(2) }
          : undefined;
        if (!want && (got === undefined || got.units === 0)) continue;
        expect.soft(got, `contract ${contract} ${l.serviceName} on ${d} ${label}`).toEqual(want);
      }
    }
    for (const month of ['2026-12', '2027-01', '2027-02', '2027-03', '2027-04', '2027-05']) {
      if (`${month}-01` > to) continue;
      const bill = await sched.readback.billedPerMonth(contract, month);
      expect.soft(bill.charges, `charges of ${contract} in ${month} ${label}`).toEqual([]);
      expect
        .soft(bill.total.round(2, 1).toFixed(2), `contract ${contract} billed in ${month} ${label}`)
        .toBe(expectedBill(contract, month, k).toFixed(2));
    }
  }
}

async function adjustmentKeys(): Promise<string[]> {
  const state = (await (await fetch(`${sched.base}/_emulator/state`)).json()) as Record<
    string,
    Record<string, unknown>[]
  >;
  return (state.ContractServiceAdjustments ?? []).map(
    (a) => `${a.contractServiceID}|${String(a.effectiveDate).slice(0, 10)}|${a.unitChange}`,
  );
}

/** Adjustments per contract service and day: each change written once. */
async function expectNoDuplicateAdjustments(): Promise<void> {
  const state = (await (await fetch(`${sched.base}/_emulator/state`)).json()) as Record<
    string,
    Record<string, unknown>[]
  >;
  const keys = (state.ContractServiceAdjustments ?? []).map(
    (a) => `${a.contractServiceID}|${String(a.effectiveDate).slice(0, 10)}`,
  );
  expect.soft(keys.length, `adjustments: ${keys.sort().join(', ')}`).toBe(new Set(keys).size);
}

/**
 * The notifications of the runs `loud` (Warning or Error): exactly one e-mail each among `mails`, to every address,
 * subject, counts that tell the truth, the run link; one in-app notification each with the same; the link's run
 * opens through the API with its items.
 */
async function expectNotices(loud: RunRow[], mails: Received[], label: string): Promise<void> {
  expect
    .soft(mails.length, `${label}: e-mails ${mails.map((m) => /Subject: (.*)/.exec(m.raw)?.[1]).join(' | ')}`)
    .toBe(loud.length);
  const notes = (await api<NotificationListWire>('/api/notifications?limit=200')).items;
  for (const run of loud) {
    const link = `${PUBLIC_URL}/history/${run.id}`;
    const mine = mails.filter((x) => x.raw.includes(link));
    expect.soft(mine, `${label}: the e-mail of ${nameOf(run)} (${run.status})`).toHaveLength(1);
    const mail = mine[0];
    if (!mail) continue;
    expect.soft([...mail.to].sort()).toEqual(EMAILS);
    expect.soft(mail.raw).toContain(`Subject: [billsync] ${titleOf(run)}`);
    // The link opens the run: its id is the run's, and the run behind it has its items.
    const detail = await api<RunDetail>(`/api/runs/${run.id}`);
    expect.soft(detail.status).toBe(run.status);
    // A run that could not read the PSA has no items: its message says why.
    if (!/could not be read/.test(detail.message ?? '')) expect.soft(detail.lines.length).toBeGreaterThan(0);
    const want = truthfulCounts(detail);
    expect
      .soft(countsIn(mail.raw), `${label}: the counts of the e-mail of ${nameOf(run)}: ${messagesOf(detail)}`)
      .toEqual(want);
    // Every loud item's message is in the e-mail.
    for (const l of detail.lines.filter((x) => x.status === 'error' || x.status === 'warning'))
      for (const m of l.messages.filter((x) => x.level !== 'info'))
        expect.soft(mail.raw, `${label}: ${nameOf(run)} e-mail lists "${m.text}"`).toContain(m.text);
    // In-app: one notification for the run, same title, counts and link.
    const inApp = notes.filter((n) => n.runId === run.id);
    expect.soft(inApp, `${label}: in-app notification of ${nameOf(run)}`).toHaveLength(1);
    if (!inApp[0]) continue;
    expect.soft(inApp[0]).toMatchObject({
      level: run.status === 'error' ? 'error' : 'warning',
      title: titleOf(run),
      link,
    });
    expect.soft(countsIn(inApp[0].body), `${label}: in-app counts of ${nameOf(run)}`).toEqual(want);
  }
}

/** The dashboard cards after a month: last successful sync and the latest runs' counts. */
async function expectDashboard(label: string): Promise<void> {
  const all = await runs();
  const ov = await api<OverviewWire>('/api/reports/overview?target=autotask');
  const ok = (r: RunRow) => ['success', 'warning', 'no_change'].includes(r.status);
  const within = (at: string | null, r: RunRow | undefined, what: string) => {
    if (!r) {
      expect.soft(at, `${label}: ${what} never succeeded`).toBeNull();
      return;
    }
    expect.soft(at, `${label}: ${what}`).not.toBeNull();
    const t = new Date(at!).getTime();
    expect
      .soft(t, `${label}: ${what} is the last successful run's time`)
      .toBeGreaterThanOrEqual(r.created_at.getTime());
    expect.soft(t).toBeLessThanOrEqual((r.finished_at ?? new Date()).getTime());
  };
  const lastOk = (kind: string) =>
    all
      .filter((r) => r.kind === kind && ok(r))
      .sort((a, b) => (a.finished_at?.getTime() ?? 0) - (b.finished_at?.getTime() ?? 0))
      .at(-1);
  within(ov.customers.lastSuccessAt, lastOk('customer'), 'customers: last successful sync');
  within(ov.products.lastSuccessAt, lastOk('product'), 'products: last successful sync');
  // Latest run per syncing customer, counted by status.
  const latest = new Map<string, string>();
  for (const r of all.filter((x) => x.kind === 'customer')) latest.set(r.tenant_id!, r.status);
  const counts: Record<string, number> = {};
  for (const s of latest.values()) counts[s] = (counts[s] ?? 0) + 1;
  const nonZero = (o: Record<string, number>) =>
    Object.fromEntries(Object.entries(o).filter(([, n]) => n > 0));
  expect.soft(nonZero(ov.customers.latest), `${label}: customers card, latest runs`).toEqual(counts);
  expect.soft(ov.customers.syncOn).toBe(3);
  const lastProduct = all.filter((r) => r.kind === 'product').at(-1)!;
  expect.soft(ov.products.latestRun?.id, `${label}: products card, latest run`).toBe(lastProduct.id);
  const pd = await api<RunDetail>(`/api/runs/${lastProduct.id}`);
  expect.soft(ov.products.latestRun?.items, `${label}: products card counts`).toEqual(pd.items);
  expect.soft(ov.products.latestRun?.status).toBe(lastProduct.status);
}

/** Every Warning/Error run has exactly one e-mail, every other run none. */
async function expectOneMailPerLoudRun(label: string): Promise<void> {
  for (const r of await runs()) {
    const n = inbox.filter((x) => x.raw.includes(`/history/${r.id}`)).length;
    const loud = r.status === 'warning' || r.status === 'error';
    expect
      .soft(n, `${label}: e-mails of ${nameOf(r)} ${r.as_of} ${r.status} (${r.trigger})`)
      .toBe(loud ? 1 : 0);
  }
}

beforeAll(async () => {
  sched = await createCliScenario({ inProcess: true, seed: { extraCustomers: 2 }, editSeed });
  await sched.setup(['--emails', EMAILS.join(',')]);
  await sched.importPriceList(priceListFile(sched.dir, PRICES));
  pool = createPool(sched.db.url, 8);
  ws = (await pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
  sink = await startMailSink();
  inbox = sink.inbox;
  const port = sink.port;
  mailer = createMailer(`smtp://127.0.0.1:${port}`, 'billsync <billsync@msp.example>');
  queue = await startJobQueue({ url: sched.db.url, max: 4 }, TEST_TIMING, { worker: true });
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
  app = await buildApp(
    {
      config: loadConfig({
        BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-notices-')),
        BILLSYNC_PUBLIC_URL: PUBLIC_URL,
      }),
      pool,
      box,
      clock: systemClock,
    },
    { logger: false },
  );
  msp = await login(app, 'admin@msp.example', PASSWORD);
}, 60_000);

afterAll(async () => {
  await worker?.stop({ timeoutMs: 5000 });
  await app?.close();
  mailer?.close();
  await sink?.close();
  await pool?.end();
  await sched?.close();
});

describe('runs, statuses, messages and notifications over five months (Autotask, the daily check)', () => {
  for (const [i, m] of MONTHS.entries()) {
    const k = i + 1;
    it(`month ${k}: invoice ${m.invoice} (${m.period}) checked on ${m.check}: statuses, messages, one e-mail per loud run, dashboard, money`, async () => {
      await importMonth(m, i === 0);
      const runsBefore = (await runs()).length;
      const mailBefore = inbox.length;
      const faults: string[] = [];
      if (k === 4) {
        // Autotask rate-limits every adjustment until the test lifts it.
        sched.emulator.faults.inject({
          kind: '429',
          method: 'POST',
          path: '**/ServiceAdjustments',
          count: 100_000,
          retryAfter: 0,
        });
        faults.push('429');
      }
      const user = sched.emulator.state.apiUsers[0]!;
      const secret = user.secret;
      if (k === 5) user.secret = 'rotated-in-autotask';

      const report = await tickAt(`${m.check}T06:00:00.000Z`);
      expect.soft(report.fired.map((f) => [f.workspaceId, f.localDate])).toEqual([[ws, m.check]]);
      const check = await checkOutputs(m.check);
      expect.soft(check[0]?.output, JSON.stringify(check)).toMatchObject({ newInvoices: [m.invoice] });
      const fresh = (await runs()).slice(runsBefore);
      const product = fresh.filter((r) => r.kind === 'product');
      const customers = fresh.filter((r) => r.kind === 'customer');
      expect
        .soft(
          product,
          `one product sync per check: ${JSON.stringify(await checkOutputs(m.check))}\n${JSON.stringify(
            (await jobsOf(pool, 'sync-products', ws)).slice(-2),
          )}\n${log.slice(-10).join('\n')}`,
        )
        .toHaveLength(1);
      // Month 5: the product sync could not read the PSA; the customers would fail the same way and are not queued
      // (the invoice is new again to the next check, below).
      expect
        .soft(customers.map((r) => r.customer_name).sort(), 'one run per enabled customer')
        .toEqual(k === 5 ? [] : [CONTOSO_NAME, 'Fabrikam', 'Northwind']);
      expect.soft(fresh.every((r) => r.as_of === m.check && r.trigger === 'schedule')).toBe(true);
      const statuses = Object.fromEntries(fresh.map((r) => [nameOf(r), r.status]));
      const details = new Map<string, RunDetail>();
      for (const r of fresh) details.set(nameOf(r), await showRun(sched, r.id));
      const shown = [...details.entries()].map(([n, d]) => `${n} ${d.status}: ${messagesOf(d).join(' | ')}`);
      for (const [name, want] of Object.entries(EXPECTED_STATUS[i]!))
        expect
          .soft(
            Array.isArray(want) ? want : [want],
            `month ${k}: status of ${name} (${statuses[name]})\n${shown.join('\n')}`,
          )
          .toContain(statuses[name]);

      // Item statuses and the documented messages.
      const none = { lines: [], message: null, journal: { failures: [] } } as unknown as RunDetail;
      const contoso = details.get(CONTOSO_NAME) ?? none;
      const fab = details.get('Fabrikam') ?? none;
      const nor = details.get('Northwind') ?? none;
      const prod = details.get('products') ?? none;
      if (k <= 4) {
        if (k === 3) {
          const bp = itemOf(contoso, (l, key) => `${l} ${key}`.includes('CFQ7TTC0LCHC'));
          expect
            .soft(
              bp.map((l) => l.status),
              shown.join('\n'),
            )
            .toEqual(['warning']);
          expect
            .soft(messagesOf(contoso))
            .toContain('warning: Subscription cost unit price changed from 100.00 to 105.00 on 15 Feb 2027');
        }
        if (k === 4) {
          expect
            .soft(messagesOf(contoso).join('\n'))
            .toContain('Subscription retail unit price changed from 130.20 to 136.40 on 15 Mar 2027');
          // Northwind's March period (1-31 Mar) holds the price list's change of 15 Mar: told, 136.40 from 1 Apr
          // once an invoice decides that day (decisions 0006 addendum, 0008).
          expect
            .soft(messagesOf(nor))
            .toContain(
              'warning: Subscription retail unit price changed from 130.20 to 136.40 on 15 Mar 2027',
            );
          // Rate limited: the run says so in words.
          expect
            .soft(
              `${contoso.message ?? ''} ${messagesOf(contoso).join(' ')} ${contoso.journal.failures.join(' ')}`,
              'the rate limit is told',
            )
            .toMatch(/rate|429|too many|limit/i);
        }
        if (k >= 3) {
          expect.soft(fab.lines.some((l) => l.status === 'error')).toBe(true);
          expect.soft(messagesOf(fab).join('\n'), shown.join('\n')).toContain(`error: ${ENDED}`);
        }
        if (k === 1) {
          const moved = messagesOf(nor).filter((x) => /contract start/i.test(x));
          expect
            .soft(moved, `Northwind: the change moved to the contract start\n${shown.join('\n')}`)
            .toHaveLength(1);
          expect.soft(moved[0]).toMatch(/^warning: /);
          expect.soft(moved[0]).toMatch(/10 Jan 2027/);
        }
        if (k >= 2) {
          const sw = itemOf(nor, (l, key) => `${l} ${key}`.includes('CFQ7TTC0ZZ99'));
          expect
            .soft(
              sw.map((l) => l.status),
              shown.join('\n'),
            )
            .toEqual(['error']);
          expect.soft(sw[0]?.messages.map((x) => x.text).join('\n'), shown.join('\n')).toContain(NOT_FOUND);
          // The other item of Northwind is not stopped by it.
          expect.soft(nor.lines.filter((l) => l !== sw[0]).every((l) => l.status !== 'error')).toBe(true);
          const psw = itemOf(prod, (l, key) => `${l} ${key}`.includes('CFQ7TTC0ZZ99'));
          for (const p of psw) {
            expect.soft(p.status).toBe('error');
            expect.soft(p.messages.map((x) => x.text).join('\n')).toContain(NOT_FOUND);
          }
        }
      } else {
        // Section 7: credentials rejected is an error the MSP is told of (a run in History, an e-mail, in-app).
        await waitFor('the e-mail of the product run', async () => inbox.length > mailBefore, 20_000).catch(
          () => undefined,
        );
        expect
          .soft(inbox.length - mailBefore, 'month 5: an e-mail says the PSA rejected the credentials')
          .toBeGreaterThan(0);
        for (const d of details.values())
          expect
            .soft(
              `${d.message ?? ''} ${messagesOf(d).join(' ')} ${d.journal.failures.join(' ')}`,
              `month 5: ${d.customerName ?? 'products'} says the credentials were rejected`,
            )
            .toMatch(/credential|secret|authori[sz]/i);
      }

      // Exactly one e-mail per Warning/Error run, none for Success / No Change; the same in-app.
      const loud = fresh.filter((r) => r.status === 'warning' || r.status === 'error');
      await waitFor(
        'the e-mails of the month',
        async () => inbox.length >= mailBefore + loud.length,
        20_000,
      ).catch(() => undefined);
      await expectNotices(loud, inbox.slice(mailBefore), `month ${k}`);
      await expectDashboard(`month ${k}`);

      if (k === 4) {
        // The rate limit is lifted; the MSP resumes the failed run: each change written once.
        sched.emulator.faults.clear();
        const failed = customers.find((r) => r.customer_name === CONTOSO_NAME);
        if (!failed) throw new Error('no run of Contoso to resume');
        const mailCount = inbox.length;
        const before = await showRun(sched, failed.id);
        const writesBefore = sched.writes();
        const adjBefore = await adjustmentKeys();
        const resumed = await sched.run('--json', 'run', 'resume', failed.id);
        const after = await showRun(sched, failed.id);
        const story = [
          `before resume: ${before.status} items ${JSON.stringify(before.items)} journal ${JSON.stringify(before.journal)}`,
          `resume exit ${resumed.code}: ${resumed.stdout}${resumed.stderr}`,
          `after resume: ${after.status} items ${JSON.stringify(after.items)} journal ${JSON.stringify(after.journal)}`,
          `PSA writes during the resume: ${sched.writes() - writesBefore}; adjustments added: ${(
            await adjustmentKeys()
          )
            .filter((x) => !adjBefore.includes(x))
            .join(', ')}`,
          ...after.lines.map(
            (l) => `${l.label}: ${l.status} ${JSON.stringify(l.changes)} ${l.messages.map((x) => x.text)}`,
          ),
        ].join('\n');
        expect.soft([0, 2], `run resume: ${story}`).toContain(resumed.code);
        // After the resume the run says what happened: its writes done, the price warning left (Warning).
        expect.soft(after.status, story).toBe('warning');
        expect.soft(after.journal, story).toMatchObject({ pending: 0, inFlight: 0, failed: 0 });
        await expectNoDuplicateAdjustments();
        // One e-mail per run: the resumed run was already told.
        await tickAt(`${m.check}T07:00:00.000Z`);
        expect.soft(inbox.length).toBe(mailCount);
        expect.soft(inbox.filter((x) => x.raw.includes(`/history/${failed.id}`))).toHaveLength(1);
      }
      if (k === 5) {
        // The secret is put back; the invoice is new again to the daily check, which queues the chain once more
        // (checked here by hand, as the next morning's check would).
        user.secret = secret;
        const before = (await runs()).length;
        await enqueueDailyCheck(queue, ws, m.check);
        await waitFor('the check after the fix', async () => (await checkOutputs(m.check)).length === 2);
        await settled();
        expect.soft((await checkOutputs(m.check))[1]!.output).toMatchObject({ newInvoices: [m.invoice] });
        const again = (await runs()).slice(before);
        const by = Object.fromEntries(
          again.filter((r) => r.kind === 'customer').map((r) => [r.customer_name, r.status]),
        );
        // April: Northwind's 136.40 from 1 Apr (the period start: no warning); Contoso nothing new.
        expect.soft(by, JSON.stringify(again)).toEqual({
          [CONTOSO_NAME]: 'no_change',
          Fabrikam: 'error',
          Northwind: 'error',
        });
        const norRun = await showRun(sched, again.find((r) => r.customer_name === 'Northwind')!.id);
        const bp = itemOf(norRun, (l, key) => `${l} ${key}`.includes('CFQ7TTC0LCHC'));
        expect
          .soft(
            bp.map((l) => l.status),
            messagesOf(norRun).join('\n'),
          )
          .toEqual(['ok']);
        await expectNoDuplicateAdjustments();
      }

      // The PSA bills the invoices per day and per month to the cent.
      await expectPsaBills(k, `after month ${k}`);

      // A re-run of Contoso writes nothing (No Change); a check by hand the same day finds nothing new.
      const writes = sched.writes();
      const rerun = await sched.syncCustomers({ asOf: m.check, customer: CONTOSO.tenantId });
      expect
        .soft(
          rerun.runs.map((r) => [r.status, r.writes]),
          await sched.explain(rerun),
        )
        .toEqual([['no_change', 0]]);
      expect.soft(sched.writes()).toBe(writes);
      const runCount = (await runs()).length;
      await enqueueDailyCheck(queue, ws, m.check);
      const checks = k === 5 ? 3 : 2;
      await waitFor(
        'the second check of the day',
        async () => (await checkOutputs(m.check)).length === checks,
      );
      await settled();
      expect
        .soft((await checkOutputs(m.check))[checks - 1]!.output)
        .toMatchObject({ newInvoices: [], queued: [] });
      expect.soft((await runs()).length).toBe(runCount);
      expect.soft(sched.writes()).toBe(writes);
      // The minute tick (which notifies CLI runs too) sends nothing for No Change runs, one e-mail per loud run.
      await tickAt(`${m.check}T08:00:00.000Z`);
      await expectOneMailPerLoudRun(`month ${k}`);
    }, 80_000);
  }

  it('over the five months: one e-mail per Warning/Error run, none for the others', async () => {
    await expectOneMailPerLoudRun('in the end');
  });
});
