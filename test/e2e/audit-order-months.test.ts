import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { IDS } from '../support/autotask-world';
import {
  type AdditionView,
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  runMessages,
  type ScenarioTarget,
  type SyncOutcome,
  showRun,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import {
  AZURE_PLAN_OFFER,
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
import { BASIC, E3, FABRIKAM, NORTHWIND, subscription } from '../support/months-data';

/**
 * Audit: billsync's results do not depend on the ORDER or the SPLITTING of its input (spec section 6: the seat
 * timeline is a sum of signed quantities, reversals, same-day changes netted into one adjustment, corrected
 * invoices; section 7: run statuses; csp-billing.md: recon rows come in no guaranteed order, the Graph export
 * partitions an invoice into several blobs by line count, an MSP may export per customer). On Autotask and on
 * ConnectWise (emulator defaults), one rich four-month history (invoices of January .. April 2026, each issued on
 * the 7th of the next month and synced on the 8th; every customer's sync start 1 Feb 2026):
 *
 * - Contoso Dental, Business Premium in two subscriptions X and Y: X 10 -> 12 on 15 Jan; on 10 Feb X 12 -> 14 and
 *   Y 4 -> 2 (two changes on one day in one offer that net to zero: no change on the PSA); X 14 -> 11 on 1 Mar
 *   (a change on the 1st); Azure usage Jan 100.50, none in Feb, Mar 60.00, Apr 45.25.
 * - Fabrikam: Office 365 E3 in two subscriptions of the same cycle at different costs (NCE price protection: 30.00
 *   and 31.50), 3 -> 5 on 20 Feb, 5 -> 4 on 18 Mar; Business Basic cycling on the 20th, 2 -> 3 on 25 Mar.
 * - Northwind: Business Premium 5 seats cancelled on 12 Feb (cancelImmediate reversal); Azure Jan 30.00, Feb 20.00,
 *   none in Mar (Northwind is not on March's invoice at all), Apr 10.00.
 *
 * Worlds, each a fresh scenario (database + emulator), that must end with IDENTICAL PSA states (units, price and
 * cost per day, charges, money per month) and run outcomes:
 *   1. rows in file order, each month imported then synced (the reference); the same file imported twice; April
 *      again with its rows in another order;
 *   2. rows shuffled within each file (a seeded shuffle, reversals before and after their pair), customers synced
 *      one by one in reverse order;
 *   3. all four months imported first, then one sync (catch-up);
 *   4. each month split into 2-3 files (by customer, and once cutting a reversal pair across two files), imported
 *      one after the other before the sync (Autotask only: the import decides it, before any PSA).
 * After every month where comparable: money per month to the cent equals the invoices (seat-days x list retail,
 * Azure of the month before at +10 % half-up) and a re-run writes nothing. Expectations come from the invoice lines.
 *
 * Found and fixed (each test says where): a split invoice lost every part but the last (a later part was taken as a
 * corrected re-issue); the same rows in another order imported as a re-issue; the unit cost of an offer held in two
 * subscriptions at different costs with the same cycle start depended on the rows' order.
 */

type Key = 'contoso' | 'fabrikam' | 'northwind';
const KEYS: readonly Key[] = ['contoso', 'fabrikam', 'northwind'];
const CUSTOMER: Record<Key, CustomerSpec> = { contoso: CONTOSO, fabrikam: FABRIKAM, northwind: NORTHWIND };
const SYNC_START = '2026-02-01';

const CX = subscription(CONTOSO, BUSINESS_PREMIUM, '0a1d0000-0000-4000-8000-0000000000a1', '2025-12-01');
const CY = subscription(CONTOSO, BUSINESS_PREMIUM, '0a1d0000-0000-4000-8000-0000000000a2', '2026-01-01');
const FE = subscription(FABRIKAM, E3, '0a1d0000-0000-4000-8000-0000000000b1', '2025-12-01');
/** The same offer and cycle as FE, bought at another price (NCE price protection). */
const FP = subscription(FABRIKAM, E3, '0a1d0000-0000-4000-8000-0000000000b2', '2026-01-01');
/** Cycles from the 20th. */
const FB = subscription(FABRIKAM, BASIC, '0a1d0000-0000-4000-8000-0000000000b3', '2025-11-20');
const NB = subscription(NORTHWIND, BUSINESS_PREMIUM, '0a1d0000-0000-4000-8000-0000000000c1', '2025-12-01');

const month = (m: string) =>
  [`${m}-01`, `${m}-${String(daysInMonth(Number(m.slice(0, 4)), Number(m.slice(5, 7))))}`] as const;
const JAN = month('2026-01');
const FEB = month('2026-02');
const MAR = month('2026-03');
const APR = month('2026-04');

interface Invoice {
  number: string;
  period: string;
  lines: ReconLineSpec[];
}
const INVOICES: readonly Invoice[] = [
  {
    number: 'G300002601',
    period: '2026-01',
    lines: [
      CX.cycle(...JAN, 10, '20.00'),
      ...CX.change('2026-01-15', JAN[1], 10, 12, '20.00'),
      CY.cycle(...JAN, 4, '20.00', { chargeType: 'new' }),
      azurePlanLine('2026-01', '100.50', CONTOSO),
      FE.cycle(...JAN, 3, '30.00'),
      FP.cycle(...JAN, 1, '31.50', { chargeType: 'new' }),
      FB.cycle('2026-01-20', '2026-02-19', 2, '6.00'),
      NB.cycle(...JAN, 5, '20.00'),
      azurePlanLine('2026-01', '30.00', NORTHWIND),
    ],
  },
  {
    number: 'G300002602',
    period: '2026-02',
    lines: [
      CX.cycle(...FEB, 12, '20.00'),
      ...CX.change('2026-02-10', FEB[1], 12, 14, '20.00'),
      CY.cycle(...FEB, 4, '20.00'),
      ...CY.change('2026-02-10', FEB[1], 4, 2, '20.00', 'removeQuantity'),
      FE.cycle(...FEB, 3, '30.00'),
      ...FE.change('2026-02-20', FEB[1], 3, 5, '30.00'),
      FP.cycle(...FEB, 1, '31.50'),
      FB.cycle('2026-02-20', '2026-03-19', 2, '6.00'),
      NB.cycle(...FEB, 5, '20.00'),
      ...NB.change('2026-02-12', FEB[1], 5, 0, '20.00', 'cancelImmediate'),
      azurePlanLine('2026-02', '20.00', NORTHWIND),
    ],
  },
  {
    number: 'G300002603',
    period: '2026-03',
    lines: [
      CX.cycle(...MAR, 14, '20.00'),
      ...CX.change(...MAR, 14, 11, '20.00', 'removeQuantity'),
      CY.cycle(...MAR, 2, '20.00'),
      azurePlanLine('2026-03', '60.00', CONTOSO),
      FE.cycle(...MAR, 5, '30.00'),
      ...FE.change('2026-03-18', MAR[1], 5, 4, '30.00', 'removeQuantity'),
      FP.cycle(...MAR, 1, '31.50'),
      FB.cycle('2026-03-20', '2026-04-19', 2, '6.00'),
      ...FB.change('2026-03-25', '2026-04-19', 2, 3, '6.00'),
    ],
  },
  {
    number: 'G300002604',
    period: '2026-04',
    lines: [
      CX.cycle(...APR, 11, '20.00'),
      CY.cycle(...APR, 2, '20.00'),
      azurePlanLine('2026-04', '45.25', CONTOSO),
      FE.cycle(...APR, 4, '30.00'),
      FP.cycle(...APR, 1, '31.50'),
      FB.cycle('2026-04-20', '2026-05-19', 3, '6.00'),
      azurePlanLine('2026-04', '10.00', NORTHWIND),
    ],
  },
];
const PERIODS = INVOICES.map((i) => i.period);
const syncDay = (period: string) => `${addMonths(parsePlainDate(`${period}-01`), 1).slice(0, 7)}-08`;

const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10' },
  { offer: E3, cost: '30.00', erp: '34.00' },
  { offer: BASIC, cost: '6.00', erp: '7.20' },
];
const RETAIL = new Map<OfferSpec, Decimal>(PRICES.map((p) => [p.offer, dec(p.erp)]));
const AZURE_MARKUP = '10';

// ------------------------------------------------------------------------------- the expectations (spec)

const isAzure = (l: ReconLineSpec) => l.offer?.productId === AZURE_PLAN_OFFER.productId;
const halfUp = (d: Decimal) => d.round(2, 1);

/** The lines of the invoices synced after invoice `through` (all imported invoices are issued after the start). */
const linesThrough = (through: string) => INVOICES.filter((i) => i.period <= through).flatMap((i) => i.lines);

/**
 * What a customer's contract must bill in calendar month `m` once the invoices up to `through` are synced (m <=
 * through, every day of m decided): seats per day (signed quantities of the synced lines covering the day) x list
 * retail / days of the month, plus the Azure usage of m-1 x 1.10 rounded half-up (billed on the 1st of m).
 */
function expectedMonth(k: Key, m: string, through: string): Decimal {
  const lines = linesThrough(through).filter((l) => l.customer === CUSTOMER[k]);
  const [first, last] = month(m);
  const dim = dec(eachDay(first, last).length);
  let total = ZERO;
  for (const l of lines.filter((x) => !isAzure(x))) {
    const from = l.chargeStart > first ? l.chargeStart : first;
    const to = l.chargeEnd < last ? l.chargeEnd : last;
    if (from > to) continue;
    const days = dec(eachDay(from, to).length);
    const signed = dec(l.reversal ? -l.quantity : l.quantity);
    total = total.plus(signed.times(RETAIL.get(l.offer!)!).times(days).div(dim));
  }
  const before = addMonths(parsePlainDate(`${m}-01`), -1).slice(0, 7);
  for (const l of lines.filter((x) => isAzure(x) && x.chargeStart.slice(0, 7) === before))
    total = total.plus(
      halfUp(
        dec(l.subtotal!)
          .times(dec(100 + Number(AZURE_MARKUP)))
          .div(dec(100)),
      ),
    );
  return total;
}

// ------------------------------------------------------------------------------- row order and splits

/** mulberry32: a small seeded PRNG, so the shuffle is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const SHUFFLE_SEED = 20260208;

/** A reversal's pair: the positive line of the same subscription and charge period. */
const pairOf = (lines: readonly ReconLineSpec[], r: ReconLineSpec) =>
  lines.findIndex(
    (l) =>
      !l.reversal &&
      l.subscriptionId === r.subscriptionId &&
      l.chargeStart === r.chargeStart &&
      l.chargeEnd === r.chargeEnd &&
      l.chargeType === r.chargeType,
  );

const of =
  (...ks: Key[]) =>
  (l: ReconLineSpec) =>
    ks.some((k) => l.customer === CUSTOMER[k]);
/** X's new quantity of 10 Feb (its reversal stays in the first part). */
const isXFeb10New = (l: ReconLineSpec) =>
  l.subscriptionId === '0a1d0000-0000-4000-8000-0000000000a1' &&
  l.chargeStart === '2026-02-10' &&
  !l.reversal;

/** How each month is split into files: by customer, and in February one cut through X's reversal pair. */
const SPLITS: Record<string, ((l: ReconLineSpec) => boolean)[]> = {
  '2026-01': [of('contoso'), of('fabrikam'), of('northwind')],
  '2026-02': [
    (l) => of('contoso', 'northwind')(l) && !isXFeb10New(l),
    (l) => of('fabrikam')(l) || isXFeb10New(l),
  ],
  '2026-03': [of('contoso'), of('fabrikam')],
  '2026-04': [of('contoso', 'northwind'), of('fabrikam')],
};

// ------------------------------------------------------------------------------- the PSA, per target

interface Place {
  company: number;
  contract: number;
}
const PLACES: Record<ScenarioTarget, Record<Key, Place>> = {
  autotask: {
    contoso: { company: IDS.company, contract: IDS.contract },
    fabrikam: { company: 600, contract: 500 },
    northwind: { company: 601, contract: 501 },
  },
  connectwise: {
    contoso: { company: CW_IDS.company, contract: CW_IDS.agreement },
    fabrikam: { company: 600, contract: 500 },
    northwind: { company: 601, contract: 501 },
  },
};
const STATE_DAYS = eachDay('2026-01-01', '2026-05-31');
const MONEY_MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05'];

/**
 * What the PSA holds for a customer, with no PSA ids: per product, units@price per day and units@cost per day; the
 * one-time charges (their amounts, and apart their costs); money billed per month (exact).
 */
interface CustomerState {
  days: Record<string, string>;
  costs: Record<string, string>;
  charges: string[];
  chargeCosts: string[];
  money: Record<string, string>;
}
type WorldState = Record<Key, CustomerState>;
/** Per customer: the run's status and its item messages (sorted). */
type Outcome = Record<string, { status: string; messages: string[] }>;

const cell = (units: Decimal, value: Decimal | null | undefined) =>
  units.eq(0) ? '0' : `${units.toFixed()}@${value?.toFixed(2) ?? '-'}`;

class World {
  s!: CliScenario<ScenarioTarget>;
  constructor(
    readonly target: ScenarioTarget,
    readonly name: string,
  ) {}

  async open(): Promise<void> {
    this.s = await createCliScenario<ScenarioTarget>({
      target: this.target,
      now: '2026-02-08T09:00:00Z',
      seed: { extraCustomers: 2 },
      inProcess: true,
    });
    await this.s.setup(['--azure', 'on', '--azure-markup', AZURE_MARKUP]);
    await this.s.importPriceList(priceListFile(this.s.dir, PRICES));
  }

  private mapped = false;

  /** Maps the three customers (they exist once an imported file names them). */
  async mapAll(): Promise<void> {
    if (this.mapped) return;
    for (const k of KEYS)
      await this.s.map(CUSTOMER[k].tenantId, { ...PLACES[this.target][k], syncStart: SYNC_START });
    this.mapped = true;
  }

  /** Writes the invoice's lines (in the order given) to `file` and imports it. */
  import(i: Invoice, lines: readonly ReconLineSpec[], file: string) {
    return this.s.importInvoice(reconFile(this.s.dir, i.number, [...lines], file));
  }

  /** Product sync, then the customers: all at once, or one by one in the order given. */
  async sync(
    day: string,
    order?: readonly Key[],
    withMessages = true,
  ): Promise<{ outcomes: SyncOutcome[]; outcome: Outcome }> {
    await this.mapAll();
    const products = await this.s.syncProducts({ asOf: day });
    expect(products.code, await this.s.explain(products)).toBe(0);
    const outcomes = order
      ? await (async () => {
          const out: SyncOutcome[] = [];
          for (const k of order)
            out.push(await this.s.syncCustomers({ asOf: day, customer: CUSTOMER[k].tenantId }));
          return out;
        })()
      : [await this.s.syncCustomers({ asOf: day })];
    const outcome: Outcome = {};
    for (const o of outcomes)
      for (const r of o.runs) {
        const k = KEYS.find((x) => CUSTOMER[x].tenantId === r.tenantId) ?? String(r.tenantId);
        const messages = withMessages ? runMessages(await showRun(this.s, r.runId)).sort() : [];
        outcome[k] = { status: r.status, messages };
      }
    return { outcomes, outcome };
  }

  async state(): Promise<WorldState> {
    const states = await Promise.all(KEYS.map((k) => this.customerState(PLACES[this.target][k].contract)));
    return Object.fromEntries(KEYS.map((k, n) => [k, states[n]!])) as WorldState;
  }

  private async customerState(contract: number): Promise<CustomerState> {
    const days: Record<string, string> = {};
    const costs: Record<string, string> = {};
    let charges: { text: string; cost: string }[];
    const view = (
      name: string,
      on: (d: string) => { units: Decimal; price?: Decimal | null; cost?: Decimal | null },
    ) => {
      const values = STATE_DAYS.map((d) => [d, on(d)] as const);
      days[name] = dayRuns(values.map(([d, v]) => [d, cell(v.units, v.price)]));
      costs[name] = dayRuns(values.map(([d, v]) => [d, cell(v.units, v.cost)]));
    };
    if (this.s.target === 'connectwise') {
      const s = this.s as CliScenario<'connectwise'>;
      const adds = await s.readback.additions(contract);
      const isCharge = (a: AdditionView) => a.serialNumber?.startsWith('billsync-charge:') ?? false;
      const lines = adds.filter((a) => !isCharge(a));
      for (const product of [...new Set(lines.map((a) => a.product))].sort()) {
        const mine = lines.filter((a) => a.product === product);
        view(product, (d) => {
          const on = mine.filter(
            (a) => a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate),
          );
          const top = [...on].sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : 1)).at(-1);
          const units = on.reduce((t, a) => t.plus(a.quantity.minus(a.lessIncluded)), ZERO);
          return { units, price: top?.unitPrice ?? null, cost: top?.unitCost ?? null };
        });
      }
      charges = adds.filter(isCharge).map((a) => ({
        text: `${a.product} ${a.serialNumber} ${a.effectiveDate}..${a.cancelledDate} ${a.quantity.toFixed()} x ${a.unitPrice.toFixed(2)}`,
        cost: a.unitCost.toFixed(2),
      }));
    } else {
      const s = this.s as CliScenario<'autotask'>;
      for (const cs of await s.readback.contractServices(contract)) {
        const segs = await s.readback.unitSegments(cs.id);
        view(cs.serviceName, (d) => {
          const seg = segs.find((x) => x.start <= d && d <= x.end);
          return seg ? { units: seg.units, price: seg.price, cost: seg.cost } : { units: ZERO };
        });
      }
      // The readback gives a charge's billable amount; its cost stays inside the name/description of the charge.
      charges = (await s.readback.charges(contract)).map((c) => ({
        text: `${c.date} ${c.amount.toFixed(2)} ${c.name}`,
        cost: '',
      }));
    }
    const money: Record<string, string> = {};
    const bills = await Promise.all(MONEY_MONTHS.map((m) => this.s.readback.billedPerMonth(contract, m)));
    for (const [n, m] of MONEY_MONTHS.entries()) money[m] = bills[n]!.total.toFixed(6);
    return {
      days,
      costs,
      charges: charges.map((c) => c.text).sort(),
      chargeCosts: charges.map((c) => `${c.text} (cost ${c.cost})`).sort(),
      money,
    };
  }

  /**
   * Each customer's money per month m <= through equals the invoices' to the cent. ConnectWise: each one-time
   * charge of the month is rounded once to the cent on its own (decision 0012), so the month may differ from the
   * exactly prorated total by up to a cent per charge billed in it.
   */
  expectMoney(state: WorldState, through: string, label: string): void {
    for (const k of KEYS)
      for (const m of PERIODS.filter((p) => p <= through)) {
        const billed = dec(state[k].money[m]!);
        const wanted = expectedMonth(k, m, through);
        const charges = state[k].charges.filter((c) => / (\d{4}-\d{2})-\d{2}\.\./.exec(c)?.[1] === m).length;
        const slack = this.target === 'connectwise' ? dec('0.01').times(dec(charges)) : ZERO;
        const off = halfUp(billed).minus(halfUp(wanted)).abs();
        expect
          .soft(
            off.lte(slack),
            `${this.target} ${label}: ${k} billed ${halfUp(billed).toFixed(2)} in ${m}, the invoices say ${halfUp(wanted).toFixed(2)} (${charges} charges)`,
          )
          .toBe(true);
      }
  }

  close(): Promise<void> {
    return this.s?.close() ?? Promise.resolve();
  }
}

/** Units and prices per day, charges and money of two states, per customer so a difference names it. */
function expectSameState(actual: WorldState, reference: WorldState, label: string): void {
  for (const k of KEYS) {
    expect.soft(actual[k].days, `${label}: ${k} units@price per day`).toEqual(reference[k].days);
    expect.soft(actual[k].charges, `${label}: ${k} charges`).toEqual(reference[k].charges);
    expect.soft(actual[k].money, `${label}: ${k} money per month`).toEqual(reference[k].money);
  }
}

/** Unit costs per day and the charges' costs of two states. */
function expectSameCosts(
  actual: WorldState,
  reference: WorldState,
  label: string,
  keys: readonly Key[] = KEYS,
): void {
  for (const k of keys) {
    expect.soft(actual[k].costs, `${label}: ${k} units@cost per day`).toEqual(reference[k].costs);
    expect
      .soft(actual[k].chargeCosts, `${label}: ${k} charges with their costs`)
      .toEqual(reference[k].chargeCosts);
  }
}

const exitOk = (o: SyncOutcome) => o.code === 0 || o.code === 2;

describe.each(['autotask', 'connectwise'] as const)(
  'order and splitting of the input, over months, on %s',
  (target) => {
    const at = target === 'autotask';
    /** World 1's state and run outcomes after each month: the reference. */
    const reference = new Map<string, { state: WorldState; outcome: Outcome }>();

    describe('world 1: rows in file order, each month imported then synced', () => {
      const w = new World(target, 'file order');
      beforeAll(() => w.open(), 120_000);
      afterAll(() => w.close());

      it.each(PERIODS)(
        '%s: money per month equals the invoices; importing the file again changes nothing',
        async (period) => {
          const i = INVOICES.find((x) => x.period === period)!;
          const first = await w.import(i, i.lines, `${i.number}.csv`);
          expect([first.status, first.created]).toEqual(['created', i.lines.length]);
          const day = syncDay(period);
          const { outcomes, outcome } = await w.sync(day);
          expect(outcomes.every(exitOk), await w.s.explain(outcomes[0]!)).toBe(true);
          for (const k of KEYS)
            expect
              .soft(outcome[k]?.status, `${k}: ${JSON.stringify(outcome[k])}`)
              .toMatch(/^(success|warning|no_change)$/);
          const state = await w.state();
          w.expectMoney(state, period, `world 1 after ${period}`);
          reference.set(period, { state, outcome });
          // The same file again: the same invoice, nothing stored, nothing written.
          const again = await w.import(i, i.lines, `${i.number}.csv`);
          expect([again.status, again.unchanged, again.updated]).toEqual(['unchanged', i.lines.length, 0]);
          await expectRerunWritesNothing(w.s, day);
        },
        120_000,
      );

      it('10 Feb: X +2 and Y -2 in one offer net to zero: nothing is written on that day', async () => {
        const bp = `${BUSINESS_PREMIUM.productId}:${BUSINESS_PREMIUM.skuId}`;
        if (w.s.target === 'connectwise') {
          const adds = await (w.s as CliScenario<'connectwise'>).readback.additions(
            PLACES.connectwise.contoso.contract,
          );
          expect(
            adds.filter((a) => a.serialNumber?.includes('2026-02-10')).map((a) => a.serialNumber),
          ).toEqual([]);
        } else {
          const s = w.s as CliScenario<'autotask'>;
          const lines = await s.readback.contractServices(PLACES.autotask.contoso.contract);
          const line = lines.find((l) => l.serviceName === `PC_${bp}`);
          expect(line, 'the Business Premium line').toBeDefined();
          const starts = (await s.readback.unitSegments(line!.id)).map((x) => x.start);
          expect(starts).not.toContain('2026-02-10');
        }
        expect(reference.get('2026-02')?.state.contoso.days[at ? `PC_${bp}` : bp]).toMatch(/16@23\.10$/);
      });

      /*
       * Found by this audit (small): the same rows in another order were "a corrected re-issue: replaced 7 stored
       * lines" and unsynced every customer of the invoice (the content hash and the customers' prints included the
       * line numbers). Now unchanged (`storePart`, src/db/repos/source-data/invoice-store.ts).
       */
      it('April again with the same rows in another order is the same invoice: unchanged', async () => {
        const i = INVOICES.at(-1)!;
        // The first row moved to the end: the relative order of every other row (Fabrikam's two E3 lines) is kept.
        const again = await w.import(i, [...i.lines.slice(1), i.lines[0]!], `${i.number}-reordered.csv`);
        expect([again.status, again.unchanged, again.updated, again.created]).toEqual([
          'unchanged',
          i.lines.length,
          0,
          0,
        ]);
      }, 120_000);

      it('a sync after the reordered April writes nothing', async () => {
        await expectRerunWritesNothing(w.s, addDays(parsePlainDate(syncDay('2026-04')), 1));
      }, 120_000);
    });

    describe('world 2: rows shuffled within each file, customers synced one by one in reverse order', () => {
      const w = new World(target, 'shuffled');
      const random = seeded(SHUFFLE_SEED);
      const placements: string[] = [];
      const mine = new Map<string, { state: WorldState; outcome: Outcome }>();
      beforeAll(() => w.open(), 120_000);
      afterAll(() => w.close());

      it.each(PERIODS)(
        '%s: the same units, prices, charges and money as world 1; a re-run writes nothing',
        async (period) => {
          const i = INVOICES.find((x) => x.period === period)!;
          const rows = shuffled(i.lines, random);
          for (const [n, r] of rows.entries())
            if (r.reversal) {
              const p = pairOf(rows, r);
              if (p >= 0) placements.push(n < p ? 'before' : 'after');
            }
          const imported = await w.import(i, rows, `${i.number}-shuffled.csv`);
          expect(imported.status).toBe('created');
          const day = syncDay(period);
          const { outcomes, outcome } = await w.sync(day, [...KEYS].reverse());
          expect(outcomes.every(exitOk)).toBe(true);
          const state = await w.state();
          mine.set(period, { state, outcome });
          w.expectMoney(state, period, `world 2 after ${period}`);
          const ref = reference.get(period);
          expect(ref, 'world 1 ran first').toBeDefined();
          expectSameState(state, ref!.state, `${target} world 2 after ${period}`);
          // Costs and runs of the customers that have no two subscriptions of one offer at different costs.
          expectSameCosts(state, ref!.state, `${target} world 2 after ${period}`, ['contoso', 'northwind']);
          for (const k of ['contoso', 'northwind'] as const)
            expect.soft(outcome[k], `${target} world 2 after ${period}: ${k}'s run`).toEqual(ref!.outcome[k]);
          await expectRerunWritesNothing(w.s, day);
        },
        120_000,
      );

      it('the shuffle put reversal rows both before and after their new-quantity rows', () => {
        expect(new Set(placements)).toEqual(new Set(['before', 'after']));
      });

      /*
       * Found by this audit: Fabrikam's two E3 subscriptions share a cycle at 30.00 and 31.50, and the line's unit
       * cost of a period was whichever of them came last in the file (`costSpans` sorted on the charge start only),
       * so the cost, the warnings and even whether a month wrote anything followed the rows' order. Now the higher
       * price wins a tie, then the subscription id.
       */
      it("Fabrikam's unit costs, charges with their costs and runs equal world 1's in every month", () => {
        for (const period of PERIODS) {
          const got = mine.get(period);
          const ref = reference.get(period);
          expect(got && ref, `${period} ran in both worlds`).toBeTruthy();
          expectSameCosts(got!.state, ref!.state, `${target} world 2 after ${period}`, ['fabrikam']);
          expect
            .soft(got!.outcome.fabrikam, `${target} world 2 after ${period}: fabrikam's run`)
            .toEqual(ref!.outcome.fabrikam);
        }
      });
    });

    describe('world 3: all four months imported first, then one sync (catch-up)', () => {
      const w = new World(target, 'catch-up');
      beforeAll(() => w.open(), 120_000);
      afterAll(() => w.close());

      it('the same final PSA state, costs and money as the month-by-month syncs of world 1', async () => {
        for (const i of INVOICES)
          expect((await w.import(i, i.lines, `${i.number}.csv`)).status).toBe('created');
        const day = syncDay('2026-04');
        const { outcomes, outcome } = await w.sync(day, undefined, false);
        expect(outcomes.every(exitOk), await w.s.explain(outcomes[0]!)).toBe(true);
        for (const k of KEYS)
          expect.soft(outcome[k]?.status, JSON.stringify(outcome[k])).toMatch(/^(success|warning)$/);
        const state = await w.state();
        w.expectMoney(state, '2026-04', 'world 3 (catch-up)');
        const ref = reference.get('2026-04')!.state;
        expectSameState(state, ref, `${target} world 3 (catch-up)`);
        expectSameCosts(state, ref, `${target} world 3 (catch-up)`);
        await expectRerunWritesNothing(w.s, day);
      }, 180_000);
    });

    // The split is decided by the import, before any PSA is involved: run on Autotask only (the run time).
    describe.runIf(at)(
      'world 4: each month split into 2-3 files imported one after the other before the sync',
      () => {
        const w = new World(target, 'split');
        beforeAll(() => w.open(), 120_000);
        afterAll(() => w.close());

        /*
         * Found by this audit (a money risk): a second file with the invoice's number was taken as a corrected re-issue
         * and REPLACED the first, so every part but the last was lost without a word. A later file that has no line
         * for customers the stored invoice has is now refused (nothing stored, the message says to join the parts or
         * to import a real correction with --replace); the parts joined into one file import as the whole invoice.
         */
        it.each(PERIODS)(
          '%s: a later part is refused, nothing lost; the joined parts give the same PSA state and money as world 1',
          async (period) => {
            const i = INVOICES.find((x) => x.period === period)!;
            const parts = SPLITS[period]!.map((keep) => i.lines.filter(keep));
            expect(parts.flat().length, 'the parts hold every line once').toBe(i.lines.length);
            const first = await w.import(i, parts[0]!, `${i.number}-part1.csv`);
            expect(first.status).toBe('created');
            for (const [n, part] of parts.entries()) {
              if (n === 0) continue;
              const file = `${i.number}-part${n + 1}.csv`;
              const res = await w.s.run(
                '--json',
                'import',
                'invoice',
                reconFile(w.s.dir, i.number, [...part], file),
              );
              expect(res.code, `${period} ${file}`).not.toBe(0);
              expect(res.stderr).toContain(`${file}: invoice ${i.number} was stored before with lines for`);
              expect(res.stderr).toContain('join them into one file');
              expect(res.stderr).toContain('--replace');
              expect(res.stderr).toContain(`Nothing from ${file} was stored.`);
            }
            // The parts joined (one header, the rows of every part): the whole invoice, replacing the first part.
            const joined = await w.import(i, parts.flat(), `${i.number}-joined.csv`);
            expect(joined.status).toBe('replaced');
            const day = syncDay(period);
            const { outcomes } = await w.sync(day, undefined, false);
            expect(outcomes.every(exitOk)).toBe(true);
            const state = await w.state();
            w.expectMoney(state, period, `world 4 after ${period}`);
            expectSameState(state, reference.get(period)!.state, `${target} world 4 after ${period}`);
            await expectRerunWritesNothing(w.s, day);
          },
          120_000,
        );
      },
    );
  },
);
