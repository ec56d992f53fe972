import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { IDS } from '../support/autotask-world';
import {
  type AdditionView,
  type CliScenario,
  createCliScenario,
  runMessages,
  type ScenarioTarget,
  type SyncOutcome,
  showRun,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { carriedSeatsOn, FABRIKAM, NORTHWIND, subscription, TAILSPIN } from '../support/months-data';
import { billed, psaPicture } from '../support/psa-picture';

/**
 * Audit of spec section 4, section 6: the MSP edits the PSA products in the middle of a
 * four-month history (Microsoft invoices of December 2025 .. March 2026, each synced the day after it is issued:
 * product sync, then customer sync), on Autotask and on ConnectWise (default emulators). What must hold for the
 * customers' contracts: every seat-day billed exactly once, units per day = the invoices' timeline, a re-run writes
 * nothing; where the PSA refuses, the run says so and what to do.
 *
 * - Business Premium (Contoso, Fabrikam): after January the MSP tries to DELETE its PSA product. Both PSAs
 *   refuse it while contracts carry it (Autotask: the service is on a contract; ConnectWise: the item is on
 *   additions), so the MSP sets it INACTIVE instead: the product sync keeps its price/cost (the 1 Mar list rise)
 *   and leaves it inactive; Contoso and Fabrikam keep syncing their seat changes on it; Woodgrove, a new buyer in
 *   February, cannot get a new line on an inactive product: its run must say so (an error naming it).
 * - Business Basic (Tailspin, first invoiced in January): the MSP DELETES its product right after January's product
 *   sync, before any contract carries it (the deletion the PSAs allow). Its next sync re-creates it (new id, R-3)
 *   and Tailspin's contract carries January and February exactly once, on a live product.
 * - Office 365 E3 (Northwind, cycles on the 15th): the MSP RENAMES the product after the first sync: it keeps
 *   being updated by id (name kept); the list price rises on 15 Feb (cost 30.00 -> 33.00, retail 36.00 -> 39.00),
 *   mid-period: the product gets the new prices, February keeps the old ones with the R-8 warnings, March on the new.
 *
 * Every expected value is computed here from the invoice lines and the price list.
 */

type Key = 'contoso' | 'fabrikam' | 'northwind' | 'tailspin' | 'woodgrove';
const KEYS: Key[] = ['contoso', 'fabrikam', 'northwind', 'tailspin', 'woodgrove'];

const WOODGROVE: CustomerSpec = {
  tenantId: '7c3e0000-0000-4000-8000-000000000009',
  name: 'Woodgrove',
  domain: 'woodgrove.onmicrosoft.com',
  country: 'US',
};
const E3: OfferSpec = {
  productId: 'CFQ7TTC0LF8R',
  skuId: '0001',
  title: 'Office 365 E3',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const BASIC: OfferSpec = {
  productId: 'CFQ7TTC0LH18',
  skuId: '0001',
  title: 'Microsoft 365 Business Basic',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const BP = BUSINESS_PREMIUM;
const OFFER: Record<Key, OfferSpec> = {
  contoso: BP,
  fabrikam: BP,
  northwind: E3,
  tailspin: BASIC,
  woodgrove: BP,
};
const skuOf = (o: OfferSpec) => `${o.productId}:${o.skuId}`;
const nameOf = (o: OfferSpec) => `PC_${skuOf(o)}`;

const C = subscription(CONTOSO, BP, 'ed180000-0000-4000-8000-0000000000c1', '2025-12-01');
const F = subscription(FABRIKAM, BP, 'ed180000-0000-4000-8000-0000000000f1', '2025-12-01');
const N = subscription(NORTHWIND, E3, 'ed180000-0000-4000-8000-0000000000a1', '2025-12-15');
const T = subscription(TAILSPIN, BASIC, 'ed180000-0000-4000-8000-0000000000b1', '2026-01-01');
const W = subscription(WOODGROVE, BP, 'ed180000-0000-4000-8000-0000000000d1', '2026-02-01');

/** Per customer, the lines of each month's invoice (index 0 = December). */
const LINES: Record<Key, ReconLineSpec[][]> = {
  contoso: [
    [
      C.cycle('2025-12-01', '2025-12-31', 10, '26.00'),
      ...C.change('2025-12-15', '2025-12-31', 10, 12, '26.00'),
    ],
    [
      C.cycle('2026-01-01', '2026-01-31', 12, '26.00'),
      ...C.change('2026-01-20', '2026-01-31', 12, 9, '26.00', 'removeQuantity'),
    ],
    [
      C.cycle('2026-02-01', '2026-02-28', 9, '26.00'),
      ...C.change('2026-02-10', '2026-02-28', 9, 11, '26.00'),
    ],
    [
      C.cycle('2026-03-01', '2026-03-31', 11, '27.00'),
      ...C.change('2026-03-25', '2026-03-31', 11, 14, '27.00'),
    ],
  ],
  fabrikam: [
    [F.cycle('2025-12-01', '2025-12-31', 5, '26.00'), ...F.change('2025-12-12', '2025-12-31', 5, 7, '26.00')],
    [
      F.cycle('2026-01-01', '2026-01-31', 7, '26.00'),
      ...F.change('2026-01-18', '2026-01-31', 7, 6, '26.00', 'removeQuantity'),
    ],
    [F.cycle('2026-02-01', '2026-02-28', 6, '26.00'), ...F.change('2026-02-09', '2026-02-28', 6, 8, '26.00')],
    [
      F.cycle('2026-03-01', '2026-03-31', 8, '27.00'),
      ...F.change('2026-03-22', '2026-03-31', 8, 5, '27.00', 'removeQuantity'),
    ],
  ],
  northwind: [
    [N.cycle('2025-12-15', '2026-01-14', 5, '30.00', { chargeType: 'new' })],
    [N.cycle('2026-01-15', '2026-02-14', 5, '30.00'), ...N.change('2026-01-25', '2026-02-14', 5, 7, '30.00')],
    [
      N.cycle('2026-02-15', '2026-03-14', 7, '33.00'),
      ...N.change('2026-02-20', '2026-03-14', 7, 6, '33.00', 'removeQuantity'),
    ],
    [N.cycle('2026-03-15', '2026-04-14', 6, '33.00')],
  ],
  tailspin: [
    [],
    [
      T.cycle('2026-01-01', '2026-01-31', 4, '6.00', { chargeType: 'new' }),
      ...T.change('2026-01-10', '2026-01-31', 4, 6, '6.00'),
    ],
    [
      T.cycle('2026-02-01', '2026-02-28', 6, '6.00'),
      ...T.change('2026-02-16', '2026-02-28', 6, 3, '6.00', 'removeQuantity'),
    ],
    [T.cycle('2026-03-01', '2026-03-31', 3, '6.00')],
  ],
  woodgrove: [
    [],
    [],
    [W.cycle('2026-02-01', '2026-02-28', 5, '26.00', { chargeType: 'new' })],
    [W.cycle('2026-03-01', '2026-03-31', 5, '27.00')],
  ],
};

const MONTHS = [
  { number: 'G720002512', period: '2025-12', issued: '2026-01-07', asOf: '2026-01-08' },
  { number: 'G720002601', period: '2026-01', issued: '2026-02-07', asOf: '2026-02-08' },
  { number: 'G720002602', period: '2026-02', issued: '2026-03-07', asOf: '2026-03-08' },
  { number: 'G720002603', period: '2026-03', issued: '2026-04-07', asOf: '2026-04-08' },
];

interface Prices {
  price: string;
  cost: string;
}
/** The list: Business Premium 31.00/26.00, from 1 Mar 32.00/27.00; E3 36.00/30.00, from 15 Feb 39.00/33.00; Basic 7.20/6.00. */
function listed(o: OfferSpec, d: string): Prices {
  if (o === BP)
    return d >= '2026-03-01' ? { price: '32.00', cost: '27.00' } : { price: '31.00', cost: '26.00' };
  if (o === E3)
    return d >= '2026-02-15' ? { price: '39.00', cost: '33.00' } : { price: '36.00', cost: '30.00' };
  return { price: '7.20', cost: '6.00' };
}
const PRICE_LIST = [
  { offer: BP, cost: '26.00', erp: '31.00', end: '2026-02-28' },
  { offer: BP, cost: '27.00', erp: '32.00', start: '2026-03-01' },
  { offer: E3, cost: '30.00', erp: '36.00', end: '2026-02-14' },
  { offer: E3, cost: '33.00', erp: '39.00', start: '2026-02-15' },
  { offer: BASIC, cost: '6.00', erp: '7.20' },
];

const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const nextMonth = (m: string) => (addMonths(parsePlainDate(`${m}-01`), 1) as string).slice(0, 7);
const lastDay = (m: string) => plus(`${nextMonth(m)}-01`, -1);
const cents = (x: Decimal | string | number | null | undefined) =>
  x === null || x === undefined ? '-' : decimalFixed(dec(String(x)), 2);
function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

const seatsOn = (synced: readonly ReconLineSpec[][], d: string) => carriedSeatsOn(synced.flat(), d);
const firstDayOf = (synced: readonly ReconLineSpec[][]) =>
  synced
    .flat()
    .map((l) => l.chargeStart)
    .sort()[0] ?? '9999-12-31';

/**
 * the line's price and cost on a day are those of its contract period's first day (a calendar month), or of the
 * line's first day when it starts inside the period: a mid-period change applies from the next period. (Invoice
 * costs equal the list's here.)
 */
function priceOn(k: Key, synced: readonly ReconLineSpec[][], d: string): Prices {
  const first = `${d.slice(0, 7)}-01`;
  const start = firstDayOf(synced);
  return listed(OFFER[k], start > first ? start : first);
}

/** What the contract must bill in a month: seat-days x price / days of the month. */
function monthMoney(k: Key, synced: readonly ReconLineSpec[][], month: string): Decimal {
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let total = ZERO;
  for (const d of eachDay(`${month}-01`, lastDay(month)))
    total = total.plus(dec(seatsOn(synced, d)).times(dec(priceOn(k, synced, d).price)));
  return total.div(dim);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the PSA back.

// biome-ignore lint/suspicious/noExplicitAny: one scenario type per target.
type AnyScenario = CliScenario<any>;

interface ProductRow {
  id: number;
  name: string;
  sku: string;
  price: number | null;
  cost: number | null;
  active: boolean;
}

async function emulatorState<T>(s: AnyScenario): Promise<T> {
  return (await (await fetch(`${s.base}/_emulator/state`)).json()) as T;
}

/** The PSA products (Autotask Services; ConnectWise catalog items) with billsync's SKU (name or vendor SKU). */
async function products(s: AnyScenario): Promise<ProductRow[]> {
  if (s.target === 'connectwise') {
    const st = await emulatorState<{
      catalog: {
        id: number;
        identifier: string;
        vendorSku?: string;
        price?: number;
        cost?: number;
        inactiveFlag?: boolean;
      }[];
    }>(s);
    return st.catalog.map((c) => ({
      id: c.id,
      name: c.identifier,
      sku: c.vendorSku ?? '',
      price: c.price ?? null,
      cost: c.cost ?? null,
      active: c.inactiveFlag !== true,
    }));
  }
  const st = await emulatorState<{
    Services: { id: number; name: string; unitPrice: number; unitCost: number | null; isActive: boolean }[];
  }>(s);
  return st.Services.map((x) => ({
    id: x.id,
    name: x.name,
    sku: x.name.startsWith('PC_') ? x.name.slice(3) : '',
    price: x.unitPrice,
    cost: x.unitCost,
    active: x.isActive,
  }));
}

/** The MSP's edits "in the PSA UI" (the emulators' admin routes). */
async function admin(s: AnyScenario, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${s.base}/_emulator${path}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
}
const productPath = (s: AnyScenario, id: number) =>
  s.target === 'connectwise' ? `/entities/catalog/${id}` : `/entities/Services/${id}`;

const isCharge = (a: AdditionView) => a.serialNumber?.startsWith('billsync-charge:') === true;

/**
 * What the contract carries per day, every line together: `units@price/cost`, lines joined with `+` (two lines on
 * one day = billed twice), '0' without units. ConnectWise: the line additions in effect.
 */
async function dayStates(s: AnyScenario, contract: number, days: readonly string[]): Promise<string[]> {
  if (s.target === 'connectwise') {
    const lines = (await s.readback.additions(contract)).filter((a: AdditionView) => !isCharge(a));
    return days.map((d) => {
      const on = lines.filter(
        (a: AdditionView) => a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate),
      );
      const parts = on
        .filter((a: AdditionView) => !a.quantity.minus(a.lessIncluded).eq(ZERO))
        .map(
          (a: AdditionView) =>
            `${a.quantity.minus(a.lessIncluded).toFixed()}@${cents(a.unitPrice)}/${cents(a.unitCost)}`,
        );
      return parts.length ? parts.join('+') : '0';
    });
  }
  const out = days.map(() => [] as string[]);
  for (const cs of await s.readback.contractServices(contract)) {
    const segs = await s.readback.unitSegments(cs.id);
    days.forEach((d, i) => {
      const row = segs.find((r: { start: string; end: string }) => r.start <= d && d <= r.end);
      if (row && !row.units.eq(ZERO))
        out[i]!.push(`${row.units.toFixed()}@${cents(row.price)}/${cents(row.cost)}`);
    });
  }
  return out.map((x) => (x.length ? x.join('+') : '0'));
}

/** What the PSA should carry per day: Autotask the invoices' seats; ConnectWise those of the month's 1st (decision 0012). */
function wantedStates(s: AnyScenario, k: Key, synced: readonly ReconLineSpec[][], days: readonly string[]) {
  return days.map((d) => {
    const on = s.target === 'connectwise' ? `${d.slice(0, 7)}-01` : d;
    const units = seatsOn(synced, on);
    const p = priceOn(k, synced, on);
    return units === 0 ? '0' : `${units}@${p.price}/${p.cost}`;
  });
}

const runsText = (days: readonly string[], values: readonly string[]) =>
  dayRuns(days.map((d, i) => [d, values[i]!] as const));

const show = showRun;
const messagesOf = runMessages;

// ---------------------------------------------------------------------------------------------------------------
// The scenarios.

const VARIANTS: { name: string; target: ScenarioTarget }[] = [
  { name: 'Autotask', target: 'autotask' },
  { name: 'ConnectWise', target: 'connectwise' },
];

describe.each(VARIANTS)('PSA product edits in the middle of four months ($name)', ({ target }) => {
  let s: AnyScenario;
  const at = target === 'autotask';
  const CUSTOMERS: Record<Key, { c: CustomerSpec; company: number; contract: number }> = {
    contoso: {
      c: CONTOSO,
      company: at ? IDS.company : CW_IDS.company,
      contract: at ? IDS.contract : CW_IDS.agreement,
    },
    fabrikam: { c: FABRIKAM, company: 600, contract: 500 },
    northwind: { c: NORTHWIND, company: 601, contract: 501 },
    tailspin: { c: TAILSPIN, company: 602, contract: 502 },
    woodgrove: { c: WOODGROVE, company: 603, contract: 503 },
  };
  const contractOf = (k: Key) => CUSTOMERS[k].contract;
  const synced: Record<Key, ReconLineSpec[][]> = {
    contoso: [],
    fabrikam: [],
    northwind: [],
    tailspin: [],
    woodgrove: [],
  };
  const markSynced = (k: Key, i: number) => {
    if (LINES[k][i]!.length && !synced[k].includes(LINES[k][i]!)) synced[k].push(LINES[k][i]!);
  };
  /** Ids of each product as billsync created them. */
  const ids: Partial<Record<'bp' | 'e3' | 'basic' | 'basicDeleted', number>> = {};
  const RENAMED = at ? 'Office 365 E3 (per user, monthly)' : 'O365-E3-MONTHLY';
  let outcome: SyncOutcome;
  let woodgroveMessages: string[] = [];
  let tailspinM2 = '';

  const runOf = (o: SyncOutcome, k: Key) => o.runs.filter((r) => r.tenantId === CUSTOMERS[k].c.tenantId);
  const productRuns = (o: SyncOutcome) => o.runs.filter((r) => r.tenantId === null);
  /** Imports a month's invoice, then maps (sync on, from 1 Jan 2026) the customers it brings first. */
  const importMonth = async (i: number) => {
    const m = MONTHS[i]!;
    const lines = KEYS.flatMap((k) => LINES[k][i]!);
    await s.importInvoice(reconFile(s.dir, m.number, lines), { period: m.period, issued: m.issued });
    for (const k of KEYS)
      if (LINES[k][i]!.length && LINES[k].slice(0, i).every((x) => x.length === 0))
        await s.map(CUSTOMERS[k].c.tenantId, {
          company: CUSTOMERS[k].company,
          contract: CUSTOMERS[k].contract,
          syncStart: '2026-01-01',
        });
  };
  const productOf = async (o: OfferSpec) => (await products(s)).filter((p) => p.sku === skuOf(o));
  const productById = async (id: number) => (await products(s)).find((p) => p.id === id);

  async function expectMoney(k: Key, to: string, label: string): Promise<void> {
    const got: string[] = [];
    const want: string[] = [];
    for (const month of monthsOf('2025-12', to)) {
      got.push(`${month}: ${cents(await billed(s, contractOf(k), month))}`);
      want.push(`${month}: ${cents(monthMoney(k, synced[k], month))}`);
    }
    expect.soft(got, `${label}: ${k}'s bill per month (${await psaPicture(s, contractOf(k))})`).toEqual(want);
  }

  async function expectStates(k: Key, to: string, label: string): Promise<void> {
    const days = eachDay('2025-12-01', to);
    const got = await dayStates(s, contractOf(k), days);
    const want = wantedStates(s, k, synced[k], days);
    expect
      .soft(runsText(days, got), `${label}: ${k}'s contract per day (units@price/cost; '+' = two lines)`)
      .toBe(runsText(days, want));
  }

  /** Every contract line refers to a product that exists (Autotask: not a deleted service). */
  async function expectLiveProducts(k: Key, label: string): Promise<void> {
    const live = new Set((await products(s)).map((p) => p.id));
    if (at) {
      const lines = await s.readback.contractServices(contractOf(k));
      expect
        .soft(
          lines.filter((l: { serviceId: number }) => !live.has(l.serviceId)).map((l: { id: number }) => l.id),
          `${label}: ${k}'s lines on a deleted service`,
        )
        .toEqual([]);
    }
  }

  /**
   * The same sync again: nothing new for any customer but `failing` (their refused changes are tried again); no
   * contract changes on the PSA.
   */
  async function expectRerunWritesNothing(asOf: string, failing: readonly Key[] = []): Promise<void> {
    const before = await Promise.all(KEYS.map((k) => psaPicture(s, contractOf(k))));
    const again = await s.syncCustomers({ asOf });
    const skip = new Set(failing.map((k) => CUSTOMERS[k].c.tenantId));
    const wrote = again.runs.filter(
      (r) => !skip.has(r.tenantId ?? '') && (r.status !== 'no_change' || r.writes !== 0),
    );
    const shows = await Promise.all(wrote.map((r) => s.run('run', 'show', r.runId)));
    expect.soft(wrote, `re-run at ${asOf}: ${shows.map((x) => x.stdout).join('\n')}`).toEqual([]);
    expect
      .soft(
        await Promise.all(KEYS.map((k) => psaPicture(s, contractOf(k)))),
        `re-run at ${asOf}: PSA contracts`,
      )
      .toEqual(before);
  }

  beforeAll(async () => {
    s = await createCliScenario({
      target,
      now: '2026-01-08T09:00:00Z',
      inProcess: true,
      seed: { extraCustomers: 4 },
    });
    await s.setup();
    await s.importPriceList(priceListFile(s.dir, PRICE_LIST));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('December: products created; every customer gets December; then the MSP renames the E3 product', async () => {
    await importMonth(0);
    const prods = await s.syncProducts({ asOf: MONTHS[0]!.asOf });
    expect(prods.code, await s.explain(prods)).toBe(0);
    const [bp] = await productOf(BP);
    const [e3] = await productOf(E3);
    expect([bp?.name, bp?.active, cents(bp?.price), cents(bp?.cost)]).toEqual([
      at ? nameOf(BP) : skuOf(BP),
      true,
      '31.00',
      '26.00',
    ]);
    expect([e3?.name, e3?.active, cents(e3?.price), cents(e3?.cost)]).toEqual([
      at ? nameOf(E3) : skuOf(E3),
      true,
      '36.00',
      '30.00',
    ]);
    ids.bp = bp!.id;
    ids.e3 = e3!.id;
    outcome = await s.syncCustomers({ asOf: MONTHS[0]!.asOf });
    for (const k of KEYS) markSynced(k, 0);
    expect(outcome.code, await s.explain(outcome)).toBe(0);
    for (const k of ['contoso', 'fabrikam', 'northwind'] as const) {
      await expectStates(k, '2025-12-31', 'after December');
      await expectMoney(k, '2025-12', 'after December');
    }
    // the MSP renames the E3 product (and on ConnectWise its identifier) after the first sync.
    const res = await admin(
      s,
      'PATCH',
      productPath(s, ids.e3),
      at ? { name: RENAMED } : { identifier: RENAMED },
    );
    expect(res.status, await res.text()).toBe(200);
    await expectRerunWritesNothing(MONTHS[0]!.asOf);
  });

  it('January: Basic created, then deleted by the MSP before any contract carries it; the rest synced as usual', async () => {
    await importMonth(1);
    const prods = await s.syncProducts({ asOf: MONTHS[1]!.asOf });
    expect(prods.code, await s.explain(prods)).toBe(0);
    // the renamed product is still the one billsync updates (name kept, no second product).
    const e3 = await productOf(E3);
    expect(
      (at ? (await products(s)).filter((p) => p.name === RENAMED || p.name === nameOf(E3)) : e3).map((p) => [
        p.id,
        p.name,
      ]),
    ).toEqual([[ids.e3, RENAMED]]);
    const [basic] = await productOf(BASIC);
    expect([basic?.active, cents(basic?.price), cents(basic?.cost)]).toEqual([true, '7.20', '6.00']);
    ids.basicDeleted = basic!.id;
    const del = await admin(s, 'DELETE', productPath(s, basic!.id));
    expect(del.status, await del.text()).toBeLessThan(300);
    expect(await productOf(BASIC)).toEqual([]);

    outcome = await s.syncCustomers({ asOf: MONTHS[1]!.asOf });
    for (const k of KEYS) markSynced(k, 1);
    const others = ['contoso', 'fabrikam', 'northwind'] as const;
    expect(
      others.flatMap((k) => runOf(outcome, k).map((r) => `${k}: ${r.status}`)),
      await s.explain(outcome),
    ).toEqual(others.map((k) => expect.stringMatching(new RegExp(`^${k}: (success|warning)$`))));
    for (const k of others) {
      await expectStates(k, '2026-01-31', 'after January');
      await expectMoney(k, '2026-01', 'after January');
    }
    // Tailspin: either its sync re-created the product itself (README: a customer sync creates the products its
    // invoices need) and its contract carries January, or its run says clearly that the product is missing.
    const runs = runOf(outcome, 'tailspin');
    tailspinM2 = runs.length ? messagesOf(await show(s, runs[0]!.runId)).join('\n') : '(no run)';
    expect(runs.map((r) => r.status)).toHaveLength(1);
    if (runs[0]!.status === 'error')
      expect
        .soft(tailspinM2, 'an error must say the product is gone and what to do')
        .toMatch(/delet|not found|does not exist|no longer|missing|product sync/i);
    else {
      const [again] = await productOf(BASIC);
      expect(again?.id, 'a re-created product has a new id').not.toBe(ids.basicDeleted);
      await expectStates('tailspin', '2026-01-31', 'after January (product re-created by the customer sync)');
      await expectMoney('tailspin', '2026-01', 'after January');
      await expectLiveProducts('tailspin', 'after January');
    }
  });

  it('January: deleting the Business Premium product that contracts carry is refused by the PSA; the MSP sets it inactive', async () => {
    const del = await admin(s, 'DELETE', productPath(s, ids.bp!));
    expect(del.status, await del.text()).toBe(409);
    expect((await productById(ids.bp!))?.active).toBe(true);
    const res = at
      ? await admin(s, 'POST', `/services/${ids.bp}/deactivate`)
      : await admin(s, 'PATCH', productPath(s, ids.bp!), { inactiveFlag: true });
    expect(res.status, await res.text()).toBe(200);
    expect((await productById(ids.bp!))?.active).toBe(false);
    await expectRerunWritesNothing(MONTHS[1]!.asOf, ['tailspin']);
  });

  it('February: product sync re-creates Basic (new id), updates the renamed E3 (by id) and the inactive Business Premium (stays inactive)', async () => {
    await importMonth(2);
    const prods = await s.syncProducts({ asOf: MONTHS[2]!.asOf });
    expect(prods.code, await s.explain(prods)).toBe(0);
    const basic = await productOf(BASIC);
    expect(basic.map((p) => [p.active, cents(p.price), cents(p.cost)])).toEqual([[true, '7.20', '6.00']]);
    expect(basic[0]!.id, 'R-3: re-created with a new id').not.toBe(ids.basicDeleted);
    ids.basic = basic[0]!.id;
    // R-2 / section 4: only price and cost follow the list; the MSP's name stays (15 Feb rise: 39.00 / 33.00).
    const e3 = await productById(ids.e3!);
    expect([e3?.name, e3?.active, cents(e3?.price), cents(e3?.cost)]).toEqual([
      RENAMED,
      true,
      '39.00',
      '33.00',
    ]);
    if (at)
      expect(
        (await products(s)).filter((p) => p.name === nameOf(E3)),
        'no second E3 service',
      ).toEqual([]);
    else
      expect(
        (await productOf(E3)).map((p) => p.id),
        'no second E3 item',
      ).toEqual([ids.e3]);
    // the inactive one keeps price/cost synced (1 Mar rise: 32.00 / 27.00) and stays inactive.
    const bp = await productOf(BP);
    expect(bp.map((p) => [p.id, p.active, cents(p.price), cents(p.cost)])).toEqual([
      [ids.bp, false, '32.00', '27.00'],
    ]);
    // The product sync again: nothing to write.
    const writes = s.writes();
    const again = await s.syncProducts({ asOf: MONTHS[2]!.asOf });
    expect(again.code, await s.explain(again)).toBe(0);
    expect(productRuns(again).map((r) => [r.status, r.writes])).toEqual([['no_change', 0]]);
    expect(s.writes()).toBe(writes);
  });

  it('February: customers keep syncing on the inactive and renamed products; Tailspin caught up once on the re-created Basic', async () => {
    outcome = await s.syncCustomers({ asOf: MONTHS[2]!.asOf });
    for (const k of KEYS) markSynced(k, 2);
    // ConnectWise takes no new addition of an inactive catalog item, and a month's change is a new addition
    // (decision 0012): Contoso's and Fabrikam's runs are errors that say to activate it; their agreements keep
    // billing the earlier addition meanwhile (never nothing). The next step activates it.
    const keys = at
      ? (['contoso', 'fabrikam', 'northwind', 'tailspin'] as const)
      : (['northwind', 'tailspin'] as const);
    if (!at)
      for (const k of ['contoso', 'fabrikam'] as const) {
        const runs = runOf(outcome, k);
        expect(runs.map((r) => r.status)).toEqual(['error']);
        expect(messagesOf(await show(s, runs[0]!.runId)).join('\n')).toMatch(
          /inactive in ConnectWise.*Activate it/,
        );
      }
    expect
      .soft(
        keys.flatMap((k) => runOf(outcome, k).map((r) => `${k}: ${r.status}`)),
        `${await s.explain(outcome)}\n(Tailspin in January said: ${tailspinM2})`,
      )
      .toEqual(keys.map((k) => expect.stringMatching(new RegExp(`^${k}: (success|warning)$`))));
    for (const k of keys) {
      await expectStates(k, '2026-02-28', 'after February');
      await expectMoney(k, '2026-02', 'after February');
      await expectLiveProducts(k, 'after February');
    }
  });

  it('February: Northwind gets the R-8 warnings for the 15 Feb cost and retail change (not prorated)', async () => {
    const runs = runOf(outcome, 'northwind');
    expect(runs.map((r) => r.status)).toEqual(['warning']);
    const texts = messagesOf(await show(s, runs[0]!.runId));
    expect
      .soft(texts.join('\n'))
      .toContain('Subscription cost unit price changed from 30.00 to 33.00 on 15 Feb 2026');
    expect
      .soft(texts.join('\n'))
      .toContain('Subscription retail unit price changed from 36.00 to 39.00 on 15 Feb 2026');
  });

  it('February: Woodgrove (a new buyer of the inactive Business Premium): the PSA refuses the line; the run says so and what to do', async () => {
    const runs = runOf(outcome, 'woodgrove');
    expect(runs.map((r) => r.status)).toEqual(['error']);
    woodgroveMessages = messagesOf(await show(s, runs[0]!.runId));
    const text = woodgroveMessages.join('\n');
    expect.soft(text, 'names the inactive product').toMatch(/inactive/i);
    expect.soft(text, 'says what to do').toMatch(/activate|reactivate|active again/i);
    expect(await psaPicture(s, contractOf('woodgrove'))).toBe(at ? '[[],[]]' : '[]');
    await expectRerunWritesNothing(
      MONTHS[2]!.asOf,
      at ? ['woodgrove'] : ['woodgrove', 'contoso', 'fabrikam'],
    );
  });

  if (!at)
    it('February, ConnectWise: the MSP activates the catalog item; the next sync puts Contoso and Fabrikam right, once', async () => {
      await admin(s, 'PATCH', productPath(s, ids.bp!), { inactiveFlag: false });
      outcome = await s.syncCustomers({ asOf: MONTHS[2]!.asOf });
      for (const k of ['contoso', 'fabrikam'] as const) {
        expect(
          runOf(outcome, k).map((r) => r.status),
          await s.explain(outcome),
        ).toEqual([expect.stringMatching(/^(success|warning)$/)]);
        await expectStates(k, '2026-02-28', 'after activating');
        await expectMoney(k, '2026-02', 'after activating');
      }
    });

  it('March: every seat-day billed once at the right prices over four months; the products untouched; a re-run writes nothing', async () => {
    await importMonth(3);
    const prods = await s.syncProducts({ asOf: MONTHS[3]!.asOf });
    expect(prods.code, await s.explain(prods)).toBe(0);
    expect(productRuns(prods).map((r) => r.writes)).toEqual([0]);
    outcome = await s.syncCustomers({ asOf: MONTHS[3]!.asOf });
    for (const k of KEYS) markSynced(k, 3);
    const keys = ['contoso', 'fabrikam', 'northwind', 'tailspin'] as const;
    expect
      .soft(
        keys.flatMap((k) => runOf(outcome, k).map((r) => `${k}: ${r.status}`)),
        await s.explain(outcome),
      )
      .toEqual(keys.map((k) => expect.stringMatching(new RegExp(`^${k}: (success|warning|no_change)$`))));
    for (const k of keys) {
      await expectStates(k, '2026-03-31', 'after March');
      await expectMoney(k, '2026-03', 'after March');
      await expectLiveProducts(k, 'after March');
    }
    // Autotask: still inactive, Woodgrove still refused. ConnectWise: active again since February, Woodgrove's
    // line is there now.
    expect(runOf(outcome, 'woodgrove').map((r) => r.status)).toEqual(
      at ? ['error'] : [expect.stringMatching(/^(success|warning)$/)],
    );
    expect((await productById(ids.bp!))?.active, 'Business Premium inactive on Autotask only').toBe(!at);
    expect((await productById(ids.e3!))?.name).toBe(RENAMED);
    await expectRerunWritesNothing(MONTHS[3]!.asOf, at ? ['woodgrove'] : []);
  });
});

describe('the expectations, by hand', () => {
  it('seats and money of the invoices', () => {
    const all = (k: Key) => LINES[k].filter((l) => l.length);
    expect(
      ['2025-12-14', '2025-12-15', '2026-01-20', '2026-03-25'].map((d) => seatsOn(all('contoso'), d)),
    ).toEqual([10, 12, 9, 14]);
    // Contoso December: (10 x 14 + 12 x 17) x 31 / 31.
    expect(cents(monthMoney('contoso', all('contoso'), '2025-12'))).toBe('344.00');
    // Northwind December: 5 seats from the 15th at 36.00: 5 x 17 x 36 / 31; February keeps 36.00 after the
    // 15 Feb rise: (7 x 19 + 6 x 9) x 36 / 28; March at 39.00: 6 x 31 x 39 / 31.
    expect(cents(monthMoney('northwind', all('northwind'), '2025-12'))).toBe(cents(dec(5 * 17 * 36).div(31)));
    expect(cents(monthMoney('northwind', all('northwind'), '2026-02'))).toBe(cents(dec(187 * 36).div(28)));
    expect(cents(monthMoney('northwind', all('northwind'), '2026-03'))).toBe('234.00');
    // Tailspin January: (4 x 9 + 6 x 22) x 7.20 / 31.
    expect(cents(monthMoney('tailspin', all('tailspin'), '2026-01'))).toBe(cents(dec('1209.60').div(31)));
    expect(seatsOn(all('tailspin'), '2025-12-31')).toBe(0);
  });
});
