import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  runMessages,
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
import { eachDay } from '../support/day-values';
import { BASIC, E3, subscription } from '../support/months-data';

/**
 * Audit of spec section 6 ("Locked days", "Corrected invoices", "Write only what is decided"), decision 0012
 * (ConnectWise: whole-month additions, charges for what cannot change) and decision 0013 (a price rule that starts
 * in months already synced reprices them, posted ones through a correction charge), on ConnectWise with the
 * agreement's prorateFlag off and on. What test/e2e/audit-reissues-posted-months.test.ts did not cover:
 *
 * - the MSP invoices SEVERAL months in one go (December to February on 10 Mar, then March, then April), so a
 *   correction reaches months that were invoiced in a row;
 * - two re-issues arriving together (January, two months back, and February), one of them re-issued a second
 *   time later (a correction of a correction of an invoiced month: only the difference is booked);
 * - a subscription missing from an invoice and added by its re-issue (E3 from 5 Feb), its cycle running into the
 *   open month;
 * - a late seat change: March's invoice carries a Business Basic change from 25 Feb (February is invoiced);
 * - price changes in invoiced periods: a price rule for Contoso's Business Premium from 1 Feb added on 8 Apr
 *   (February invoiced) and a re-issue of February with another unit cost.
 *
 * Contoso (agreement 1040, Sync cost and retail pricing); list: Business Premium 26.00 / 31.00, Basic 6.00 / 7.20,
 * E3 30.00 / 34.00. Every expected figure is computed here from the invoice lines, the price list and the rule:
 * an invoiced month keeps what it was invoiced; the correction of an invoiced month is booked once, in the first
 * month not invoiced yet (decision 0012), so the months' money in all equals the invoices' to the cent; retail
 * and cost. No sync writes into an invoiced period; nothing is written twice; a re-run writes nothing.
 */

const P = subscription(CONTOSO, BUSINESS_PREMIUM, 'c1c00000-0000-4000-8000-0000000000b1', '2025-12-01');
const S = subscription(CONTOSO, BASIC, 'c1c00000-0000-4000-8000-0000000000b2', '2025-12-20');
const M = subscription(CONTOSO, E3, 'c1c00000-0000-4000-8000-0000000000b3', '2026-02-05');

interface Invoice {
  number: string;
  period: string;
  issued: string;
  lines: ReconLineSpec[];
}

const DEC: Invoice = {
  number: 'G810002512',
  period: '2025-12',
  issued: '2026-01-07',
  lines: [
    P.cycle('2025-12-01', '2025-12-31', 10, '26.00'),
    ...P.change('2025-12-15', '2025-12-31', 10, 12, '26.00'),
    S.cycle('2025-12-20', '2026-01-19', 3, '6.00', { chargeType: 'new' }),
  ],
};
const JAN: Invoice = {
  number: 'G810002601',
  period: '2026-01',
  issued: '2026-02-07',
  lines: [
    P.cycle('2026-01-01', '2026-01-31', 12, '26.00'),
    ...P.change('2026-01-20', '2026-01-31', 12, 9, '26.00', 'removeQuantity'),
    S.cycle('2026-01-20', '2026-02-19', 3, '6.00'),
  ],
};
/** January re-issued (two months back): the decrease on 13 Jan instead of 20 Jan, and to 8 instead of 9. */
const JAN_R1: Invoice = {
  ...JAN,
  lines: [
    P.cycle('2026-01-01', '2026-01-31', 12, '26.00'),
    ...P.change('2026-01-13', '2026-01-31', 12, 8, '26.00', 'removeQuantity'),
    S.cycle('2026-01-20', '2026-02-19', 3, '6.00'),
  ],
};
const FEB: Invoice = {
  number: 'G810002602',
  period: '2026-02',
  issued: '2026-03-07',
  lines: [
    P.cycle('2026-02-01', '2026-02-28', 8, '26.00'),
    ...P.change('2026-02-10', '2026-02-28', 8, 11, '26.00'),
    S.cycle('2026-02-20', '2026-03-19', 3, '6.00'),
  ],
};
/** February re-issued: the increase to 10 (not 11), and E3 (2 seats from 5 Feb) that was missing. */
const FEB_R1: Invoice = {
  ...FEB,
  lines: [
    P.cycle('2026-02-01', '2026-02-28', 8, '26.00'),
    ...P.change('2026-02-10', '2026-02-28', 8, 10, '26.00'),
    S.cycle('2026-02-20', '2026-03-19', 3, '6.00'),
    M.cycle('2026-02-05', '2026-03-04', 2, '30.00', { chargeType: 'new' }),
  ],
};
/** February re-issued again (two months back on 8 May): Business Premium at 25.50, its increase on 17 Feb. */
const FEB_R2: Invoice = {
  ...FEB,
  lines: [
    P.cycle('2026-02-01', '2026-02-28', 8, '25.50'),
    ...P.change('2026-02-17', '2026-02-28', 8, 10, '25.50'),
    S.cycle('2026-02-20', '2026-03-19', 3, '6.00'),
    M.cycle('2026-02-05', '2026-03-04', 2, '30.00', { chargeType: 'new' }),
  ],
};
/** March: a late change of Basic's cycle of 20 Feb (3 -> 4 from 25 Feb, inside invoiced February). */
const MAR: Invoice = {
  number: 'G810002603',
  period: '2026-03',
  issued: '2026-04-07',
  lines: [
    P.cycle('2026-03-01', '2026-03-31', 10, '27.00'),
    ...S.change('2026-02-25', '2026-03-19', 3, 4, '6.00'),
    S.cycle('2026-03-20', '2026-04-19', 4, '6.00'),
    M.cycle('2026-03-05', '2026-04-04', 2, '30.00'),
  ],
};
const APR: Invoice = {
  number: 'G810002604',
  period: '2026-04',
  issued: '2026-05-07',
  lines: [
    P.cycle('2026-04-01', '2026-04-30', 10, '27.00'),
    ...P.change('2026-04-08', '2026-04-30', 10, 13, '27.00'),
    S.cycle('2026-04-20', '2026-05-19', 4, '6.00'),
    M.cycle('2026-04-05', '2026-05-04', 2, '30.00'),
  ],
};
const MAY: Invoice = {
  number: 'G810002605',
  period: '2026-05',
  issued: '2026-06-07',
  lines: [
    P.cycle('2026-05-01', '2026-05-31', 13, '27.00'),
    S.cycle('2026-05-20', '2026-06-19', 4, '6.00'),
    M.cycle('2026-05-05', '2026-06-04', 2, '30.00'),
  ],
};

const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '26.00', erp: '31.00' },
  { offer: BASIC, cost: '6.00', erp: '7.20' },
  { offer: E3, cost: '30.00', erp: '34.00' },
];
const RULE_PRICE = '33.00';
const RULE_FROM = '2026-02-01';

const OFFERS = [BUSINESS_PREMIUM, BASIC, E3] as const;

// ---------------------------------------------------------------------------------------------------------------
// The model: seats per day from the synced invoices, retail and cost per period, money per month.

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

interface Model {
  synced: Invoice[];
  /** The price rule exists (Contoso's Business Premium at 33.00 from 1 Feb). */
  rule: boolean;
}

/**
 * Seats of an offer on a day (spec section 6): per subscription, the signed quantities of the synced lines covering
 * the day; after its latest charge period it carries forward, unless the synced invoice of the month its next
 * cycle would start in has no line for it (monthly billing: it ended the day after its last charge period).
 */
function seatsOn(m: Model, offer: OfferSpec, day: string): number {
  const lines = m.synced.flatMap((i) => i.lines).filter((l) => l.offer === offer);
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
      const decider = m.synced.find((i) => i.period === next);
      if (decider && !decider.lines.some((l) => l.subscriptionId === sub)) continue;
    }
    const at = day <= last ? day : last;
    n += mine
      .filter((l) => l.chargeStart <= at && at <= l.chargeEnd)
      .reduce((t, l) => t + (l.reversal ? -l.quantity : l.quantity), 0);
  }
  return n;
}

/** Retail of a month (spec section 6 + decision 0013): the list's, or the rule's from its first whole period. */
function retail(m: Model, offer: OfferSpec, month: string): string {
  if (offer === BASIC) return '7.20';
  if (offer === E3) return '34.00';
  return m.rule && `${month}-01` >= RULE_FROM ? RULE_PRICE : '31.00';
}

/**
 * Cost of a month: the unit price of the synced invoice line covering the period (calendar month); no cost
 * changes mid-period here (Business Premium cycles are calendar months, Basic and E3 keep one price).
 */
function cost(m: Model, offer: OfferSpec, month: string): string {
  if (offer === BASIC) return '6.00';
  if (offer === E3) return '30.00';
  const line = m.synced
    .flatMap((i) => i.lines)
    .find((l) => l.offer === offer && l.chargeStart <= `${month}-01` && `${month}-01` <= l.chargeEnd);
  return line?.unitPrice ?? (month >= '2026-03' ? '27.00' : '26.00');
}

function offerMoney(m: Model, offer: OfferSpec, month: string): { price: Decimal; cost: Decimal } {
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let seatDays = 0;
  for (const d of eachDay(`${month}-01`, lastDay(month))) seatDays += seatsOn(m, offer, d);
  return {
    price: dec(seatDays)
      .times(dec(retail(m, offer, month)))
      .div(dim),
    cost: dec(seatDays)
      .times(dec(cost(m, offer, month)))
      .div(dim),
  };
}
/**
 * A month's money: per offer, the retail rounded to the cent (billsync rounds each offer's month once: decision
 * 0008), the cost exact (compared within a cent per booking: the PSA rounds each line and charge).
 */
function monthMoney(m: Model, month: string): { price: Decimal; cost: Decimal } {
  let price = ZERO;
  let c = ZERO;
  for (const o of OFFERS) {
    const x = offerMoney(m, o, month);
    price = price.plus(x.price.round(2, 1));
    c = c.plus(x.cost);
  }
  return { price, cost: c };
}

/** The days of a month whose money differs between two models for an offer (seats, retail or cost). */
function changedDays(a: Model, b: Model, offer: OfferSpec, month: string): string[] {
  const priced =
    retail(a, offer, month) !== retail(b, offer, month) || cost(a, offer, month) !== cost(b, offer, month);
  return eachDay(`${month}-01`, lastDay(month)).filter((d) => {
    const x = seatsOn(a, offer, d);
    const y = seatsOn(b, offer, d);
    return x !== y || (priced && (x !== 0 || y !== 0));
  });
}

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
// Reading ConnectWise back.

// biome-ignore lint/suspicious/noExplicitAny: the emulator's state dump.
type Row = Record<string, any>;
type CwScenario = CliScenario<'connectwise'>;

const AGREEMENT = CW_IDS.agreement;

async function emulatorState(s: CwScenario): Promise<Row> {
  return (await (await fetch(`${s.base}/_emulator/state`)).json()) as Row;
}

/** What the agreement bills in each month from `from` to `to` (price and cost), from the emulator's report. */
async function report(
  s: CwScenario,
  from: string,
  to: string,
): Promise<Map<string, { price: Decimal; cost: Decimal }>> {
  const res = await fetch(`${s.base}/_emulator/billing?agreementId=${AGREEMENT}&from=${from}&to=${to}`);
  const body = (await res.json()) as { months: { month: string; total: { amount: string; cost: string } }[] };
  return new Map(body.months.map((m) => [m.month, { price: dec(m.total.amount), cost: dec(m.total.cost) }]));
}

interface Written {
  lines: Map<number, Row>;
  charges: Map<number, Row>;
}

const isChargeAddition = (a: Row) => String(a.serialNumber ?? '').startsWith('billsync-charge:');

async function written(s: CwScenario): Promise<Written> {
  const state = await emulatorState(s);
  const mine = (state.additions as Row[]).filter((a) => a.agreementId === AGREEMENT);
  const catalog = new Map((state.catalog as Row[]).map((c) => [c.id, c.identifier]));
  const view = (a: Row) => ({
    id: a.id,
    product: catalog.get(a.product?.id) ?? a.product?.id,
    effectiveDate: String(a.effectiveDate ?? '').slice(0, 10),
    cancelledDate: a.cancelledDate ? String(a.cancelledDate).slice(0, 10) : null,
    quantity: a.quantity,
    unitPrice: a.unitPrice,
    unitCost: a.unitCost,
    serialNumber: a.serialNumber ?? null,
    invoiceDescription: a.invoiceDescription ?? '',
    description: a.description ?? '',
  });
  return {
    lines: new Map(mine.filter((a) => !isChargeAddition(a)).map((a) => [a.id, view(a)])),
    charges: new Map(mine.filter(isChargeAddition).map((a) => [a.id, view(a)])),
  };
}

const chargeMonth = (c: Row) =>
  String(c.serialNumber).slice('billsync-charge:'.length, 'billsync-charge:'.length + 7);
const chargeLabel = (c: Row) => `${c.invoiceDescription} ${c.description}`;
const chargePrice = (c: Row) => dec(String(c.unitPrice)).times(dec(String(c.quantity)));
const chargeCost = (c: Row) => dec(String(c.unitCost)).times(dec(String(c.quantity)));

// ---------------------------------------------------------------------------------------------------------------

describe.each([
  { name: 'prorateFlag off', prorate: false },
  { name: 'prorateFlag on', prorate: true },
])('ConnectWise: corrections of months already invoiced ($name)', ({ prorate }) => {
  let s: CwScenario;
  const model: Model = { synced: [], rule: false };
  /** The last day invoiced in ConnectWise (nextInvoiceDate - 1). */
  let invoicedThrough = '2025-11-30';
  /** What each invoiced month keeps billing (what it billed when it was invoiced). */
  const frozen = new Map<string, { price: Decimal; cost: Decimal }>();
  /** Corrections of invoiced months booked into a later (open) month. */
  const moved = new Map<string, { price: Decimal; cost: Decimal }>();
  let lastDecided = '2025-11';

  const snapshot = (): Model => ({ synced: [...model.synced], rule: model.rule });
  const markSynced = (inv: Invoice) => {
    model.synced = [...model.synced.filter((i) => i.number !== inv.number), inv];
  };
  const wantOpen = (m: string) => {
    const x = monthMoney(model, m);
    const mv = moved.get(m) ?? { price: ZERO, cost: ZERO };
    return { price: x.price.plus(mv.price), cost: x.cost.plus(mv.cost) };
  };

  /** The MSP runs ConnectWise's agreement invoicing through `month` (every open month up to it, in order). */
  async function invoiceThrough(month: string): Promise<void> {
    const res = await fetch(`${s.base}/_emulator/invoice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ through: `${month}-01`, agreementId: AGREEMENT }),
    });
    expect(res.status, await res.text()).toBe(200);
    const agreement = ((await emulatorState(s)).agreements as Row[]).find((a) => a.id === AGREEMENT)!;
    expect(String(agreement.nextInvoiceDate).slice(0, 10), 'nextInvoiceDate moves on').toBe(
      `${nextMonth(month)}-01`,
    );
    for (const m of monthsOf('2025-12', month)) if (!frozen.has(m)) frozen.set(m, wantOpen(m));
    invoicedThrough = lastDay(month);
  }

  /** Each decided month bills what it must (invoiced: as invoiced; open: the invoices + corrections), and in all. */
  async function expectMoney(label: string): Promise<void> {
    const months = monthsOf('2025-12', lastDecided);
    const got = await report(s, '2025-12', '2026-12');
    const gotRows = months.map((m) => `${m}: ${cents(got.get(m)!.price)}`);
    const wantRows = months.map((m) => `${m}: ${cents((frozen.get(m) ?? wantOpen(m)).price)}`);
    const costOff = months.filter((m) =>
      got
        .get(m)!
        .cost.minus((frozen.get(m) ?? wantOpen(m)).cost)
        .abs()
        .gt(dec('0.02')),
    );
    expect
      .soft(
        costOff.map(
          (m) => `${m}: cost ${cents(got.get(m)!.cost)} for ${cents((frozen.get(m) ?? wantOpen(m)).cost)}`,
        ),
        `${label}: cost per month (within rounding)`,
      )
      .toEqual([]);
    const charges = [...(await written(s)).charges.values()].map(
      (c) =>
        `${c.effectiveDate} ${chargeMonth(c)} ${cents(chargePrice(c))}/${cents(chargeCost(c))} ${chargeLabel(c)}`,
    );
    expect
      .soft(gotRows, `${label}: billed per month (price / cost); charges:\n${charges.join('\n')}`)
      .toEqual(wantRows);
    // In all: the decided months, plus the charges booked into later months (corrections of decided ones).
    let gotAll = { price: ZERO, cost: ZERO };
    for (const m of months)
      gotAll = { price: gotAll.price.plus(got.get(m)!.price), cost: gotAll.cost.plus(got.get(m)!.cost) };
    for (const c of (await written(s)).charges.values())
      if (c.effectiveDate > lastDay(lastDecided))
        gotAll = { price: gotAll.price.plus(chargePrice(c)), cost: gotAll.cost.plus(chargeCost(c)) };
    const wantAll = months.reduce(
      (t, m) => {
        const x = monthMoney(model, m);
        return { price: t.price.plus(x.price), cost: t.cost.plus(x.cost) };
      },
      { price: ZERO, cost: ZERO },
    );
    expect
      .soft(
        gotAll.cost.minus(wantAll.cost).abs().lte(dec('0.05')),
        `${label}: cost in all ${cents(gotAll.cost)} for ${cents(wantAll.cost)}`,
      )
      .toBe(true);
    expect
      .soft(`${cents(gotAll.price)}`, `${label}: billed in all, December to ${lastDecided}`)
      .toBe(`${cents(wantAll.price)}`);
  }

  /** No write of this sync touched an invoiced period; nothing written twice; nothing deleted. */
  function expectNothingInvoicedOrTwice(before: Written, after: Written, label: string): void {
    const bad: string[] = [];
    const open = plus(invoicedThrough, 1);
    for (const [id, a] of [...after.lines, ...after.charges]) {
      const old = before.lines.get(id) ?? before.charges.get(id);
      if (!old) {
        if (a.effectiveDate < open) bad.push(`new addition in an invoiced period ${JSON.stringify(a)}`);
        continue;
      }
      const money = ['quantity', 'unitPrice', 'unitCost', 'effectiveDate'].some((k) => old[k] !== a[k]);
      if (money && (a.effectiveDate < open || old.effectiveDate < open))
        bad.push(`addition changed in an invoiced period: ${JSON.stringify(old)} -> ${JSON.stringify(a)}`);
      const end = (x: Row) => x.cancelledDate ?? '9999-12-31';
      if (end(old) !== end(a) && (end(old) < invoicedThrough || end(a) < invoicedThrough))
        bad.push(
          `addition end moved inside an invoiced period: ${JSON.stringify(old)} -> ${JSON.stringify(a)}`,
        );
    }
    for (const id of [...before.lines.keys(), ...before.charges.keys()])
      if (!after.lines.has(id) && !after.charges.has(id)) bad.push(`addition ${id} deleted`);
    const markers = [...after.lines.values(), ...after.charges.values()].map(
      (a) => `${a.product} ${a.serialNumber ?? `no marker ${a.id}`}`,
    );
    expect
      .soft(
        markers.filter((m, i) => markers.indexOf(m) !== i),
        `${label}: additions written twice`,
      )
      .toEqual([]);
    expect.soft(bad, `${label}: written into a period invoiced through ${invoicedThrough}`).toEqual([]);
  }

  /**
   * A correcting sync: every (offer, invoiced month) whose money changed gets its difference booked once, in the
   * first open month, labelled with the offer, the days and the reason; the run warns about each.
   */
  async function expectCorrections(
    old: Model,
    before: Written,
    after: Written,
    texts: string[],
    label: string,
  ) {
    const open = plus(invoicedThrough, 1).slice(0, 7);
    const expected: { offer: OfferSpec; month: string; days: string[]; price: Decimal; cost: Decimal }[] = [];
    for (const offer of OFFERS)
      for (const month of monthsOf('2025-12', invoicedThrough.slice(0, 7))) {
        const days = changedDays(old, model, offer, month);
        const a = offerMoney(old, offer, month);
        const b = offerMoney(model, offer, month);
        if (days.length || !a.price.eq(b.price) || !a.cost.eq(b.cost))
          expected.push({
            offer,
            month,
            days,
            price: b.price.round(2, 1).minus(a.price.round(2, 1)),
            cost: b.cost.minus(a.cost),
          });
      }
    const fresh = [...after.charges.values()].filter((c) => !before.charges.has(c.id));
    const got = fresh.map(
      (c) => `${chargeMonth(c)} ${cents(chargePrice(c))}/${cents(chargeCost(c))} ${chargeLabel(c)}`,
    );
    for (const e of expected) {
      const mine = fresh.filter((c) => chargeMonth(c) === e.month && chargeLabel(c).includes(e.offer.title));
      const price = mine.reduce<Decimal>((t, c) => t.plus(chargePrice(c)), ZERO);
      const c0 = mine.reduce<Decimal>((t, c) => t.plus(chargeCost(c)), ZERO);
      const what = `${label}: ${e.offer.title} ${e.month} (${cents(e.price)} / cost ${cents(e.cost)}); new charges:\n${got.join('\n')}`;
      expect.soft(mine.length, `${what}\nbooked`).toBeGreaterThan(0);
      expect.soft(cents(price), what).toBe(cents(e.price));
      expect.soft(c0.minus(e.cost).abs().lte(dec('0.02')), `${what}\ncost ${cents(c0)}`).toBe(true);
      for (const c of mine) {
        expect.soft(c.effectiveDate, `${what}\na charge in the first open month`).toBe(`${open}-01`);
        const named = daysOfLabel(chargeLabel(c));
        expect
          .soft(
            e.days.filter((d) => !named.includes(d)),
            `${what}\nthe label names the days: ${chargeLabel(c)}`,
          )
          .toEqual([]);
        expect
          .soft(chargeLabel(c), `${what}\nthe label names the reason`)
          .toMatch(/could not be changed.*\(.+\)/);
      }
      const warned = texts.filter(
        (t) =>
          t.startsWith('warning:') &&
          t.includes('could not be changed') &&
          e.days.every((d) => daysOfLabel(t).includes(d)),
      );
      expect.soft(warned.length, `${what}\na warning in the run:\n${texts.join('\n')}`).toBeGreaterThan(0);
    }
    const stray = fresh.filter(
      (c) =>
        chargeMonth(c) <= invoicedThrough.slice(0, 7) &&
        !expected.some((e) => e.month === chargeMonth(c) && chargeLabel(c).includes(e.offer.title)),
    );
    expect
      .soft(stray.map(chargeLabel), `${label}: charges for invoiced months that did not change`)
      .toEqual([]);
    const sum = expected.reduce((t, e) => ({ price: t.price.plus(e.price), cost: t.cost.plus(e.cost) }), {
      price: ZERO,
      cost: ZERO,
    });
    const mv = moved.get(open) ?? { price: ZERO, cost: ZERO };
    moved.set(open, { price: mv.price.plus(sum.price), cost: mv.cost.plus(sum.cost) });
    return expected;
  }

  async function sync(
    asOf: string,
    label: string,
  ): Promise<{ outcome: SyncOutcome; texts: string[]; before: Written; after: Written }> {
    const before = await written(s);
    const products = await s.syncProducts({ asOf });
    expect(products.code, await s.explain(products)).toBe(0);
    const outcome = await s.syncCustomers({ asOf });
    const detail = outcome.runs[0] ? await showRun(s, outcome.runs[0].runId) : undefined;
    const texts = detail ? runMessages(detail) : [];
    const after = await written(s);
    expectNothingInvoicedOrTwice(before, after, label);
    return { outcome, texts, before, after };
  }

  const importInvoice = (inv: Invoice, file: string) =>
    s.importInvoice(reconFile(s.dir, inv.number, inv.lines, file), {
      period: inv.period,
      issued: inv.issued,
    });

  /** A new month's invoice, synced the day after it is issued. */
  async function syncMonth(inv: Invoice, extra: { reissues?: Invoice[]; rule?: boolean } = {}) {
    const asOf = plus(inv.issued, 1);
    const old = snapshot();
    await importInvoice(inv, `${inv.number}.csv`);
    for (const r of extra.reissues ?? []) await importInvoice(r, `${r.number}-reissued-${asOf}.csv`);
    if (inv === DEC) await s.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
    const r = await sync(asOf, inv.period);
    markSynced(inv);
    for (const x of extra.reissues ?? []) markSynced(x);
    lastDecided = inv.period;
    expect(
      r.outcome.runs.map((x) => x.status),
      `${await s.explain(r.outcome)}\n${r.texts.join('\n')}`,
    ).toEqual([expect.stringMatching(/^(success|warning|no_change)$/)]);
    const corrections = await expectCorrections(old, r.before, r.after, r.texts, inv.period);
    await expectMoney(`after ${inv.period}`);
    await expectRerunWritesNothing(s, asOf);
    return { ...r, corrections };
  }

  beforeAll(async () => {
    s = await createCliScenario({
      target: 'connectwise',
      now: '2026-01-08T09:00:00Z',
      inProcess: true,
      seed: { prorate },
    });
    await s.setup();
    await s.importPriceList(priceListFile(s.dir, PRICES));
    // The agreement was invoiced through November before billsync.
    await invoiceThrough('2025-11');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('December to February synced month by month, nothing invoiced yet; then the MSP invoices all three at once', async () => {
    await syncMonth(DEC);
    await syncMonth(JAN);
    await syncMonth(FEB);
    await invoiceThrough('2026-02');
    await expectMoney('after invoicing December to February');
  });

  it('20 Mar: January (two back) and February re-issued together: charges in March only, labelled, a warning', async () => {
    const old = snapshot();
    await importInvoice(JAN_R1, 'jan-r1.csv');
    await importInvoice(FEB_R1, 'feb-r1.csv');
    const r = await sync('2026-03-20', 're-issues of January and February');
    markSynced(JAN_R1);
    markSynced(FEB_R1);
    expect(
      r.outcome.runs.map((x) => x.status),
      `${await s.explain(r.outcome)}\n${r.texts.join('\n')}`,
    ).toEqual(['warning']);
    const corrections = await expectCorrections(old, r.before, r.after, r.texts, 're-issues');
    // By hand: BP Jan: 12 -> 8 from 13 Jan instead of 12 -> 9 from 20 Jan: -4 x 7 days, -1 x 12 days at 31.00/31;
    // BP Feb: 10 instead of 11 from 10 Feb: -1 x 19 days x 31/28; E3 Feb: 2 x 24 days x 34/28.
    expect(corrections.map((e) => `${e.offer.title} ${e.month} ${cents(e.price)}`)).toEqual([
      'Microsoft 365 Business Premium 2026-01 -40.00',
      'Microsoft 365 Business Premium 2026-02 -21.04',
      'Office 365 E3 2026-02 58.29',
    ]);
    await expectMoney('after the re-issues');
    await expectRerunWritesNothing(s, '2026-03-20');
  });

  it('8 Apr: a price rule from 1 Feb (invoiced) and March with a late Basic change from 25 Feb: corrections in March', async () => {
    const rule = await s.run(
      ...['rules', 'add', '--customer', CONTOSO.tenantId, '--sku', 'CFQ7TTC0LCHC:0002'],
      ...['--price', RULE_PRICE, '--from', RULE_FROM, '--as-of', '2026-04-08', '--note', 'audit'],
    );
    expect(rule.code, rule.stderr + rule.stdout).toBe(0);
    // The rule's repricing of February is part of this sync: the corrections compare with the model before it.
    const old = snapshot();
    model.rule = true;
    await importInvoice(MAR, `${MAR.number}.csv`);
    const r = await sync('2026-04-08', 'March + rule');
    markSynced(MAR);
    lastDecided = '2026-03';
    expect(
      r.outcome.runs.map((x) => x.status),
      `${await s.explain(r.outcome)}\n${r.texts.join('\n')}`,
    ).toEqual(['warning']);
    const corrections = await expectCorrections(old, r.before, r.after, r.texts, 'March + rule');
    expect(corrections.map((e) => `${e.offer.title} ${e.month}`)).toEqual([
      'Microsoft 365 Business Premium 2026-02',
      'Microsoft 365 Business Basic 2026-02',
    ]);
    await expectMoney('after March');
    await expectRerunWritesNothing(s, '2026-04-08');
    await invoiceThrough('2026-03');
    await expectMoney('after invoicing March');
  });

  it('8 May: April, with February re-issued again (cost 25.50, increase on 17 Feb): only the difference, in April', async () => {
    const r = await syncMonth(APR, { reissues: [FEB_R2] });
    expect(r.outcome.runs.map((x) => x.status)).toEqual(['warning']);
    expect(r.corrections.map((e) => `${e.offer.title} ${e.month}`)).toEqual([
      'Microsoft 365 Business Premium 2026-02',
    ]);
    await invoiceThrough('2026-04');
    await expectMoney('after invoicing April');
  });

  it('8 Jun: May as usual; every correction stays booked once; six months right in all', async () => {
    const before = [...(await written(s)).charges.values()].map((c) => JSON.stringify(c));
    const r = await syncMonth(MAY);
    expect(r.corrections).toEqual([]);
    const after = [...(await written(s)).charges.values()].map((c) => JSON.stringify(c));
    expect(after.slice(0, before.length), 'the earlier charges are still there, unchanged').toEqual(before);
    await invoiceThrough('2026-05');
    await expectMoney('after invoicing May');
    await expectRerunWritesNothing(s, '2026-06-08');
  });
});

describe('the expectations, by hand', () => {
  it('seats and money of the invoices', () => {
    const m: Model = { synced: [DEC, JAN_R1, FEB_R1], rule: false };
    expect(
      ['2026-01-12', '2026-01-13', '2026-02-09', '2026-02-10', '2026-03-04', '2026-03-05'].map((d) =>
        seatsOn(m, BUSINESS_PREMIUM, d),
      ),
    ).toEqual([12, 8, 8, 10, 10, 10]);
    expect(seatsOn(m, E3, '2026-02-04')).toBe(0);
    expect(seatsOn(m, E3, '2026-02-05')).toBe(2);
    // December: BP (10 x 14 + 12 x 17) x 31 / 31 = 344.00; Basic 3 x 12 x 7.20 / 31.
    expect(cents(monthMoney({ synced: [DEC], rule: false }, '2025-12').price)).toBe(
      cents(dec(344).plus(dec('259.2').div(31))),
    );
    const withMarch: Model = { synced: [DEC, JAN_R1, FEB_R1, MAR], rule: true };
    expect(seatsOn(withMarch, BASIC, '2026-02-24')).toBe(3);
    expect(seatsOn(withMarch, BASIC, '2026-02-25')).toBe(4);
    expect(retail(withMarch, BUSINESS_PREMIUM, '2026-01')).toBe('31.00');
    expect(retail(withMarch, BUSINESS_PREMIUM, '2026-02')).toBe('33.00');
    expect(cost({ synced: [FEB_R2], rule: false }, BUSINESS_PREMIUM, '2026-02')).toBe('25.50');
    expect(daysOfLabel('13-19 Jan 2026 could not')).toEqual(eachDay('2026-01-13', '2026-01-19'));
  });
});
