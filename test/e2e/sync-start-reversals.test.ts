import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutotaskRules } from '../../emulators/autotask';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { fixedClock } from '../../src/core/time/clock';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { createPool } from '../../src/db/pool';
import { loadConfig } from '../../src/runtime/config';
import { loadSecretBox } from '../../src/runtime/secret-box';
import { createTargetOpener } from '../../src/runtime/targets';
import { buildApp } from '../../src/server/app';
import { type Agent, login } from '../support/app';
import { IDS } from '../support/autotask-world';
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
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { FABRIKAM, NORTHWIND, subscription } from '../support/months-data';

/**
 * Spec section 6 (seats(day) = the signed quantities of the SYNCED lines covering the day), R-7, R-10 and R-12,
 * end to end through the CLI as an MSP runs it, against the Autotask and ConnectWise emulators: decision 0008's
 * addendum (2026-12-07), a synced reversal of a cycle billed on an invoice issued before the mapping's sync start.
 *
 * Sync start 1 Jan 2026 for both customers. Business Premium at cost 26.00, retail (ERP) 31.00: in a 31-day month
 * a seat-day is exactly 1.00, and every month below bills whole seat-months or 31-day months, so "to the cent"
 * is exact (no rounding to argue about).
 * - Invoice 1 (G400002511, November, issued 7 Dec 2025: before the sync start, never synced): Contoso's C and
 *   Fabrikam's F bill their 20 Nov - 19 Dec cycle at 10 seats.
 * - Invoice 2 (G400002512, December, issued 7 Jan 2026: synced): C 10 -> 12 from 5 Dec (reversal of 10, 12 over
 *   5-19 Dec) and its 20 Dec cycle at 12; F 10 -> 8 from 5 Dec (reversal of 10, 8 over 5-19 Dec) and its 20 Dec
 *   cycle at 8.
 *   Spec: C is +2 on 5-19 Dec and 12 from 20 Dec; F nets -2 on 5-19 Dec: the PSA line stays at 0 there and a
 *   one-time credit of 2 seats x 15 days (= -30.00) is booked, with a warning naming 5-19 Dec 2025 and the reason.
 * - Invoice 3 (G400002601, January, issued 7 Feb 2026): the next cycles (C 12, F 8), and F 8 -> 9 from 1 Feb.
 *
 * After every sync: units per day = the synced-lines timeline floored at 0 (Autotask: every day; ConnectWise:
 * decision 0012, every day of a month carries the seats of its 1st), never negative in the PSA; each month bills
 * (unit rows prorated + charges / credits) the timeline's money to the cent; the credit is booked once; a re-run
 * writes nothing and reports No Change.
 *
 * R-12 (Autotask, defaults, real CLI): Northwind is mapped to its contract, which then ends (the MSP sets its end
 * date to 31 Jan 2026 in Autotask): the mapping dialog's contract list (HTTP API) hides it and counts it, and a
 * run gives `Contract <name> ended on <date>` without writing.
 *
 * Every expectation is derived from the spec text and the decisions, not from the product's code.
 */

// ---------------------------------------------------------------------------------------------------------------
// The invoices.

const C = subscription(CONTOSO, BUSINESS_PREMIUM, 'c5a10000-0000-4000-8000-0000000000c1', '2025-11-20');
const F = subscription(FABRIKAM, BUSINESS_PREMIUM, 'c5a10000-0000-4000-8000-0000000000f1', '2025-11-20');
const N = subscription(NORTHWIND, BUSINESS_PREMIUM, 'c5a10000-0000-4000-8000-0000000000e1', '2025-12-01');
const COST = '26.00';
const RETAIL = dec('31.00');

interface Invoice {
  number: string;
  period: string;
  issued: string;
  lines: ReconLineSpec[];
}

const INVOICE_1: Invoice = {
  number: 'G400002511',
  period: '2025-11',
  issued: '2025-12-07',
  lines: [C.cycle('2025-11-20', '2025-12-19', 10, COST), F.cycle('2025-11-20', '2025-12-19', 10, COST)],
};
const INVOICE_2: Invoice = {
  number: 'G400002512',
  period: '2025-12',
  issued: '2026-01-07',
  lines: [
    ...C.change('2025-12-05', '2025-12-19', 10, 12, COST),
    C.cycle('2025-12-20', '2026-01-19', 12, COST),
    ...F.change('2025-12-05', '2025-12-19', 10, 8, COST, 'removeQuantity'),
    F.cycle('2025-12-20', '2026-01-19', 8, COST),
    // Northwind, not mapped until the last step.
    N.cycle('2025-12-01', '2025-12-31', 3, COST),
  ],
};
const INVOICE_3: Invoice = {
  number: 'G400002601',
  period: '2026-01',
  issued: '2026-02-07',
  lines: [
    C.cycle('2026-01-20', '2026-02-19', 12, COST),
    F.cycle('2026-01-20', '2026-02-19', 8, COST),
    ...F.change('2026-02-01', '2026-02-19', 8, 9, COST),
    N.cycle('2026-01-01', '2026-01-31', 3, COST),
  ],
};

const SYNC_START = '2026-01-01';
const SERVICE = `PC_${BUSINESS_PREMIUM.productId}:${BUSINESS_PREMIUM.skuId}`;
const SKU = `${BUSINESS_PREMIUM.productId}:${BUSINESS_PREMIUM.skuId}`;
const CHECK_FROM = '2025-11-01';
const CHECK_TO = '2026-03-31';

// ---------------------------------------------------------------------------------------------------------------
// The spec's timeline (section 6) and money, from the synced invoices only.

const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const firstOf = (month: string) => `${month}-01`;
const nextMonth = (month: string) => (addMonths(parsePlainDate(firstOf(month)), 1) as string).slice(0, 7);
const signed = (l: ReconLineSpec) => (l.reversal ? -l.quantity : l.quantity);
const cents = (x: Decimal) => decimalFixed(x, 2);

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

/** seats(day), signed: per subscription the synced lines covering the day; after its latest charge period it carries forward. */
function seatsOn(synced: readonly Invoice[], c: CustomerSpec, day: string): number {
  const lines = synced.flatMap((i) => i.lines.filter((l) => l.customer === c));
  let n = 0;
  for (const sub of new Set(lines.map((l) => l.subscriptionId))) {
    const mine = lines.filter((l) => l.subscriptionId === sub);
    const first = mine.map((l) => l.chargeStart).sort()[0]!;
    const last = mine
      .map((l) => l.chargeEnd)
      .sort()
      .at(-1)!;
    const at = (x: string) =>
      mine.filter((l) => l.chargeStart <= x && x <= l.chargeEnd).reduce((t, l) => t + signed(l), 0);
    if (day < first) continue;
    n += day <= last ? at(day) : at(last);
  }
  return n;
}

/** What the synced invoices bill in a month at retail: seat-days x retail / days of the month (exact here). */
function monthMoney(synced: readonly Invoice[], c: CustomerSpec, month: string): Decimal {
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let seatDays = 0;
  for (let d = firstOf(month); d.startsWith(month); d = plus(d, 1)) seatDays += seatsOn(synced, c, d);
  return dec(seatDays).times(RETAIL).div(dim);
}

// ---------------------------------------------------------------------------------------------------------------
// Self-check of the expectations, spelled out by hand once (from the spec text, not from the product).

describe('the expectations (spec section 6), by hand', () => {
  it('the synced lines only: +2 / -2 on 5-19 Dec, the next cycle in full, money per month', () => {
    const synced = [INVOICE_2, INVOICE_3];
    expect(
      ['2025-12-04', '2025-12-05', '2025-12-19', '2025-12-20', '2026-02-01', '2026-03-31'].map((d) => [
        seatsOn(synced, CONTOSO, d),
        seatsOn(synced, FABRIKAM, d),
      ]),
    ).toEqual([
      [0, 0],
      [2, -2],
      [2, -2],
      [12, 8],
      [12, 9],
      [12, 9],
    ]);
    // Dec: (2 x 15 + 12 x 12) x 31 / 31; (-2 x 15 + 8 x 12) x 31 / 31. Jan: 12 and 8 x 31. Feb: 12 and 9 x 31.
    expect(['2025-12', '2026-01', '2026-02'].map((m) => cents(monthMoney(synced, CONTOSO, m)))).toEqual([
      '174.00',
      '372.00',
      '372.00',
    ]);
    expect(['2025-12', '2026-01', '2026-02'].map((m) => cents(monthMoney(synced, FABRIKAM, m)))).toEqual([
      '66.00',
      '248.00',
      '279.00',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The scenario, per PSA and variant.

interface Variant {
  name: string;
  target: ScenarioTarget;
  rules?: Partial<AutotaskRules>;
  /** R-12 steps (Autotask). */
  r12?: boolean;
}

const VARIANTS: Variant[] = [
  {
    name: 'Autotask, emulator defaults (negative units refused)',
    target: 'autotask',
    r12: true,
  },
  {
    name: 'Autotask, negative units and negative charge prices allowed',
    target: 'autotask',
    rules: { negativeUnits: 'allow', negativeChargePrices: 'allow' },
  },
  { name: 'ConnectWise, prorateFlag false', target: 'connectwise' },
];

interface RunShow {
  status: string;
  lines: { label: string; status: string; messages: { level?: string; text: string }[] }[];
}

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

describe.each(VARIANTS)('Synced reversals of a cycle billed before the sync start: $name', (variant) => {
  // biome-ignore lint/suspicious/noExplicitAny: one scenario type per target, used through the helpers below.
  let s: CliScenario<any>;
  const synced: Invoice[] = [];
  const customers = CUSTOMERS(variant.target);
  const cw = variant.target === 'connectwise';

  beforeAll(async () => {
    s = await createCliScenario({
      target: variant.target,
      now: '2026-01-02T09:00:00Z',
      seed: { extraCustomers: 2 },
      ...(variant.rules ? { rules: variant.rules } : {}),
      inProcess: true,
    });
    await s.setup();
    await s.importPriceList(priceListFile(s.dir, [{ offer: BUSINESS_PREMIUM, cost: COST, erp: '31.00' }]));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const importInvoice = (inv: Invoice) =>
    s.importInvoice(reconFile(s.dir, inv.number, inv.lines), { period: inv.period, issued: inv.issued });

  async function syncMonth(asOf: string): Promise<SyncOutcome> {
    const products = await s.syncProducts({ asOf });
    expect(products.code, await s.explain(products)).toBe(0);
    return s.syncCustomers({ asOf });
  }

  const runOf = (o: SyncOutcome, c: CustomerSpec) => o.runs.filter((r) => r.tenantId === c.tenantId);

  async function show(runId: string): Promise<RunShow> {
    return s.json<RunShow>('run', 'show', runId);
  }

  // -- PSA readback ---------------------------------------------------------------------------------------------

  /** Autotask: units per day of the service on the contract (summed over its lines) and every row's units. */
  async function autotaskUnits(contract: number): Promise<{ perDay: Map<string, number>; rows: string[] }> {
    const lines = (await s.readback.contractServices(contract)).filter(
      (cs: { serviceName: string }) => cs.serviceName === SERVICE,
    );
    const perDay = new Map<string, number>();
    const rows: string[] = [];
    for (const cs of lines) {
      const segs = await s.readback.unitSegments(cs.id);
      for (const r of segs) rows.push(`${r.start}..${r.end} ${r.units.toFixed()}`);
      for (const d of eachDay(CHECK_FROM, CHECK_TO)) {
        const row = segs.find((r: { start: string; end: string }) => r.start <= d && d <= r.end);
        perDay.set(d, (perDay.get(d) ?? 0) + (row ? Number(row.units.toFixed()) : 0));
      }
    }
    return { perDay, rows };
  }

  const isCwCharge = (a: AdditionView) => a.serialNumber?.startsWith('billsync-charge:') === true;

  async function cwAdditions(agreement: number): Promise<AdditionView[]> {
    return (await s.readback.additions(agreement)).filter((a: AdditionView) => a.vendorSku === SKU);
  }

  function cwUnitsOn(additions: AdditionView[], d: string): number {
    let n = ZERO;
    for (const a of additions) {
      if (isCwCharge(a)) continue;
      if (a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate))
        n = n.plus(a.quantity.minus(a.lessIncluded));
    }
    return Number(n.toFixed());
  }

  const showAddition = (a: AdditionView) =>
    `#${a.id} ${a.serialNumber} ${a.effectiveDate}..${a.cancelledDate ?? 'open'} q${a.quantity.toFixed()} @${a.unitPrice.toFixed()} (cost ${a.unitCost.toFixed()})`;

  /** billsync's one-time charges / credits on the contract: month and amount (sorted). */
  async function chargesOf(contract: number): Promise<{ month: string; amount: string; label: string }[]> {
    if (cw) {
      const additions = await cwAdditions(contract);
      return additions
        .filter(isCwCharge)
        .map((a) => ({
          month: a.serialNumber!.slice('billsync-charge:'.length, 'billsync-charge:'.length + 7),
          amount: cents(a.quantity.times(a.unitPrice)),
          label: showAddition(a),
        }))
        .sort((x, y) => x.month.localeCompare(y.month));
    }
    return (await s.readback.charges(contract))
      .map((c: { date: string; amount: Decimal; name: string }) => ({
        month: c.date.slice(0, 7),
        amount: cents(c.amount),
        label: `${c.date} ${c.name} ${cents(c.amount)}`,
      }))
      .sort((x: { month: string }, y: { month: string }) => x.month.localeCompare(y.month));
  }

  /** What the PSA bills the contract in a month: unit rows prorated + charges (Autotask readback; CW billing report). */
  async function billed(contract: number, month: string): Promise<{ total: Decimal; detail: string }> {
    if (cw) {
      const bill = await s.readback.billedPerMonth(contract, month);
      return {
        total: bill.total,
        detail: bill.lines
          .map(
            (l: { periodStart: string; periodEnd: string; additionId: number; amount: Decimal }) =>
              `#${l.additionId} ${l.periodStart}..${l.periodEnd} ${l.amount.toFixed()}`,
          )
          .join('; '),
      };
    }
    const bill = await s.readback.billedPerMonth(contract, month);
    return {
      total: bill.total,
      detail: `services ${bill.services.map((x: { amount: Decimal }) => x.amount.toFixed(4)).join(', ')}; charges ${bill.charges.map((x: { amount: Decimal }) => x.amount.toFixed(2)).join(', ')}`,
    };
  }

  // -- the checks -----------------------------------------------------------------------------------------------

  /** Units per day = the synced-lines timeline floored at 0; never negative in the PSA. */
  async function checkUnits(label: string): Promise<void> {
    for (const { customer: c, contract } of customers) {
      const want = eachDay(CHECK_FROM, CHECK_TO).map((d) => {
        // ConnectWise (decision 0012): a line changes only on a 1st; every day carries the seats of its month's 1st.
        const day = cw ? firstOf(d.slice(0, 7)) : d;
        return [d, Math.max(0, seatsOn(synced, c, day))] as [string, number];
      });
      if (cw) {
        const additions = await cwAdditions(contract);
        const listing = additions.map(showAddition).join('\n');
        const got = want.map(([d]) => [d, cwUnitsOn(additions, d)] as [string, number]);
        expect
          .soft(
            got.filter(([, n], i) => n !== want[i]![1]).map(([d, n]) => `${d}: ${n}`),
            `${label} ${c.name}: units per day; expected ${dayRuns(want)} | actual ${dayRuns(got)}\n${listing}`,
          )
          .toEqual([]);
        expect
          .soft(
            additions.filter((a) => !isCwCharge(a) && a.quantity.lt(ZERO)).map(showAddition),
            `${label} ${c.name}: no line addition below 0 units`,
          )
          .toEqual([]);
        continue;
      }
      const { perDay, rows } = await autotaskUnits(contract);
      const got = want.map(([d]) => [d, perDay.get(d) ?? 0] as [string, number]);
      expect
        .soft(
          got.filter(([, n], i) => n !== want[i]![1]).map(([d, n]) => `${d}: ${n}`),
          `${label} ${c.name}: units per day; expected ${dayRuns(want)} | actual ${dayRuns(got)}; rows ${rows.join(', ')}`,
        )
        .toEqual([]);
      expect
        .soft(
          rows.filter((r) => r.startsWith('-') || / -\d/.test(r)),
          `${label} ${c.name}: no unit row below 0`,
        )
        .toEqual([]);
    }
  }

  /** R-7 on Autotask: the non-zero adjustments are the floored timeline's changes, effective on their days. */
  async function checkAdjustments(label: string): Promise<void> {
    if (cw) return;
    const state = (await (await fetch(`${s.base}/_emulator/state`)).json()) as {
      ContractServiceAdjustments: {
        contractID?: number;
        contractServiceID: number;
        effectiveDate: string;
        unitChange: number;
      }[];
    };
    for (const { customer: c, contract } of customers) {
      const ids = (await s.readback.contractServices(contract))
        .filter((cs: { serviceName: string }) => cs.serviceName === SERVICE)
        .map((cs: { id: number }) => cs.id);
      const written = state.ContractServiceAdjustments.filter((a) => ids.includes(a.contractServiceID))
        .filter((a) => a.unitChange !== 0)
        .map((a) => `${String(a.effectiveDate).slice(0, 10)} ${a.unitChange > 0 ? '+' : ''}${a.unitChange}`)
        .sort();
      const changes: string[] = [];
      let prev = 0;
      for (const d of eachDay(CHECK_FROM, CHECK_TO)) {
        const n = Math.max(0, seatsOn(synced, c, d));
        if (n !== prev) changes.push(`${d} ${n - prev > 0 ? '+' : ''}${n - prev}`);
        prev = n;
      }
      expect
        .soft(written, `${label} ${c.name}: R-7 adjustments effective on the change days`)
        .toEqual(changes);
    }
  }

  /** Each month bills (unit rows prorated + charges / credits) the synced invoices' money, to the cent. */
  async function checkMoney(label: string, lastMonth: string): Promise<void> {
    for (const { customer: c, contract } of customers) {
      for (const month of monthsOf('2025-11', lastMonth)) {
        const want = monthMoney(synced, c, month);
        const got = await billed(contract, month);
        expect
          .soft(
            cents(got.total),
            `${label} ${c.name} ${month}: billed ${got.total.toFixed()} (${got.detail}) for ${want.toFixed()}`,
          )
          .toBe(cents(want));
        // Exact here (a seat-day is 1.00 in a 31-day month): not even a fraction of a cent off.
        expect
          .soft(
            got.total.minus(want).abs().lt(dec('0.005')),
            `${label} ${c.name} ${month}: billed ${got.total.toFixed()} for ${want.toFixed()}`,
          )
          .toBe(true);
      }
    }
  }

  /** The one-time bookings: Autotask only the credit of F's 5-19 Dec; ConnectWise the December partial month. */
  async function checkCharges(label: string): Promise<void> {
    const contoso = await chargesOf(customers[0]!.contract);
    const fabrikam = await chargesOf(customers[1]!.contract);
    const shown = (x: { label: string }[]) => x.map((y) => y.label).join(' | ');
    if (cw) {
      // Decision 0012: nothing changes before 1 Jan; December's days are money: C 2 x 15 + 12 x 12 seat-days,
      // F -2 x 15 + 8 x 12 (the -2 below 0 netted in: "both PSAs take the same path"). Nothing else: the lines are
      // right from 1 Jan and F's 1 Feb change falls on a 1st.
      const sum = (x: { month: string; amount: string }[], m: string) =>
        cents(x.filter((y) => y.month === m).reduce((t, y) => t.plus(dec(y.amount)), ZERO));
      expect
        .soft([...new Set(contoso.map((x) => x.month))], `${label} Contoso charges: ${shown(contoso)}`)
        .toEqual(['2025-12']);
      expect
        .soft(sum(contoso, '2025-12'), `${label} Contoso December charges: ${shown(contoso)}`)
        .toBe('174.00');
      expect
        .soft([...new Set(fabrikam.map((x) => x.month))], `${label} Fabrikam charges: ${shown(fabrikam)}`)
        .toEqual(['2025-12']);
      expect
        .soft(sum(fabrikam, '2025-12'), `${label} Fabrikam December charges: ${shown(fabrikam)}`)
        .toBe('66.00');
      return;
    }
    expect
      .soft(
        contoso.map((x) => x.label),
        `${label} Contoso: no charge (an increase needs none)`,
      )
      .toEqual([]);
    // Booked once: one credit of 2 seats x 15 days x 31.00 / 31.
    expect
      .soft(
        fabrikam.map((x) => [x.month, x.amount]),
        `${label} Fabrikam: one credit for 5-19 Dec: ${shown(fabrikam)}`,
      )
      .toEqual([['2025-12', '-30.00']]);
  }

  async function checkAll(label: string, lastMonth: string): Promise<void> {
    await checkUnits(label);
    await checkAdjustments(label);
    await checkMoney(label, lastMonth);
    await checkCharges(label);
  }

  // -- the months -----------------------------------------------------------------------------------------------

  it('invoice 1 (issued 7 Dec 2025, before the 1 Jan sync start): nothing synced, nothing written', async () => {
    await importInvoice(INVOICE_1);
    for (const { customer, company, contract } of customers)
      await s.map(customer.tenantId, { company, contract, syncStart: SYNC_START });
    const run = await syncMonth('2026-01-02');
    expect(run.code, await s.explain(run)).toBe(0);
    for (const { customer } of customers)
      expect(
        runOf(run, customer).map((r) => [r.status, r.writes]),
        `${customer.name}: no invoice on or after the sync start`,
      ).toEqual([['no_change', 0]]);
    await checkUnits('after invoice 1');
    expect(await chargesOf(customers[0]!.contract)).toEqual([]);
    expect(await chargesOf(customers[1]!.contract)).toEqual([]);
    await expectRerunWritesNothing(s, '2026-01-02');
  }, 60_000);

  it('invoice 2 (synced): 10 -> 12 is +2 on 5-19 Dec then 12; 10 -> 8 is 0 on 5-19 Dec with a credit, then 8', async () => {
    await importInvoice(INVOICE_2);
    const run = await syncMonth('2026-01-08');
    synced.push(INVOICE_2);
    expect(
      run.runs.filter((r) => r.status === 'error'),
      await s.explain(run),
    ).toEqual([]);
    expect(
      runOf(run, CONTOSO).map((r) => r.status),
      await s.explain(run),
    ).toEqual(['success']);
    // Spec section 6 / decision 0008 addendum: the below-0 days are credited, with a warning naming the days and
    // the reason (also on ConnectWise: "both PSAs take the same path").
    const fab = runOf(run, FABRIKAM);
    expect(fab).toHaveLength(1);
    const detail = await show(fab[0]!.runId);
    const texts = detail.lines.flatMap((l) =>
      l.messages.map((m) => `[${l.status}/${m.level ?? ''}] ${m.text}`),
    );
    expect.soft(fab[0]!.status, texts.join('\n')).toBe('warning');
    expect.soft(run.code, 'exit 2: written, with warnings').toBe(2);
    const warned = detail.lines
      .filter((l) => l.status === 'warning')
      .flatMap((l) => l.messages.map((m) => m.text));
    expect
      .soft(
        warned.filter((t) => /5-(19|31) Dec 2025/.test(t) && /below 0/.test(t)),
        `Fabrikam: a warning naming 5-19 Dec 2025 and the below-0 reason; messages:\n${texts.join('\n')}`,
      )
      .toHaveLength(1);
    await checkAll('after invoice 2', '2026-01');
  }, 60_000);

  it('invoice 2: a re-run writes nothing and reports No Change (the credit is not booked again)', async () => {
    await expectRerunWritesNothing(s, '2026-01-08');
    await checkCharges('after the re-run of invoice 2');
  }, 60_000);

  it('invoice 3 continues (next cycles; F 8 -> 9 from 1 Feb): nothing more for December', async () => {
    await importInvoice(INVOICE_3);
    const run = await syncMonth('2026-02-08');
    synced.push(INVOICE_3);
    expect(run.code, await s.explain(run)).toBe(0);
    // Contoso: its 20 Jan cycle at 12 is what the line carries forward already: nothing to write (No Change).
    expect(
      runOf(run, CONTOSO).map((r) => [r.status, r.writes]),
      await s.explain(run),
    ).toEqual([['no_change', 0]]);
    // Fabrikam: 8 -> 9 from 1 Feb; December's credit stays as booked.
    expect(
      runOf(run, FABRIKAM).map((r) => r.status),
      await s.explain(run),
    ).toEqual(['success']);
    await checkAll('after invoice 3', '2026-02');
    await expectRerunWritesNothing(s, '2026-02-08');
    await checkCharges('after the re-run of invoice 3');
  }, 60_000);

  if (variant.r12) {
    describe('R-12: a contract whose end date has passed', () => {
      const NW = { company: 601, contract: 501, name: 'Customer 1 M365' };
      let app: FastifyInstance;
      let admin: Agent;
      let closeApp: () => Promise<void>;

      beforeAll(async () => {
        // The HTTP API on the scenario's database and PSA connection (as `billsync serve` builds it).
        const dataDir = mkdtempSync(join(tmpdir(), 'billsync-r12-'));
        const pool = createPool(s.db.url, 3);
        const box = loadSecretBox({ secretKey: 'ab'.repeat(32), dataDir });
        app = await buildApp(
          {
            config: loadConfig({ BILLSYNC_DATA_DIR: dataDir }),
            pool,
            box,
            clock: fixedClock('2026-02-08T09:00:00Z'),
            openTarget: createTargetOpener({
              pool,
              box,
              env: { AUTOTASK_DISCOVERY_URL: `${s.base}/ATServicesRest/` },
            }),
          },
          { logger: false },
        );
        admin = await login(app, 'admin@msp.example', 'correct horse 1');
        closeApp = async () => {
          await app.close();
          await pool.end();
          rmSync(dataDir, { recursive: true, force: true });
        };
      }, 60_000);
      afterAll(async () => {
        await closeApp?.();
      });

      it('the mapping dialog hides the ended contract and says how many are hidden and why', async () => {
        const before = await admin.request('GET', `/api/psa/autotask/companies/${NW.company}/contracts`);
        expect(before.status, JSON.stringify(before.json)).toBe(200);
        expect(before.json.items.map((c: { id: string }) => c.id)).toEqual([String(NW.contract)]);
        expect(before.json.hidden.count).toBe(0);
        await s.map(NORTHWIND.tenantId, {
          company: NW.company,
          contract: NW.contract,
          syncStart: SYNC_START,
        });
        // The MSP ends the contract in Autotask (31 Jan 2026); billsync's mapping stays.
        await s.readback.client.Contracts.update({ id: NW.contract, endDate: '2026-01-31T00:00:00' });
        const refresh = await admin.request('POST', '/api/psa/autotask/directory/refresh');
        expect(refresh.status, JSON.stringify(refresh.json)).toBe(200);
        const after = await admin.request('GET', `/api/psa/autotask/companies/${NW.company}/contracts`);
        expect(after.status, JSON.stringify(after.json)).toBe(200);
        expect(after.json.items, JSON.stringify(after.json)).toEqual([]);
        expect(after.json.hidden.count, JSON.stringify(after.json)).toBe(1);
        expect(after.json.hidden.reason).toMatch(/1 ended/);
        // The live contract of Contoso is still offered (beside its 2024 contract, hidden).
        const contoso = await admin.request('GET', `/api/psa/autotask/companies/${IDS.company}/contracts`);
        expect(contoso.json.items.map((c: { id: string }) => c.id)).toEqual([String(IDS.contract)]);
        expect(contoso.json.hidden.count).toBe(1);
      }, 60_000);

      it('a run gives "Contract <name> ended on <date>" and writes nothing', async () => {
        const before = s.writes();
        const run = await s.syncCustomers({ asOf: '2026-02-08', customer: NORTHWIND.tenantId });
        expect(run.code, run.stderr).toBe(1);
        expect(run.runs.map((r) => r.status)).toEqual(['error']);
        expect(run.runs[0]!.writes).toBe(0);
        expect(s.writes()).toBe(before);
        const detail = await show(run.runs[0]!.runId);
        const texts = detail.lines.flatMap((l) => l.messages.map((m) => m.text));
        expect(texts.join('\n')).toMatch(new RegExp(`Contract ${NW.name} ended on 31 Jan 2026`));
        expect((await s.readback.contractServices(NW.contract)).length).toBe(0);
      }, 60_000);
    });
  }
});
