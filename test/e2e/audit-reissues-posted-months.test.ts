import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { IDS } from '../support/autotask-world';
import {
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
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { BASIC, E3, subscription } from '../support/months-data';

/**
 * Audit of spec section 6 ("Corrected invoices", "Locked days", "Write only what is decided") and section 7:
 * Contoso's Microsoft invoices of December 2025 .. April 2026, each synced the day after it is issued, and the
 * period closed in the PSA right after its sync (Autotask: approved and posted through the month's last day, under
 * both emulator readings of an adjustment into a posted period, `bill-prorated` and `reject`; ConnectWise: the
 * agreement invoiced through the month, so its nextInvoiceDate moves on, prorateFlag off and on).
 *
 * - Business Premium (calendar cycles): a seat change inside every month; the list retail rises on 15 Feb 2026,
 *   mid-period (February keeps 31.00, March on 32.00, with the documented warning).
 * - Business Basic (cycles from the 20th): its cost rises with the cycle of 20 Mar 2026, mid-period (March keeps
 *   6.00, April 6.50, with the documented warning).
 * - On 15 Apr 2026, with December to March closed, Microsoft re-issues JANUARY (same number) with (a) the Business
 *   Premium decrease on 13 Jan instead of 20 Jan, (b) the Basic cycle of 20 Jan - 19 Feb at 5 seats instead of 3,
 *   (c) an Office 365 E3 subscription (2 seats, 10 Jan - 9 Feb) that was missing; February's invoice has no line for
 *   E3's next cycle, so E3 ended on 10 Feb. Every corrected day is closed: billsync may only book one-time charges
 *   or credits, labelled with the days, the offer and the reason, and warn.
 * - Then April's invoice as usual.
 *
 * After every step: each month bills the invoices' money to the cent (Autotask: in the month; ConnectWise: an
 * invoiced month keeps what it was invoiced, its correction comes with the first open month), and in all; no
 * sync writes on a closed day; nothing is written twice; a re-run writes nothing. Every expected value is computed
 * here from the invoice lines and the price list.
 */

// ---------------------------------------------------------------------------------------------------------------
// The invoices.

const P = subscription(CONTOSO, BUSINESS_PREMIUM, 'ae150000-0000-4000-8000-0000000000b1', '2025-12-01');
const S = subscription(CONTOSO, BASIC, 'ae150000-0000-4000-8000-0000000000b2', '2025-12-20');
const M = subscription(CONTOSO, E3, 'ae150000-0000-4000-8000-0000000000b3', '2026-01-10');

interface Invoice {
  number: string;
  period: string;
  issued: string;
  asOf: string;
  lines: ReconLineSpec[];
}

const INVOICES: Invoice[] = [
  {
    number: 'G730002512',
    period: '2025-12',
    issued: '2026-01-07',
    asOf: '2026-01-08',
    lines: [
      P.cycle('2025-12-01', '2025-12-31', 10, '26.00'),
      ...P.change('2025-12-15', '2025-12-31', 10, 12, '26.00'),
      S.cycle('2025-12-20', '2026-01-19', 3, '6.00', { chargeType: 'new' }),
    ],
  },
  {
    number: 'G730002601',
    period: '2026-01',
    issued: '2026-02-07',
    asOf: '2026-02-08',
    lines: [
      P.cycle('2026-01-01', '2026-01-31', 12, '26.00'),
      ...P.change('2026-01-20', '2026-01-31', 12, 9, '26.00', 'removeQuantity'),
      S.cycle('2026-01-20', '2026-02-19', 3, '6.00'),
    ],
  },
  {
    number: 'G730002602',
    period: '2026-02',
    issued: '2026-03-07',
    asOf: '2026-03-08',
    lines: [
      P.cycle('2026-02-01', '2026-02-28', 9, '26.00'),
      ...P.change('2026-02-10', '2026-02-28', 9, 11, '26.00'),
      S.cycle('2026-02-20', '2026-03-19', 3, '6.00'),
    ],
  },
  {
    number: 'G730002603',
    period: '2026-03',
    issued: '2026-04-07',
    asOf: '2026-04-08',
    lines: [
      P.cycle('2026-03-01', '2026-03-31', 11, '27.00'),
      ...P.change('2026-03-25', '2026-03-31', 11, 14, '27.00'),
      S.cycle('2026-03-20', '2026-04-19', 3, '6.50'),
    ],
  },
  {
    number: 'G730002604',
    period: '2026-04',
    issued: '2026-05-07',
    asOf: '2026-05-08',
    lines: [
      P.cycle('2026-04-01', '2026-04-30', 14, '27.00'),
      ...P.change('2026-04-08', '2026-04-30', 14, 13, '27.00', 'removeQuantity'),
      S.cycle('2026-04-20', '2026-05-19', 3, '6.50'),
    ],
  },
];

/** January re-issued (same number): (a) the decrease on 13 Jan, (b) Basic at 5 seats, (c) E3 added. */
const JANUARY_REISSUED: Invoice = {
  ...INVOICES[1]!,
  lines: [
    P.cycle('2026-01-01', '2026-01-31', 12, '26.00'),
    ...P.change('2026-01-13', '2026-01-31', 12, 9, '26.00', 'removeQuantity'),
    S.cycle('2026-01-20', '2026-02-19', 5, '6.00'),
    M.cycle('2026-01-10', '2026-02-09', 2, '30.00', { chargeType: 'new' }),
  ],
};
const REISSUE_AS_OF = '2026-04-15';

/** Business Premium's list retail rises on 15 Feb 2026 (mid-period); Basic and E3 stay. */
const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '26.00', erp: '31.00', end: '2026-02-14' },
  { offer: BUSINESS_PREMIUM, cost: '27.00', erp: '32.00', start: '2026-02-15' },
  { offer: BASIC, cost: '6.00', erp: '7.20' },
  { offer: E3, cost: '30.00', erp: '34.00' },
];

const OFFERS = [BUSINESS_PREMIUM, BASIC, E3] as const;

// ---------------------------------------------------------------------------------------------------------------
// The model: seats per day from the synced invoices, the retail of a day's period, money per month.

const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const nextMonth = (m: string) => (addMonths(parsePlainDate(`${m}-01`), 1) as string).slice(0, 7);
const lastDay = (m: string) => plus(`${nextMonth(m)}-01`, -1);
const cents = (x: Decimal | string) => decimalFixed(dec(x), 2);
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

/**
 * Seats of an offer on a day (spec section 6): per subscription, the signed quantities of the synced lines covering
 * the day; after its latest charge period it carries forward, unless the synced invoice of the month its next
 * cycle would start in has no line for it (monthly billing: it ended the day after its last charge period).
 */
function seatsOn(synced: readonly Invoice[], offer: OfferSpec, day: string): number {
  const lines = synced.flatMap((i) => i.lines).filter((l) => l.offer === offer);
  let n = 0;
  for (const sub of new Set(lines.map((l) => l.subscriptionId))) {
    const mine = lines.filter((l) => l.subscriptionId === sub);
    const first = mine.map((l) => l.chargeStart).sort()[0]!;
    const last = mine
      .map((l) => l.chargeEnd)
      .sort()
      .at(-1)!;
    if (day < first) continue;
    if (day > last) {
      const next = plus(last, 1).slice(0, 7);
      const decider = synced.find((i) => i.period === next);
      if (decider && !decider.lines.some((l) => l.subscriptionId === sub)) continue;
    }
    const at = day <= last ? day : last;
    n += mine
      .filter((l) => l.chargeStart <= at && at <= l.chargeEnd)
      .reduce((t, l) => t + (l.reversal ? -l.quantity : l.quantity), 0);
  }
  return n;
}

/** Spec section 6: retail = the list's ERP price on the period's (calendar month's) first day; no proration. */
function retail(offer: OfferSpec, day: string): string {
  if (offer === BASIC) return '7.20';
  if (offer === E3) return '34.00';
  return `${day.slice(0, 7)}-01` >= '2026-02-15' ? '32.00' : '31.00';
}

/** What one offer must bill in a month: seat-days x retail / days of the month. */
function offerMoney(synced: readonly Invoice[], offer: OfferSpec, month: string): Decimal {
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let total = ZERO;
  for (const d of eachDay(`${month}-01`, lastDay(month)))
    total = total.plus(dec(seatsOn(synced, offer, d)).times(dec(retail(offer, d))));
  return total.div(dim);
}
const monthMoney = (synced: readonly Invoice[], month: string) =>
  OFFERS.reduce((t, o) => t.plus(offerMoney(synced, o, month)), ZERO);

/** The days of a month on which an offer's seats differ between two invoice sets. */
const changedDays = (a: readonly Invoice[], b: readonly Invoice[], offer: OfferSpec, month: string) =>
  eachDay(`${month}-01`, lastDay(month)).filter((d) => seatsOn(a, offer, d) !== seatsOn(b, offer, d));

/** The days a label like "13-19 Jan 2026" or "1, 15-20 Feb 2026" names. */
function daysOfLabel(text: string): string[] {
  const out: string[] = [];
  const re =
    /((?:\d{1,2}(?:-\d{1,2})?, )*\d{1,2}(?:-\d{1,2})?) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})/g;
  for (const m of text.matchAll(re)) {
    const month = `${m[3]}-${String(MONTH_NAMES.indexOf(m[2]!) + 1).padStart(2, '0')}`;
    for (const part of m[1]!.split(', ')) {
      const [a, b = a] = part.split('-').map(Number) as [number, number?];
      for (let d = a; d <= (b as number); d++) out.push(`${month}-${String(d).padStart(2, '0')}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the PSA back.

// biome-ignore lint/suspicious/noExplicitAny: one scenario type per target.
type AnyScenario = CliScenario<any>;

// biome-ignore lint/suspicious/noExplicitAny: the emulators' state dumps.
type Row = Record<string, any>;

async function emulatorState(s: AnyScenario): Promise<Row> {
  return (await (await fetch(`${s.base}/_emulator/state`)).json()) as Row;
}

/**
 * What the PSA bills the contract in a month. ConnectWise: the emulator's billing report. Autotask: the unit rows
 * prorated by days plus the charges dated in the month (exact), and the emulator's billing report (what approve &
 * post billed, prorated items of posted-day changes included; the PSA rounds each row to the cent).
 */
async function billedIn(
  s: AnyScenario,
  contract: number,
  month: string,
): Promise<{ exact: Decimal; report: Decimal }> {
  if (s.target === 'connectwise') {
    const total = (await s.readback.billedPerMonth(contract, month)).total;
    return { exact: total, report: total };
  }
  const res = await fetch(`${s.base}/_emulator/billing?contractId=${contract}&from=${month}&to=${month}`);
  const body = (await res.json()) as { months: { total: { amount: string } }[] };
  return {
    exact: (await s.readback.billedPerMonth(contract, month)).total,
    report: dec(body.months[0]!.total.amount),
  };
}

/** One write billsync made, in a form to compare across a sync. */
interface Written {
  /** Autotask adjustments / ConnectWise line additions (id -> fields). */
  lines: Map<number, Row>;
  /** Autotask ContractCharges / ConnectWise charge additions (id -> fields). */
  charges: Map<number, Row>;
  /** Autotask: BillingItems of recurring services (approve & post, or prorated items of a posted-day change). */
  billingItems: number;
}

const isChargeAddition = (a: Row) => String(a.serialNumber ?? '').startsWith('billsync-charge:');

async function written(s: AnyScenario, contract: number): Promise<Written> {
  const state = await emulatorState(s);
  if (s.target === 'connectwise') {
    const mine = (state.additions as Row[]).filter((a) => a.agreementId === contract);
    const view = (a: Row) => ({
      id: a.id,
      product: a.product?.id,
      effectiveDate: String(a.effectiveDate ?? '').slice(0, 10),
      cancelledDate: a.cancelledDate ? String(a.cancelledDate).slice(0, 10) : null,
      quantity: a.quantity,
      unitPrice: a.unitPrice,
      unitCost: a.unitCost,
      serialNumber: a.serialNumber ?? null,
      invoiceDescription: a.invoiceDescription ?? '',
    });
    return {
      lines: new Map(mine.filter((a) => !isChargeAddition(a)).map((a) => [a.id, view(a)])),
      charges: new Map(mine.filter(isChargeAddition).map((a) => [a.id, view(a)])),
      billingItems: 0,
    };
  }
  const services = new Set(
    (state.ContractServices as Row[]).filter((cs) => cs.contractID === contract).map((cs) => cs.id),
  );
  return {
    lines: new Map(
      (state.ContractServiceAdjustments as Row[])
        .filter((a) => services.has(a.contractServiceID))
        .map((a) => [
          a.id,
          {
            id: a.id,
            contractServiceID: a.contractServiceID,
            effectiveDate: String(a.effectiveDate).slice(0, 10),
            unitChange: a.unitChange,
          },
        ]),
    ),
    charges: new Map(
      (state.ContractCharges as Row[])
        .filter((c) => c.contractID === contract)
        .map((c) => [
          c.id,
          {
            id: c.id,
            date: String(c.datePurchased).slice(0, 10),
            name: c.name,
            description: c.description ?? '',
            amount: c.billableAmount ?? Number(c.unitQuantity) * Number(c.unitPrice),
            marker: c.internalPurchaseOrderNumber ?? null,
            contractServiceID: c.contractServiceID ?? null,
          },
        ]),
    ),
    billingItems: (state.BillingItems as Row[]).filter(
      (b) => b.contractID === contract && b.billingItemType === 5,
    ).length,
  };
}

const show = showRun;
const messagesOf = runMessages;

// ---------------------------------------------------------------------------------------------------------------
// The scenarios.

interface Variant {
  name: string;
  target: ScenarioTarget;
  rule?: 'bill-prorated' | 'reject';
  prorate?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'Autotask, posted-period adjustments bill-prorated', target: 'autotask', rule: 'bill-prorated' },
  { name: 'Autotask, posted-period adjustments rejected', target: 'autotask', rule: 'reject' },
  { name: 'ConnectWise, prorateFlag off', target: 'connectwise', prorate: false },
  { name: 'ConnectWise, prorateFlag on', target: 'connectwise', prorate: true },
];

describe.each(VARIANTS)('Corrected invoices of closed months ($name)', ({ target, rule, prorate }) => {
  let s: AnyScenario;
  const at = target === 'autotask';
  const contract = at ? IDS.contract : CW_IDS.agreement;
  /** The invoices synced so far (the re-issue replacing its original). */
  let synced: Invoice[] = [];
  /** The last day closed in the PSA (Autotask: approved and posted; ConnectWise: invoiced). */
  let closedThrough = '2025-11-30';
  /** ConnectWise: what each invoiced month must keep billing (the model's money when it was invoiced). */
  const frozen = new Map<string, Decimal>();
  /** ConnectWise: corrections of invoiced months that belong to a later (open) month. */
  const moved = new Map<string, Decimal>();
  let outcome: SyncOutcome;
  let lastDecided = '2025-11';

  const markSynced = (inv: Invoice) => {
    synced = [...synced.filter((i) => i.number !== inv.number), inv];
  };

  async function closeMonth(month: string): Promise<void> {
    if (at) {
      s.setClock(`${nextMonth(month)}-09T09:00:00Z`);
      await s.approveAndPost(lastDay(month), contract);
    } else {
      const res = await fetch(`${s.base}/_emulator/invoice`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ through: `${month}-01`, agreementId: contract }),
      });
      expect(res.status, await res.text()).toBe(200);
      const state = await emulatorState(s);
      const agreement = (state.agreements as Row[]).find((a) => a.id === contract)!;
      expect(String(agreement.nextInvoiceDate).slice(0, 10), 'nextInvoiceDate moves on').toBe(
        `${nextMonth(month)}-01`,
      );
      for (const m of monthsOf('2025-12', month))
        if (!frozen.has(m)) frozen.set(m, monthMoney(synced, m).plus(moved.get(m) ?? ZERO));
    }
    closedThrough = lastDay(month);
  }

  /** Each decided month bills the invoices' money to the cent, and so do all of them together. */
  async function expectMoney(label: string): Promise<void> {
    const got: string[] = [];
    const want: string[] = [];
    let gotAll = ZERO;
    let wantAll = ZERO;
    const reported: string[] = [];
    for (const m of monthsOf('2025-12', lastDecided)) {
      const { exact: b, report } = await billedIn(s, contract, m);
      let w = monthMoney(synced, m);
      if (!at && frozen.has(m)) w = frozen.get(m)!;
      else if (!at) w = w.plus(moved.get(m) ?? ZERO);
      got.push(`${m}: ${cents(b)}`);
      want.push(`${m}: ${cents(w)}`);
      // Autotask rounds each unit row to the cent: at most a cent per row (a month here has at most 3 rows a line).
      if (report.minus(w).abs().gt(dec('0.03')))
        reported.push(`${m}: reported ${cents(report)} for ${cents(w)}`);
      gotAll = gotAll.plus(b);
      wantAll = wantAll.plus(monthMoney(synced, m));
    }
    if (!at) {
      // Corrections booked into open months not decided yet count in all.
      for (const a of (await written(s, contract)).charges.values())
        if (a.effectiveDate > `${lastDecided}-31`)
          gotAll = gotAll.plus(dec(String(a.unitPrice)).times(dec(String(a.quantity))));
    }
    const charges = [...(await written(s, contract)).charges.values()].map((c) => JSON.stringify(c));
    expect.soft(got, `${label}: billed per month (charges: ${charges.join('; ')})`).toEqual(want);
    expect.soft(reported, `${label}: the PSA's billing report (posted items and open rows)`).toEqual([]);
    expect.soft(cents(gotAll), `${label}: billed in all, December to ${lastDecided}`).toBe(cents(wantAll));
  }

  /** No write of this sync touched a closed day; nothing written twice. */
  function expectNothingClosedOrTwice(before: Written, after: Written, label: string): void {
    const bad: string[] = [];
    if (at) {
      for (const [id, a] of after.lines)
        if (!before.lines.has(id) && a.effectiveDate <= closedThrough)
          bad.push(`adjustment ${a.effectiveDate} ${a.unitChange}`);
      if (after.billingItems !== before.billingItems)
        bad.push(`${after.billingItems - before.billingItems} prorated billing item(s) of posted days`);
      const days = [...after.lines.values()].map((a) => `${a.contractServiceID} ${a.effectiveDate}`);
      expect(
        days.filter((d, i) => days.indexOf(d) !== i),
        `${label}: two adjustments of a line on a day`,
      ).toEqual([]);
      const markers = [...after.charges.values()].map((c) => c.marker ?? `no marker ${c.id}`);
      expect(
        markers.filter((m, i) => markers.indexOf(m) !== i),
        `${label}: charges written twice`,
      ).toEqual([]);
    } else {
      const open = plus(closedThrough, 1);
      for (const [id, a] of [...after.lines, ...after.charges]) {
        const old = before.lines.get(id) ?? before.charges.get(id);
        if (!old) {
          if (a.effectiveDate < open) bad.push(`new addition ${JSON.stringify(a)}`);
          continue;
        }
        const money = ['quantity', 'unitPrice', 'unitCost', 'effectiveDate'].some((k) => old[k] !== a[k]);
        if (money && (a.effectiveDate < open || old.effectiveDate < open))
          bad.push(`addition changed in an invoiced period: ${JSON.stringify(old)} -> ${JSON.stringify(a)}`);
        const end = (x: Row) => x.cancelledDate ?? '9999-12-31';
        if (end(old) !== end(a) && (end(old) < closedThrough || end(a) < closedThrough))
          bad.push(
            `addition end moved inside an invoiced period: ${JSON.stringify(old)} -> ${JSON.stringify(a)}`,
          );
      }
      for (const id of before.lines.keys()) if (!after.lines.has(id)) bad.push(`addition ${id} deleted`);
      const markers = [...after.lines.values(), ...after.charges.values()].map(
        (a) => `${a.product} ${a.serialNumber ?? `no marker ${a.id}`}`,
      );
      expect(
        markers.filter((m, i) => markers.indexOf(m) !== i),
        `${label}: additions written twice`,
      ).toEqual([]);
    }
    expect(bad, `${label}: written on a day closed through ${closedThrough}`).toEqual([]);
  }

  async function syncMonth(i: number): Promise<{ before: Written; after: Written; texts: string[] }> {
    const inv = INVOICES[i]!;
    await s.importInvoice(reconFile(s.dir, inv.number, inv.lines), {
      period: inv.period,
      issued: inv.issued,
    });
    if (i === 0) await s.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
    const before = await written(s, contract);
    const products = await s.syncProducts({ asOf: inv.asOf });
    expect(products.code, await s.explain(products)).toBe(0);
    outcome = await s.syncCustomers({ asOf: inv.asOf });
    markSynced(inv);
    lastDecided = inv.period;
    expect(
      outcome.runs.map((r) => r.status),
      await s.explain(outcome),
    ).toEqual([expect.stringMatching(/^(success|warning)$/)]);
    const after = await written(s, contract);
    const texts = messagesOf(await show(s, outcome.runs[0]!.runId));
    expectNothingClosedOrTwice(before, after, inv.period);
    await expectMoney(`after ${inv.period}`);
    await expectRerunWritesNothing(s, inv.asOf);
    return { before, after, texts };
  }

  beforeAll(async () => {
    s = await createCliScenario({
      target,
      now: '2026-01-08T09:00:00Z',
      inProcess: true,
      ...(at
        ? { rules: { postedPeriodAdjustments: rule ?? 'bill-prorated' } }
        : { seed: { prorate: prorate === true } }),
    });
    await s.setup();
    await s.importPriceList(priceListFile(s.dir, PRICES));
    // ConnectWise: the agreement was invoiced through November before billsync.
    if (!at) await closeMonth('2025-11');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('December, January: seat changes inside the month; each month closed after its sync', async () => {
    await syncMonth(0);
    await closeMonth('2025-12');
    await syncMonth(1);
    await closeMonth('2026-01');
  });

  it('February: the list retail rises on 15 Feb (mid-period): a warning, February keeps 31.00', async () => {
    const { texts } = await syncMonth(2);
    expect
      .soft(texts.join('\n'))
      .toMatch(/Subscription retail unit price changed from 31(\.00)? to 32(\.00)? on 15 Feb 2026/);
    await closeMonth('2026-02');
  });

  it('March: the Basic cycle of 20 Mar costs 6.50 (mid-period): a warning; the money right', async () => {
    const { texts } = await syncMonth(3);
    expect
      .soft(texts.join('\n'))
      .toMatch(/Subscription cost unit price changed from 6(\.00)? to 6\.5(0)? on 20 Mar 2026/);
    await closeMonth('2026-03');
  });

  it('January re-issued (two months back, closed): charges/credits only, labelled, a warning; the money right', async () => {
    const old = synced;
    await s.importInvoice(reconFile(s.dir, JANUARY_REISSUED.number, JANUARY_REISSUED.lines, 'reissued.csv'), {
      period: JANUARY_REISSUED.period,
      issued: JANUARY_REISSUED.issued,
    });
    const before = await written(s, contract);
    const products = await s.syncProducts({ asOf: REISSUE_AS_OF });
    expect(products.code, await s.explain(products)).toBe(0);
    outcome = await s.syncCustomers({ asOf: REISSUE_AS_OF });
    markSynced(JANUARY_REISSUED);
    const detail = outcome.runs[0] ? await show(s, outcome.runs[0].runId) : undefined;
    const texts = detail ? messagesOf(detail) : [];
    expect(
      outcome.runs.map((r) => r.status),
      `${await s.explain(outcome)}\n${texts.join('\n')}`,
    ).toEqual(['warning']);
    expect(outcome.code).toBe(2);
    const after = await written(s, contract);
    expectNothingClosedOrTwice(before, after, 're-issue');

    // Every corrected (offer, month) is closed: one booking each, nothing on the lines.
    const expected: { offer: OfferSpec; month: string; days: string[]; amount: Decimal }[] = [];
    for (const offer of OFFERS)
      for (const month of monthsOf('2025-12', '2026-03')) {
        const days = changedDays(old, synced, offer, month);
        if (days.length)
          expected.push({
            offer,
            month,
            days,
            amount: offerMoney(synced, offer, month).minus(offerMoney(old, offer, month)),
          });
      }
    // By hand: BP -3 x 7 days (13-19 Jan); Basic +2 on 20 Jan - 19 Feb; E3 2 seats 10 Jan - 9 Feb.
    expect(expected.map((e) => `${e.offer.title} ${e.month} ${cents(e.amount)}`)).toEqual([
      'Microsoft 365 Business Premium 2026-01 -21.00',
      'Microsoft 365 Business Basic 2026-01 5.57',
      'Microsoft 365 Business Basic 2026-02 9.77',
      'Office 365 E3 2026-01 48.26',
      'Office 365 E3 2026-02 21.86',
    ]);
    const newLines = [...after.lines.values()].filter((a) => !before.lines.has(a.id));
    expect(newLines, 'no line change: every corrected day is closed').toEqual([]);
    const newCharges = [...after.charges.values()].filter((c) => !before.charges.has(c.id));
    const label = (c: Row) => (at ? `${c.name} ${c.description}` : String(c.invoiceDescription));
    const amount = (c: Row) =>
      at ? dec(String(c.amount)) : dec(String(c.unitPrice)).times(dec(String(c.quantity)));
    const monthOf = (c: Row) =>
      at ? String(c.date).slice(0, 7) : String(c.serialNumber).slice('billsync-charge:'.length, 23);
    const got = newCharges.map((c) => `${monthOf(c)} ${cents(amount(c))} ${label(c)}`);
    for (const e of expected) {
      const mine = newCharges.filter((c) => monthOf(c) === e.month && label(c).includes(e.offer.title));
      const sum = mine.reduce((t, c) => t.plus(amount(c)), ZERO);
      expect
        .soft(mine.length, `one booking for ${e.offer.title} ${e.month}; new charges:\n${got.join('\n')}`)
        .toBe(1);
      expect
        .soft(
          sum.minus(e.amount).abs().lt(dec('0.01')),
          `${e.offer.title} ${e.month}: ${sum} for ${e.amount}`,
        )
        .toBe(true);
      for (const c of mine) {
        const named = daysOfLabel(label(c));
        expect
          .soft(
            e.days.filter((d) => !named.includes(d)),
            `${e.offer.title} ${e.month}: the label names the corrected days: ${label(c)}`,
          )
          .toEqual([]);
        expect.soft(label(c), 'the label names the reason').toContain('already approved and posted');
        expect.soft(c.name ?? label(c)).toMatch(amount(c).lt(ZERO) ? /^Credit/ : /^Correction/);
      }
      // The run says what was corrected: a warning naming the days, the reason and the booking.
      const warned = texts.filter(
        (t) =>
          t.startsWith('warning:') &&
          t.includes('could not be changed') &&
          t.includes('already approved and posted') &&
          e.days.every((d) => daysOfLabel(t).includes(d)),
      );
      expect
        .soft(warned.length, `${e.offer.title} ${e.month}: a warning in\n${texts.join('\n')}`)
        .toBeGreaterThan(0);
    }
    expect.soft(newCharges.length, `new charges:\n${got.join('\n')}`).toBe(expected.length);
    if (!at) {
      // ConnectWise: the corrections of invoiced months come with the first open month (April).
      const open = plus(closedThrough, 1).slice(0, 7);
      moved.set(open, (moved.get(open) ?? ZERO).plus(expected.reduce((t, e) => t.plus(e.amount), ZERO)));
      for (const c of newCharges)
        expect.soft(c.effectiveDate, 'a charge in the first open month').toBe(`${open}-01`);
    }
    await expectMoney('after the re-issue');
    await expectRerunWritesNothing(s, REISSUE_AS_OF);
  });

  it('April: the next month as usual; the corrections stay booked once; the money of five months right', async () => {
    const chargesBefore = [...(await written(s, contract)).charges.values()].map((c) => JSON.stringify(c));
    await syncMonth(4);
    const chargesAfter = [...(await written(s, contract)).charges.values()].map((c) => JSON.stringify(c));
    expect(
      chargesAfter.slice(0, chargesBefore.length),
      'the earlier charges are still there, unchanged',
    ).toEqual(chargesBefore);
    await closeMonth('2026-04');
    await expectMoney('after April closed');
    // E3 ended on 10 Feb (February's invoice has no line for its next cycle): nothing billed for it after.
    const days = eachDay('2026-02-01', '2026-04-30');
    expect(dayRuns(days.map((d) => [d, seatsOn(synced, E3, d)]))).toBe(
      '2026-02-01..2026-02-09: 2, 2026-02-10..2026-04-30: 0',
    );
    await expectRerunWritesNothing(s, INVOICES[4]!.asOf);
  });
});

describe('the expectations, by hand', () => {
  it('seats and money of the invoices', () => {
    const all = INVOICES;
    expect(
      ['2025-12-14', '2025-12-15', '2026-01-19', '2026-01-20', '2026-03-25', '2026-04-08'].map((d) =>
        seatsOn(all, BUSINESS_PREMIUM, d),
      ),
    ).toEqual([10, 12, 12, 9, 14, 13]);
    // December: BP (10 x 14 + 12 x 17) x 31 / 31 = 344.00; Basic 3 x 12 x 7.20 / 31 = 8.36.
    expect(cents(monthMoney(all, '2025-12'))).toBe(cents(dec(344).plus(dec('259.2').div(31))));
    // February keeps 31.00 although the list rose on 15 Feb: (9 x 9 + 11 x 19) x 31 / 28 + 3 x 7.20.
    expect(cents(monthMoney(all, '2026-02'))).toBe(
      cents(
        dec(290 * 31)
          .div(28)
          .plus(dec('21.6')),
      ),
    );
    const reissued = [...INVOICES.filter((i) => i.number !== JANUARY_REISSUED.number), JANUARY_REISSUED];
    expect(seatsOn(reissued, E3, '2026-02-09')).toBe(2);
    expect(seatsOn(reissued, E3, '2026-02-10')).toBe(0);
    expect(seatsOn([INVOICES[0]!, JANUARY_REISSUED], E3, '2026-02-10')).toBe(2);
    expect(daysOfLabel('13-19 Jan 2026 could not')).toEqual(eachDay('2026-01-13', '2026-01-19'));
    expect(daysOfLabel('x 1, 15-16 Feb 2026')).toEqual(['2026-02-01', '2026-02-15', '2026-02-16']);
  });
});
