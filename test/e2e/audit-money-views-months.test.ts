import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decimal } from '../../src/core/money/decimal';
import { dec, ZERO } from '../../src/core/money/decimal';
import type { Clock } from '../../src/core/time/clock';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { createPool, type Pool } from '../../src/db/pool';
import { ALLOW_LOCAL_ENV } from '../../src/http';
import { loadConfig } from '../../src/runtime/config';
import { loadSecretBox } from '../../src/runtime/secret-box';
import { createTargetOpener } from '../../src/runtime/targets';
import { buildApp } from '../../src/server/app';
import type {
  LeakageWire,
  ReconChartWire,
  ReconCustomerWire,
  ReconMonthWire,
} from '../../src/services/reports/reconciliation-schemas';
import type { OverviewWire } from '../../src/services/sync/report-schemas';
import { login } from '../support/app';
import { IDS } from '../support/autotask-world';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  type ScenarioTarget,
  type SyncOutcome,
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
import { BASIC, E3, FABRIKAM, NORTHWIND, subscription } from '../support/months-data';

/**
 * Audit (spec §9 "Reconciliation", §7 dashboard / history / run statuses), from the spec and decisions 0008, 0012,
 * 0016 only, on BOTH PSAs, five invoices (December 2025 to April 2026) synced one after the other through the CLI
 * (in process), the money views read with `billsync --json recon` and the HTTP API the web uses.
 *
 * - Contoso (two offers + Azure): Business Premium 10 seats, 10 -> 12 on 15 Jan (Autotask: January approved and
 *   posted first, so the day is locked and booked as a one-time charge); Office 365 E3 2 seats, 2 -> 3 on 20 Feb;
 *   Azure usage Dec 100.50, Jan 80.25, none in Feb, Mar 60.00 at a 10 % Azure markup (billed in M+1).
 * - Fabrikam: Business Basic 5 seats; the list retail goes 7.20 -> 7.80 on 15 Feb (R-8: February keeps 7.20,
 *   March 7.80); January is re-issued after February's sync with 6 seats from 20 Jan.
 * - Northwind: Business Premium 3 seats, 3 -> 4 on 10 Feb; mapped only in March with sync start 1 Mar (its first
 *   synced invoice is February's, issued 7 Mar); before that its spend is leakage.
 * After March: a quantity edited by hand on Northwind's line and a price edited by hand on Contoso's E3 line
 * must show as discrepancies of exactly those customers in March; a sync puts them right.
 *
 * After every step, per customer and period: cost = the synced invoice lines (Microsoft's subtotals, computed
 * here), expected = seats per day x the period's retail (+ Azure total x 1.10 half-up), billed = what the PSA
 * really bills (read back from the emulator: month P's licences and the Azure line billed on the 1st of P+1) to
 * the cent, and a re-run writes nothing.
 */

type Key = 'contoso' | 'fabrikam' | 'northwind';
const KEYS: readonly Key[] = ['contoso', 'fabrikam', 'northwind'];
const CUSTOMER: Record<Key, CustomerSpec> = { contoso: CONTOSO, fabrikam: FABRIKAM, northwind: NORTHWIND };
const SYNC_START: Record<Key, string> = {
  contoso: '2026-01-01',
  fabrikam: '2026-01-01',
  northwind: '2026-03-01',
};

const C_BP = subscription(CONTOSO, BUSINESS_PREMIUM, 'c1000000-0000-4000-8000-0000000000c1', '2025-12-01');
const C_E3 = subscription(CONTOSO, E3, 'c3000000-0000-4000-8000-0000000000c3', '2025-12-01');
const F_BA = subscription(FABRIKAM, BASIC, 'f1000000-0000-4000-8000-0000000000f1', '2025-12-01');
const N_BP = subscription(NORTHWIND, BUSINESS_PREMIUM, 'a1000000-0000-4000-8000-0000000000a1', '2025-12-01');

const month = (m: string, last: number) => [`${m}-01`, `${m}-${String(last).padStart(2, '0')}`] as const;
const DEC = month('2025-12', 31);
const JAN = month('2026-01', 31);
const FEB = month('2026-02', 28);
const MAR = month('2026-03', 31);
const APR = month('2026-04', 30);

interface Invoice {
  number: string;
  period: string;
  lines: ReconLineSpec[];
}
const INVOICES: Invoice[] = [
  {
    number: 'G000001212',
    period: '2025-12',
    lines: [
      C_BP.cycle(...DEC, 10, '20.00'),
      C_E3.cycle(...DEC, 2, '30.00'),
      azurePlanLine('2025-12', '100.50', CONTOSO),
      F_BA.cycle(...DEC, 5, '6.00'),
      N_BP.cycle(...DEC, 3, '20.00'),
    ],
  },
  {
    number: 'G000002601',
    period: '2026-01',
    lines: [
      C_BP.cycle(...JAN, 10, '20.00'),
      ...C_BP.change('2026-01-15', JAN[1], 10, 12, '20.00'),
      C_E3.cycle(...JAN, 2, '30.00'),
      azurePlanLine('2026-01', '80.25', CONTOSO),
      F_BA.cycle(...JAN, 5, '6.00'),
      N_BP.cycle(...JAN, 3, '20.00'),
    ],
  },
  {
    number: 'G000002602',
    period: '2026-02',
    lines: [
      C_BP.cycle(...FEB, 12, '20.00'),
      C_E3.cycle(...FEB, 2, '30.00'),
      ...C_E3.change('2026-02-20', FEB[1], 2, 3, '30.00'),
      F_BA.cycle(...FEB, 5, '6.00'),
      N_BP.cycle(...FEB, 3, '20.00'),
      ...N_BP.change('2026-02-10', FEB[1], 3, 4, '20.00'),
    ],
  },
  {
    number: 'G000002603',
    period: '2026-03',
    lines: [
      C_BP.cycle(...MAR, 12, '20.00'),
      C_E3.cycle(...MAR, 3, '30.00'),
      azurePlanLine('2026-03', '60.00', CONTOSO),
      F_BA.cycle(...MAR, 5, '6.00'),
      N_BP.cycle(...MAR, 4, '20.00'),
    ],
  },
  {
    number: 'G000002604',
    period: '2026-04',
    lines: [
      C_BP.cycle(...APR, 12, '20.00'),
      C_E3.cycle(...APR, 3, '30.00'),
      F_BA.cycle(...APR, 5, '6.00'),
      N_BP.cycle(...APR, 4, '20.00'),
    ],
  },
];
/** January re-issued (same number): Fabrikam had 6 Business Basic seats from 20 January. */
const JANUARY_CORRECTED: ReconLineSpec[] = [
  ...INVOICES[1]!.lines,
  ...F_BA.change('2026-01-20', JAN[1], 5, 6, '6.00'),
];

/** Business Basic's list retail changes inside February (R-8); the other prices stay. */
const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10' },
  { offer: E3, cost: '30.00', erp: '34.00' },
  { offer: BASIC, cost: '6.00', erp: '7.20', end: '2026-02-14' },
  { offer: BASIC, cost: '6.00', erp: '7.80', start: '2026-02-15' },
];
const AZURE_MARKUP = '10';

// ------------------------------------------------------------------------------- the expectations (spec)

const isAzure = (l: ReconLineSpec) => l.offer?.productId === AZURE_PLAN_OFFER.productId;
const daysOf = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
const dim = (period: string) => daysInMonth(Number(period.slice(0, 4)), Number(period.slice(5, 7)));

/** Microsoft's subtotal of a line of a calendar-month subscription. */
function subtotalOf(l: ReconLineSpec): Decimal {
  if (l.subtotal !== undefined) return dec(l.subtotal);
  const days = daysOf(l.chargeStart, l.chargeEnd);
  const cycle = dim(l.chargeStart.slice(0, 7));
  // EffectiveUnitPrice = price x days left / cycle days, half-up to cents; subtotal = ROUNDDOWN(it, 2) x quantity.
  const unit = dec(l.unitPrice).times(dec(days)).div(dec(cycle)).round(2, 1);
  return unit.times(dec(l.quantity)).times(dec(l.reversal ? -1 : 1));
}

/** The retail of a period: the list's price on the period's first day (R-8: no proration inside a period). */
function retailOf(offer: OfferSpec, period: string): Decimal {
  if (offer === E3) return dec('34.00');
  if (offer === BASIC) return dec(`${period}-01` < '2026-02-15' ? '7.20' : '7.80');
  return dec('23.10');
}

const halfUp = (d: Decimal) => d.round(2, 1);

class Model {
  /** Invoice number -> its current lines (a re-issue replaces them). */
  readonly lines = new Map<string, ReconLineSpec[]>();
  /** Per customer, the invoice numbers synced to the PSA. */
  readonly synced: Record<Key, Set<string>> = {
    contoso: new Set(),
    fabrikam: new Set(),
    northwind: new Set(),
  };

  syncedLines(k: Key): ReconLineSpec[] {
    return [...this.synced[k]].flatMap((n) =>
      (this.lines.get(n) ?? []).filter((l) => l.customer === CUSTOMER[k]),
    );
  }

  seats(k: Key, offer: OfferSpec, day: string): number {
    return this.syncedLines(k)
      .filter((l) => l.offer === offer && l.chargeStart <= day && day <= l.chargeEnd)
      .reduce((n, l) => n + (l.reversal ? -l.quantity : l.quantity), 0);
  }

  /** The figures of a customer's period (raw, not rounded): licences of the period + Azure usage of the period. */
  figures(k: Key, period: string): { cost: Decimal; expected: Decimal; lines: number } {
    const mine = this.syncedLines(k).filter((l) => l.chargeStart.slice(0, 7) === period);
    const cost = mine.reduce((t, l) => t.plus(subtotalOf(l)), ZERO);
    let expected = ZERO;
    const first = parsePlainDate(`${period}-01`);
    for (const offer of new Set(mine.filter((l) => !isAzure(l)).map((l) => l.offer!)))
      for (let day = first; day < addMonths(first, 1); day = addDays(day, 1))
        expected = expected.plus(
          dec(this.seats(k, offer, day))
            .times(retailOf(offer, period))
            .div(dec(dim(period))),
        );
    for (const l of mine.filter(isAzure))
      expected = expected.plus(
        halfUp(
          subtotalOf(l)
            .times(dec(100 + Number(AZURE_MARKUP)))
            .div(dec(100)),
        ),
      );
    return { cost, expected, lines: mine.length };
  }
}

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
const AZURE_SKU = `${AZURE_PLAN_OFFER.productId}:${AZURE_PLAN_OFFER.skuId}`;
const sku = (o: OfferSpec) => `${o.productId}:${o.skuId}`;

/** A mutable clock for the HTTP app: "today" follows the scenario's --as-of. */
function stepClock(): Clock & { set(day: string): void } {
  let day = '2026-01-08';
  return {
    now: () => `${day}T12:00:00.000Z`,
    today: () => parsePlainDate(day),
    set(d: string) {
      day = d;
    },
  };
}

describe.each(['autotask', 'connectwise'] as const)('money views over months on %s', (target) => {
  const at = target === 'autotask';
  const place = PLACES[target];
  const model = new Model();
  const statuses: Record<Key, string[]> = { contoso: [], fabrikam: [], northwind: [] };
  let s: CliScenario<ScenarioTarget>;
  let app: FastifyInstance;
  let pool: Pool;
  const clock = stepClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'billsync-audit-money-views-'));
  const allowLocal = process.env[ALLOW_LOCAL_ENV];
  /** Hand edits: per customer and period, what the PSA bills over the spec (until billsync puts it right). */
  const handEdits = new Map<string, Decimal>();

  const tflag = at ? [] : ['--target', 'connectwise'];
  const recon = <T>(...args: string[]) => s.json<T>('recon', ...tflag, ...args);
  let asOf = '2026-01-08';

  beforeAll(async () => {
    process.env[ALLOW_LOCAL_ENV] = '1';
    s = await createCliScenario<ScenarioTarget>({
      target,
      now: '2026-01-08T09:00:00Z',
      seed: { extraCustomers: 2 },
      inProcess: true,
    });
    await s.setup(['--azure', 'on', '--azure-markup', AZURE_MARKUP]);
    await s.importPriceList(priceListFile(s.dir, PRICES));
    pool = createPool(s.db.url, 3);
    const env = {
      ...process.env,
      DATABASE_URL: s.db.url,
      BILLSYNC_DATA_DIR: dataDir,
      BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
      AUTOTASK_DISCOVERY_URL: `${s.base}/ATServicesRest/`,
      AUTOTASK_SECRET: '',
      CONNECTWISE_PRIVATE_KEY: '',
      [ALLOW_LOCAL_ENV]: '1',
    };
    const config = loadConfig(env);
    const box = loadSecretBox(config);
    app = await buildApp(
      { config, pool, box, clock, openTarget: createTargetOpener({ pool, box, env }) },
      { logger: false },
    );
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await s?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (allowLocal === undefined) delete process.env[ALLOW_LOCAL_ENV];
    else process.env[ALLOW_LOCAL_ENV] = allowLocal;
  });

  async function api<T>(url: string): Promise<T> {
    const agent = await login(app, 'admin@msp.example', 'correct horse 1');
    const res = await agent.request('GET', url);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json as T;
  }

  const importInvoice = (i: Invoice, lines = i.lines, file?: string) => {
    model.lines.set(i.number, lines);
    return s.importInvoice(reconFile(s.dir, i.number, lines, file));
  };

  async function sync(day: string): Promise<SyncOutcome> {
    asOf = day;
    clock.set(day);
    const products = await s.syncProducts({ asOf: day });
    expect(products.code, await s.explain(products)).toBe(0);
    const run = await s.syncCustomers({ asOf: day });
    for (const r of run.runs) {
      const k = KEYS.find((x) => CUSTOMER[x].tenantId === r.tenantId);
      if (k) statuses[k].push(r.status);
    }
    return run;
  }
  const statusOf = (o: SyncOutcome, k: Key) =>
    o.runs.find((r) => r.tenantId === CUSTOMER[k].tenantId)?.status;

  /** Marks what a sync at `day` syncs per spec §6: every invoice issued (7th of M+1) on or after the start. */
  function markSynced(keys: readonly Key[]): void {
    for (const k of keys)
      for (const i of INVOICES) {
        const issued = `${addMonths(parsePlainDate(`${i.period}-01`), 1).slice(0, 7)}-07`;
        if (model.lines.has(i.number) && issued >= SYNC_START[k]) model.synced[k].add(i.number);
      }
  }

  async function rerun(): Promise<void> {
    await expectRerunWritesNothing(s, asOf);
    for (const k of mapped) statuses[k].push('no_change');
  }
  const mapped = new Set<Key>();
  async function map(k: Key): Promise<void> {
    await s.map(CUSTOMER[k].tenantId, { ...place[k], syncStart: SYNC_START[k] });
    mapped.add(k);
  }

  /** What the PSA bills a customer for period P: month P minus the Azure line billed in P, plus P+1's Azure line. */
  async function psaBilled(k: Key, period: string): Promise<Decimal> {
    const next = addMonths(parsePlainDate(`${period}-01`), 1).slice(0, 7);
    const split = async (m: string) => {
      if (at) {
        const bill = await s.readback.billedPerMonth(place[k].contract, m);
        const azure = (bill as { services: { serviceName: string; amount: Decimal }[] }).services
          .filter((x) => x.serviceName === `PC_${AZURE_SKU}`)
          .reduce((t, x) => t.plus(x.amount), ZERO);
        return { total: bill.total, azure };
      }
      const bill = await (s as CliScenario<'connectwise'>).readback.billedPerMonth(place[k].contract, m);
      const azure = bill.lines
        .filter((l) => l.product === AZURE_SKU)
        .reduce((t, l) => t.plus(l.amount), ZERO);
      return { total: bill.total, azure };
    };
    const [now, after] = await Promise.all([split(period), split(next)]);
    return now.total.minus(now.azure).plus(after.azure);
  }

  /**
   * Every period so far: each mapped customer's row (cost and expected to the cent from the invoices, billed to the
   * cent what the PSA bills and within a cent per invoice line of expected), flags only where a hand edit is, the
   * month's totals the sum of the rows; a customer not mapped is leakage with its spend.
   */
  async function checkPeriods(periods: readonly string[], refresh = false): Promise<void> {
    for (const period of periods) {
      const view = await recon<ReconMonthWire>(
        '--period',
        period,
        '--as-of',
        asOf,
        ...(refresh ? ['--refresh'] : []),
      );
      const shown = new Map(view.customers.map((c) => [c.tenantId, c]));
      let cost = ZERO;
      let expected = ZERO;
      let billed = ZERO;
      for (const k of KEYS) {
        const f = model.figures(k, period);
        const row = shown.get(CUSTOMER[k].tenantId);
        const label = `${target} ${period} ${k}`;
        if (f.lines === 0) {
          expect(row, `${label}: no synced invoice line, no row`).toBeUndefined();
          continue;
        }
        expect(row, `${label}: a row`).toBeDefined();
        const extra = handEdits.get(`${k}|${period}`) ?? ZERO;
        const psa = await psaBilled(k, period);
        expect
          .soft(
            {
              cost: row!.cost,
              expected: row!.expected,
              billed: row!.billed,
              margin: row!.margin,
              psa: halfUp(psa).toFixed(2),
            },
            label,
          )
          .toEqual({
            cost: halfUp(f.cost).toFixed(2),
            expected: halfUp(f.expected).toFixed(2),
            billed: row!.billed,
            margin: dec(row!.billed).minus(halfUp(f.cost)).toFixed(2),
            psa: row!.billed,
          });
        // What the PSA bills is the expected retail (to a cent per invoice line), plus what was edited by hand.
        expect
          .soft(
            dec(row!.billed)
              .minus(halfUp(f.expected))
              .minus(extra)
              .abs()
              .lte(dec('0.01').times(dec(f.lines))),
            `${label}: billed ${row!.billed} for expected ${halfUp(f.expected).toFixed(2)} + hand edits ${extra.toFixed(2)}`,
          )
          .toBe(true);
        const kinds = row!.flags.map((x) => x.kind);
        expect
          .soft(kinds, `${label} flags: ${JSON.stringify(row!.flags)}`)
          .toEqual([...(extra.eq(0) ? [] : ['differs']), ...pendingPriceChange(k, period)]);
        cost = cost.plus(dec(row!.cost));
        expected = expected.plus(dec(row!.expected));
        billed = billed.plus(dec(row!.billed));
      }
      expect
        .soft(view.customers.length, `${target} ${period}: rows`)
        .toBe(KEYS.filter((k) => model.figures(k, period).lines > 0).length);
      // The totals: the same figures (each rounded from the raw sums, so within a cent per row).
      for (const [name, sum] of [
        ['cost', cost],
        ['expected', expected],
        ['billed', billed],
      ] as const)
        expect
          .soft(
            dec(view.totals[name])
              .minus(sum)
              .abs()
              .lte(dec('0.01').times(dec(view.customers.length))),
            `${target} ${period} totals.${name}: ${view.totals[name]} vs rows ${sum.toFixed(2)}`,
          )
          .toBe(true);
    }
  }

  /**
   * Decision 0016: "price change" while a price changed inside the period (R-8) and the PSA does not carry the new
   * price from the next period yet; it cannot before the next period's invoice is synced (nothing written ahead).
   */
  const pendingPriceChange = (k: Key, period: string) =>
    k === 'fabrikam' && period === '2026-02' && !model.synced.fabrikam.has('G000002603')
      ? ['price-change']
      : [];

  /** Northwind before it is mapped: its whole spend of the period is leakage ("unmapped"). */
  async function expectNorthwindLeaks(period: string, cost: string): Promise<void> {
    const leak = await recon<LeakageWire>('--leakage', '--period', period, '--as-of', asOf);
    expect(
      leak.rows.map((r) => [r.reason, r.tenantId, r.cost]),
      `${target} ${period} leakage`,
    ).toEqual([['unmapped', NORTHWIND.tenantId, cost]]);
  }

  it('December: the first sync; cost, expected and billed per customer; Northwind (not mapped) is leakage', async () => {
    await importInvoice(INVOICES[0]!);
    await map('contoso');
    await map('fabrikam');
    const run = await sync('2026-01-08');
    expect(run.code, await s.explain(run)).toBe(0);
    expect([statusOf(run, 'contoso'), statusOf(run, 'fabrikam')]).toEqual(['success', 'success']);
    markSynced(['contoso', 'fabrikam']);
    // Contoso: 10 x 20.00 + 2 x 30.00 + 100.50 = 360.50; 10 x 23.10 + 2 x 34.00 + 110.55 (100.50 x 1.1) = 409.55.
    expect(model.figures('contoso', '2025-12').cost.toFixed(2)).toBe('360.50');
    expect(halfUp(model.figures('contoso', '2025-12').expected).toFixed(2)).toBe('409.55');
    await checkPeriods(['2025-12']);
    await expectNorthwindLeaks('2025-12', '60.00');
    await rerun();
  }, 240_000);

  it('January: a seat change on 15 Jan (Autotask: January posted first, a correction charge); Azure in arrears', async () => {
    if (at) {
      s.setClock('2026-02-01T09:00:00Z');
      await s.approveAndPost('2026-01-31', IDS.contract);
    }
    await importInvoice(INVOICES[1]!);
    const run = await sync('2026-02-08');
    expect([0, 2], await s.explain(run)).toContain(run.code);
    // A locked day booked as a charge is a warning on Autotask; a routine month-start charge on ConnectWise (0012).
    expect(statusOf(run, 'contoso')).toBe(at ? 'warning' : 'success');
    expect(statusOf(run, 'fabrikam')).toBe('no_change');
    markSynced(['contoso', 'fabrikam']);
    // Contoso's Business Premium: 200.00 - 10 x 10.97 + 12 x 10.97 = 221.94 (10.97 = ROUNDDOWN(20 x 17 / 31, 2)).
    expect(model.figures('contoso', '2026-01').cost.toFixed(2)).toBe(`${(221.94 + 60 + 80.25).toFixed(2)}`);
    await checkPeriods(['2025-12', '2026-01']);
    await expectNorthwindLeaks('2026-01', '60.00');
    await rerun();
  }, 240_000);

  it('February: E3 2 -> 3 on 20 Feb; Business Basic retail changes on 15 Feb (R-8: warned, February keeps 7.20)', async () => {
    await importInvoice(INVOICES[2]!);
    const run = await sync('2026-03-08');
    expect([0, 2], await s.explain(run)).toContain(run.code);
    expect(statusOf(run, 'contoso')).toBe('success');
    expect(statusOf(run, 'fabrikam')).toBe('warning');
    const detail = await s.json<{ lines: { messages: { level: string; text: string }[] }[] }>(
      'run',
      'show',
      run.runs.find((r) => r.tenantId === FABRIKAM.tenantId)!.runId,
    );
    expect(
      detail.lines.flatMap((l) => l.messages.filter((m) => m.level === 'warning').map((m) => m.text)),
    ).toEqual(['Subscription retail unit price changed from 7.20 to 7.80 on 15 Feb 2026']);
    markSynced(['contoso', 'fabrikam']);
    expect(halfUp(model.figures('fabrikam', '2026-02').expected).toFixed(2)).toBe('36.00');
    await checkPeriods(['2025-12', '2026-01', '2026-02']);
    // Northwind: 60.00 - 3 x 13.57 + 4 x 13.57 = 73.57 (13.57 = ROUNDDOWN(20 x 19 / 28, 2)).
    await expectNorthwindLeaks('2026-02', '73.57');
    await rerun();
  }, 240_000);

  it('a corrected re-issue of January, and Northwind mapped later (sync start 1 March: from the February invoice)', async () => {
    await importInvoice(INVOICES[1]!, JANUARY_CORRECTED, 'G000002601-corrected.csv');
    asOf = '2026-03-10';
    clock.set(asOf);
    // Before the sync: Fabrikam's January is not synced as re-issued, and the PSA bills less than it says.
    const before = await recon<ReconMonthWire>('--period', '2026-01', '--as-of', asOf);
    const fab = before.customers.find((c) => c.tenantId === FABRIKAM.tenantId)!;
    expect
      .soft(fab.flags.map((f) => f.kind).sort(), JSON.stringify(fab.flags))
      .toEqual(['differs', 'not-synced']);
    expect(
      before.customers.find((c) => c.tenantId === CONTOSO.tenantId)!.flags.map((f) => f.kind),
    ).not.toContain('differs');
    // Leakage: Northwind (not mapped yet) and the cost of the re-issue the PSA does not carry yet (32.32 - 30.00).
    const leak = await recon<LeakageWire>('--leakage', '--period', '2026-01', '--as-of', asOf);
    expect.soft(leak.rows.map((r) => [r.reason, r.tenantId, r.cost, r.action])).toEqual([
      ['unmapped', NORTHWIND.tenantId, '60.00', 'map'],
      ['not-synced', FABRIKAM.tenantId, '2.32', 'sync'],
    ]);
    await map('northwind');
    const run = await sync('2026-03-10');
    expect([0, 2], await s.explain(run)).toContain(run.code);
    expect(statusOf(run, 'fabrikam')).toBe('success');
    expect(statusOf(run, 'contoso')).toBe('no_change');
    expect(statusOf(run, 'northwind')).toBe('success');
    markSynced(['contoso', 'fabrikam', 'northwind']);
    // Fabrikam January: 30.00 + 1 x 2.32 (ROUNDDOWN(6 x 12 / 31, 2)); 36.00 + 7.20 x 12 / 31 = 38.79.
    expect(model.figures('fabrikam', '2026-01').cost.toFixed(2)).toBe('32.32');
    expect(halfUp(model.figures('fabrikam', '2026-01').expected).toFixed(2)).toBe('38.79');
    // Northwind's December and January invoices were issued before its sync start: never billed, no row.
    expect(model.figures('northwind', '2026-01').lines).toBe(0);
    await checkPeriods(['2025-12', '2026-01', '2026-02']);
    await rerun();
  }, 240_000);

  it('March: the new Basic retail from 1 March; Azure of March; all three customers clean', async () => {
    await importInvoice(INVOICES[3]!);
    const run = await sync('2026-04-08');
    expect(run.code, await s.explain(run)).toBe(0);
    expect(statusOf(run, 'contoso')).toBe('success');
    expect(statusOf(run, 'fabrikam')).toBe('success');
    expect(statusOf(run, 'northwind')).toBe('no_change');
    markSynced(KEYS);
    expect(halfUp(model.figures('fabrikam', '2026-03').expected).toFixed(2)).toBe('39.00');
    await checkPeriods(['2025-12', '2026-01', '2026-02', '2026-03']);
    await rerun();
  }, 240_000);

  it('edits behind billsync: a quantity on Northwind, a price on Contoso E3 show for exactly that customer and March', async () => {
    const extraNorthwind = await editQuantity();
    const extraContoso = await editPrice();
    handEdits.set('northwind|2026-03', extraNorthwind);
    handEdits.set('contoso|2026-03', extraContoso);
    // The cached reading knows nothing of it; a refresh reads the PSA again.
    await checkPeriods(['2026-03'], true);
    await checkPeriods(['2025-12', '2026-01', '2026-02']);
    const contoso = await recon<ReconCustomerWire>(
      '--customer',
      CONTOSO.tenantId,
      '--period',
      '2026-03',
      '--as-of',
      asOf,
    );
    expect(
      contoso.offers
        .filter((o) => o.flags.length > 0)
        .map((o) => [o.offerKey.split('|')[0], o.flags[0]!.kind]),
    ).toEqual([[E3.productId, 'differs']]);
    // The dashboard chart says the same for March.
    const chart = await api<ReconChartWire>(`/api/reconciliation/chart?target=${target}`);
    const march = await recon<ReconMonthWire>('--period', '2026-03', '--as-of', asOf);
    expect(chart.months.find((m) => m.period === '2026-03')).toMatchObject({
      billed: march.totals.billed,
      expected: march.totals.expected,
      cost: march.totals.cost,
    });

    // The next sync writes the difference back; then March agrees again everywhere.
    const run = await sync('2026-04-09');
    expect([0, 2], await s.explain(run)).toContain(run.code);
    // Autotask: the edited days already carry a change (locked): put right the day after, the day charged (warning).
    expect(statusOf(run, 'northwind')).toBe(at ? 'warning' : 'success');
    expect(statusOf(run, 'contoso')).toBe(at ? 'warning' : 'success');
    expect(statusOf(run, 'fabrikam')).toBe('no_change');
    handEdits.clear();
    await checkPeriods(['2025-12', '2026-01', '2026-02', '2026-03']);
    await rerun();
  }, 240_000);

  /** Someone adds a Business Premium seat to Northwind's line by hand from 20 March; what March bills more. */
  async function editQuantity(): Promise<Decimal> {
    if (at) {
      const rb = (s as CliScenario<'autotask'>).readback;
      const line = (await rb.contractServices(place.northwind.contract)).find(
        (l) => l.serviceName === `PC_${sku(BUSINESS_PREMIUM)}`,
      )!;
      await rb.client._post(`/Contracts/${place.northwind.contract}/ServiceAdjustments`, {
        contractID: place.northwind.contract,
        serviceID: line.serviceId,
        contractServiceID: line.id,
        effectiveDate: '2026-03-20T00:00:00',
        unitChange: 1,
        allowRepeatService: false,
      });
      return dec('23.10').times(dec(12)).div(dec(31));
    }
    const addition = await marchAddition(place.northwind.contract, sku(BUSINESS_PREMIUM));
    await patchAddition(addition.id, { quantity: Number(addition.quantity.toFixed()) + 1 });
    return dec('23.10');
  }

  /** Someone edits the E3 price on Contoso's line by hand to 40.00 (Autotask: from 10 March). */
  async function editPrice(): Promise<Decimal> {
    if (at) {
      const rb = (s as CliScenario<'autotask'>).readback;
      const line = (await rb.contractServices(place.contoso.contract)).find(
        (l) => l.serviceName === `PC_${sku(E3)}`,
      )!;
      await rb.client._post(`/Contracts/${place.contoso.contract}/ServiceAdjustments`, {
        contractID: place.contoso.contract,
        serviceID: line.serviceId,
        contractServiceID: line.id,
        effectiveDate: '2026-03-10T00:00:00',
        unitChange: 0,
        adjustedUnitPrice: 40,
        adjustedUnitCost: 30,
        allowRepeatService: false,
      });
      return dec(3).times(dec('6.00')).times(dec(22)).div(dec(31));
    }
    const addition = await marchAddition(place.contoso.contract, sku(E3));
    await patchAddition(addition.id, { unitPrice: 40 });
    return dec(3).times(dec('6.00'));
  }

  async function marchAddition(agreement: number, product: string) {
    const all = await (s as CliScenario<'connectwise'>).readback.additions(agreement);
    const found = all.filter(
      (a) =>
        a.product === product &&
        !(a.serialNumber ?? '').startsWith('billsync-charge') &&
        a.effectiveDate <= '2026-03-01' &&
        (a.cancelledDate === null || a.cancelledDate >= '2026-03-31'),
    );
    expect(found, JSON.stringify(all)).toHaveLength(1);
    return found[0]!;
  }

  async function patchAddition(id: number, body: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${s.base}/_emulator/entities/additions/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.text()).toBe(200);
  }

  it('April: every period agrees; the 12-month chart, the dashboard cards and History say the same', async () => {
    await importInvoice(INVOICES[4]!);
    const run = await sync('2026-05-08');
    expect(run.code, await s.explain(run)).toBe(0);
    markSynced(KEYS);
    const periods = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04'];
    await checkPeriods(periods);
    await rerun();

    // The 12-month chart: May 2025 to April 2026, nothing before December, each month the month view's totals.
    const chart = await api<ReconChartWire>(`/api/reconciliation/chart?target=${target}`);
    expect(chart.months.map((m) => m.period)).toEqual([
      ...['2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11'],
      ...periods,
    ]);
    for (const m of chart.months.slice(0, 7))
      expect([m.cost, m.billed, m.expected]).toEqual(['0.00', '0.00', '0.00']);
    for (const period of periods) {
      const view = await recon<ReconMonthWire>('--period', period, '--as-of', asOf);
      // The chart adds up the month's rows (each offer's month in cents, as the PSA bills a line): the month view's
      // totals, whose rows checkPeriods compared with the invoices.
      expect
        .soft(
          chart.months.find((m) => m.period === period),
          `${target} chart ${period}`,
        )
        .toMatchObject({
          cost: view.totals.cost,
          expected: view.totals.expected,
          billed: view.totals.billed,
          margin: view.totals.margin,
        });
    }
    // One customer's chart is its own rows.
    const northwind = await api<ReconChartWire>(
      `/api/reconciliation/chart?target=${target}&tenantId=${NORTHWIND.tenantId}`,
    );
    expect(northwind.months.filter((m) => m.cost !== '0.00').map((m) => [m.period, m.cost])).toEqual(
      ['2026-02', '2026-03', '2026-04'].map((p) => [
        p,
        halfUp(model.figures('northwind', p).cost).toFixed(2),
      ]),
    );

    // History: every customer run, oldest first, with the statuses each step expected (a re-run is No Change).
    const runs = await api<{
      items: { tenantId: string | null; status: string; kind: string; finishedAt: string | null }[];
    }>(`/api/runs?target=${target}&limit=500`);
    const history = [...runs.items].reverse();
    for (const k of KEYS)
      expect
        .soft(
          history
            .filter((r) => r.kind === 'customer' && r.tenantId === CUSTOMER[k].tenantId)
            .map((r) => r.status),
          `${target} History of ${k}`,
        )
        .toEqual(statuses[k]);
    expect(statuses.contoso).toEqual([
      'success',
      'no_change',
      at ? 'warning' : 'success',
      'no_change',
      'success',
      'no_change',
      'no_change',
      'no_change',
      'success',
      'no_change',
      at ? 'warning' : 'success',
      'no_change',
      // April: March's Azure line ends (Autotask: back to 0 on 1 May; ConnectWise: the addition ended with April).
      at ? 'success' : 'no_change',
      'no_change',
    ]);

    // The dashboard cards: last successful sync = the newest customer run that succeeded; latest runs all No Change.
    const overview = await api<OverviewWire>(`/api/reports/overview?target=${target}`);
    const customerRuns = history.filter((r) => r.kind === 'customer');
    const lastOk = customerRuns
      .filter((r) => ['success', 'warning', 'no_change'].includes(r.status))
      .map((r) => r.finishedAt!)
      .sort()
      .at(-1);
    expect(overview.customers).toMatchObject({
      total: 3,
      mapped: 3,
      syncOn: 3,
      latest: { no_change: 3 },
      lastSuccessAt: new Date(lastOk!).toISOString(),
    });
    const productRuns = history.filter((r) => r.kind === 'product');
    expect(productRuns.length).toBe(7);
    expect(productRuns[0]!.status).toBe('success');
    expect(overview.products.latestRun?.status).toBe(productRuns.at(-1)!.status);
    expect(overview.products.lastSuccessAt).toBe(
      new Date(
        productRuns
          .filter((r) => ['success', 'no_change'].includes(r.status))
          .map((r) => r.finishedAt!)
          .sort()
          .at(-1)!,
      ).toISOString(),
    );
  }, 240_000);
});
