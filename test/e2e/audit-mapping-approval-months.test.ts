import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import type { RunDetail } from '../../src/services/sync/run-views';
import { IDS } from '../support/autotask-world';
import {
  type AdditionView,
  type CliRun,
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
  BUSINESS_PREMIUM,
  CONTOSO,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { carriedSeatsOn, FABRIKAM, subscription } from '../support/months-data';
import { billed, psaPicture } from '../support/psa-picture';

/**
 * Audit of spec sections 5, 6 and 9 month by month through the CLI, against the Autotask (and ConnectWise)
 * emulators:
 *
 * 1. Section 9, plan preview and approval: with "require approval when the monthly value of a contract changes by
 *    more than 20 %", a month over the threshold is held and writes nothing; its preview lists the exact PSA
 *    changes and the money delta; approving writes exactly that; a month under the threshold is applied at once;
 *    a re-run writes nothing; a held plan never approved and overtaken by the next invoice loses and doubles
 *    nothing.
 * 2. Section 6, "a change dated before the contract start is moved to the contract start, with a warning": the
 *    contract starts on 15 Jan 2026, after the 1 Jan sync start.
 * 3. Section 5, "clearing a mapping turns sync off, keeps the history and never changes PSA data": unmapped, no
 *    writes at all; mapped again to the same contract, nothing already written is written again; mapped to
 *    another contract, no month is billed twice and the run says where the seats were.
 *
 * Every expected value is computed here from the invoice lines and the price list (seat-days x retail / days of
 * the month), never read from billsync's output.
 */

// ---------------------------------------------------------------------------------------------------------------
// The model: invoices, seats per day, prices, money per month.

interface Invoice {
  number: string;
  period: string;
  issued: string;
  lines: ReconLineSpec[];
}

const SERVICE = `PC_${BUSINESS_PREMIUM.productId}:${BUSINESS_PREMIUM.skuId}`;
const SKU = `${BUSINESS_PREMIUM.productId}:${BUSINESS_PREMIUM.skuId}`;
const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const nextMonth = (m: string) => (addMonths(parsePlainDate(`${m}-01`), 1) as string).slice(0, 7);
const lastDay = (m: string) => plus(`${nextMonth(m)}-01`, -1);
const cents = (x: Decimal) => decimalFixed(x, 2);

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

/** Seats on a day (spec section 6): per subscription the synced lines covering it; after its last charge period, carried forward. */
function seatsOn(synced: readonly Invoice[], day: string): number {
  return carriedSeatsOn(
    synced.flatMap((i) => i.lines),
    day,
  );
}

/** The price list of every scenario: Business Premium at cost 26.00 / retail 31.00, from 1 Mar 2026 27.00 / 32.00. */
const PRICES = [
  { cost: '26.00', erp: '31.00', end: '2026-02-28' },
  { cost: '27.00', erp: '32.00', start: '2026-03-01' },
];
const retailOn = (day: string) => dec(day >= '2026-03-01' ? '32' : '31');
const costOn = (day: string) => dec(day >= '2026-03-01' ? '27' : '26');

/** What the contract must bill in a month: seat-days x retail / days of the month, from `from` (the contract start) on. */
function monthMoney(synced: readonly Invoice[], month: string, from = '0000-00-00'): Decimal {
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let total = ZERO;
  for (const d of eachDay(`${month}-01`, lastDay(month)))
    if (d >= from) total = total.plus(dec(seatsOn(synced, d)).times(retailOn(d)));
  return total.div(dim);
}

/** One Autotask adjustment as the preview words it (`units from D A -> B @ P (cost C)`), from the invoices. */
interface Change {
  day: string;
  before: number;
  after: number;
  price: Decimal;
  cost: Decimal;
}
const changeText = (c: Change) =>
  `units from ${c.day} ${c.before} -> ${c.after} @ ${c.price.toString()} (cost ${c.cost.toString()})`;

/**
 * The adjustments that bring a PSA line carrying the timeline up to `from` - 1 onto the invoices' timeline for the
 * days from..to: a change on each day whose seats or retail differ from the day before (the first seat day: from 0).
 */
function changesBetween(synced: readonly Invoice[], from: string, to: string): Change[] {
  const out: Change[] = [];
  for (const d of eachDay(from, to)) {
    const units = seatsOn(synced, d);
    const prev = seatsOn(synced, plus(d, -1));
    const repriced = units > 0 && !retailOn(d).eq(retailOn(plus(d, -1)));
    if (units !== prev || repriced)
      out.push({ day: d, before: prev, after: units, price: retailOn(d), cost: costOn(d) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the PSA back (Autotask through its REST API and the emulator's state; ConnectWise additions).

interface AdjustmentRow {
  contractServiceID: number;
  effectiveDate: string;
  unitChange: number;
  adjustedUnitPrice?: number | null;
  adjustedUnitCost?: number | null;
}

// biome-ignore lint/suspicious/noExplicitAny: one scenario type per target, used through the helpers below.
type AnyScenario = CliScenario<any>;

/** Autotask: the contract's adjustments of the Business Premium service, as `D +N @P/C`, sorted. */
async function adjustmentsOf(s: AnyScenario, contract: number): Promise<string[]> {
  const ids = (await s.readback.contractServices(contract))
    .filter((cs: { serviceName: string }) => cs.serviceName === SERVICE)
    .map((cs: { id: number }) => cs.id);
  const state = (await (await fetch(`${s.base}/_emulator/state`)).json()) as {
    ContractServiceAdjustments: AdjustmentRow[];
  };
  return state.ContractServiceAdjustments.filter((a) => ids.includes(a.contractServiceID))
    .map(
      (a) =>
        `${String(a.effectiveDate).slice(0, 10)} ${a.unitChange >= 0 ? '+' : ''}${a.unitChange} @${a.adjustedUnitPrice ?? '-'}/${a.adjustedUnitCost ?? '-'}`,
    )
    .sort();
}

const adjustmentText = (c: Change) =>
  `${c.day} ${c.after - c.before >= 0 ? '+' : ''}${c.after - c.before} @${c.price.toString()}/${c.cost.toString()}`;

/** Units per day of the Business Premium line(s) on the contract. */
async function unitsPerDay(s: AnyScenario, contract: number, days: readonly string[]): Promise<number[]> {
  if (s.target === 'connectwise') {
    const additions = (await s.readback.additions(contract)).filter(
      (a: AdditionView) => a.vendorSku === SKU && !a.serialNumber?.startsWith('billsync-charge:'),
    );
    return days.map((d) =>
      additions
        .filter(
          (a: AdditionView) => a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate),
        )
        .reduce((n: number, a: AdditionView) => n + Number(a.quantity.minus(a.lessIncluded).toFixed()), 0),
    );
  }
  const lines = (await s.readback.contractServices(contract)).filter(
    (cs: { serviceName: string }) => cs.serviceName === SERVICE,
  );
  const out = days.map(() => 0);
  for (const cs of lines) {
    const segs = await s.readback.unitSegments(cs.id);
    days.forEach((d, i) => {
      const row = segs.find((r: { start: string; end: string }) => r.start <= d && d <= r.end);
      out[i]! += row ? Number(row.units.toFixed()) : 0;
    });
  }
  return out;
}

const show = showRun;
const changesOf = (d: RunDetail) =>
  d.lines.flatMap((l) => l.changes.map((c) => `${c.field} ${c.from} -> ${c.to}`));
const messagesOf = runMessages;

/** `billsync run approve ID`: its runs (exit 0 applied, 2 a fresh preview waits). */
async function approve(
  s: AnyScenario,
  runId: string,
): Promise<{ code: number; runs: CliRun[]; text: string }> {
  const res = await s.run('--json', 'run', 'approve', runId);
  return {
    code: res.code,
    runs: res.stdout.trim().startsWith('[') ? (JSON.parse(res.stdout) as CliRun[]) : [],
    text: res.stdout + res.stderr,
  };
}

async function awaiting(s: AnyScenario): Promise<{ id: string; asOf: string; operations: number }[]> {
  return s.json('runs', '--customer', CONTOSO.tenantId, '--status', 'awaiting_approval');
}
const queued = (r: { id: string; asOf: string; operations: number }) =>
  `run ${r.id.slice(0, 8)} as of ${r.asOf}: ${r.operations} PSA change(s)`;

const importInvoice = (s: AnyScenario, i: Invoice) =>
  s.importInvoice(reconFile(s.dir, i.number, i.lines), { period: i.period, issued: i.issued });

/**
 * Each month from..to bills the invoices' money to the cent (exact to a fraction of a cent). ConnectWise
 * (decision 0012, `chargeMonth`): an agreement that starts mid-month bills its first month partly (nothing, in
 * full or prorated, depending on the agreement), so the days of that month are charged with the next month.
 */
async function expectMoney(
  s: AnyScenario,
  contract: number,
  synced: readonly Invoice[],
  from: string,
  to: string,
  label: string,
  contractStart?: string,
): Promise<void> {
  const partial =
    s.target === 'connectwise' && contractStart !== undefined && !contractStart.endsWith('-01')
      ? contractStart.slice(0, 7)
      : undefined;
  for (const month of monthsOf(from, to)) {
    let want = month === partial ? ZERO : monthMoney(synced, month, contractStart);
    if (partial !== undefined && month === nextMonth(partial))
      want = want.plus(monthMoney(synced, partial, contractStart));
    const got = await billed(s, contract, month);
    expect
      .soft(cents(got), `${label}: ${month} billed ${got.toFixed()} for ${want.toFixed()}`)
      .toBe(cents(want));
  }
}

/** Units per day from..to equal the invoices' seats (from the contract start on; 0 before it). */
async function expectUnits(
  s: AnyScenario,
  contract: number,
  synced: readonly Invoice[],
  from: string,
  to: string,
  label: string,
  contractStart = '0000-00-00',
): Promise<void> {
  const days = eachDay(from, to);
  const cw = s.target === 'connectwise';
  // ConnectWise (decision 0012): a line changes only on a 1st; every day carries the seats of its month's 1st
  // (or of the contract start when that is later); the rest of the month is money (a charge), checked by expectMoney.
  const want = days.map((d) => {
    if (d < contractStart) return 0;
    if (!cw) return seatsOn(synced, d);
    const first = `${d.slice(0, 7)}-01`;
    return first < contractStart ? 0 : seatsOn(synced, first);
  });
  const got = await unitsPerDay(s, contract, days);
  const pairs = (v: number[]) => days.map((d, i) => [d, v[i]!] as [string, number]);
  expect
    .soft(got, `${label}: units per day; expected ${dayRuns(pairs(want))} | actual ${dayRuns(pairs(got))}`)
    .toEqual(want);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Plan preview and approval (section 9), threshold 20 %.

const P = subscription(CONTOSO, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000a1', '2025-12-01');
const APPROVAL_INVOICES: Invoice[] = [
  {
    // First sync: 0 -> 10 seats is an infinite change: held.
    number: 'G500002512',
    period: '2025-12',
    issued: '2026-01-07',
    lines: [P.cycle('2025-12-01', '2025-12-31', 10, '26.00')],
  },
  {
    // 10 -> 11 from 15 Jan: +10 % (month's bill +5.5 %): applied at once.
    number: 'G500002601',
    period: '2026-01',
    issued: '2026-02-07',
    lines: [
      P.cycle('2026-01-01', '2026-01-31', 10, '26.00'),
      ...P.change('2026-01-15', '2026-01-31', 10, 11, '26.00'),
    ],
  },
  {
    // 11 -> 16 from 10 Feb: +45 % (month's bill +31 %): held, never approved.
    number: 'G500002602',
    period: '2026-02',
    issued: '2026-03-07',
    lines: [
      P.cycle('2026-02-01', '2026-02-28', 11, '26.00'),
      ...P.change('2026-02-10', '2026-02-28', 11, 16, '26.00'),
    ],
  },
  {
    // The price change (cost 27.00, retail 32.00 from 1 Mar) and 16 -> 14 from 20 Mar: with February still to
    // write, 11 at 31.00 -> 14 at 32.00 (+31 %): held.
    number: 'G500002603',
    period: '2026-03',
    issued: '2026-04-07',
    lines: [
      P.cycle('2026-03-01', '2026-03-31', 16, '27.00'),
      ...P.change('2026-03-20', '2026-03-31', 16, 14, '27.00', 'removeQuantity'),
    ],
  },
  {
    // A spike: 14 -> 28 on 6-25 Apr, back to 14 from 26 Apr. April's bill rises by 67 %; the seats on the day of
    // the sync are the same as before.
    number: 'G500002604',
    period: '2026-04',
    issued: '2026-05-07',
    lines: [
      P.cycle('2026-04-01', '2026-04-30', 14, '27.00'),
      ...P.change('2026-04-06', '2026-04-30', 14, 28, '27.00'),
      ...P.change('2026-04-26', '2026-04-30', 28, 14, '27.00', 'removeQuantity'),
    ],
  },
];
const THRESHOLD = 20;

/** The monthly value change as the spec words it: per month, what the contract bills before and after the sync. */
function monthChangePercent(applied: readonly Invoice[], next: readonly Invoice[], month: string): Decimal {
  const before = monthMoney(applied, month);
  const after = monthMoney(next, month);
  if (before.eq(ZERO)) return after.eq(ZERO) ? ZERO : dec(100_000);
  return after.minus(before).abs().div(before).times(100);
}

describe('the expectations, by hand', () => {
  it('seats, money and the approval decisions of the invoices', () => {
    const inv = APPROVAL_INVOICES;
    expect(
      ['2025-12-31', '2026-01-14', '2026-01-15', '2026-02-10', '2026-03-20', '2026-04-06', '2026-04-26'].map(
        (d) => seatsOn(inv, d),
      ),
    ).toEqual([10, 10, 11, 16, 14, 28, 14]);
    // Dec 10 x 31; Jan (10 x 14 + 11 x 17) x 31 / 31; Feb (11 x 9 + 16 x 19) x 31 / 28; Mar (16 x 19 + 14 x 12)
    // x 32 / 31; Apr (14 x 5 + 28 x 20 + 14 x 5) x 32 / 30.
    expect(monthsOf('2025-12', '2026-04').map((m) => cents(monthMoney(inv, m)))).toEqual([
      '310.00',
      '327.00',
      '446.18',
      '487.23',
      '746.67',
    ]);
    // Per month, before -> after each sync (what was applied until then -> with the new invoice):
    const pct = (applied: number, next: number, m: string) =>
      monthChangePercent(inv.slice(0, applied), inv.slice(0, next), m);
    expect(pct(1, 2, '2026-01').lt(THRESHOLD)).toBe(true); // 310 -> 327: 5.5 %
    expect(pct(2, 3, '2026-02').gt(THRESHOLD)).toBe(true); // 341 -> 446.18: 30.8 %
    expect(pct(4, 5, '2026-04').gt(THRESHOLD)).toBe(true); // 448 -> 746.67: 66.7 %
  });
});

interface ApprovalVariant {
  name: string;
  target: ScenarioTarget;
}

describe.each<ApprovalVariant>([
  { name: 'Autotask', target: 'autotask' },
  { name: 'ConnectWise', target: 'connectwise' },
])('Section 9: plan preview and approval above 20 %, month by month ($name)', ({ target }) => {
  let s: AnyScenario;
  const at = target === 'autotask';
  const contract = at ? IDS.contract : CW_IDS.agreement;
  const applied: Invoice[] = [];
  let heldFebruary = '';

  beforeAll(async () => {
    s = await createCliScenario({ target, now: '2026-01-08T09:00:00Z', inProcess: true });
    await s.setup(['--approval-threshold', String(THRESHOLD)]);
    await s.importPriceList(priceListFile(s.dir, PRICES));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  /** Imports the invoice, runs the product sync (not under approval), then the customer sync: writes counted. */
  async function month(i: number, asOf: string): Promise<{ run: SyncOutcome; writes: number }> {
    await importInvoice(s, APPROVAL_INVOICES[i]!);
    if (i === 0) await s.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
    const products = await s.syncProducts({ asOf });
    expect(products.code, await s.explain(products)).toBe(0);
    const before = s.writes();
    const run = await s.syncCustomers({ asOf });
    return { run, writes: s.writes() - before };
  }

  it('December (first sync, 0 -> 10 seats): held, nothing written; the preview is exact; approving writes it', async () => {
    const { run, writes } = await month(0, '2026-01-08');
    expect(
      run.runs.map((r) => [r.status, r.writes]),
      await s.explain(run),
    ).toEqual([['awaiting_approval', 0]]);
    expect(run.code, 'exit 2: waits for approval').toBe(2);
    expect(writes, 'held: no PSA write at all').toBe(0);
    const before = await psaPicture(s, contract);
    const detail = await show(s, run.runs[0]!.runId);
    const next = APPROVAL_INVOICES.slice(0, 1);
    // The money delta: 10 seats x 31.00 a month, from nothing.
    expect(detail.monthlyDelta).toBe('310');
    if (at)
      expect(changesOf(detail)).toEqual(changesBetween(next, '2025-12-01', '2025-12-31').map(changeText));
    const ok = await approve(s, run.runs[0]!.runId);
    expect(
      ok.runs.map((r) => r.status),
      ok.text,
    ).toEqual(['success']);
    expect(ok.runs[0]!.writes).toBe(detail.operations);
    applied.push(...next);
    if (at)
      expect(await adjustmentsOf(s, contract)).toEqual(
        changesBetween(next, '2025-12-01', '2025-12-31').map(adjustmentText),
      );
    expect(await psaPicture(s, contract)).not.toBe(before);
    await expectUnits(s, contract, applied, '2025-11-25', '2026-01-31', 'after December');
    await expectMoney(s, contract, applied, '2025-11', '2025-12', 'after December');
    await expectRerunWritesNothing(s, '2026-01-08');
  });

  it('January (+10 %, under the threshold): applied at once, with the exact change; a re-run writes nothing', async () => {
    const adjBefore = at ? await adjustmentsOf(s, contract) : [];
    const { run } = await month(1, '2026-02-08');
    expect(
      run.runs.map((r) => r.status),
      await s.explain(run),
    ).toEqual(['success']);
    const detail = await show(s, run.runs[0]!.runId);
    const next = APPROVAL_INVOICES.slice(0, 2);
    // 11 x 31.00 - 10 x 31.00 at the sync's day.
    expect(detail.monthlyDelta).toBe('31');
    if (at) {
      const want = changesBetween(next, '2026-01-01', '2026-01-31');
      expect(changesOf(detail)).toEqual(want.map(changeText));
      expect(await adjustmentsOf(s, contract)).toEqual([...adjBefore, ...want.map(adjustmentText)].sort());
    }
    applied.splice(0, applied.length, ...next);
    await expectUnits(s, contract, applied, '2025-12-01', '2026-02-28', 'after January');
    await expectMoney(s, contract, applied, '2025-12', '2026-01', 'after January');
    await expectRerunWritesNothing(s, '2026-02-08');
  });

  it('February (+45 %): held, nothing written, the preview says what and how much; left unapproved', async () => {
    const before = await psaPicture(s, contract);
    const { run, writes } = await month(2, '2026-03-08');
    expect(
      run.runs.map((r) => [r.status, r.writes]),
      await s.explain(run),
    ).toEqual([['awaiting_approval', 0]]);
    expect(writes).toBe(0);
    expect(await psaPicture(s, contract)).toBe(before);
    heldFebruary = run.runs[0]!.runId;
    const detail = await show(s, heldFebruary);
    // 16 x 31.00 - 11 x 31.00 at the sync's day.
    expect(detail.monthlyDelta).toBe('155');
    if (at)
      expect(changesOf(detail)).toEqual(
        changesBetween(APPROVAL_INVOICES.slice(0, 3), '2026-02-01', '2026-02-28').map(changeText),
      );
    // ConnectWise (decision 0012): the line moves on the next 1st, 10-28 Feb (5 seats x 19 days) is a charge.
    else
      expect(changesOf(detail)).toEqual([
        'units from 2026-03-01 11 -> 16 @ 31 (cost 26)',
        `charge 10-28 Feb 2026 null -> ${cents(dec(5 * 19 * 31).div(28))} (cost ${cents(dec(5 * 19 * 26).div(28))})`,
      ]);
    // The daily sync of the next day holds the same change again and still writes nothing; the approval queue
    // shows the change once (the newer plan replaces the older one).
    const again = await s.syncCustomers({ asOf: '2026-03-09' });
    expect(again.runs.map((r) => [r.status, r.writes])).toEqual([['awaiting_approval', 0]]);
    expect(await psaPicture(s, contract)).toBe(before);
    expect
      .soft(
        (await awaiting(s)).map(queued),
        'one entry in the approval queue for one pending change (the older plan superseded)',
      )
      .toHaveLength(1);
    // The PSA still bills January's 11 seats through February.
    await expectUnits(s, contract, applied, '2026-02-01', '2026-02-28', 'February held');
  });

  it('March overtakes the held February: one plan with both, held (+31 %); approved, the PSA carries the invoices', async () => {
    const { run, writes } = await month(3, '2026-04-08');
    expect(
      run.runs.map((r) => [r.status, r.writes]),
      await s.explain(run),
    ).toEqual([['awaiting_approval', 0]]);
    expect(writes).toBe(0);
    const detail = await show(s, run.runs[0]!.runId);
    const next = APPROVAL_INVOICES.slice(0, 4);
    // 14 x 32.00 - 11 x 31.00 at the sync's day.
    expect(detail.monthlyDelta).toBe('107');
    const want = changesBetween(next, '2026-02-01', '2026-03-31');
    if (at) expect(changesOf(detail)).toEqual(want.map(changeText));
    const adjBefore = at ? await adjustmentsOf(s, contract) : [];
    const ok = await approve(s, run.runs[0]!.runId);
    expect(
      ok.runs.map((r) => r.status),
      ok.text,
    ).toEqual(['success']);
    expect(ok.runs[0]!.writes).toBe(detail.operations);
    if (at)
      expect(await adjustmentsOf(s, contract)).toEqual([...adjBefore, ...want.map(adjustmentText)].sort());
    applied.splice(0, applied.length, ...next);
    await expectUnits(s, contract, applied, '2025-12-01', '2026-04-30', 'after March');
    await expectMoney(s, contract, applied, '2025-12', '2026-03', 'after March');
    await expectRerunWritesNothing(s, '2026-04-08');
  });

  it('the overtaken February plan: approving it later writes nothing and leaves nothing awaiting approval', async () => {
    const before = await psaPicture(s, contract);
    const writes = s.writes();
    const late = await approve(s, heldFebruary);
    expect(s.writes(), late.text).toBe(writes);
    expect(await psaPicture(s, contract)).toBe(before);
    // The approval queue should not keep a stale plan (nor a fresh empty one made from it).
    expect
      .soft(
        (await awaiting(s)).map(queued),
        `runs awaiting approval after the newer plan was applied (approving the overtaken one gave: ${late.runs.map((r) => `${r.status}, ${r.operations} change(s)`).join('; ')})`,
      )
      .toEqual([]);
    // An MSP who approves what the queue still shows must not get anything that disagrees with the invoices.
    const approvedStale: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (const r of await awaiting(s)) {
        const d = await show(s, r.id);
        const res = await approve(s, r.id);
        approvedStale.push(
          `${queued(r)}: ${changesOf(d).join('; ') || '(no change)'} => ${res.runs.map((x) => `${x.status} ${x.writes} write(s)`).join(', ')}`,
        );
      }
    }
    const label = `after approving the stale runs left in the queue:\n${approvedStale.join('\n')}\n`;
    await expectUnits(s, contract, applied, '2025-12-01', '2026-04-30', label);
    await expectMoney(s, contract, applied, '2025-12', '2026-03', label);
    expect((await awaiting(s)).map(queued), label).toEqual([]);
  });

  it('April: a spike of 6-25 Apr raises the month by 67 %: held (the seats on the sync day are unchanged)', async () => {
    const { run, writes } = await month(4, '2026-05-08');
    const next = APPROVAL_INVOICES.slice(0, 5);
    const pct = monthChangePercent(applied, next, '2026-04');
    const texts = run.runs.length ? messagesOf(await show(s, run.runs[0]!.runId)).join('\n') : '';
    expect
      .soft(
        run.runs.map((r) => r.status),
        `April's bill changes by ${pct.toFixed(1)} % (> ${THRESHOLD} %): the plan should wait for approval. ${texts}`,
      )
      .toEqual(['awaiting_approval']);
    if (run.runs[0]?.status === 'awaiting_approval') {
      expect(writes).toBe(0);
      const ok = await approve(s, run.runs[0].runId);
      expect(
        ok.runs.map((r) => r.status),
        ok.text,
      ).toEqual(['success']);
    }
    applied.splice(0, applied.length, ...next);
    await expectUnits(s, contract, applied, '2025-12-01', '2026-05-31', 'after April');
    await expectMoney(s, contract, applied, '2025-12', '2026-04', 'after April');
    await expectRerunWritesNothing(s, '2026-05-08');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 2 and 3, on one PSA tenant (same months, two customers, to keep CI short):
// - Contoso, mapped to a contract that starts on 15 Jan 2026, after its 1 Jan sync start (section 6);
// - Fabrikam, mapped, cleared, mapped again to the same contract, then moved to another one (section 5).

/** Contoso's contract: starts on 15 Jan 2026. */
const LATE = { id: 402, name: 'Contoso Microsoft 365 (2026)', start: '2026-01-15' };
const Q = subscription(CONTOSO, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000b2', '2025-11-20');
const LATE_INVOICES: ReconLineSpec[][] = [
  // December: the cycle from 20 Dec at 10 seats; its first day is before the contract start.
  [Q.cycle('2025-12-20', '2026-01-19', 10, '26.00')],
  // January: 10 -> 12 from 10 Jan (before the contract start), the next cycle at 12, 12 -> 15 from 28 Jan.
  [
    ...Q.change('2026-01-10', '2026-01-19', 10, 12, '26.00'),
    Q.cycle('2026-01-20', '2026-02-19', 12, '26.00'),
    ...Q.change('2026-01-28', '2026-02-19', 12, 15, '26.00'),
  ],
  // February: the next cycle at 15, 15 -> 13 from 25 Feb: nothing before the contract start any more.
  [
    Q.cycle('2026-02-20', '2026-03-19', 15, '26.00'),
    ...Q.change('2026-02-25', '2026-03-19', 15, 13, '26.00', 'removeQuantity'),
  ],
];
const movedText = (day: string) =>
  `Seat change on ${day} is before the contract start: moved to the contract start date 15 Jan 2026`;

/** Fabrikam: company 600 with its contract 500 ("Customer 0 M365"), and a second one the mapping moves to. */
const FAB = { company: 600, contract: 500, contractName: 'Customer 0 M365' };
const OTHER = { id: 403, name: 'Customer 0 Cloud 2026' };
const R = subscription(FABRIKAM, BUSINESS_PREMIUM, 'a0d10000-0000-4000-8000-0000000000c3', '2025-12-01');
const MAP_INVOICES: ReconLineSpec[][] = [
  [R.cycle('2025-12-01', '2025-12-31', 10, '26.00')],
  [
    R.cycle('2026-01-01', '2026-01-31', 10, '26.00'),
    ...R.change('2026-01-15', '2026-01-31', 10, 12, '26.00'),
  ],
  [
    R.cycle('2026-02-01', '2026-02-28', 12, '26.00'),
    ...R.change('2026-02-20', '2026-02-28', 12, 13, '26.00'),
  ],
];
const MONTHS = [
  { number: 'G600002512', period: '2025-12', issued: '2026-01-07', asOf: '2026-01-08' },
  { number: 'G600002601', period: '2026-01', issued: '2026-02-07', asOf: '2026-02-08' },
  { number: 'G600002602', period: '2026-02', issued: '2026-03-07', asOf: '2026-03-08' },
];
const invoiceOf = (i: number, lines: ReconLineSpec[][]): Invoice => ({ ...MONTHS[i]!, lines: lines[i]! });

describe.each<{ name: string; target: ScenarioTarget }>([
  { name: 'Autotask', target: 'autotask' },
  { name: 'ConnectWise', target: 'connectwise' },
])(
  'Sections 5 and 6 month by month: a contract starting after the sync start; clearing and re-mapping ($name)',
  ({ target }) => {
    let s: AnyScenario;
    const at = target === 'autotask';
    const targetFlag = at ? [] : ['--target', 'connectwise'];
    /** What each customer's synced invoices are, for the expectations. */
    const late: Invoice[] = [];
    const fab: Invoice[] = [];
    let history: { id: string; status: string }[] = [];
    let outcome: SyncOutcome;

    beforeAll(async () => {
      s = await createCliScenario({
        target,
        now: '2026-01-08T09:00:00Z',
        inProcess: true,
        seed: { extraCustomers: 1 },
        // biome-ignore lint/suspicious/noExplicitAny: the seed of either PSA.
        editSeed: (seed: any) => {
          const extra = [
            { id: LATE.id, name: LATE.name, company: at ? IDS.company : CW_IDS.company, start: LATE.start },
            { id: OTHER.id, name: OTHER.name, company: FAB.company, start: '2025-01-01' },
          ];
          for (const c of extra) {
            if (at)
              seed.Contracts.push({
                id: c.id,
                companyID: c.company,
                contractName: c.name,
                contractType: 7,
                status: 1,
                contractPeriodType: 2,
                timeReportingRequiresStartAndStopTimes: 0,
                startDate: c.start,
                endDate: '2027-12-31',
              });
            else
              seed.agreements.push({
                id: c.id,
                name: c.name,
                type: { id: 7 },
                company: { id: c.company },
                contact: { id: c.company === CW_IDS.company ? CW_IDS.contact : 900 },
                startDate: `${c.start}T00:00:00Z`,
                endDate: '2027-12-31T00:00:00Z',
              });
          }
        },
      });
      await s.setup();
      await s.importPriceList(priceListFile(s.dir, PRICES));
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    /** One Microsoft invoice with both customers' lines. */
    const importMonth = (i: number) =>
      importInvoice(s, { ...MONTHS[i]!, lines: [...LATE_INVOICES[i]!, ...MAP_INVOICES[i]!] });
    const runOf = (o: SyncOutcome, tenantId: string) => o.runs.filter((r) => r.tenantId === tenantId);
    const fabrikamRow = async () =>
      (
        await s.json<
          {
            tenantId: string;
            mapped: boolean;
            syncOn: boolean;
            contractId: string | null;
            lastRun: { id: string } | null;
          }[]
        >('customers', '--no-suggest', ...targetFlag)
      ).find((c) => c.tenantId === FABRIKAM.tenantId)!;
    const runsOfFabrikam = async () =>
      (
        await s.json<{ id: string; status: string }[]>(
          'runs',
          '--customer',
          FABRIKAM.tenantId,
          '--kind',
          'customer',
        )
      ).map((r) => ({ id: r.id, status: r.status }));
    const mapFabrikam = (contract: number) =>
      s.run(
        ...[
          '--json',
          'map',
          FABRIKAM.tenantId,
          '--company',
          String(FAB.company),
          '--contract',
          String(contract),
        ],
        ...['--start', '2026-01-01', '--sync', 'on', ...targetFlag],
      );

    it('December: both mapped and synced; Contoso: the first seats (20 Dec) go on the contract start, with the warning', async () => {
      await importMonth(0);
      await s.map(CONTOSO.tenantId, {
        company: at ? IDS.company : CW_IDS.company,
        contract: LATE.id,
        syncStart: '2026-01-01',
      });
      expect((await mapFabrikam(FAB.contract)).code).toBe(0);
      outcome = await s.syncCustomers({ asOf: MONTHS[0]!.asOf });
      late.push(invoiceOf(0, LATE_INVOICES));
      fab.push(invoiceOf(0, MAP_INVOICES));
      expect(
        runOf(outcome, FABRIKAM.tenantId).map((r) => r.status),
        await s.explain(outcome),
      ).toEqual(['success']);
      const contoso = runOf(outcome, CONTOSO.tenantId);
      expect(
        contoso.map((r) => r.status),
        await s.explain(outcome),
      ).toEqual(['warning']);
      // ConnectWise adds an info line for the partial month it books as a charge (decision 0012): not a warning.
      expect(messagesOf(await show(s, contoso[0]!.runId)).filter((t) => !t.startsWith('info:'))).toEqual([
        `warning: ${movedText('20 Dec 2025')}`,
      ]);
      // Autotask: effective the contract start, +10 at retail 31.00, cost 26.00.
      if (at) expect(await adjustmentsOf(s, LATE.id)).toEqual(['2026-01-15 +10 @31/26']);
      await expectUnits(s, LATE.id, late, '2025-12-01', '2026-01-19', 'Contoso after December', LATE.start);
      await expectMoney(s, LATE.id, late, '2025-12', '2025-12', 'Contoso after December', LATE.start);
      await expectMoney(s, FAB.contract, fab, '2025-12', '2025-12', 'Fabrikam after December');
      await expectRerunWritesNothing(s, MONTHS[0]!.asOf);
    });

    it('December: Fabrikam cleared: sync off, its history kept, not one PSA write', async () => {
      history = await runsOfFabrikam();
      const picture = await psaPicture(s, FAB.contract);
      const writes = s.writes();
      await s.json('unmap', FABRIKAM.tenantId, ...targetFlag);
      expect(s.writes(), 'unmap: no PSA write').toBe(writes);
      const row = await fabrikamRow();
      expect([row.mapped, row.syncOn, row.contractId]).toEqual([false, false, null]);
      // History kept: the runs are listed as before, the last run is still shown and can be opened.
      expect(await runsOfFabrikam()).toEqual(history);
      expect(row.lastRun?.id).toBe(history[0]!.id);
      const synced = history.find((h) => h.status === 'success');
      expect(synced, JSON.stringify(history)).toBeDefined();
      expect((await show(s, synced!.id)).writes).toBeGreaterThan(0);
      expect(await psaPicture(s, FAB.contract)).toBe(picture);
    });

    it('January: the daily sync leaves the unmapped Fabrikam alone (no run, no write); asking for it is refused', async () => {
      await importMonth(1);
      const picture = await psaPicture(s, FAB.contract);
      outcome = await s.syncCustomers({ asOf: MONTHS[1]!.asOf });
      late.push(invoiceOf(1, LATE_INVOICES));
      expect(runOf(outcome, FABRIKAM.tenantId)).toEqual([]);
      const writes = s.writes();
      const asked = await s.run(
        ...[
          '--json',
          'sync',
          'customers',
          '--customer',
          FABRIKAM.tenantId,
          '--as-of',
          MONTHS[1]!.asOf,
          ...targetFlag,
        ],
      );
      expect(asked.code).not.toBe(0);
      expect(asked.stdout + asked.stderr).toMatch(/not mapped/);
      expect(s.writes()).toBe(writes);
      expect(await psaPicture(s, FAB.contract)).toBe(picture);
      expect(await runsOfFabrikam()).toEqual(history);
    });

    it('January: Contoso: 10 Jan (before the start) moved too and warned once; 28 Jan on its day; money right', async () => {
      const contoso = runOf(outcome, CONTOSO.tenantId);
      const texts = messagesOf(await show(s, contoso[0]!.runId));
      expect(
        contoso.map((r) => r.status),
        texts.join('\n'),
      ).toEqual(['warning']);
      expect(texts).toContain(`warning: ${movedText('10 Jan 2026')}`);
      // The warning about 20 Dec came with December's invoice; it is not news any more.
      expect
        .soft(
          texts.filter((t) => t.includes('20 Dec 2025')),
          'the 20 Dec warning is not repeated on the next invoice',
        )
        .toEqual([]);
      // From 16 Jan on the line carries the invoices' seats (15 Jan has December's adjustment already: its day is
      // money); every month bills the invoices' money from the contract start on.
      if (at) {
        const adjustments = await adjustmentsOf(s, LATE.id);
        expect(
          adjustments.filter((a) => a < '2026-01-15'),
          'nothing before the contract start',
        ).toEqual([]);
        expect(
          adjustments.filter((a) => a.startsWith('2026-01-28')),
          'the 28 Jan change on its day',
        ).toEqual(['2026-01-28 +3 @31/26']);
      }
      await expectUnits(s, LATE.id, late, '2026-01-16', '2026-02-28', 'Contoso after January', LATE.start);
      await expectMoney(s, LATE.id, late, '2025-12', '2026-01', 'Contoso after January', LATE.start);
    });

    it('January: Fabrikam mapped again to the same contract: only January is written, nothing twice', async () => {
      expect((await mapFabrikam(FAB.contract)).code).toBe(0);
      const run = await s.syncCustomers({ asOf: MONTHS[1]!.asOf, customer: FABRIKAM.tenantId });
      fab.push(invoiceOf(1, MAP_INVOICES));
      expect(
        run.runs.map((r) => r.status),
        await s.explain(run),
      ).toEqual(['success']);
      if (at)
        expect(await adjustmentsOf(s, FAB.contract)).toEqual(
          changesBetween(fab, '2025-12-01', '2026-01-31').map(adjustmentText),
        );
      await expectUnits(s, FAB.contract, fab, '2025-12-01', '2026-02-28', 'Fabrikam mapped again');
      await expectMoney(s, FAB.contract, fab, '2025-12', '2026-01', 'Fabrikam mapped again');
      await expectRerunWritesNothing(s, MONTHS[1]!.asOf);
    });

    it('February: moving Fabrikam to a contract that overlaps the old one is refused, in words; no month billed twice', async () => {
      await importMonth(2);
      const other = await psaPicture(s, OTHER.id);
      // The old contract has no end before the new one starts: both would bill the same days. billsync refuses the
      // move and says what to do (decided 2026-12-07: a mapping never makes billsync change the contract it leaves).
      const mapped = await mapFabrikam(OTHER.id);
      expect(mapped.code, mapped.stderr).not.toBe(0);
      expect(`${mapped.stdout}${mapped.stderr}`).toContain('both would bill the same days');
      expect((await fabrikamRow()).contractId).toBe(String(FAB.contract));
      outcome = await s.syncCustomers({ asOf: MONTHS[2]!.asOf });
      late.push(invoiceOf(2, LATE_INVOICES));
      fab.push(invoiceOf(2, MAP_INVOICES));
      const runs = runOf(outcome, FABRIKAM.tenantId);
      const texts = [
        mapped.stdout,
        mapped.stderr,
        ...(await Promise.all(runs.map(async (r) => messagesOf(await show(s, r.runId)).join('\n')))),
        ...runs.map((r) => r.message ?? ''),
      ].join('\n');
      // The move was refused: the seats stay on the old contract, which carries February; the other is untouched.
      expect(await psaPicture(s, OTHER.id), 'the refused contract is left as it was').toBe(other);
      await expectMoney(s, FAB.contract, fab, '2025-12', '2026-02', 'Fabrikam, move refused');
      // Whatever billsync does on the new contract, no day is billed on both: per month, the two contracts
      // together bill no more than the invoices.
      const doubled: string[] = [];
      for (const month of monthsOf('2025-12', '2026-02')) {
        const want = monthMoney(fab, month);
        const a = await billed(s, FAB.contract, month);
        const b = await billed(s, OTHER.id, month);
        if (a.plus(b).minus(want).gt(dec('0.005')))
          doubled.push(
            `${month}: old contract ${cents(a)} + new contract ${cents(b)} for invoices ${cents(want)}`,
          );
      }
      expect.soft(doubled, `billed twice; billsync said:\n${texts}`).toEqual([]);
      // The MSP learns where the seats still are: a message names the previous contract.
      expect
        .soft(
          texts,
          'a message (mapping or run) names the previous contract, whose line still bills the seats',
        )
        .toContain(FAB.contractName);
    });

    it('February: Contoso: no change before the start any more: Success, no warning; the months stay right', async () => {
      const contoso = runOf(outcome, CONTOSO.tenantId);
      const texts = messagesOf(await show(s, contoso[0]!.runId));
      expect
        .soft(
          contoso.map((r) => r.status),
          `no warning when no change of the new invoice is before the contract start:\n${texts.join('\n')}`,
        )
        .toEqual(['success']);
      expect(
        texts.filter((t) => t.startsWith('warning:') && !t.includes('before the contract start')),
      ).toEqual([]);
      if (at)
        expect((await adjustmentsOf(s, LATE.id)).filter((a) => a.startsWith('2026-02-25'))).toEqual([
          '2026-02-25 -2 @31/26',
        ]);
      await expectUnits(s, LATE.id, late, '2026-01-16', '2026-03-19', 'Contoso after February', LATE.start);
      await expectMoney(s, LATE.id, late, '2025-12', '2026-02', 'Contoso after February', LATE.start);
      await expectRerunWritesNothing(s, MONTHS[2]!.asOf);
    });
  },
);
