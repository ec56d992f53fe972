import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutotaskEmulator } from '../../emulators/autotask';
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
import { createTargetOpener } from '../../src/runtime/targets';
import { buildApp } from '../../src/server/app';
import { type Agent, login } from '../support/app';
import type { AutotaskReadback } from '../support/autotask-readback';
import { CREDS, IDS } from '../support/autotask-world';
import { runCliInProcess } from '../support/cli';
import { type CliScenario, createCliScenario, type ScenarioSeed } from '../support/cli-scenario';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  type PriceSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { jobsOf, PUBLIC_URL, startScenarioWorker, TEST_TIMING, waitFor } from '../support/jobs';
import { movableClock, type Received, startMailSink } from '../support/mail-sink';
import { BASIC, E3, FABRIKAM, NORTHWIND, subscription, TAILSPIN } from '../support/months-data';

/**
 * Audit of two MSPs in one billsync install over four months (spec sections 2, 7, 8, 9; DESIGN.md "scoped to the
 * caller's workspace"; docs/security.md "another workspace's users: nothing of this workspace, its objects answer
 * 404").
 *
 * One database, two workspaces, each with its own Autotask (two separate emulator instances seeded alike: the same
 * company, contract and billing-code ids, even the same API user) connected through its own stored zone URL. The
 * Microsoft data is deliberately the same on purpose where two MSPs can meet: the same customer tenants (Contoso
 * and Fabrikam switched MSP), the same SKUs, the same subscription ids and even the same invoice numbers, but
 * different seats, costs, price lists, price rules and notification addresses.
 *
 * - Alpha (A): price list BP 100.00 / list retail 125.00, Basic 10.00 / 12.50; rule: every customer, every offer,
 *   markup 30.2 % on cost (BP 130.20, Basic 13.02). Customers Contoso (contract 400), Fabrikam (500), Northwind
 *   (501, A only). Contoso BP 10 seats from 15 Dec, 10 -> 12 on 20 Jan, the cycle from 15 Feb costs 105.00 (a
 *   warning; 105.00 from 1 Mar), Basic 3 seats from 10 Mar. Fabrikam 5 seats, Northwind 4 seats.
 *   E-mails: billing@alpha.example, owner@alpha.example.
 * - Beta (B): price list BP 96.00 / list retail 124.00; rule: every customer, every offer, markup 10 % on list
 *   retail (BP 136.40). Contoso (contract 400 "Contoso (Beta) M365" in B's PSA) 4 seats from 15 Dec, 4 -> 5 on
 *   25 Jan, the cycle from 15 Feb costs 98.00 with 5 -> 6 on 20 Feb; Fabrikam (500) 8 seats, 8 -> 9 on 10 Mar;
 *   Tailspin (E3) only in B and never mapped. E-mails: ops@beta.example.
 *
 * The daily check (06:00 UTC, an in-process worker composed like `billsync worker`, a clock the test moves, a real
 * SMTP sink) finds each month's invoices on the 8th. In month 3 B's Autotask API user's secret is revoked: B's
 * chain fails (an Error run, e-mailed to B), A's chain runs untouched; the secret is put back and the next day's
 * check runs B's chain for the same invoice, with no duplicate.
 */

const KEY = 'ab'.repeat(32);
const START = '2027-01-01';
const WS_A = 'Alpha MSP';
const WS_B = 'Beta MSP';
const PW_A = 'alpha tangerine kayak 47';
const PW_B = 'beta marmalade canoe 93';
const PASSWORD: Record<Side, string> = { A: PW_A, B: PW_B };
const ADMIN: Record<Side, string> = { A: 'admin@alpha.example', B: 'admin@beta.example' };
const EMAILS: Record<Side, string[]> = {
  A: ['billing@alpha.example', 'owner@alpha.example'],
  B: ['ops@beta.example'],
};
const BP = 'PC_CFQ7TTC0LCHC:0002';
const BB = 'PC_CFQ7TTC0LH18:0001';
const FAB_CONTRACT = 500;
const NOR_CONTRACT = 501;

type Side = 'A' | 'B';
const SIDES: Side[] = ['A', 'B'];

// The same subscription ids in both workspaces.
const C_BP = subscription(CONTOSO, BUSINESS_PREMIUM, 'c0bb0000-0000-4000-8000-0000000000c1', '2026-12-15');
const C_BB = subscription(CONTOSO, BASIC, 'c0bb0000-0000-4000-8000-0000000000c2', '2027-03-10');
const F_BP = subscription(FABRIKAM, BUSINESS_PREMIUM, 'fa000000-0000-4000-8000-0000000000f1', '2026-12-01');
const N_BP = subscription(NORTHWIND, BUSINESS_PREMIUM, 'a0000000-0000-4000-8000-0000000000a1', '2026-12-01');
const T_E3 = subscription(TAILSPIN, E3, 'ba000000-0000-4000-8000-0000000000b1', '2026-12-01');

interface Month {
  /** The same invoice number in both workspaces. */
  invoice: string;
  period: string;
  issued: string;
  check: string;
  lines: Record<Side, ReconLineSpec[]>;
}

const MONTHS: Month[] = [
  {
    invoice: 'G000042612',
    period: '2026-12',
    issued: '2027-01-07',
    check: '2027-01-08',
    lines: {
      A: [
        C_BP.cycle('2026-12-15', '2027-01-14', 10, '100.00'),
        F_BP.cycle('2026-12-01', '2026-12-31', 5, '100.00'),
        N_BP.cycle('2026-12-01', '2026-12-31', 4, '100.00'),
      ],
      B: [
        C_BP.cycle('2026-12-15', '2027-01-14', 4, '96.00'),
        F_BP.cycle('2026-12-01', '2026-12-31', 8, '96.00'),
        T_E3.cycle('2026-12-01', '2026-12-31', 6, '30.00'),
      ],
    },
  },
  {
    invoice: 'G000042701',
    period: '2027-01',
    issued: '2027-02-07',
    check: '2027-02-08',
    lines: {
      A: [
        C_BP.cycle('2027-01-15', '2027-02-14', 10, '100.00'),
        ...C_BP.change('2027-01-20', '2027-02-14', 10, 12, '100.00'),
        F_BP.cycle('2027-01-01', '2027-01-31', 5, '100.00'),
        N_BP.cycle('2027-01-01', '2027-01-31', 4, '100.00'),
      ],
      B: [
        C_BP.cycle('2027-01-15', '2027-02-14', 4, '96.00'),
        ...C_BP.change('2027-01-25', '2027-02-14', 4, 5, '96.00'),
        F_BP.cycle('2027-01-01', '2027-01-31', 8, '96.00'),
        T_E3.cycle('2027-01-01', '2027-01-31', 6, '30.00'),
      ],
    },
  },
  {
    invoice: 'G000042702',
    period: '2027-02',
    issued: '2027-03-07',
    check: '2027-03-08',
    lines: {
      A: [
        C_BP.cycle('2027-02-15', '2027-03-14', 12, '105.00'),
        F_BP.cycle('2027-02-01', '2027-02-28', 5, '100.00'),
        N_BP.cycle('2027-02-01', '2027-02-28', 4, '100.00'),
      ],
      B: [
        C_BP.cycle('2027-02-15', '2027-03-14', 5, '98.00'),
        ...C_BP.change('2027-02-20', '2027-03-14', 5, 6, '98.00'),
        F_BP.cycle('2027-02-01', '2027-02-28', 8, '96.00'),
        T_E3.cycle('2027-02-01', '2027-02-28', 6, '30.00'),
      ],
    },
  },
  {
    invoice: 'G000042703',
    period: '2027-03',
    issued: '2027-04-07',
    check: '2027-04-08',
    lines: {
      A: [
        C_BP.cycle('2027-03-15', '2027-04-14', 12, '105.00'),
        C_BB.cycle('2027-03-10', '2027-04-09', 3, '10.00', { chargeType: 'new' }),
        F_BP.cycle('2027-03-01', '2027-03-31', 5, '100.00'),
        N_BP.cycle('2027-03-01', '2027-03-31', 4, '100.00'),
      ],
      B: [
        C_BP.cycle('2027-03-15', '2027-04-14', 6, '98.00'),
        F_BP.cycle('2027-03-01', '2027-03-31', 8, '96.00'),
        ...F_BP.change('2027-03-10', '2027-03-31', 8, 9, '96.00'),
        T_E3.cycle('2027-03-01', '2027-03-31', 6, '30.00'),
      ],
    },
  },
];

const PRICES: Record<Side, PriceSpec[]> = {
  A: [
    { offer: BUSINESS_PREMIUM, cost: '100.00', erp: '125.00' },
    { offer: BASIC, cost: '10.00', erp: '12.50' },
    { offer: E3, cost: '30.00', erp: '36.00' },
  ],
  B: [
    { offer: BUSINESS_PREMIUM, cost: '96.00', erp: '124.00' },
    { offer: BASIC, cost: '9.60', erp: '12.00' },
    { offer: E3, cost: '30.00', erp: '36.00' },
  ],
};
/** Each workspace's price rule (decision 0013: every customer, every offer, from the first synced month). */
const RULES: Record<Side, string[]> = {
  A: ['--basis', 'cost', '--markup', '30.2'],
  B: ['--basis', 'retail', '--markup', '10'],
};

// ---------------------------------------------------------------------------------------------------------------
// What each PSA must bill after its workspace synced month k (1-based), from the invoices, price lists and rules
// above (never read from billsync).

interface DayLine {
  units: number;
  price: string;
  cost: string;
}
type Expected = (day: string, k: number) => DayLine | undefined;

const EXPECTED: Record<Side, Record<number, Record<string, Expected>>> = {
  A: {
    [IDS.contract]: {
      [BP]: (day, k) =>
        day < '2026-12-15'
          ? undefined
          : {
              units: day >= '2027-01-20' && k >= 2 ? 12 : 10,
              price: '130.20',
              // The cycle from 15 Feb costs 105.00: not prorated, from the next period (1 Mar).
              cost: day >= '2027-03-01' && k >= 3 ? '105.00' : '100.00',
            },
      [BB]: (day, k) =>
        k >= 4 && day >= '2027-03-10' ? { units: 3, price: '13.02', cost: '10.00' } : undefined,
    },
    [FAB_CONTRACT]: {
      [BP]: (day) => (day >= '2026-12-01' ? { units: 5, price: '130.20', cost: '100.00' } : undefined),
    },
    [NOR_CONTRACT]: {
      [BP]: (day) => (day >= '2026-12-01' ? { units: 4, price: '130.20', cost: '100.00' } : undefined),
    },
  },
  B: {
    [IDS.contract]: {
      [BP]: (day, k) => {
        if (day < '2026-12-15') return undefined;
        const units = day >= '2027-02-20' && k >= 3 ? 6 : day >= '2027-01-25' && k >= 2 ? 5 : 4;
        return { units, price: '136.40', cost: day >= '2027-03-01' && k >= 3 ? '98.00' : '96.00' };
      },
    },
    [FAB_CONTRACT]: {
      [BP]: (day, k) =>
        day >= '2026-12-01'
          ? { units: day >= '2027-03-10' && k >= 4 ? 9 : 8, price: '136.40', cost: '96.00' }
          : undefined,
    },
  },
};
/** Product services each PSA must hold after month k: name -> [retail, cost] (rules for every customer). */
const SERVICES: Record<Side, (k: number) => Record<string, [string, string]>> = {
  A: (k) => ({ [BP]: ['130.20', '100.00'], ...(k >= 4 ? { [BB]: ['13.02', '10.00'] } : {}) }),
  B: () => ({ [BP]: ['136.40', '96.00'] }),
};
const CUSTOMERS: Record<Side, string[]> = {
  A: [CONTOSO.tenantId, FABRIKAM.tenantId, NORTHWIND.tenantId],
  B: [CONTOSO.tenantId, FABRIKAM.tenantId, TAILSPIN.tenantId],
};
const CONTRACT_OF: Record<Side, Record<string, number>> = {
  A: {
    [CONTOSO.tenantId]: IDS.contract,
    [FABRIKAM.tenantId]: FAB_CONTRACT,
    [NORTHWIND.tenantId]: NOR_CONTRACT,
  },
  B: { [CONTOSO.tenantId]: IDS.contract, [FABRIKAM.tenantId]: FAB_CONTRACT },
};
const CONTOSO_CONTRACT_NAME: Record<Side, string> = { A: 'Contoso Microsoft 365', B: 'Contoso (Beta) M365' };
/** What nobody bills per month: B's Tailspin (never mapped) E3, 6 seats x 30.00, calendar months. */
const LEAKAGE: Record<Side, { total: string; rows: number; text: string }> = {
  A: { total: '0.00', rows: 0, text: 'USD 0.00 in 0 line(s)' },
  B: { total: '180.00', rows: 1, text: 'USD 180.00 in 1 line(s)' },
};
const CHECKED_MONTHS = ['2026-12', '2027-01', '2027-02', '2027-03', '2027-04'];

/**
 * The run statuses the spec implies per scheduled chain (section 7: No Change = nothing new; Warning = written,
 * but look; Error = failed). Month 3 of B: its PSA rejects the credentials: the product sync is an Error run and
 * no customer is queued (decision 0007 addendum); `3b`: the next day, after the fix.
 */
const EXPECTED_STATUS: Record<string, Record<Side, Record<string, string>>> = {
  '1': {
    A: { products: 'success', 'Contoso Dental': 'success', Fabrikam: 'success', Northwind: 'success' },
    B: { products: 'success', 'Contoso Dental': 'success', Fabrikam: 'success' },
  },
  '2': {
    A: { products: 'no_change', 'Contoso Dental': 'success', Fabrikam: 'no_change', Northwind: 'no_change' },
    B: { products: 'no_change', 'Contoso Dental': 'success', Fabrikam: 'no_change' },
  },
  '3': {
    A: { products: 'no_change', 'Contoso Dental': 'warning', Fabrikam: 'no_change', Northwind: 'no_change' },
    B: { products: 'error' },
  },
  '3b': {
    A: {},
    B: { products: 'no_change', 'Contoso Dental': 'warning', Fabrikam: 'no_change' },
  },
  '4': {
    A: { products: 'success', 'Contoso Dental': 'success', Fabrikam: 'no_change', Northwind: 'no_change' },
    B: { products: 'no_change', 'Contoso Dental': 'no_change', Fabrikam: 'success' },
  },
};

function* days(from: string, to: string): Generator<string> {
  for (let d = parsePlainDate(from); d <= parsePlainDate(to); d = addDays(d, 1)) yield d;
}

/** Retail billed in a month: sum over days of units x price / days of the month, to the cent. */
function expectedBill(side: Side, contract: number, month: string, k: number): Decimal {
  const first = parsePlainDate(`${month}-01`);
  const last = addDays(addMonths(first, 1), -1);
  const n = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let sum = ZERO;
  for (const d of days(first, last))
    for (const line of Object.values(EXPECTED[side][contract]!)) {
      const x = line(d, k);
      if (x) sum = sum.plus(dec(x.price).times(dec(x.units)));
    }
  return sum.div(dec(n)).round(2, 1);
}

// ---------------------------------------------------------------------------------------------------------------

let a: CliScenario; // workspace A's Autotask; its database is the install's one database
let b: CliScenario; // workspace B's Autotask (its own database is not used)
let pool: Pool;
let queue: JobQueue;
let worker: RunningWorker;
let mailer: Mailer;
let sink: Awaited<ReturnType<typeof startMailSink>> | undefined;
let app: FastifyInstance;
const agents = {} as Record<Side, Agent>;
const wsId = {} as Record<Side, WorkspaceId>;
const dirs = {} as Record<Side, string>;
let inbox: Received[] = [];
const clock = movableClock('2027-01-05T06:00:00.000Z');
const log: string[] = [];
/** How many months each workspace has synced (B lags in month 3 until its PSA is fixed). */
const synced: Record<Side, number> = { A: 0, B: 0 };

const psa = (side: Side) => (side === 'A' ? a : b);
const emulatorOf = (side: Side) => psa(side).emulator as AutotaskEmulator;
const readbackOf = (side: Side) => psa(side).readback as AutotaskReadback;
const other = (side: Side): Side => (side === 'A' ? 'B' : 'A');
const WS_NAME: Record<Side, string> = { A: WS_A, B: WS_B };

const cliEnv = () => ({
  DATABASE_URL: a.db.url,
  BILLSYNC_DATA_DIR: join(a.dir, 'data'),
  BILLSYNC_SECRET_KEY: KEY,
  // No discovery: each connection carries its own zone URL.
  AUTOTASK_DISCOVERY_URL: undefined,
  AUTOTASK_SECRET: '',
  LOG_LEVEL: 'warn',
});

/** `billsync --json ARGS --workspace <side>` in this process: exit code and parsed output. */
async function cliRaw(side: Side | undefined, ...args: string[]) {
  const res = await runCliInProcess(
    ['--json', ...args, ...(side ? ['--workspace', WS_NAME[side]] : [])],
    cliEnv(),
  );
  return res;
}
async function cli<T = unknown>(side: Side | undefined, ...args: string[]): Promise<T> {
  const res = await cliRaw(side, ...args);
  if (res.code !== 0)
    throw new Error(`billsync ${args.join(' ')} exited ${res.code}:\n${res.stderr}${res.stdout}`);
  return JSON.parse(res.stdout) as T;
}

const editA = (seed: ScenarioSeed) => {
  seed.Companies.find((c) => c.id === 600)!.companyName = 'Fabrikam Inc';
  seed.Companies.find((c) => c.id === 601)!.companyName = 'Northwind Traders';
};
const editB = (seed: ScenarioSeed) => {
  seed.Contracts.find((c) => c.id === IDS.contract)!.contractName = CONTOSO_CONTRACT_NAME.B;
  seed.Companies.find((c) => c.id === 600)!.companyName = 'Fabrikam (Beta)';
};

interface RunRow {
  id: string;
  kind: string;
  tenant_id: string | null;
  customer_name: string | null;
  status: string;
  as_of: string;
  trigger: string;
}

async function runsOf(side: Side): Promise<RunRow[]> {
  const res = await pool.query<RunRow>(
    `select id, kind, tenant_id, customer_name, status, to_char(as_of, 'YYYY-MM-DD') as as_of, trigger
     from runs where workspace_id = $1 order by created_at, id`,
    [wsId[side]],
  );
  return res.rows;
}
const nameOf = (r: { kind: string; customer_name: string | null }) =>
  r.kind === 'product' ? 'products' : (r.customer_name ?? '?');

/** Every job of both workspaces is finished (none waiting, running or retrying). */
async function settled(): Promise<void> {
  await waitFor('the queue to settle', async () => {
    const res = await pool.query<{ n: number }>(
      `select count(*)::int as n from pgboss.job where state::text not in ('completed', 'failed', 'cancelled')`,
    );
    return res.rows[0]!.n === 0;
  });
}

async function tickAt(at: string) {
  clock.set(at);
  a.setClock(at);
  b.setClock(at);
  const report = await worker.tick();
  await settled();
  return report;
}

/** Write requests the emulator answered with success (2xx) so far: what really changed the PSA. */
function successfulWrites(side: Side): number {
  return emulatorOf(side)
    .requests.entries()
    .filter((e) => e.method !== 'GET' && !/\/query(\/|$)/i.test(e.path))
    .filter((e) => e.status !== undefined && e.status >= 200 && e.status < 300).length;
}

async function importMonth(side: Side, m: Month, first: boolean): Promise<void> {
  const file = reconFile(dirs[side], m.invoice, m.lines[side]);
  await cli(side, 'import', 'invoice', file, '--period', m.period, '--issued', m.issued);
  if (!first) return;
  await cli(
    side,
    'map',
    CONTOSO.tenantId,
    '--company',
    String(IDS.company),
    '--contract',
    String(IDS.contract),
    '--strategy',
    'cost-and-retail',
    '--start',
    START,
    '--sync',
    'on',
  );
  await cli(
    side,
    'map',
    FABRIKAM.tenantId,
    '--company',
    '600',
    '--contract',
    String(FAB_CONTRACT),
    '--strategy',
    'cost-and-retail',
    '--start',
    START,
    '--sync',
    'on',
  );
  if (side === 'A')
    await cli(
      side,
      'map',
      NORTHWIND.tenantId,
      '--company',
      '601',
      '--contract',
      String(NOR_CONTRACT),
      '--strategy',
      'cost-and-retail',
      '--start',
      START,
      '--sync',
      'on',
    );
  // B's Tailspin is never mapped.
}

type Row = Record<string, unknown>;
async function emulatorState(side: Side): Promise<Record<string, Row[]>> {
  return (await (await fetch(`${psa(side).base}/_emulator/state`)).json()) as Record<string, Row[]>;
}

/**
 * The PSA of `side` bills exactly its workspace's invoices after month k: its services, its contract lines (only
 * on its customers' contracts), units/price/cost per day, each month's money to the cent, no charges, and no two
 * adjustments of one line on one day.
 */
async function expectPsaBills(side: Side, k: number, label: string): Promise<void> {
  const state = await emulatorState(side);
  const services = Object.fromEntries(
    (state.Services ?? []).map((s) => [
      String(s.name),
      [dec(String(s.unitPrice)).toFixed(2), dec(String(s.unitCost)).toFixed(2)],
    ]),
  );
  expect.soft(services, `${label}: the services of ${side}'s PSA`).toEqual(SERVICES[side](k));
  // Contract lines exist only on the contracts of the workspace's own synced customers.
  const lineContracts = [...new Set((state.ContractServices ?? []).map((x) => Number(x.contractID)))].sort();
  expect
    .soft(lineContracts, `${label}: contracts with lines in ${side}'s PSA`)
    .toEqual(Object.keys(EXPECTED[side]).map(Number).sort());
  const keys = (state.ContractServiceAdjustments ?? []).map(
    (x) => `${x.contractServiceID}|${String(x.effectiveDate).slice(0, 10)}`,
  );
  expect
    .soft(
      keys.length,
      `${label}: one adjustment per line and day in ${side}'s PSA: ${keys.sort().join(', ')}`,
    )
    .toBe(new Set(keys).size);

  const rb = readbackOf(side);
  for (const [contract, lines] of Object.entries(EXPECTED[side]).map(([c, l]) => [Number(c), l] as const)) {
    const got = await rb.contractServices(contract);
    const names = Object.entries(lines)
      .filter(([, f]) => [...days('2026-12-01', '2027-04-30')].some((d) => f(d, k)))
      .map(([n]) => n)
      .sort();
    expect
      .soft(got.map((l) => l.serviceName).sort(), `${label}: ${side} contract ${contract} lines`)
      .toEqual(names);
    for (const l of got) {
      const segs = await rb.unitSegments(l.id);
      const want = lines[l.serviceName];
      const wrong: string[] = [];
      for (const d of days('2026-12-01', '2027-04-30')) {
        const w = want?.(d, k);
        const seg = segs.find((s) => s.start <= d && d <= s.end);
        const g = seg
          ? { units: Number(seg.units.toFixed()), price: seg.price?.toFixed(2), cost: seg.cost?.toFixed(2) }
          : undefined;
        if (!w && (g === undefined || g.units === 0)) continue;
        if (JSON.stringify(g) !== JSON.stringify(w))
          wrong.push(`${d}: ${JSON.stringify(g)} != ${JSON.stringify(w)}`);
      }
      expect
        .soft(wrong, `${label}: ${side} contract ${contract} ${l.serviceName} per day (got != want)`)
        .toEqual([]);
    }
    for (const month of CHECKED_MONTHS) {
      const bill = await rb.billedPerMonth(contract, month);
      expect.soft(bill.charges, `${label}: charges of ${side} contract ${contract} in ${month}`).toEqual([]);
      expect
        .soft(bill.total.round(2, 1).toFixed(2), `${label}: ${side} contract ${contract} billed in ${month}`)
        .toBe(expectedBill(side, contract, month, k).toFixed(2));
    }
  }
}

/** The e-mails of the loud runs of each side: one each, to that side's addresses only. */
function expectMails(loud: Record<Side, RunRow[]>, mails: Received[], label: string): void {
  const subjects = mails.map((m) => `${m.to.join(',')}: ${/Subject: (.*)/.exec(m.raw)?.[1]}`).join(' | ');
  const runMails = mails.filter((m) => m.raw.includes(`${PUBLIC_URL}/history/`));
  expect.soft(runMails.length, `${label}: run e-mails ${subjects}`).toBe(loud.A.length + loud.B.length);
  for (const side of SIDES) {
    for (const run of loud[side]) {
      const mine = mails.filter((x) => x.raw.includes(`${PUBLIC_URL}/history/${run.id}`));
      expect.soft(mine.length, `${label}: the e-mail of ${side}'s ${nameOf(run)} ${run.status}`).toBe(1);
      for (const mail of mine)
        expect
          .soft([...mail.to].sort(), `${label}: ${side}'s ${nameOf(run)} e-mail goes to ${side}'s addresses`)
          .toEqual([...EMAILS[side]].sort());
    }
  }
  // No e-mail to one side's address tells of a run of the other side.
  for (const mail of mails) {
    const side = SIDES.find((s) => mail.to.some((t) => EMAILS[s].includes(t)));
    expect.soft(side, `${label}: an e-mail to ${mail.to.join(',')}`).toBeDefined();
    if (!side) continue;
    expect
      .soft(
        mail.to.filter((t) => EMAILS[other(side)].includes(t)),
        `${label}: mixed recipients`,
      )
      .toEqual([]);
    for (const run of [...loud[other(side)]])
      expect
        .soft(mail.raw, `${label}: an e-mail to ${side} names a run of ${other(side)}`)
        .not.toContain(run.id);
  }
}

const MONTH_NAME: Record<string, string> = {
  '2026-12': 'December 2026',
  '2027-01': 'January 2027',
  '2027-02': 'February 2027',
  '2027-03': 'March 2027',
};
/** Recon e-mails seen so far, per side: the periods they were for. */
const reconMailed: Record<Side, string[]> = { A: [], B: [] };

/**
 * The monthly reconciliation e-mails among `mails` (program setting "recon e-mail" on in both workspaces): each to
 * one workspace's addresses, with that workspace's PSA total for the period (from its invoices, to the cent) and
 * none of the other workspace's customers or contracts.
 */
function expectReconMails(mails: Received[], label: string): void {
  for (const mail of mails.filter((m) => !m.raw.includes(`${PUBLIC_URL}/history/`))) {
    const subject = /Subject: (.*)/.exec(mail.raw)?.[1] ?? '';
    const side = SIDES.find((s) => mail.to.some((t) => EMAILS[s].includes(t)));
    if (!side) continue; // told by expectMails
    const period = Object.keys(MONTH_NAME).find((p) => subject.includes(MONTH_NAME[p]!));
    expect.soft(period, `${label}: a reconciliation e-mail to ${side}: ${subject}`).toBeDefined();
    if (!period) continue;
    reconMailed[side].push(period);
    const total = Object.values(CONTRACT_OF[side])
      .reduce((t, c) => t.plus(expectedBill(side, c, period, synced[side])), ZERO)
      .toFixed(2);
    const billed = /Autotask bills:\s+(?:USD )?([\d.,-]+)/.exec(mail.raw)?.[1]?.replace(/,/g, '');
    expect
      .soft(billed, `${label}: ${side}'s reconciliation e-mail for ${period}: what Autotask bills`)
      .toBe(total);
    // Leakage (what Microsoft charged that nobody bills): B's unmapped Tailspin, 6 x 30.00 a month; A has none.
    const leak = /Not billed \(leakage\):\s+(.*)/.exec(mail.raw)?.[1]?.trim();
    expect.soft(leak, `${label}: ${side}'s leakage in the e-mail for ${period}`).toBe(LEAKAGE[side].text);
    const foreign =
      side === 'A' ? [TAILSPIN.name, CONTOSO_CONTRACT_NAME.B] : [NORTHWIND.name, CONTOSO_CONTRACT_NAME.A];
    for (const f of foreign)
      expect
        .soft(mail.raw, `${label}: ${side}'s reconciliation e-mail names ${f} of ${other(side)}`)
        .not.toContain(f);
  }
}

interface CustomerWire {
  tenantId: string;
  name: string;
  contractId: string | null;
  contractName: string | null;
  syncOn: boolean;
  lastRun: { id: string } | null;
}
interface RunWire {
  id: string;
  tenantId: string | null;
}
interface ReconWire {
  period: string | null;
  customers: { tenantId: string; billed: string; expected: string; contractName: string | null }[];
  leakage: { total: string; rows: number };
}

/**
 * What each workspace's views show (CLI with --workspace, HTTP API as its admin): its own runs, customers,
 * notifications and reconciliation, and nothing of the other; the other's run ids answer not found.
 */
async function expectIsolatedViews(k: number, period: string, label: string): Promise<void> {
  const runs = { A: await runsOf('A'), B: await runsOf('B') };
  for (const side of SIDES) {
    const mine = new Set(runs[side].map((r) => r.id));
    const theirs = runs[other(side)];
    // CLI: history, a run of the other workspace, customers.
    const cliRuns = await cli<RunWire[]>(side, 'runs', '--limit', '500');
    expect.soft(cliRuns.map((r) => r.id).sort(), `${label}: CLI runs of ${side}`).toEqual([...mine].sort());
    const foreign = theirs.at(-1);
    if (foreign) {
      const shown = await cliRaw(side, 'run', 'show', foreign.id);
      expect
        .soft(shown.code, `${label}: CLI run show of ${other(side)}'s run with --workspace ${side}`)
        .not.toBe(0);
      expect
        .soft(shown.stdout, `${label}: ${other(side)}'s run is not found in ${side}`)
        .toContain('"not_found"');
    }
    const customers = await cli<CustomerWire[]>(side, 'customers', '--no-suggest');
    expect
      .soft(customers.map((c) => c.tenantId).sort(), `${label}: CLI customers of ${side}`)
      .toEqual([...CUSTOMERS[side]].sort());
    for (const c of customers) {
      if (c.lastRun)
        expect.soft(mine.has(c.lastRun.id), `${label}: ${side}'s ${c.name} last run is its own`).toBe(true);
      const contract = CONTRACT_OF[side][c.tenantId];
      expect
        .soft(c.contractId, `${label}: ${side}'s ${c.name} contract`)
        .toBe(contract === undefined ? null : String(contract));
    }
    expect
      .soft(
        customers.find((c) => c.tenantId === CONTOSO.tenantId)?.contractName,
        `${label}: ${side}'s Contoso contract`,
      )
      .toBe(CONTOSO_CONTRACT_NAME[side]);

    // HTTP API as the workspace's admin.
    // Signed in anew: the sessions live in the scenario's moving clock (12 hours).
    const api = await login(app, ADMIN[side], PASSWORD[side]);
    agents[side] = api;
    const list = await api.request('GET', '/api/runs?limit=500');
    expect.soft(list.status).toBe(200);
    expect
      .soft((list.json.items as RunWire[]).map((r) => r.id).sort(), `${label}: API runs of ${side}`)
      .toEqual([...mine].sort());
    for (const r of theirs.slice(-3)) {
      const res = await api.request('GET', `/api/runs/${r.id}`);
      expect.soft(res.status, `${label}: ${side} asks for ${other(side)}'s run ${nameOf(r)}`).toBe(404);
      const resume = await api.request('POST', `/api/runs/${r.id}/resume`);
      expect.soft([403, 404], `${label}: ${side} resumes ${other(side)}'s run`).toContain(resume.status);
    }
    const apiCustomers = await api.request('GET', '/api/customers?limit=100');
    expect.soft(apiCustomers.status).toBe(200);
    expect
      .soft(
        (apiCustomers.json.items as CustomerWire[]).map((c) => c.tenantId).sort(),
        `${label}: API customers of ${side}`,
      )
      .toEqual([...CUSTOMERS[side]].sort());
    const onlyTheirs = side === 'A' ? TAILSPIN.tenantId : NORTHWIND.tenantId;
    const res = await api.request('GET', `/api/customers/${onlyTheirs}`);
    expect.soft(res.status, `${label}: ${side} asks for a customer only ${other(side)} has`).toBe(404);
    const contoso = await api.request('GET', `/api/customers/${CONTOSO.tenantId}`);
    expect
      .soft(contoso.json?.contractName, `${label}: ${side}'s own Contoso mapping`)
      .toBe(CONTOSO_CONTRACT_NAME[side]);
    const notes = await api.request('GET', '/api/notifications?limit=200');
    expect.soft(notes.status).toBe(200);
    for (const n of notes.json.items as { runId: string | null }[])
      expect
        .soft(n.runId === null || mine.has(n.runId), `${label}: ${side}'s notification of run ${n.runId}`)
        .toBe(true);
    const theirNotes = await pool.query<{ id: string }>(
      'select id from notifications where workspace_id = $1',
      [wsId[other(side)]],
    );
    for (const n of theirNotes.rows) {
      const got = await api.request('GET', `/api/notifications/${n.id}`);
      expect.soft(got.status, `${label}: ${side} reads ${other(side)}'s notification`).toBe(404);
    }
    const program = await api.request('GET', '/api/programs/autotask');
    expect
      .soft(JSON.stringify(program.json), `${label}: ${side}'s program`)
      .not.toContain(EMAILS[other(side)][0]);

    // Reconciliation of the month (section 9): its own customers, billed as its own PSA bills them.
    if (side === 'B' && synced.B < k) continue; // B's PSA rejects the credentials: checked after the fix
    // First as the reconciliation cache has it (the other workspace's reading must never be served), then read anew.
    const cached = await api.request('GET', `/api/reconciliation?target=autotask&period=${period}`);
    const recon = await api.request(
      'GET',
      `/api/reconciliation?target=autotask&period=${period}&refresh=true`,
    );
    expect
      .soft(recon.status, `${label}: ${side}'s reconciliation ${JSON.stringify(recon.json).slice(0, 300)}`)
      .toBe(200);
    if (recon.status !== 200) continue;
    const billedOf = (x: { json: ReconWire }) =>
      (x.json.customers ?? []).map((r) => `${r.tenantId} ${r.billed}`).sort();
    expect.soft(cached.status, `${label}: ${side}'s cached reconciliation`).toBe(200);
    if (cached.status === 200)
      expect.soft(billedOf(cached), `${label}: ${side}'s cached reconciliation`).toEqual(billedOf(recon));
    const rows = (recon.json as ReconWire).customers;
    expect
      .soft((recon.json as ReconWire).leakage, `${label}: ${side}'s leakage in ${period}`)
      .toEqual({ total: LEAKAGE[side].total, rows: LEAKAGE[side].rows });
    const leakage = await api.request('GET', `/api/reconciliation/leakage?target=autotask&period=${period}`);
    expect
      .soft(
        (leakage.json?.rows ?? []).map((r: { tenantId: string }) => r.tenantId),
        `${label}: ${side}'s leakage rows`,
      )
      .toEqual(side === 'B' ? [TAILSPIN.tenantId] : []);
    const synced1 = Object.keys(CONTRACT_OF[side]).sort();
    expect
      .soft(rows.map((r) => r.tenantId).sort(), `${label}: ${side}'s reconciliation customers`)
      .toEqual(synced1);
    for (const r of rows) {
      const contract = CONTRACT_OF[side][r.tenantId];
      if (contract === undefined) continue;
      const want = expectedBill(side, contract, period, synced[side]).toFixed(2);
      expect
        .soft(r.billed, `${label}: ${side}'s reconciliation billed for ${r.tenantId} in ${period}`)
        .toBe(want);
      expect
        .soft(r.expected, `${label}: ${side}'s reconciliation expected for ${r.tenantId} in ${period}`)
        .toBe(want);
    }
    const cliRecon = await cli<ReconWire>(side, 'recon', '--period', period);
    expect
      .soft(
        cliRecon.customers.map((r) => `${r.tenantId} ${r.billed}`).sort(),
        `${label}: CLI recon of ${side} equals its API`,
      )
      .toEqual(rows.map((r) => `${r.tenantId} ${r.billed}`).sort());
  }
}

/** A sync of every customer of both workspaces right after the month writes nothing to either PSA. */
async function expectRerunWritesNothing(asOf: string, label: string): Promise<void> {
  const before = { A: successfulWrites('A'), B: successfulWrites('B') };
  const total = { A: psa('A').writes(), B: psa('B').writes() };
  for (const side of SIDES) {
    const res = await cliRaw(side, 'sync', 'customers', '--as-of', asOf);
    const runs = JSON.parse(res.stdout || '[]') as { customerName: string; status: string; writes: number }[];
    expect.soft(res.code, `${label}: re-run of ${side}: ${res.stderr}`).toBe(0);
    expect
      .soft(
        runs.filter((r) => r.status !== 'no_change' || r.writes !== 0),
        `${label}: re-run of ${side}`,
      )
      .toEqual([]);
  }
  for (const side of SIDES) {
    expect.soft(successfulWrites(side), `${label}: re-run wrote to ${side}'s PSA`).toBe(before[side]);
    expect.soft(psa(side).writes(), `${label}: re-run sent writes to ${side}'s PSA`).toBe(total[side]);
  }
}

beforeAll(async () => {
  [a, b] = await Promise.all([
    createCliScenario({ inProcess: true, seed: { extraCustomers: 2 }, editSeed: editA }),
    createCliScenario({ inProcess: true, seed: { extraCustomers: 2 }, editSeed: editB }),
  ]);
  for (const side of SIDES) {
    dirs[side] = join(psa(side).dir, `files-${side}`);
    mkdirSync(dirs[side], { recursive: true });
  }
  for (const side of SIDES) {
    await cli(undefined, 'workspace', 'create', '--name', WS_NAME[side]);
    await cli(
      side,
      'user',
      'create',
      '--email',
      ADMIN[side],
      '--password',
      PASSWORD[side],
      '--role',
      'admin',
    );
    await cli(
      side,
      'connect',
      'autotask',
      '--username',
      CREDS.userName,
      '--secret',
      CREDS.secret,
      '--integration-code',
      CREDS.integrationCode,
      '--zone-url',
      `${psa(side).base}/ATServicesRest/`,
    );
    await cli(
      side,
      'program',
      'set',
      '--target',
      'autotask',
      '--sync',
      'on',
      '--billing-code',
      String(IDS.code),
      '--vendor',
      String(IDS.vendor),
      '--emails',
      EMAILS[side].join(','),
      '--recon-email',
      'on',
    );
    await cli(side, 'import', 'pricelist', priceListFile(dirs[side], PRICES[side]));
    await cli(
      side,
      'rules',
      'add',
      ...RULES[side],
      '--from',
      '2026-12-01',
      '--as-of',
      '2027-01-05',
      '--note',
      `${WS_NAME[side]} prices`,
    );
  }
  pool = createPool(a.db.url, 8);
  for (const side of SIDES)
    wsId[side] = (
      await pool.query<{ id: WorkspaceId }>('select id from workspaces where name = $1', [WS_NAME[side]])
    ).rows[0]!.id;
  sink = await startMailSink();
  inbox = sink.inbox;
  mailer = createMailer(`smtp://127.0.0.1:${sink.port}`, 'billsync <billsync@host.example>');
  queue = await startJobQueue({ url: a.db.url, max: 4 }, TEST_TIMING, { worker: true });
  const box = new SecretBox(Buffer.from(KEY, 'hex'));
  // Composed like src/jobs/background-worker.ts: one worker for every workspace of the install, each connection
  // opened from what is stored (its own zone URL), the test's clock, a tick only when the test asks.
  const env = { ...process.env };
  delete env.AUTOTASK_DISCOVERY_URL;
  const engine = createEngineDeps({ pool, clock, openTarget: createTargetOpener({ pool, box, env }) });
  worker = await startScenarioWorker({ pool, engine, queue, clock, mailer, log: (m) => log.push(m) });
  app = await buildApp(
    {
      config: loadConfig({
        BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-workspaces-')),
        BILLSYNC_PUBLIC_URL: PUBLIC_URL,
        // Both admins sign in again at every month's check (the sessions follow the scenario's clock).
        BILLSYNC_LOGIN_RATE: '1000',
      }),
      pool,
      box,
      // The app lives in the scenario's time too: the reconciliation reads "today" from it.
      clock,
      openTarget: createTargetOpener({ pool, box, env }),
    },
    { logger: false },
  );
  for (const side of SIDES) agents[side] = await login(app, ADMIN[side], PASSWORD[side]);
}, 90_000);

afterAll(async () => {
  await worker?.stop({ timeoutMs: 5000 });
  await app?.close();
  mailer?.close();
  await sink?.close();
  await pool?.end();
  await a?.close();
  await b?.close();
});

/** The statuses of the runs created since `before`, keyed like EXPECTED_STATUS. */
function statusesOf(fresh: RunRow[]): Record<string, string> {
  return Object.fromEntries(fresh.map((r) => [nameOf(r), r.status]));
}

describe('two workspaces (two MSPs, two Autotasks) in one install, synced by the daily check over four months', () => {
  it('set-up: each workspace has its own connection, program, price list and rule', async () => {
    for (const side of SIDES) {
      const program = await agents[side].request('GET', '/api/programs/autotask');
      expect(program.status).toBe(200);
      expect(JSON.stringify(program.json)).toContain(EMAILS[side][0]);
      const rules = await agents[side].request('GET', '/api/price-rules');
      expect(rules.status).toBe(200);
      expect(JSON.stringify(rules.json)).toContain(`${WS_NAME[side]} prices`);
      expect(JSON.stringify(rules.json)).not.toContain(`${WS_NAME[other(side)]} prices`);
    }
  });

  for (const [i, m] of MONTHS.entries()) {
    const k = i + 1;
    it(`month ${k}: invoice ${m.invoice} (the same number in both) checked on ${m.check}`, async () => {
      for (const side of SIDES) await importMonth(side, m, i === 0);
      const before = { A: (await runsOf('A')).length, B: (await runsOf('B')).length };
      const mailBefore = inbox.length;
      const writesBefore = { A: successfulWrites('A'), B: successfulWrites('B') };
      const apiUser = emulatorOf('B').state.apiUsers[0]!;
      if (k === 3) apiUser.secret = 'revoked-in-autotask'; // B's Autotask admin revoked the API user's secret

      const report = await tickAt(`${m.check}T06:00:00.000Z`);
      // One daily check per workspace.
      expect.soft(report.fired.map((f) => f.workspaceId).sort()).toEqual([wsId.A, wsId.B].sort());
      for (const side of SIDES) {
        const checks = (await jobsOf(pool, 'daily-check', wsId[side])).filter(
          (j) => j.data.localDate === m.check,
        );
        expect
          .soft(
            checks.map((j) => j.state),
            `${side}'s daily check`,
          )
          .toEqual(['completed']);
        expect
          .soft(checks[0]?.output, `${side}'s daily check found the invoice`)
          .toMatchObject({ newInvoices: [m.invoice] });
      }
      const fresh = { A: (await runsOf('A')).slice(before.A), B: (await runsOf('B')).slice(before.B) };
      for (const side of SIDES) {
        expect
          .soft(statusesOf(fresh[side]), `month ${k}: ${side}'s runs ${log.slice(-5).join('\n')}`)
          .toEqual(EXPECTED_STATUS[String(k)]![side]);
        expect.soft(fresh[side].every((r) => r.as_of === m.check && r.trigger === 'schedule')).toBe(true);
      }
      synced.A = k;
      if (k !== 3) synced.B = k;

      // A's chain is not held up by B's failing PSA: every job of A completed at the first try.
      if (k === 3) {
        for (const name of ['daily-check', 'sync-products', 'sync-customer']) {
          const jobs = (await jobsOf(pool, name, wsId.A)).filter(
            (j) => j.data.localDate === m.check || j.data.asOf === m.check,
          );
          expect
            .soft(
              jobs.map((j) => `${j.state}/${j.retry_count}`),
              `A's ${name} jobs on ${m.check}`,
            )
            .toEqual(jobs.map(() => 'completed/0'));
        }
        // B's PSA took no write, and B's run says why, in words.
        expect.soft(successfulWrites('B'), "nothing was written to B's PSA").toBe(writesBefore.B);
        const bRun = fresh.B.find((r) => r.kind === 'product');
        const shown = bRun ? await cli<{ message: string | null }>('B', 'run', 'show', bRun.id) : undefined;
        expect
          .soft(shown?.message ?? '', "B's error run says the PSA could not be read")
          .toMatch(/could not be read|credential|401|rejected|unauthori/i);
      }
      const loud = (side: Side) => fresh[side].filter((r) => r.status === 'warning' || r.status === 'error');
      expectMails({ A: loud('A'), B: loud('B') }, inbox.slice(mailBefore), `month ${k}`);
      expectReconMails(inbox.slice(mailBefore), `month ${k}`);

      await expectPsaBills('A', synced.A, `month ${k}`);
      if (k !== 3) await expectPsaBills('B', synced.B, `month ${k}`);
      await expectIsolatedViews(k, m.period, `month ${k}`);

      if (k === 3) {
        // The secret is put back; the next day's check runs B's whole chain for the same invoice, once.
        apiUser.secret = CREDS.secret;
        const beforeFix = { A: (await runsOf('A')).length, B: (await runsOf('B')).length };
        const mailFix = inbox.length;
        const aWrites = successfulWrites('A');
        await tickAt('2027-03-09T06:00:00.000Z');
        const fixed = {
          A: (await runsOf('A')).slice(beforeFix.A),
          B: (await runsOf('B')).slice(beforeFix.B),
        };
        for (const side of SIDES)
          expect
            .soft(statusesOf(fixed[side]), `after the fix: ${side}'s runs`)
            .toEqual(EXPECTED_STATUS['3b']![side]);
        expect.soft(successfulWrites('A'), "the fix of B's PSA wrote nothing to A's").toBe(aWrites);
        const fixedLoud = (side: Side) =>
          fixed[side].filter((r) => r.status === 'warning' || r.status === 'error');
        expectMails({ A: fixedLoud('A'), B: fixedLoud('B') }, inbox.slice(mailFix), 'after the fix');
        expectReconMails(inbox.slice(mailFix), 'after the fix');
        const warned = fixed.B.find((r) => r.customer_name === 'Contoso Dental');
        if (warned) {
          const d = await cli<{ lines: { messages: { level: string; text: string }[] }[] }>(
            'B',
            'run',
            'show',
            warned.id,
          );
          expect
            .soft(d.lines.flatMap((l) => l.messages.map((x) => `${x.level}: ${x.text}`)))
            .toContain('warning: Subscription cost unit price changed from 96.00 to 98.00 on 15 Feb 2027');
        }
        synced.B = 3;
        await expectPsaBills('B', 3, 'after the fix');
        await expectIsolatedViews(k, m.period, 'after the fix');
      }
      await expectRerunWritesNothing(m.check, `month ${k}`);

      // A check asked by hand the same day finds nothing new in either workspace: no run, no write, no e-mail.
      const runCount = { A: (await runsOf('A')).length, B: (await runsOf('B')).length };
      const writes = { A: successfulWrites('A'), B: successfulWrites('B') };
      const mails = inbox.length;
      const day = k === 3 ? '2027-03-09' : m.check;
      for (const side of SIDES) await enqueueDailyCheck(queue, wsId[side], day);
      await settled();
      for (const side of SIDES) {
        expect.soft((await runsOf(side)).length, `a second check of ${side}`).toBe(runCount[side]);
        expect.soft(successfulWrites(side)).toBe(writes[side]);
      }
      // It sends only the month's reconciliation e-mails (the syncs of the period have run by now).
      const late = inbox.slice(mails);
      expect
        .soft(
          late.filter((x) => x.raw.includes(`${PUBLIC_URL}/history/`)),
          'run e-mails of a quiet check',
        )
        .toEqual([]);
      expectReconMails(late, `month ${k}, the second check`);
      for (const side of SIDES)
        expect
          .soft(reconMailed[side], `${side}'s reconciliation e-mails so far`)
          .toEqual(MONTHS.slice(0, k).map((x) => x.period));
    }, 60_000);
  }

  it('over the four months: every e-mail went to its own workspace, one per loud run', async () => {
    for (const side of SIDES) {
      const loud = (await runsOf(side)).filter((r) => r.status === 'warning' || r.status === 'error');
      const mine = inbox.filter(
        (x) => x.to.some((t) => EMAILS[side].includes(t)) && x.raw.includes(`${PUBLIC_URL}/history/`),
      );
      expect(mine.length, `${side}'s e-mails`).toBe(loud.length);
      for (const r of loud) expect(mine.filter((x) => x.raw.includes(`/history/${r.id}`))).toHaveLength(1);
    }
    expect(
      (await runsOf('A'))
        .map((r) => `${r.as_of} ${nameOf(r)} ${r.status}`)
        .filter((x) => / (warning|error)$/.test(x)),
    ).toEqual(['2027-03-08 Contoso Dental warning']);
    expect(
      (await runsOf('B'))
        .map((r) => `${r.as_of} ${nameOf(r)} ${r.status}`)
        .filter((x) => / (warning|error)$/.test(x)),
    ).toEqual(['2027-03-08 products error', '2027-03-09 Contoso Dental warning']);
    // Tailspin (B only, never mapped) never ran; E3 was never created in either PSA.
    expect((await runsOf('B')).filter((r) => r.tenant_id === TAILSPIN.tenantId)).toEqual([]);
  });
});
