import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import { createPax8Emulator, type Pax8Emulator, type Pax8Seed, pax8Scenario } from '../../emulators/pax8';
import type { WorkspaceId } from '../../src/core/ids';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { fixedClock } from '../../src/core/time/clock';
import { addDays, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { createPool, type Pool } from '../../src/db/pool';
import { SecretBox } from '../../src/runtime/secret-box';
import { type Pax8PullSummary, pullPax8Source } from '../../src/services/pax8/pull-source';
import { IDS } from '../support/autotask-world';
import {
  type AdditionView,
  type CliRun,
  type CliScenario,
  createCliScenario,
  type ScenarioTarget,
  type SyncOutcome,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import { BUSINESS_PREMIUM, priceListFile } from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';

/**
 * Audit of Pax8 as the source (decision 0017, reference pax8-api.md) over five Pax8 invoices (dated 1 Jan to 1 May
 * 2026, released on the 5th), pulled and synced month by month on the 10th, through the CLI (in process) into the
 * Autotask and the ConnectWise emulators. The Pax8 pull runs in process (`pullPax8Source`) with a clock on the
 * scenario's day (the CLI's pull takes the machine's clock, and Pax8's price list is dated by the pull day).
 *
 * Pax8 bills seats in advance: the invoice dated the 1st of M bills M's seats, plus the changes of M-1 over the
 * rest of M-1 (emulators/pax8/README.md). So a change on day D is known from the invoice dated the 1st after D.
 * Prices (Pax8 catalogue, month to month): Business Standard cost 12.75, suggested retail 15.00; Business Basic
 * 6.12 / 7.20; Business Premium 22.44 / 26.40.
 *
 * Contoso (cost and retail, sync start 1 Jan):
 *   BS  10 from 1 Jan, 14 from 20 Jan (on the Feb invoice), 12 from 10 Feb (on the Mar invoice).
 *   BB  5 from 1 Jan; the Feb invoice bills 6 by mistake (the history says 5): the pull holds those days (0017),
 *       and Pax8 credits it and re-issues it on 20 Feb with 5. Cancelled from 16 Mar (on the Apr invoice).
 *   Defender for Business 3 from 1 Mar: its product has no pricing in the Pax8 catalogue (not in the price list):
 *       an item error "Could not find source product or multiple matches", nothing else stops.
 *   On 15 Mar Pax8 raises BS's suggested retail to 16.50 (and BP's to 28.00): the pull of 15 Mar dates it; R-8:
 *       March keeps 15.00, April on 16.50, a warning `Subscription retail unit price changed from 15.00 to 16.50 on
 *       15 Mar 2026` for Contoso only (decision 0013 addendum: the others' strategies do not follow retail).
 * Fabrikam (new in month 3: its first line is on the Mar invoice; mapped on 10 Mar, sync start 1 Mar, cost only):
 *   BP  4 from 15 Feb (on the Mar invoice), 6 from 10 Mar (on the Apr invoice). Its line takes the PSA product's
 *       price (26.40) when created and keeps it after the list rises to 28.00 (R-11 "Only sync cost pricing").
 * Northwind (mapped from the start, sync start 25 Feb = R-10, don't sync any pricing):
 *   BS  3 from 1 Jan, 5 from 20 Feb (on the Mar invoice), 4 from 12 Apr (on the May invoice). The Jan and Feb
 *       invoices (and the 20 Feb re-issue) are issued before 25 Feb: never synced; the Mar invoice's +2 over
 *       20-28 Feb is synced (spec 6: seats = the synced lines covering the day): Feb bills 2 seats x 9 days.
 *       Its line is created at the product's price 15.00 / cost 12.75 and never re-priced.
 *
 * After every month: units per day (Autotask: every day; ConnectWise, decision 0012: every day carries its
 * month's 1st), price and cost of every row, and money billed per month per contract equal the Pax8 data to the
 * cent; a re-run writes nothing.
 */

// ---------------------------------------------------------------------------------------------------------------
// The Pax8 account.

function pax8Seed(priceRise: boolean): { seed: Pax8Seed; ids: Record<string, string> } {
  const s = pax8Scenario({ idPrefix: 'audit-pax8' });
  const contoso = s.company('Contoso Dental');
  const fabrikam = s.company('Fabrikam Inc');
  const northwind = s.company('Northwind Traders');
  const bs = s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 10 });
  s.changeSeats(bs, '2026-01-20', 14);
  s.changeSeats(bs, '2026-02-10', 12);
  const bb = s.subscribe(contoso, 'business-basic', { on: '2026-01-01', quantity: 5 });
  s.cancel(bb, '2026-03-16');
  s.correctInvoice('2026-02-01', { on: '2026-02-20', subscriptionId: bb, extraQuantity: 1 });
  s.subscribe(contoso, 'defender-business', { on: '2026-03-01', quantity: 3 });
  const bp = s.subscribe(fabrikam, 'business-premium', { on: '2026-02-15', quantity: 4 });
  s.changeSeats(bp, '2026-03-10', 6);
  const nbs = s.subscribe(northwind, 'business-standard', { on: '2026-01-01', quantity: 3 });
  s.changeSeats(nbs, '2026-02-20', 5);
  s.changeSeats(nbs, '2026-04-12', 4);
  const seed = s.build();
  for (const p of seed.products) {
    // Defender is not priced in the catalogue: not in the price list.
    if (p.name === 'Microsoft Defender for Business') p.pricing = [];
    if (!priceRise) continue;
    const rise =
      p.name === 'Microsoft 365 Business Standard'
        ? 16.5
        : p.name === 'Microsoft 365 Business Premium'
          ? 28
          : 0;
    if (!rise) continue;
    for (const row of p.pricing)
      if (row.billingTerm === 'Monthly' && row.commitmentTerm === null)
        for (const r of row.rates) r.suggestedRetailPrice = rise;
  }
  return { seed, ids: { contoso, fabrikam, northwind } };
}

// ---------------------------------------------------------------------------------------------------------------
// The expectations, from the data above.

type CustomerKey = 'contoso' | 'fabrikam' | 'northwind';
interface Step {
  from: string;
  seats: number;
  /** The invoice (its date) that bills it. */
  known: string;
}
interface LineSpec {
  customer: CustomerKey;
  label: string;
  /** The Pax8 SKU in the PSA product's name / vendor SKU. */
  sku: string;
  steps: Step[];
  price: (month: string) => string;
  cost: string;
}
const LINES: LineSpec[] = [
  {
    customer: 'contoso',
    label: 'Contoso BS',
    sku: 'MST-NCE-M365BS',
    steps: [
      { from: '2026-01-01', seats: 10, known: '2026-01-01' },
      { from: '2026-01-20', seats: 14, known: '2026-02-01' },
      { from: '2026-02-10', seats: 12, known: '2026-03-01' },
    ],
    price: (m) => (m <= '2026-03' ? '15.00' : '16.50'),
    cost: '12.75',
  },
  {
    customer: 'contoso',
    label: 'Contoso BB',
    sku: 'MST-NCE-M365BB',
    steps: [
      { from: '2026-01-01', seats: 5, known: '2026-01-01' },
      { from: '2026-03-16', seats: 0, known: '2026-04-01' },
    ],
    price: () => '7.20',
    cost: '6.12',
  },
  {
    customer: 'fabrikam',
    label: 'Fabrikam BP',
    sku: 'MST-NCE-M365BP',
    steps: [
      { from: '2026-02-15', seats: 4, known: '2026-03-01' },
      { from: '2026-03-10', seats: 6, known: '2026-04-01' },
    ],
    price: () => '26.40',
    cost: '22.44',
  },
  {
    customer: 'northwind',
    label: 'Northwind BS',
    sku: 'MST-NCE-M365BS',
    steps: [
      { from: '2026-02-20', seats: 2, known: '2026-03-01' },
      { from: '2026-03-01', seats: 5, known: '2026-03-01' },
      { from: '2026-04-12', seats: 4, known: '2026-05-01' },
    ],
    price: () => '15.00',
    cost: '12.75',
  },
];
/** The first invoice each customer syncs (its sync start, and for Fabrikam its first line). */
const FIRST_INVOICE: Record<CustomerKey, string> = {
  contoso: '2026-01-01',
  fabrikam: '2026-03-01',
  northwind: '2026-03-01',
};

const monthOf = (day: string) => day.slice(0, 7);
const lastDayOf = (month: string) =>
  `${month}-${String(daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)))).padStart(2, '0')}`;
const cents = (x: Decimal) => decimalFixed(x.round(2, 1), 2);

/** Seats of a line on a day once the invoices up to `latest` are synced (0 before the customer's first one). */
function seatsOn(line: LineSpec, latest: string, day: string): number {
  if (latest < FIRST_INVOICE[line.customer]) return 0;
  let n = 0;
  for (const s of line.steps) if (s.known <= latest && s.from <= day) n = s.seats;
  return n;
}

/** The months a stage decides for a customer: from January to the latest synced invoice's month. */
function decidedMonths(customer: CustomerKey, latest: string): string[] {
  if (latest < FIRST_INVOICE[customer]) return [];
  const out: string[] = [];
  for (let m = '2026-01'; m <= monthOf(latest); m = monthOf(addDays(parsePlainDate(lastDayOf(m)), 1)))
    out.push(m);
  return out;
}

/** A line's money in a month: seat-days x the month's price / days in the month. */
function lineMoney(line: LineSpec, latest: string, month: string): Decimal {
  const days = eachDay(`${month}-01`, lastDayOf(month));
  const seatDays = days.reduce((t, d) => t + seatsOn(line, latest, d), 0);
  return dec(seatDays)
    .times(dec(line.price(month)))
    .div(days.length);
}

describe('the expectations, by hand', () => {
  it('money per month from the Pax8 data', () => {
    const at = (c: CustomerKey, latest: string, month: string) =>
      cents(
        LINES.filter((l) => l.customer === c).reduce(
          (t, l) => t.plus(cents(lineMoney(l, latest, month))),
          ZERO,
        ),
      );
    // Contoso: Jan 10 x 15 + 5 x 7.20 = 186.00, then + 4 x 15 x 12/31 = 23.23; Feb 14 x 15 - 2 x 15 x 19/28 (20.36)
    // + 36.00; Mar 12 x 15 + 36.00 - 5 x 7.20 x 16/31 (18.58); Apr, May 12 x 16.50.
    expect(at('contoso', '2026-01-01', '2026-01')).toBe('186.00');
    expect(
      ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05'].map((m) => at('contoso', '2026-05-01', m)),
    ).toEqual(['209.23', '225.64', '197.42', '198.00', '198.00']);
    // Fabrikam: Feb 4 x 26.40 x 14/28; Mar 4 x 26.40 + 2 x 26.40 x 22/31 (37.47); Apr, May 6 x 26.40.
    expect(['2026-02', '2026-03', '2026-04'].map((m) => at('fabrikam', '2026-04-01', m))).toEqual([
      '52.80',
      '143.07',
      '158.40',
    ]);
    // Northwind: Feb 2 x 15 x 9/28 (9.64); Mar 5 x 15; Apr 75 - 1 x 15 x 19/30 (9.50); May 4 x 15.
    expect(['2026-02', '2026-03', '2026-04', '2026-05'].map((m) => at('northwind', '2026-05-01', m))).toEqual(
      ['9.64', '75.00', '65.50', '60.00'],
    );
    expect(at('northwind', '2026-04-01', '2026-04')).toBe('75.00');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The scenario, per PSA.

const R8 = 'Subscription retail unit price changed from 15.00 to 16.50 on 15 Mar 2026';
const UNKNOWN = 'Could not find source product or multiple matches';
const HELD = 'not written until the two agree';
const box = new SecretBox(Buffer.from('ab'.repeat(32), 'hex'));

interface RunShow {
  status: string;
  lines: { label: string; status: string; messages: { level?: string; text: string }[] }[];
}

describe.each(['autotask', 'connectwise'] as const)('%s: Pax8 over five months', (target: ScenarioTarget) => {
  const cw = target === 'connectwise';
  // biome-ignore lint/suspicious/noExplicitAny: one scenario type per target.
  let s: CliScenario<any>;
  let pax8: Pax8Emulator;
  let pool: Pool;
  let ws: WorkspaceId;
  const { seed, ids } = pax8Seed(false);
  const tenant = (c: CustomerKey) => ids[c]!.toLowerCase();
  const contract: Record<CustomerKey, number> = {
    contoso: cw ? CW_IDS.agreement : IDS.contract,
    fabrikam: 500,
    northwind: 501,
  };
  const company: Record<CustomerKey, number> = {
    contoso: cw ? CW_IDS.company : IDS.company,
    fabrikam: 600,
    northwind: 601,
  };
  /** The latest invoice synced (its date); the stage's expectations follow from it. */
  let latest = '';
  const mapped = new Set<CustomerKey>();

  beforeAll(async () => {
    pax8 = createPax8Emulator({
      seed,
      clock: createClock({ start: '2026-01-10T08:00:00Z' }),
      sleep: async () => {},
    });
    const apiUrl = `${await pax8.listen(0)}/v1`;
    s = await createCliScenario({
      target,
      now: '2026-01-10T09:00:00Z',
      seed: { extraCustomers: 2 },
      inProcess: true,
    } as never);
    await s.setup();
    await s.json(
      ...['connect', 'pax8', '--client-id', 'scenario-client', '--client-secret', 'scenario-secret'],
      ...['--api-url', apiUrl],
    );
    pool = createPool(s.db.url, 2);
    ws = (await pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await s?.close();
    await pax8?.close();
  });

  const pull = async (day: string): Promise<Pax8PullSummary> => {
    pax8.clock.set(`${day}T08:00:00Z`);
    return pullPax8Source(
      { pool, box, clock: fixedClock(`${day}T08:30:00Z`), http: { sleep: async () => {} } },
      ws,
    );
  };
  const map = async (c: CustomerKey, strategy: string, syncStart: string) => {
    await s.map(tenant(c), { company: company[c], contract: contract[c], strategy, syncStart });
    mapped.add(c);
  };
  const show = (runId: string) => s.json<RunShow>('run', 'show', runId);
  const runOf = (o: SyncOutcome, c: CustomerKey): CliRun | undefined =>
    o.runs.find((r) => r.tenantId === tenant(c));
  const messagesOf = async (o: SyncOutcome, c: CustomerKey): Promise<string[]> => {
    const r = runOf(o, c);
    if (!r) return [];
    return (await show(r.runId)).lines.flatMap((l) => l.messages.map((m) => m.text));
  };
  const isCharge = (a: AdditionView) => a.serialNumber?.startsWith('billsync-charge:') === true;

  // -- the PSA read back ----------------------------------------------------------------------------------------

  /** Units per day of a line over the days, with the price and cost of the row in force (units > 0). */
  async function lineDays(
    line: LineSpec,
    days: string[],
  ): Promise<{ units: number[]; priced: [string, string, string][]; listing: string }> {
    const c = contract[line.customer];
    const units = days.map(() => 0);
    const priced: [string, string, string][] = [];
    if (cw) {
      const adds = (await s.readback.additions(c)).filter(
        (a: AdditionView) => a.vendorSku.includes(line.sku) && !isCharge(a),
      );
      days.forEach((d, i) => {
        for (const a of adds as AdditionView[])
          if (a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate)) {
            const q = Number(a.quantity.minus(a.lessIncluded).toFixed());
            units[i]! += q;
            if (q > 0) priced.push([d, a.unitPrice.toFixed(2), a.unitCost.toFixed(2)]);
          }
      });
      return {
        units,
        priced,
        listing: adds
          .map(
            (a: AdditionView) =>
              `${a.effectiveDate}..${a.cancelledDate ?? 'open'} q${a.quantity.toFixed()} @${a.unitPrice.toFixed()}/${a.unitCost.toFixed()}`,
          )
          .join('; '),
      };
    }
    const services = (await s.readback.contractServices(c)).filter((cs: { serviceName: string }) =>
      cs.serviceName.includes(line.sku),
    );
    const rows: string[] = [];
    for (const cs of services) {
      const segs = await s.readback.unitSegments(cs.id);
      for (const r of segs)
        rows.push(`${r.start}..${r.end} ${r.units.toFixed()} @${r.price?.toFixed()}/${r.cost?.toFixed()}`);
      days.forEach((d, i) => {
        const r = segs.find((x: { start: string; end: string }) => x.start <= d && d <= x.end);
        if (!r) return;
        const q = Number(r.units.toFixed());
        units[i]! += q;
        if (q > 0) priced.push([d, r.price?.toFixed(2) ?? '-', r.cost?.toFixed(2) ?? '-']);
      });
    }
    return { units, priced, listing: `${services.length} contract service(s): ${rows.join(', ')}` };
  }

  async function billed(c: CustomerKey, month: string): Promise<{ total: Decimal; detail: string }> {
    const bill = await s.readback.billedPerMonth(contract[c], month);
    if (cw)
      return {
        total: bill.total,
        detail: bill.lines
          .map((l: { additionId: number; amount: Decimal }) => `#${l.additionId} ${l.amount.toFixed()}`)
          .join('; '),
      };
    return {
      total: bill.total,
      detail: `services ${bill.services.map((x: { serviceName: string; amount: Decimal }) => `${x.serviceName} ${x.amount.toFixed(4)}`).join(', ')}; charges ${bill.charges.map((x: { amount: Decimal }) => x.amount.toFixed(2)).join(', ')}`,
    };
  }

  /** Units per day, prices and costs, money per month of every customer, as the synced invoices say. */
  async function checkPsa(label: string): Promise<void> {
    for (const line of LINES) {
      const months = decidedMonths(line.customer, latest);
      if (months.length === 0) continue;
      const days = eachDay('2026-01-01', lastDayOf(months.at(-1)!));
      const { units, priced, listing } = await lineDays(line, days);
      // ConnectWise (decision 0012): a line changes on 1sts only; each day carries its month's 1st.
      const want = days.map(
        (d) => [d, seatsOn(line, latest, cw ? `${monthOf(d)}-01` : d)] as [string, number],
      );
      const got = days.map((d, i) => [d, units[i]!] as [string, number]);
      expect.soft(dayRuns(got), `${label} ${line.label} units per day (${listing})`).toBe(dayRuns(want));
      const wrongPrice = priced.filter(([d, p, c]) => p !== line.price(monthOf(d)) || c !== line.cost);
      expect
        .soft(
          dayRuns(wrongPrice.map(([d, p, c]) => [d, `${p}/${c}`])),
          `${label} ${line.label} price/cost per day: want ${line.price('2026-01')}..${line.price('2026-05')} / ${line.cost} (${listing})`,
        )
        .toBe('');
    }
    for (const c of ['contoso', 'fabrikam', 'northwind'] as const) {
      for (const month of decidedMonths(c, latest)) {
        const want = LINES.filter((l) => l.customer === c).reduce(
          (t, l) => t.plus(cents(lineMoney(l, latest, month))),
          ZERO,
        );
        const got = await billed(c, month);
        expect.soft(cents(got.total), `${label} ${c} ${month} billed (${got.detail})`).toBe(cents(want));
      }
    }
  }

  /** A re-run writes nothing: no PSA write, every run 0 writes (Contoso's unknown product may stay an error). */
  async function checkRerun(label: string, asOf: string): Promise<void> {
    const before = s.writes();
    const again = await s.syncCustomers({ asOf });
    for (const r of again.runs) {
      expect.soft(r.writes, `${label} re-run ${r.customerName}: writes`).toBe(0);
      // Warnings and errors a re-run repeats: the pull's holds (decision 0017) and the unknown product.
      if (r.status !== 'no_change')
        expect
          .soft(
            (await show(r.runId)).lines
              .filter((l) => l.status === 'error' || l.status === 'warning')
              .flatMap((l) => l.messages.filter((m) => m.level !== 'info').map((m) => m.text))
              .filter((m) => !m.startsWith(UNKNOWN) && !m.includes(HELD)),
            `${label} re-run ${r.customerName}: ${r.status}`,
          )
          .toEqual([]);
    }
    expect.soft(s.writes(), `${label} re-run: PSA write requests`).toBe(before);
  }

  async function syncMonth(asOf: string): Promise<SyncOutcome> {
    const products = await s.syncProducts({ asOf });
    expect.soft(products.runs.length).toBeGreaterThan(0);
    return s.syncCustomers({ asOf });
  }

  // -- month by month ---------------------------------------------------------------------------------------------

  it('January: the first invoice; Northwind (sync start 25 Feb) writes nothing', async () => {
    const pulled = await pull('2026-01-10');
    expect.soft(pulled.errors, 'pull errors').toEqual([]);
    expect(pulled.invoices.map((i) => i.billingPeriod)).toEqual(['2025-12']);
    await map('contoso', 'cost-and-retail', '2026-01-01');
    await map('northwind', 'none', '2026-02-25');
    const run = await syncMonth('2026-01-10');
    latest = '2026-01-01';
    expect.soft(runOf(run, 'contoso')?.status, (await messagesOf(run, 'contoso')).join('\n')).toBe('success');
    expect.soft(runOf(run, 'northwind')?.status).toBe('no_change');
    expect.soft(runOf(run, 'northwind')?.writes).toBe(0);
    await checkPsa('Jan');
    await checkRerun('Jan', '2026-01-10');
  });

  it('February: seat increase of 20 Jan prorated; the wrong BB line is held, not billed', async () => {
    const pulled = await pull('2026-02-10');
    expect.soft(pulled.errors, 'pull errors').toEqual([]);
    // The cross-check: BB's February (6 invoiced, 5 in the history).
    // Only that one: BS's decrease of 10 Feb is billed on the March invoice (Pax8 bills seats in advance).
    expect
      .soft(pulled.disagreements, 'pull disagreements')
      .toEqual([expect.stringMatching(/the invoices bill 6 seats from .*its history says 5$/)]);
    const run = await syncMonth('2026-02-10');
    latest = '2026-02-01';
    const texts = await messagesOf(run, 'contoso');
    expect.soft(runOf(run, 'contoso')?.status, texts.join('\n')).toBe('warning');
    expect
      .soft(
        texts.some((t) => t.includes(HELD)),
        texts.join('\n'),
      )
      .toBe(true);
    expect.soft(runOf(run, 'northwind')?.status).toBe('no_change');
    await checkPsa('Feb');
    await checkRerun('Feb', '2026-02-10');
  });

  it('20 February: Pax8 credits the February invoice and re-issues it; nothing billed twice', async () => {
    const pulled = await pull('2026-02-21');
    expect.soft(pulled.errors, 'pull errors').toEqual([]);
    expect.soft(pulled.disagreements, 'pull disagreements').toEqual([]);
    expect.soft(pulled.withdrawn, 'withdrawn').toHaveLength(1);
    const run = await s.syncCustomers({ asOf: '2026-02-21' });
    expect
      .soft(['no_change', 'success'], (await messagesOf(run, 'contoso')).join('\n'))
      .toContain(runOf(run, 'contoso')?.status);
    // The re-issue is dated 20 Feb, before Northwind's sync start (25 Feb): still nothing for Northwind.
    expect.soft(runOf(run, 'northwind')?.writes).toBe(0);
    await checkPsa('Feb re-issue');
    await checkRerun('Feb re-issue', '2026-02-21');
  });

  it('March: decrease of 10 Feb, a new customer, R-10 Northwind, an unknown product', async () => {
    const pulled = await pull('2026-03-10');
    expect.soft(pulled.errors, 'pull errors').toEqual([]);
    expect.soft(pulled.disagreements, 'pull disagreements').toEqual([]);
    await map('fabrikam', 'cost-only', '2026-03-01');
    const run = await syncMonth('2026-03-10');
    latest = '2026-03-01';
    const contoso = await show(runOf(run, 'contoso')!.runId);
    const errors = contoso.lines.filter((l) => l.status === 'error');
    expect
      .soft(
        errors.flatMap((l) => l.messages.map((m) => m.text.replace(/ \(MST-NCE-MDB:[0-9a-f]+\)$/, ''))),
        JSON.stringify(contoso.lines),
      )
      .toEqual([UNKNOWN]);
    expect.soft(contoso.status).toBe('error');
    for (const c of ['fabrikam', 'northwind'] as const)
      expect.soft(runOf(run, c)?.status, (await messagesOf(run, c)).join('\n')).toBe('success');
    await checkPsa('Mar');
    // No line for the unknown product on Contoso's contract.
    if (cw)
      expect
        .soft(
          (await s.readback.additions(contract.contoso)).filter((a: AdditionView) =>
            a.vendorSku.includes('MST-NCE-MDB'),
          ),
        )
        .toEqual([]);
    else
      expect
        .soft(
          (await s.readback.contractServices(contract.contoso)).filter((cs: { serviceName: string }) =>
            cs.serviceName.includes('MST-NCE-MDB'),
          ),
        )
        .toEqual([]);
    await checkRerun('Mar', '2026-03-10');
  });

  it('15 March: Pax8 raises the retail price; nothing is written ahead of the April invoice', async () => {
    pax8.loadSeed(pax8Seed(true).seed);
    const pulled = await pull('2026-03-15');
    expect.soft(pulled.errors, 'pull errors').toEqual([]);
    expect(pulled.priceList.created + pulled.priceList.updated).toBeGreaterThan(0);
    const before = s.writes();
    const run = await s.syncCustomers({ asOf: '2026-03-15' });
    for (const r of run.runs) expect.soft(r.writes, `${r.customerName} ${r.status}`).toBe(0);
    expect.soft(s.writes()).toBe(before);
    await checkPsa('15 Mar');
  });

  let r8Seen = 0;
  it('April: the cancellation of 16 Mar, the increase of 10 Mar, the new price from April (R-8, R-11)', async () => {
    const pulled = await pull('2026-04-10');
    expect.soft(pulled.errors, 'pull errors').toEqual([]);
    const run = await syncMonth('2026-04-10');
    latest = '2026-04-01';
    const contoso = await messagesOf(run, 'contoso');
    r8Seen += contoso.filter((t) => t.includes(R8)).length;
    expect.soft(contoso, 'R-8 warning on Contoso').toContain(R8);
    for (const c of ['fabrikam', 'northwind'] as const) {
      const texts = await messagesOf(run, c);
      expect
        .soft(
          texts.filter((t) => /unit price changed/.test(t)),
          `${c}: no price warning`,
        )
        .toEqual([]);
      // Fabrikam: +2 from 10 Mar; Northwind: April is 5 seats at 15.00, what its line already carries.
      expect.soft(runOf(run, c)?.status, texts.join('\n')).toBe(c === 'fabrikam' ? 'success' : 'no_change');
    }
    await checkPsa('Apr');
    await checkRerun('Apr', '2026-04-10');
  });

  it('May: Northwind decreases on 12 Apr; the R-8 warning is not repeated', async () => {
    const pulled = await pull('2026-05-10');
    expect.soft(pulled.errors, 'pull errors').toEqual([]);
    const run = await syncMonth('2026-05-10');
    latest = '2026-05-01';
    expect.soft((await messagesOf(run, 'contoso')).filter((t) => t.includes(R8))).toEqual([]);
    expect.soft(r8Seen).toBe(1);
    expect
      .soft(runOf(run, 'northwind')?.status, (await messagesOf(run, 'northwind')).join('\n'))
      .toBe('success');
    await checkPsa('May');
    await checkRerun('May', '2026-05-10');
  });

  it('one source per workspace: Microsoft files are refused beside Pax8, and Pax8 beside Microsoft data', async () => {
    const file = priceListFile(s.dir, [{ offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10' }]);
    const refused = await s.run('import', 'pricelist', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/source is Pax8/);
    const other = await s.json<{ id: string }>('workspace', 'create', '--name', 'Microsoft side');
    await s.json('import', 'pricelist', file, '--workspace', other.id);
    const connect = await s.run(
      ...['connect', 'pax8', '--client-id', 'scenario-client', '--client-secret', 'scenario-secret'],
      ...['--workspace', other.id],
    );
    expect(connect.code).not.toBe(0);
    expect(connect.stderr + connect.stdout).toMatch(/Pax8 cannot be connected beside it/);
  });
});
