import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../emulators/kit';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { IDS } from '../support/autotask-world';
import { startCli } from '../support/cli';
import {
  type AdditionView,
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  type ScenarioTarget,
  type SyncOutcome,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import {
  azurePlanLine,
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { waitFor } from '../support/jobs';
import { BASIC, E3, FABRIKAM, subscription } from '../support/months-data';

/**
 * Audit of R-13 over months (spec sections 6, 7, 8 and R-13): four months of Microsoft invoices (and a re-issue of
 * January) synced step by step through the CLI, on Autotask and on ConnectWise, twice each: once with no faults
 * (the reference) and once with about 10% of the PSA calls failing (429, 503, connections dropped without an
 * answer, and answers lost after the write was committed, on reads and on writes: adjustments, additions,
 * products, the locked day's charge). In January and March the customer sync is a real `billsync` process,
 * SIGKILLed while a write whose answer was lost (committed in the PSA) is in flight; the interrupted runs are then
 * resumed (`billsync run resume`, then a sync for the customers not reached) or the sync is re-run (it supersedes
 * them). The other syncs run the CLI's main in this process.
 *
 * After every step, for both scenarios:
 * - independent expectations from the invoices (spec section 6): units per day of every line = the seat timeline
 *   (Autotask; ConnectWise: the seats of the month's 1st, decision 0012), the price of every unit day = retail,
 *   Autotask adjustments = the timeline's change days, each once; Azure quantity 1 at the month's usage in M+1;
 *   what the PSA bills per month = the invoices' money to the cent (exact: see the prices);
 * - the PSA state with faults equals the state without (Autotask: services, contract services, adjustments,
 *   charges, unit rows; ConnectWise: catalog, additions, the emulator's billing per month);
 * - nothing is duplicated (one adjustment per line and day, one contract service per offer, one addition per
 *   marker), and a re-run (under faults, for the faulty scenario) writes nothing.
 *
 * Prices: Business Premium retail 31.00, E3 62.00: a seat-day is 1.00 / 2.00 in a 31-day month, and every
 * mid-month change below falls in a 31-day month, so every expectation is exact to the cent.
 */

// ---------------------------------------------------------------------------------------------------------------
// The history.

const SYNC_START = '2025-12-01';

const RETAIL = new Map<OfferSpec, Decimal>([
  [BUSINESS_PREMIUM, dec('31.00')],
  [E3, dec('62.00')],
  [BASIC, dec('7.75')],
]);
const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '26.00', erp: '31.00' },
  { offer: E3, cost: '50.00', erp: '62.00' },
  { offer: BASIC, cost: '6.00', erp: '7.75' },
];
const SEAT_OFFERS = [BUSINESS_PREMIUM, E3, BASIC];

/** Contoso Business Premium, cycles on the 20th: +2 from 25 Jan, -3 from 5 Mar. */
const A = subscription(CONTOSO, BUSINESS_PREMIUM, 'a13a0000-0000-4000-8000-0000000000a1', '2025-11-20');
/** Contoso Business Basic, calendar cycles: ends after January (no February line). */
const C = subscription(CONTOSO, BASIC, 'a13a0000-0000-4000-8000-0000000000c1', '2025-12-01');
/** Contoso E3: a new subscription on 12 Jan; +3 from 20 Mar. */
const E = subscription(CONTOSO, E3, 'a13a0000-0000-4000-8000-0000000000e1', '2026-01-12');
/** Fabrikam Business Premium, calendar cycles: +3 from 10 Dec, +2 from 15 Jan (+1 re-issued), -3 from 10 Mar. */
const F_ID = 'a13a0000-0000-4000-8000-0000000000f1';
const F = subscription(FABRIKAM, BUSINESS_PREMIUM, F_ID, '2025-12-01');

interface Invoice {
  number: string;
  period: string;
  issued: string;
  /** The day after the invoice: the day the MSP syncs it. */
  asOf: string;
  lines: ReconLineSpec[];
}

const BP_COST = '26.00';
const INVOICES: Invoice[] = [
  {
    number: 'G500001225',
    period: '2025-12',
    issued: '2026-01-07',
    asOf: '2026-01-08',
    lines: [
      A.cycle('2025-12-20', '2026-01-19', 10, BP_COST),
      C.cycle('2025-12-01', '2025-12-31', 3, '6.00'),
      azurePlanLine('2025-12', '100.50', CONTOSO),
      F.cycle('2025-12-01', '2025-12-31', 4, BP_COST),
      ...F.change('2025-12-10', '2025-12-31', 4, 7, BP_COST),
    ],
  },
  {
    number: 'G500002601',
    period: '2026-01',
    issued: '2026-02-07',
    asOf: '2026-02-08',
    lines: [
      A.cycle('2026-01-20', '2026-02-19', 10, BP_COST),
      ...A.change('2026-01-25', '2026-02-19', 10, 12, BP_COST),
      C.cycle('2026-01-01', '2026-01-31', 3, '6.00'),
      E.cycle('2026-01-12', '2026-02-11', 5, '50.00', { chargeType: 'new' }),
      F.cycle('2026-01-01', '2026-01-31', 7, BP_COST),
      ...F.change('2026-01-15', '2026-01-31', 7, 9, BP_COST),
      // No Azure line: Contoso had no usage in January (0 from 1 Feb).
    ],
  },
  {
    number: 'G500002602',
    period: '2026-02',
    issued: '2026-03-07',
    asOf: '2026-03-08',
    lines: [
      A.cycle('2026-02-20', '2026-03-19', 12, BP_COST),
      // No Basic line: the subscription ended after its January cycle.
      E.cycle('2026-02-12', '2026-03-11', 5, '50.00'),
      F.cycle('2026-02-01', '2026-02-28', 9, BP_COST),
      azurePlanLine('2026-02', '75.25', CONTOSO),
    ],
  },
  {
    number: 'G500002603',
    period: '2026-03',
    issued: '2026-04-07',
    asOf: '2026-04-08',
    lines: [
      ...A.change('2026-03-05', '2026-03-19', 12, 9, BP_COST, 'removeQuantity'),
      A.cycle('2026-03-20', '2026-04-19', 9, BP_COST),
      E.cycle('2026-03-12', '2026-04-11', 5, '50.00'),
      ...E.change('2026-03-20', '2026-04-11', 5, 8, '50.00'),
      F.cycle('2026-03-01', '2026-03-31', 9, BP_COST),
      ...F.change('2026-03-10', '2026-03-31', 9, 6, BP_COST, 'removeQuantity'),
    ],
  },
];

/**
 * The re-issue of January (same number, spec section 6 "Corrected invoices"), imported on 16 Feb: Fabrikam went
 * from 7 to 8 seats on 15 Jan, not to 9. On Autotask 15 Jan already carries the +2 (one adjustment per line and
 * day): the line is put right from 16 Jan (-1) and 15 Jan is booked as a one-time credit of 1 seat-day (-1.00).
 * On ConnectWise January's charge is booked down (its line changes on a 1st anyway).
 */
const JANUARY = INVOICES[1]!;
const JANUARY_CORRECTED: Invoice = {
  ...JANUARY,
  asOf: '2026-02-16',
  lines: [
    ...JANUARY.lines.filter((l) => !(l.subscriptionId === F_ID && l.chargeStart === '2026-01-15')),
    ...F.change('2026-01-15', '2026-01-31', 7, 8, BP_COST),
  ],
};

/** What the MSP does, step by step: import an invoice (a new one, or a re-issue that replaces one), then sync. */
const STEPS: { label: string; invoice: Invoice }[] = [
  { label: 'December', invoice: INVOICES[0]! },
  { label: 'January', invoice: JANUARY },
  { label: 'January re-issued (corrected)', invoice: JANUARY_CORRECTED },
  { label: 'February', invoice: INVOICES[2]! },
  { label: 'March', invoice: INVOICES[3]! },
];

/**
 * Autotask days that cannot follow the corrected invoice (they already carry an adjustment): the units the PSA
 * keeps there, from the step on (by index in STEPS). The money of these days is a charge.
 */
const LOCKED_FROM_STEP = 2;
const LOCKED = [{ customer: FABRIKAM, offer: BUSINESS_PREMIUM, day: '2026-01-15', units: 9 }];
/** The Autotask charges billsync books (contract, date, amount), from the same step on. */
const AUTOTASK_CHARGES = [{ contract: 500, date: '2026-01-15', amount: '-1.00' }];

// ---------------------------------------------------------------------------------------------------------------
// The spec's timeline (section 6), from the synced invoices only.

const AZURE_ID = 'DZH318Z0BPS6';
const isAzure = (l: ReconLineSpec) => l.offer?.productId === AZURE_ID;
const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const firstOf = (month: string) => `${month}-01`;
const monthAfter = (month: string) => (addMonths(parsePlainDate(firstOf(month)), 1) as string).slice(0, 7);
const lastOf = (month: string) => plus(firstOf(monthAfter(month)), -1);
const dim = (month: string) => daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
const cents = (x: Decimal) => decimalFixed(x, 2);
const signed = (l: ReconLineSpec) => (l.reversal ? -l.quantity : l.quantity);
const skuOf = (o: OfferSpec) => `${o.productId}:${o.skuId}`;

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = monthAfter(m)) out.push(m);
  return out;
}

/**
 * seats(day) of a customer's offer: per subscription, the signed quantities of the synced lines covering the day;
 * after its latest charge period it carries forward, unless a later synced invoice has no line for it (a monthly
 * subscription that ended the day after its last charge period).
 */
function seatsOn(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec, day: string): number {
  let n = 0;
  const mine = synced.flatMap((inv, i) =>
    inv.lines.filter((l) => l.customer === c && l.offer === offer).map((l) => ({ l, i })),
  );
  for (const sub of new Set(mine.map((x) => x.l.subscriptionId))) {
    const lines = mine.filter((x) => x.l.subscriptionId === sub);
    const first = lines.map((x) => x.l.chargeStart).sort()[0]!;
    const last = lines
      .map((x) => x.l.chargeEnd)
      .sort()
      .at(-1)!;
    const at = (d: string) =>
      lines.filter((x) => x.l.chargeStart <= d && d <= x.l.chargeEnd).reduce((t, x) => t + signed(x.l), 0);
    if (day < first) continue;
    if (day <= last) {
      n += at(day);
      continue;
    }
    const lastInvoice = Math.max(...lines.map((x) => x.i));
    const ended = synced.length - 1 > lastInvoice;
    if (!ended) n += at(last);
  }
  return n;
}

/**
 * Azure (R-9): the usage of month M sets the line to 1 at M's total on the 1st of M+1, or to 0 when M had no
 * usage; a month whose previous month's invoice is not synced yet carries the last decided state.
 */
function azureOn(
  synced: readonly Invoice[],
  c: CustomerSpec,
  day: string,
): { units: number; price: Decimal } {
  const decidedBy = synced.filter((i) => i.period < day.slice(0, 7)).at(-1);
  const usage = decidedBy?.lines.find((l) => isAzure(l) && l.customer === c);
  return usage ? { units: 1, price: dec(usage.subtotal!) } : { units: 0, price: ZERO };
}

/** What the contract must bill in a month: seats x retail per day, plus the Azure line. */
function monthMoney(synced: readonly Invoice[], c: CustomerSpec, month: string): Decimal {
  let total = ZERO;
  for (const d of eachDay(firstOf(month), lastOf(month))) {
    for (const o of SEAT_OFFERS) total = total.plus(RETAIL.get(o)!.times(seatsOn(synced, c, o, d)));
    const az = azureOn(synced, c, d);
    total = total.plus(az.price.times(az.units));
  }
  return total.div(dim(month));
}

// ---------------------------------------------------------------------------------------------------------------
// Self-check of the expectations, spelled out by hand once.

describe('the expectations (spec section 6), by hand', () => {
  it('seat timelines, the ended and the new subscription, Azure and money per month', () => {
    const all = INVOICES;
    const at = (c: CustomerSpec, o: OfferSpec, d: string) => seatsOn(all, c, o, d);
    expect(
      ['2025-12-19', '2025-12-20', '2026-01-24', '2026-01-25', '2026-03-04', '2026-03-05', '2026-04-30'].map(
        (d) => at(CONTOSO, BUSINESS_PREMIUM, d),
      ),
    ).toEqual([0, 10, 10, 12, 12, 9, 9]);
    expect(
      ['2025-11-30', '2025-12-01', '2026-01-31', '2026-02-01'].map((d) => at(CONTOSO, BASIC, d)),
    ).toEqual([0, 3, 3, 0]);
    // After the January invoice only, Basic carries forward (no invoice has said otherwise yet).
    expect(seatsOn(all.slice(0, 2), CONTOSO, BASIC, '2026-02-15')).toBe(3);
    expect(['2026-01-11', '2026-01-12', '2026-03-19', '2026-03-20'].map((d) => at(CONTOSO, E3, d))).toEqual([
      0, 5, 5, 8,
    ]);
    expect(
      ['2025-12-09', '2025-12-10', '2026-01-14', '2026-01-15', '2026-03-09', '2026-03-10'].map((d) =>
        at(FABRIKAM, BUSINESS_PREMIUM, d),
      ),
    ).toEqual([4, 7, 7, 9, 9, 6]);
    expect(
      ['2025-12-31', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'].map(
        (d) => `${azureOn(all, CONTOSO, d).units}@${azureOn(all, CONTOSO, d).price.toFixed(2)}`,
      ),
    ).toEqual(['0@0.00', '1@100.50', '0@0.00', '1@75.25', '0@0.00']);
    // Contoso Dec: BP 10 x 12 days x 1.00 + Basic 3 x 7.75 = 143.25. Jan: BP 10 x 24 + 12 x 7 = 324, Basic 23.25,
    // E3 5 x 20 x 2.00 = 200, Azure 100.50: 647.75. Feb: BP 12 x 31, Basic 0, E3 5 x 62, Azure 0: 682.
    // Mar: BP 12 x 4 + 9 x 27 = 291, E3 5 x 19 x 2 + 8 x 12 x 2 = 382, Azure 75.25: 748.25.
    expect(
      ['2025-12', '2026-01', '2026-02', '2026-03'].map((m) => cents(monthMoney(all, CONTOSO, m))),
    ).toEqual(['143.25', '647.75', '682.00', '748.25']);
    // Fabrikam Dec: 4 x 9 + 7 x 22 = 190. Jan: 7 x 14 + 9 x 17 = 251. Feb: 9 x 31 = 279. Mar: 9 x 9 + 6 x 22 = 213.
    expect(
      ['2025-12', '2026-01', '2026-02', '2026-03'].map((m) => cents(monthMoney(all, FABRIKAM, m))),
    ).toEqual(['190.00', '251.00', '279.00', '213.00']);
    // The re-issued January: 8 from 15 Jan (7 x 14 + 8 x 17 = 234), carried into February until its invoice.
    const corrected = [INVOICES[0]!, JANUARY_CORRECTED];
    expect(
      ['2026-01-14', '2026-01-15', '2026-02-10'].map((d) =>
        seatsOn(corrected, FABRIKAM, BUSINESS_PREMIUM, d),
      ),
    ).toEqual([7, 8, 8]);
    expect(cents(monthMoney(corrected, FABRIKAM, '2026-01'))).toBe('234.00');
    expect(seatsOn([...corrected, INVOICES[2]!], FABRIKAM, BUSINESS_PREMIUM, '2026-02-01')).toBe(9);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Faults.

/** Where a PSA's writes go: the lost answers of these are the double-write case (the write is committed). */
const WRITE_ROUTES: Record<
  ScenarioTarget,
  { method: string; path: string; every: number; count?: number }[]
> = {
  autotask: [
    { method: 'POST', path: '**/ServiceAdjustments', every: 4 },
    { method: 'POST', path: '**/Services', every: 3 },
    // The one charge (the re-issued January's locked day): its first answer is lost.
    { method: 'POST', path: '**/Contracts/*/Charges', every: 1, count: 1 },
  ],
  connectwise: [
    { method: 'POST', path: '**/additions', every: 4 },
    { method: 'PATCH', path: '**/additions/*', every: 4 },
    { method: 'POST', path: '**/procurement/catalog', every: 3 },
  ],
};

/**
 * About 10% of the PSA calls fail, spread over every route and over the months (the rules' counters run on from
 * month to month): 429, 503, a dropped connection and a lost answer; and besides, some writes' answers are lost
 * after the write was committed. `pause()` lets the test's own reads through (the Autotask readback uses the REST
 * API) without moving the counters. `fired` lists every fault with its request, `seen` counts billsync's requests.
 */
function armFaults(s: CliScenario<ScenarioTarget>) {
  for (const [kind, offset] of [
    ['429', 0],
    ['503', 11],
    ['hang', 22],
    ['lost-response', 33],
  ] as const) {
    s.emulator.faults.inject({
      kind,
      path: '**',
      every: 44,
      offset,
      count: 100_000,
      // Retry-After 0: the client retries at once (the test does not wait out seconds of Retry-After).
      ...(kind === '429' ? { retryAfter: 0 } : {}),
      // The socket is closed without an answer (the emulator's sleep is a no-op in scenarios, so at once): what
      // a client sees of a request that timed out, outcome unknown. A true 60 s client timeout is too slow here.
      ...(kind === 'hang' ? { delayMs: 1 } : {}),
    });
  }
  for (const [i, w] of WRITE_ROUTES[s.target].entries())
    s.emulator.faults.inject({ kind: 'lost-response', offset: i % w.every, count: 100_000, ...w });
  const faults = s.emulator.faults;
  const take = faults.take.bind(faults);
  let paused = false;
  const fired: string[] = [];
  let seen = 0;
  faults.take = (method: string, path: string) => {
    if (paused) return undefined;
    seen += 1;
    const rule = take(method, path);
    if (rule) fired.push(`${rule.kind} ${method} ${path}`);
    return rule;
  };
  return {
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    fired,
    seen: () => seen,
  };
}

/**
 * The kill trap: the `nth` write matching `match` is committed and its answer lost; the next PSA request of the
 * process then never gets an answer (the process is stuck with that write in flight, its outcome unknown to it)
 * until the test kills it. Returns `state()` and `restore()`.
 */
function armKillTrap(
  s: CliScenario<ScenarioTarget>,
  match: (method: string, path: string) => boolean,
  nth: number,
) {
  const faults = s.emulator.faults;
  const take = faults.take.bind(faults);
  let seen = 0;
  let state: 'waiting' | 'lost' | 'hung' = 'waiting';
  const rule = (kind: 'lost-response' | 'hang', path: string, method: string): FaultRule => ({
    id: `trap-${kind}`,
    kind,
    path,
    method,
    count: 1,
    remaining: 0,
    hits: 1,
  });
  faults.take = (method: string, path: string) => {
    if (state === 'waiting' && match(method.toUpperCase(), path) && ++seen === nth) {
      state = 'lost';
      return rule('lost-response', path, method);
    }
    if (state === 'lost') {
      state = 'hung';
      return rule('hang', path, method);
    }
    return take(method, path);
  };
  return {
    state: () => state,
    restore: () => {
      faults.take = take;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The scenarios.

interface Variant {
  name: string;
  target: ScenarioTarget;
  /**
   * The steps whose customer sync is a real process, killed mid-run, and how the interrupted sync is finished:
   * `billsync run resume <id>` for each open run and then a sync, or a sync straight away (it supersedes them).
   */
  kills: Record<string, 'resume' | 'rerun'>;
  /** The write whose answer is lost just before the kill. */
  killWrite: (method: string, path: string) => boolean;
}

const VARIANTS: Variant[] = [
  {
    name: 'Autotask',
    target: 'autotask',
    kills: { January: 'resume', March: 'rerun' },
    killWrite: (m, p) => m === 'POST' && /\/ServiceAdjustments$/i.test(p),
  },
  {
    name: 'ConnectWise',
    target: 'connectwise',
    kills: { January: 'rerun', March: 'resume' },
    killWrite: (m, p) => m === 'POST' && /\/additions$/i.test(p),
  },
];

const CUSTOMERS = (target: ScenarioTarget) =>
  target === 'connectwise'
    ? [
        { customer: CONTOSO, company: CW_IDS.company, contract: CW_IDS.agreement },
        { customer: FABRIKAM, company: 600, contract: 500 },
      ]
    : [
        { customer: CONTOSO, company: IDS.company, contract: IDS.contract },
        { customer: FABRIKAM, company: 600, contract: 500 },
      ];

// biome-ignore lint/suspicious/noExplicitAny: the emulators' JSON state.
type Json = any;

describe.each(VARIANTS)('R-13 over four months, 10% of PSA calls failing and a killed sync: $name', (v) => {
  const cw = v.target === 'connectwise';
  const customers = CUSTOMERS(v.target);
  let clean: CliScenario<ScenarioTarget>;
  let faulty: CliScenario<ScenarioTarget>;
  const synced: Invoice[] = [];
  /** The step being checked (index in STEPS). */
  let step = 0;
  let faults: ReturnType<typeof armFaults>;

  beforeAll(async () => {
    const make = () =>
      createCliScenario<ScenarioTarget>({
        target: v.target,
        now: '2026-01-08T09:00:00Z',
        seed: { extraCustomers: 1 },
        inProcess: true,
      });
    [clean, faulty] = await Promise.all([make(), make()]);
    for (const s of [clean, faulty]) {
      await s.setup();
      await s.importPriceList(priceListFile(s.dir, PRICES));
    }
    faults = armFaults(faulty);
    faults.pause();
  }, 60_000);
  afterAll(async () => {
    await clean?.close();
    await faulty?.close();
  });

  async function importMonth(s: CliScenario<ScenarioTarget>, inv: Invoice): Promise<void> {
    await s.importInvoice(reconFile(s.dir, inv.number, inv.lines), {
      period: inv.period,
      issued: inv.issued,
    });
    if (inv === STEPS[0]!.invoice)
      for (const { customer, company, contract } of customers)
        await s.map(customer.tenantId, { company, contract, syncStart: SYNC_START });
  }

  const explainRuns = async (s: CliScenario<ScenarioTarget>, o: SyncOutcome) =>
    `exit ${o.code}: ${o.runs.map((r) => `${r.customerName ?? r.kind} ${r.status} (${r.writes} writes)`).join(', ')}\n${await s.explain(o)}`;

  // -- PSA pictures ---------------------------------------------------------------------------------------------

  async function emulatorState(s: CliScenario<ScenarioTarget>): Promise<Json> {
    const res = await fetch(`${s.base}/_emulator/state`);
    if (!res.ok) throw new Error(`state: ${res.status}`);
    return res.json();
  }

  const day = (x: unknown) => (typeof x === 'string' ? x.slice(0, 10) : x);
  const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

  /** Everything billsync wrote, without ids: what must be equal with and without faults. */
  async function picture(s: CliScenario<ScenarioTarget>): Promise<Record<string, string[]>> {
    const state = await emulatorState(s);
    if (cw) {
      const items = new Map<number, string>(state.catalog.map((c: Json) => [c.id, c.identifier]));
      const catalog = sorted(
        state.catalog.map((c: Json) => ({ ...c, id: undefined, _links: undefined, _info: undefined })),
      );
      const additions = sorted(
        state.additions.map((a: Json) => ({
          agreement: a.agreementId,
          item: items.get(a.product?.id),
          effective: day(a.effectiveDate),
          cancelled: day(a.cancelledDate) ?? null,
          quantity: a.quantity,
          lessIncluded: a.lessIncluded ?? 0,
          unitPrice: a.unitPrice,
          unitCost: a.unitCost,
          serial: a.serialNumber ?? null,
          billCustomer: a.billCustomer ?? null,
          invoiceDescription: a.invoiceDescription ?? null,
        })),
      );
      const billing: string[] = [];
      for (const { contract } of customers) {
        const months = await (s as CliScenario<'connectwise'>).readback.billing(
          contract,
          '2025-12',
          '2026-05',
        );
        for (const m of months) billing.push(`${contract} ${m.month} ${m.total.toFixed()}`);
      }
      return { catalog, additions, billing };
    }
    const services = new Map<number, string>(state.Services.map((x: Json) => [x.id, x.name]));
    const lines = new Map<number, string>(
      state.ContractServices.map((x: Json) => [x.id, `${x.contractID} ${services.get(x.serviceID)}`]),
    );
    const strip = (row: Json, ...keys: string[]) => {
      const out = { ...row };
      for (const k of ['id', ...keys]) delete out[k];
      return out;
    };
    return {
      services: sorted(state.Services.map((x: Json) => strip(x))),
      contractServices: sorted(
        state.ContractServices.map((x: Json) => ({
          ...strip(x, 'serviceID'),
          service: services.get(x.serviceID),
        })),
      ),
      adjustments: sorted(
        state.ContractServiceAdjustments.map((x: Json) => ({
          ...strip(x, 'contractServiceID', 'serviceID'),
          line: lines.get(x.contractServiceID),
        })),
      ),
      charges: sorted(
        state.ContractCharges.map((x: Json) => ({
          ...strip(x, 'contractServiceID', 'serviceID'),
          line: lines.get(x.contractServiceID),
        })),
      ),
      units: sorted(
        state.ContractServiceUnits.map((x: Json) => ({
          ...strip(x, 'contractServiceID', 'serviceID'),
          line: lines.get(x.contractServiceID),
        })),
      ),
    };
  }

  /** Nothing written twice: one contract service per line, one adjustment per line and day, one addition per marker. */
  async function duplicates(s: CliScenario<ScenarioTarget>): Promise<string[]> {
    const state = await emulatorState(s);
    const twice = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);
    if (cw) {
      return twice(
        state.additions
          .filter((a: Json) => a.serialNumber)
          .map((a: Json) => `addition ${a.agreementId} item ${a.product?.id} ${a.serialNumber}`),
      );
    }
    return [
      ...twice(state.Services.map((x: Json) => `service ${x.name}`)),
      ...twice(state.ContractServices.map((x: Json) => `contract service ${x.contractID}/${x.serviceID}`)),
      ...twice(
        state.ContractServiceAdjustments.map(
          (x: Json) => `adjustment ${x.contractServiceID} ${day(x.effectiveDate)}`,
        ),
      ),
      ...twice(
        state.ContractCharges.map(
          (x: Json) => `charge ${x.contractID} ${x.name} ${day(x.datePurchased)} ${x.unitPrice}`,
        ),
      ),
    ];
  }

  // -- independent expectations -----------------------------------------------------------------------------------

  /** Units and price per day, adjustments, charges and money per month, from the invoices (spec section 6). */
  async function checkAgainstInvoices(s: CliScenario<ScenarioTarget>, label: string): Promise<void> {
    const lastPeriod = synced.at(-1)!.period;
    const through = lastOf(monthAfter(lastPeriod));
    const days = eachDay(SYNC_START, through);
    const offers = [...SEAT_OFFERS, null];
    const want = (c: CustomerSpec, o: OfferSpec | null, d: string) => {
      if (o === null) {
        const az = azureOn(synced, c, d);
        return { units: az.units, price: az.units ? az.price : null };
      }
      // ConnectWise (decision 0012): a line changes only on a 1st; the rest of the month is a charge.
      const n = cw ? seatsOn(synced, c, o, firstOf(d.slice(0, 7))) : autotaskUnits(c, o, d);
      return { units: n, price: n ? RETAIL.get(o)! : null };
    };
    const name = (o: OfferSpec | null) => (o ? skuOf(o) : 'Azure plan');
    for (const { customer: c, contract } of customers) {
      for (const o of offers) {
        const expected = days.map((d) => [d, want(c, o, d).units] as [string, number]);
        const got = await unitsPerDay(s, contract, o, days);
        expect
          .soft(
            got.map(([d, n, price]) => `${d} ${n}${n ? ` @${price}` : ''}`),
            `${label} ${c.name} ${name(o)}: units per day; expected ${dayRuns(expected)} | actual ${dayRuns(got.map(([d, n]) => [d, n]))}`,
          )
          .toEqual(
            days.map((d) => {
              const w = want(c, o, d);
              return `${d} ${w.units}${w.units ? ` @${w.price!.toFixed(2)}` : ''}`;
            }),
          );
      }
      // What the PSA bills per month (unit rows prorated + charges; ConnectWise: the emulator's billing report).
      for (const month of monthsOf(SYNC_START.slice(0, 7), monthAfter(lastPeriod))) {
        const billed = await s.readback.billedPerMonth(contract, month);
        expect
          .soft(cents(billed.total), `${label} ${c.name} ${month}: billed (${JSON.stringify(billed)})`)
          .toBe(cents(monthMoney(synced, c, month)));
      }
    }
    if (cw) await checkConnectWiseCharges(s, label);
    else await checkAutotaskAdjustments(s, label);
  }

  /** Autotask: the timeline, except on the locked days (they keep what they carried). */
  function autotaskUnits(c: CustomerSpec, o: OfferSpec, d: string): number {
    const locked =
      step >= LOCKED_FROM_STEP
        ? LOCKED.find((x) => x.customer === c && x.offer === o && x.day === d)
        : undefined;
    return locked ? locked.units : seatsOn(synced, c, o, d);
  }

  /** [day, units, price] of a contract's line of an offer (null: Azure) on each day. */
  async function unitsPerDay(
    s: CliScenario<ScenarioTarget>,
    contract: number,
    o: OfferSpec | null,
    days: string[],
  ): Promise<[string, number, string][]> {
    const sku = o ? skuOf(o) : AZURE_ID;
    if (cw) {
      const additions = (await (s as CliScenario<'connectwise'>).readback.additions(contract)).filter(
        (a) => a.vendorSku.startsWith(sku) && !a.serialNumber?.startsWith('billsync-charge:'),
      );
      return days.map((d) => {
        const live = additions.filter(
          (a) => a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate),
        );
        const n = live.reduce((t, a) => t.plus(a.quantity.minus(a.lessIncluded)), ZERO);
        const price = live.at(-1)?.unitPrice;
        return [d, Number(n.toFixed()), price ? decimalFixed(price, 2) : ''];
      });
    }
    const at = s as CliScenario<'autotask'>;
    const lines = (await at.readback.contractServices(contract)).filter((cs) =>
      cs.serviceName.startsWith(`PC_${sku}`),
    );
    const segs = (await Promise.all(lines.map((l) => at.readback.unitSegments(l.id)))).flat();
    return days.map((d) => {
      const live = segs.filter((r) => r.start <= d && d <= r.end);
      const n = live.reduce((t, r) => t.plus(r.units), ZERO);
      const price = live.find((r) => !r.units.eq(ZERO))?.price;
      return [d, Number(n.toFixed()), price ? decimalFixed(price, 2) : ''];
    });
  }

  /** R-7 on Autotask: the non-zero adjustments are the timeline's changes, each on its day, each once; no charge. */
  async function checkAutotaskAdjustments(s: CliScenario<ScenarioTarget>, label: string): Promise<void> {
    const state = await emulatorState(s);
    const services = new Map<number, string>(state.Services.map((x: Json) => [x.id, x.name]));
    const lineOf = new Map<number, Json>(state.ContractServices.map((x: Json) => [x.id, x]));
    for (const { customer: c, contract } of customers) {
      const written = state.ContractServiceAdjustments.filter(
        (a: Json) => lineOf.get(a.contractServiceID)?.contractID === contract && a.unitChange !== 0,
      )
        .map((a: Json) => {
          const name = services.get(lineOf.get(a.contractServiceID).serviceID);
          return `${name} ${day(a.effectiveDate)} ${a.unitChange > 0 ? '+' : ''}${a.unitChange}`;
        })
        .sort();
      const changes: string[] = [];
      for (const o of [...SEAT_OFFERS, null]) {
        let prev = 0;
        // Through the end of 2026: nothing may be written ahead of the invoice that decides it.
        for (const d of eachDay(SYNC_START, '2026-12-31')) {
          const n = o ? autotaskUnits(c, o, d) : azureOn(synced, c, d).units;
          if (n !== prev)
            changes.push(
              `PC_${o ? skuOf(o) : `${AZURE_ID}:0001`} ${d} ${n - prev > 0 ? '+' : ''}${n - prev}`,
            );
          prev = n;
        }
      }
      expect.soft(written, `${label} ${c.name}: adjustments (R-7)`).toEqual(changes.sort());
      // The locked days' money (spec section 6 "Locked days"), booked once.
      const charges = (await (s as CliScenario<'autotask'>).readback.charges(contract)).map(
        (x) => `${x.date} ${cents(x.amount)}`,
      );
      const want = step >= LOCKED_FROM_STEP ? AUTOTASK_CHARGES.filter((x) => x.contract === contract) : [];
      expect.soft(charges, `${label} ${c.name}: charges`).toEqual(want.map((x) => `${x.date} ${x.amount}`));
    }
  }

  /** ConnectWise (decision 0012): per offer and month, the charges book the days before the line's change on the 1st. */
  async function checkConnectWiseCharges(s: CliScenario<ScenarioTarget>, label: string): Promise<void> {
    const lastPeriod = synced.at(-1)!.period;
    for (const { customer: c, contract } of customers) {
      const additions: AdditionView[] = await (s as CliScenario<'connectwise'>).readback.additions(contract);
      const got: string[] = [];
      const sums = new Map<string, Decimal>();
      for (const a of additions.filter((x) => x.serialNumber?.startsWith('billsync-charge:'))) {
        const key = `${a.vendorSku} ${a.serialNumber!.slice('billsync-charge:'.length, 'billsync-charge:'.length + 7)}`;
        sums.set(key, (sums.get(key) ?? ZERO).plus(a.quantity.times(a.unitPrice)));
      }
      for (const [k, x] of [...sums].sort()) if (!x.eq(ZERO)) got.push(`${k} ${cents(x)}`);
      const want: string[] = [];
      for (const o of SEAT_OFFERS) {
        for (const month of monthsOf(SYNC_START.slice(0, 7), monthAfter(lastPeriod))) {
          const base = seatsOn(synced, c, o, firstOf(month));
          let seatDays = 0;
          for (const d of eachDay(firstOf(month), lastOf(month))) seatDays += seatsOn(synced, c, o, d) - base;
          const amount = RETAIL.get(o)!.times(seatDays).div(dim(month));
          if (!amount.eq(ZERO)) want.push(`${skuOf(o)} ${month} ${cents(amount)}`);
        }
      }
      expect.soft(got, `${label} ${c.name}: charges per offer and month`).toEqual(want.sort());
    }
  }

  // -- the months -----------------------------------------------------------------------------------------------

  /** Kills a real `billsync sync customers` once a committed write's answer is lost, then waits for its locks to go. */
  async function killMidRun(inv: Invoice): Promise<void> {
    const trap = armKillTrap(faulty, v.killWrite, 2);
    try {
      faulty.setClock(`${inv.asOf}T09:00:00Z`);
      const env = (faulty as unknown as { env: Record<string, string> }).env;
      const proc = await startCli(
        ['--json', 'sync', 'customers', '--as-of', inv.asOf, ...(cw ? ['--target', 'connectwise'] : [])],
        env,
        async () => trap.state() === 'hung',
      );
      const exited = new Promise<unknown>((resolve) => proc.child.once('exit', resolve));
      proc.child.kill('SIGKILL');
      await exited;
    } finally {
      trap.restore();
    }
    // The killed process's database session (and its advisory locks) goes away with it: wait for that.
    const client = new pg.Client({ connectionString: faulty.db.url });
    await client.connect();
    try {
      await waitFor('the killed process to release its locks', async () => {
        const { rows } = await client.query<{ n: number }>(
          "select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = current_database()",
        );
        return rows[0]!.n === 0;
      });
    } finally {
      await client.end();
    }
  }

  /** Per customer: run status and item messages (`billsync run show`), as the MSP reads them. */
  async function outcomes(s: CliScenario<ScenarioTarget>, o: SyncOutcome): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const r of o.runs.filter((x) => x.kind === 'customer')) {
      const show = await s.json<{ lines: { label: string; status: string; messages: { text: string }[] }[] }>(
        'run',
        'show',
        r.runId,
      );
      out[r.customerName ?? ''] = [
        r.status,
        ...show.lines
          .map((l) => `${l.label}: ${l.status} ${l.messages.map((m) => m.text).join(' | ')}`)
          .sort(),
      ];
    }
    return out;
  }

  for (const [index, { label: stepLabel, invoice: inv }] of STEPS.entries()) {
    const kill = v.kills[stepLabel];
    it(`${stepLabel} (as of ${inv.asOf})${kill ? `, the sync killed mid-run and ${kill === 'resume' ? 'resumed' : 're-run'}` : ''}: the state with faults equals the state without`, async () => {
      step = index;
      await importMonth(clean, inv);
      await importMonth(faulty, inv);
      const replaced = synced.findIndex((x) => x.number === inv.number);
      if (replaced >= 0) synced[replaced] = inv;
      else synced.push(inv);

      // The reference: no faults.
      const cleanProducts = await clean.syncProducts({ asOf: inv.asOf });
      expect(cleanProducts.code, await explainRuns(clean, cleanProducts)).toBe(0);
      const cleanRun = await clean.syncCustomers({ asOf: inv.asOf });
      expect([0, 2], await explainRuns(clean, cleanRun)).toContain(cleanRun.code);
      await expectRerunWritesNothing(clean, inv.asOf);

      // The same step with about 10% of the PSA calls failing.
      faults.resume();
      const products = await faulty.syncProducts({ asOf: inv.asOf });
      expect(products.code, await explainRuns(faulty, products)).toBe(0);
      const targetFlag = cw ? ['--target', 'connectwise'] : [];
      if (kill) {
        await killMidRun(inv);
        const open = await faulty.json<{ id: string; status: string }[]>(
          ...['runs', '--kind', 'customer', '--status', 'running', ...targetFlag],
        );
        // The killed customer's run, and those executed before it in its batch (their writes not verified yet).
        expect(open.length, 'the killed runs are left running').toBeGreaterThan(0);
        if (kill === 'resume') {
          for (const r of open) {
            const resumed = await faulty.run('--json', 'run', 'resume', r.id);
            expect([0, 2], `${resumed.stdout}${resumed.stderr}`).toContain(resumed.code);
            expect(JSON.parse(resumed.stdout).map((x: { status: string }) => x.status)).not.toContain(
              'error',
            );
          }
        }
        const run = await faulty.syncCustomers({ asOf: inv.asOf });
        expect([0, 2], await explainRuns(faulty, run)).toContain(run.code);
        // Every customer run of the step ended well (the interrupted ones resumed or superseded).
        const all = await faulty.json<{ status: string; customerName: string; asOf: string }[]>(
          ...['runs', '--kind', 'customer', ...targetFlag],
        );
        const ofStep = all.filter((r) => r.asOf === inv.asOf);
        expect(
          ofStep.filter((r) => !['success', 'warning', 'no_change', 'superseded'].includes(r.status)),
          JSON.stringify(ofStep),
        ).toEqual([]);
      } else {
        const run = await faulty.syncCustomers({ asOf: inv.asOf });
        expect(run.code, await explainRuns(faulty, run)).toBe(cleanRun.code);
        // The MSP reads the same runs: statuses and item messages, faults or not.
        expect(await outcomes(faulty, run)).toEqual(await outcomes(clean, cleanRun));
      }
      // A re-run, still under faults, writes nothing.
      await expectRerunWritesNothing(faulty, inv.asOf);
      faults.pause();

      const label = `after ${stepLabel}`;
      await checkAgainstInvoices(clean, `${label} (no faults)`);
      await checkAgainstInvoices(faulty, `${label} (faults)`);
      expect.soft(await duplicates(clean), `${label}: duplicates without faults`).toEqual([]);
      expect.soft(await duplicates(faulty), `${label}: duplicates with faults`).toEqual([]);
      const [want, got] = [await picture(clean), await picture(faulty)];
      for (const key of Object.keys(want))
        expect.soft(got[key], `${label}: ${key} with faults = without`).toEqual(want[key]);

      if (index === STEPS.length - 1) {
        // Every kind of fault really happened, on about 10% of billsync's requests (the kill traps aside), and
        // several committed writes lost their answers.
        const kinds: Record<string, number> = {};
        for (const f of faults.fired) kinds[f.split(' ')[0]!] = (kinds[f.split(' ')[0]!] ?? 0) + 1;
        const lostWrites = faults.fired.filter(
          (f) => /^lost-response (POST|PATCH|PUT|DELETE) /.test(f) && !/\/query$/i.test(f),
        );
        const share = faults.fired.length / faults.seen();
        expect(share, `${faults.fired.length} faults in ${faults.seen()} requests`).toBeGreaterThan(0.08);
        expect(share, `${faults.fired.length} faults in ${faults.seen()} requests`).toBeLessThan(0.15);
        for (const kind of ['429', '503', 'hang', 'lost-response'])
          expect(kinds[kind] ?? 0, kind).toBeGreaterThan(0);
        expect(lostWrites.length, faults.fired.join('\n')).toBeGreaterThan(3);
      }
    }, 60_000);
  }
});
