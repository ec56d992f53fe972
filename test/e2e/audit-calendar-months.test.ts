import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Decimal, dec, decimalFixed, round, ZERO } from '../../src/core/money/decimal';
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
  type PriceSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { E3, subscription } from '../support/months-data';

/**
 * Audit of calendar and time-zone edges over months (spec section 6: seat timeline, "Write only what is decided",
 * Azure plan; R-7, R-8, R-9, R-10; decisions 0006, 0008, 0012), on the Autotask and ConnectWise emulators (their
 * defaults), every expectation computed here from the invoice data.
 *
 * A. Five Microsoft invoices, December 2027 .. April 2028 (issued on the 7th of the next month, each synced the day
 *    after), so February 2028 has 29 days and the history crosses a year end. Sync start 1 Jan 2028 (the first
 *    invoice, December's, is issued on 7 Jan: every invoice is synced).
 *    Contoso (Business Premium, BP, and Office 365 E3):
 *    - S15 (BP) cycles on the 15th: 15 Dec - 14 Jan crosses the year end; 4 -> 6 seats from 28 Dec (a change line
 *      pair 28 Dec - 14 Jan); 6 -> 7 from 29 Feb (29 Feb - 14 Mar).
 *    - S29 (BP) cycles on the 29th: 29 Jan - 28 Feb, then a cycle starting on 29 Feb; 3 -> 2 from 31 Mar.
 *    - S30 (E3) cycles on the 30th: 30 Jan - 28 Feb, 29 Feb - 29 Mar ...; 2 -> 5 from 31 Jan.
 *    Leapyear Legal:
 *    - S31 (BP) bought 31 Dec (new): 31 Dec - 30 Jan, 31 Jan - 28 Feb (the cycle starting 31 Jan), 29 Feb - 30 Mar,
 *      31 Mar - 29 Apr, 30 Apr - 30 May; 8 -> 10 from 10 Feb.
 *    - SC (E3) calendar cycles, 5 seats; its last period is 1 - 29 Feb: the March invoice has no line for it, so it
 *      ended on 1 Mar (the day after a period ending on the leap day).
 *    - Azure plan usage of December, January, February and April (none in March); markup 10 %, half-up to cents.
 *    The price list raises BP's retail from 269.70 to 279.00 on 29 Feb 2028 (R-8: the warning names "29 Feb 2028",
 *    February keeps 269.70, 279.00 from 1 Mar). 269.70 is 9.30 x 29 = 8.99 x 30 = 8.70 x 31 and 279.00 is 9.30 x 30
 *    = 9.00 x 31, so a seat-day is a whole number of cents in every month here (E3: 539.40, twice 269.70).
 *
 * B. Time zones: a short scenario (three invoices, two customers) run with the process's zone set to
 *    Pacific/Kiritimati (UTC+14) and to Pacific/Pago_Pago (UTC-11) (`process.env.TZ`, checked with
 *    getTimezoneOffset; the CLI runs in this process). Eastern Optics is mapped without a sync start at
 *    2028-01-31T23:30Z (already 1 Feb in Kiritimati), Western Optics at 2028-03-01T00:30Z (still 29 Feb in Pago
 *    Pago); the CLI's clock is this process's Date (faked for the `map` call only). R-10: the default is the first
 *    day of the current month in UTC: 1 Jan and 1 Mar 2028, so Eastern syncs December's invoice (issued 7 Jan) and
 *    Western does not sync January's (issued 7 Feb).
 *
 * Monthly cycles anchored on the 29th, 30th or 31st: ../shared/reference/csp-billing.md 4.1 says a charge cycle is
 * anchored on the purchase date, and gives no rule for days a month does not have. Chosen reading (Microsoft's "start
 * + one month - 1 day", the demo generator's `cyclesOf`): cycle k starts on the anchor day k months later, clamped to
 * the month's length, and ends the day before cycle k+1. Bought 31 Dec 2027: 31 Jan - 28 Feb, 29 Feb - 30 Mar.
 *
 * After every month: units per day on the PSA = the seat timeline (Autotask every day; ConnectWise, decision 0012:
 * every day of a month carries its 1st's seats, a decided day that differs is money: a one-time charge; a day no
 * synced invoice decides yet keeps what the line carries, decision 0008), Autotask's non-zero adjustments are
 * exactly the timeline's changes on their days, ConnectWise's additions start on 1sts and its charges are dated on
 * the first changed day of their month, each month bills the invoices' money to the cent, a re-run writes nothing.
 */

// ---------------------------------------------------------------------------------------------------------------
// Offers and prices.

const BP_COST = '224.75';
const BP_RETAIL_OLD = '269.70';
const BP_RETAIL_NEW = '279.00';
const PRICE_CHANGE_DAY = '2028-02-29';
const E3_COST = '449.50';
const E3_RETAIL = '539.40';
const MARKUP = '10';

const PRICES: PriceSpec[] = [
  { offer: BUSINESS_PREMIUM, cost: BP_COST, erp: BP_RETAIL_OLD, end: '2028-02-28' },
  { offer: BUSINESS_PREMIUM, cost: BP_COST, erp: BP_RETAIL_NEW, start: PRICE_CHANGE_DAY },
  { offer: E3, cost: E3_COST, erp: E3_RETAIL },
];
const PRICE_WARNING = `Subscription retail unit price changed from ${BP_RETAIL_OLD} to ${BP_RETAIL_NEW} on 29 Feb 2028`;

const skuOf = (o: OfferSpec) => `${o.productId}:${o.skuId}`;
const isAzure = (o: OfferSpec) => o.productId === AZURE_PLAN_OFFER.productId;

// ---------------------------------------------------------------------------------------------------------------
// Calendar helpers (string dates; the product's own planner is never used for expectations).

const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const firstOf = (month: string) => `${month}-01`;
const monthOf = (day: string) => day.slice(0, 7);
const nextMonth = (m: string) => monthOf(addMonths(parsePlainDate(firstOf(m)), 1));
const prevMonth = (m: string) => monthOf(addMonths(parsePlainDate(firstOf(m)), -1));
const dim = (m: string) => daysInMonth(Number(m.slice(0, 4)), Number(m.slice(5, 7)));
const cents = (x: Decimal) => decimalFixed(x, 2);
const signed = (l: ReconLineSpec) => (l.reversal ? -l.quantity : l.quantity);
const minText = (a: string, b: string) => (a <= b ? a : b);

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The model: invoices, parties, and what the spec says the PSA must bill.

interface Invoice {
  number: string;
  period: string;
  issued: string;
  lines: ReconLineSpec[];
}

interface Party {
  customer: CustomerSpec;
  /** Per target: PSA company and contract (agreement). */
  company: Record<ScenarioTarget, number>;
  contract: Record<ScenarioTarget, number>;
  /** The seat offers of its contract. */
  offers: OfferSpec[];
  /** Azure plan usage cost per month (YYYY-MM). */
  azure?: Record<string, string>;
}

/** The invoices of `all` synced for a party with sync start `start` (issued on or after it), oldest first. */
const syncedFor = (all: readonly Invoice[], start: string) => all.filter((i) => i.issued >= start);

function linesOf(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec): ReconLineSpec[] {
  return synced.flatMap((i) => i.lines.filter((l) => l.customer === c && l.offer === offer));
}

/**
 * seats(day) of a customer's offer (spec section 6): per subscription the signed quantities of the synced lines
 * covering the day, from its first synced day; after its latest charge period it carries forward, unless a synced
 * invoice of the month its next cycle starts in (or later) has no line for it: then it ended the day after.
 */
function seatsOn(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec, day: string): number {
  const lines = linesOf(synced, c, offer);
  const lastPeriod =
    synced
      .map((i) => i.period)
      .sort()
      .at(-1) ?? '';
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
    if (day <= last) n += at(day);
    else if (monthOf(plus(last, 1)) > lastPeriod) n += at(last);
  }
  return n;
}

/**
 * Whether the synced invoices decide a day of a customer's offer (spec section 6 "Write only what is decided",
 * decision 0008): a day of a subscription from its first synced day to the end of its latest synced charge period,
 * or any day from its end once a synced invoice ended it. Other days keep what the PSA carries.
 */
function decidedOn(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec, day: string): boolean {
  const lines = linesOf(synced, c, offer);
  const lastPeriod =
    synced
      .map((i) => i.period)
      .sort()
      .at(-1) ?? '';
  return [...new Set(lines.map((l) => l.subscriptionId))].some((sub) => {
    const mine = lines.filter((l) => l.subscriptionId === sub);
    const first = mine.map((l) => l.chargeStart).sort()[0]!;
    const last = mine
      .map((l) => l.chargeEnd)
      .sort()
      .at(-1)!;
    return first <= day && (day <= last || monthOf(plus(last, 1)) <= lastPeriod);
  });
}

/**
 * Seats the PSA bills on a day. Autotask: the timeline (an undecided day carries the last adjustment, which is the
 * carried-forward timeline). ConnectWise (decision 0012): the line carries its month's 1st; a decided day that
 * differs is money (a charge); an undecided day keeps the line's state.
 */
function billedSeatsOn(
  synced: readonly Invoice[],
  c: CustomerSpec,
  offer: OfferSpec,
  day: string,
  cw: boolean,
): number {
  if (!cw || decidedOn(synced, c, offer, day)) return seatsOn(synced, c, offer, day);
  return seatsOn(synced, c, offer, firstOf(monthOf(day)));
}

/** The list retail of a seat offer for a month (the price on the month's first day: no mid-period proration). */
const listRetail = (offer: OfferSpec, month: string) =>
  offer === E3 ? E3_RETAIL : firstOf(month) >= PRICE_CHANGE_DAY ? BP_RETAIL_NEW : BP_RETAIL_OLD;

/**
 * The retail a month bills at: the list's for the month, but after the offer's last decided day the price carries
 * (decision 0008: never a price list's future price): a month past the latest synced charge day takes that day's.
 */
function retailOf(synced: readonly Invoice[], c: CustomerSpec, offer: OfferSpec, month: string): string {
  const lastDay = linesOf(synced, c, offer)
    .map((l) => l.chargeEnd)
    .sort()
    .at(-1);
  return listRetail(offer, lastDay ? minText(month, monthOf(lastDay)) : month);
}

/** Seat money of an offer in a month: seat-days x retail / days of the month (whole cents at these prices). */
function seatMoney(
  synced: readonly Invoice[],
  c: CustomerSpec,
  offer: OfferSpec,
  month: string,
  cw = false,
): Decimal {
  let seatDays = 0;
  for (const d of eachDay(firstOf(month), plus(firstOf(nextMonth(month)), -1)))
    seatDays += billedSeatsOn(synced, c, offer, d, cw);
  return dec(seatDays)
    .times(dec(retailOf(synced, c, offer, month)))
    .div(dim(month));
}

/** the usage of the month before, billed in `month` once, x (1 + markup), half-up to cents. */
function azureMoney(synced: readonly Invoice[], p: Party, month: string): Decimal {
  const prev = prevMonth(month);
  const usage = p.azure?.[prev];
  if (!usage || !synced.some((i) => i.period === prev)) return ZERO;
  return round(dec(usage).times(dec(1).plus(dec(MARKUP).div(100))), 2, 'half-up');
}

/**
 * Azure units on a day. Each first-of-month is decided by the invoice of the month before (1 at its usage, or 0);
 * Autotask carries the last decided 1st on, ConnectWise's additions end with their month.
 */
function azureUnits(synced: readonly Invoice[], p: Party, day: string, cw: boolean): number {
  const periods = synced.map((i) => i.period).sort();
  const firstDecided = periods[0] ? nextMonth(periods[0]) : undefined;
  const lastDecided = periods.at(-1) ? nextMonth(periods.at(-1)!) : undefined;
  if (!firstDecided || !lastDecided) return 0;
  let m = monthOf(day);
  if (m < firstDecided) return 0;
  if (m > lastDecided) {
    if (cw) return 0;
    m = lastDecided;
  }
  return p.azure?.[prevMonth(m)] ? 1 : 0;
}

/** Units per day a PSA line must carry: Autotask the timeline; ConnectWise the seats of the day's month's 1st. */
function wantedUnits(
  synced: readonly Invoice[],
  p: Party,
  offer: OfferSpec,
  day: string,
  cw: boolean,
): number {
  if (isAzure(offer)) return azureUnits(synced, p, day, cw);
  return seatsOn(synced, p.customer, offer, cw ? firstOf(monthOf(day)) : day);
}

// ---------------------------------------------------------------------------------------------------------------
// PSA readback and the checks (either PSA).

// biome-ignore lint/suspicious/noExplicitAny: one scenario type per target.
type AnyScenario = CliScenario<any>;

const isCwCharge = (a: AdditionView) => a.serialNumber?.startsWith('billsync-charge:') === true;
const showAddition = (a: AdditionView) =>
  `#${a.id} ${a.vendorSku} ${a.serialNumber} ${a.effectiveDate}..${a.cancelledDate ?? 'open'} q${a.quantity.toFixed()} @${a.unitPrice.toFixed()}`;

/** The PSA's units per day of an offer's line on a contract (all its contract services / line additions). */
async function unitsPerDay(
  s: AnyScenario,
  contract: number,
  offer: OfferSpec,
  days: readonly string[],
): Promise<{ perDay: number[]; listing: string }> {
  if (s.target === 'connectwise') {
    const additions = (await s.readback.additions(contract)).filter(
      (a: AdditionView) => a.vendorSku === skuOf(offer) && !isCwCharge(a),
    );
    const perDay = days.map((d) =>
      Number(
        additions
          .filter(
            (a: AdditionView) => a.effectiveDate <= d && (a.cancelledDate === null || d <= a.cancelledDate),
          )
          .reduce((t: Decimal, a: AdditionView) => t.plus(a.quantity.minus(a.lessIncluded)), ZERO)
          .toFixed(),
      ),
    );
    return { perDay, listing: additions.map(showAddition).join('\n') };
  }
  const lines = (await s.readback.contractServices(contract)).filter(
    (cs: { serviceName: string }) => cs.serviceName === `PC_${skuOf(offer)}`,
  );
  const perDay = days.map(() => 0);
  const rows: string[] = [];
  for (const cs of lines) {
    const segs = await s.readback.unitSegments(cs.id);
    for (const r of segs) rows.push(`${r.start}..${r.end} ${r.units.toFixed()} @${r.price?.toFixed()}`);
    days.forEach((d, i) => {
      const row = segs.find((r: { start: string; end: string }) => r.start <= d && d <= r.end);
      perDay[i]! += row ? Number(row.units.toFixed()) : 0;
    });
  }
  return { perDay, listing: `${lines.length} contract service(s); rows ${rows.join(', ')}` };
}

interface Adjustment {
  contractServiceID: number;
  effectiveDate: string;
  unitChange: number;
}

async function autotaskAdjustments(s: AnyScenario): Promise<Adjustment[]> {
  const state = (await (await fetch(`${s.base}/_emulator/state`)).json()) as {
    ContractServiceAdjustments: Adjustment[];
  };
  return state.ContractServiceAdjustments;
}

/** What the PSA bills the contract in a month (unit rows prorated / additions, plus charges), with its parts. */
async function billed(
  s: AnyScenario,
  contract: number,
  month: string,
): Promise<{ total: Decimal; detail: string }> {
  const bill = await s.readback.billedPerMonth(contract, month);
  if (s.target === 'connectwise')
    return {
      total: bill.total,
      detail: bill.lines
        .map(
          (l: { additionId: number; product: string | null; amount: Decimal }) =>
            `#${l.additionId} ${l.product} ${l.amount.toFixed()}`,
        )
        .join('; '),
    };
  return {
    total: bill.total,
    detail: `services ${bill.services.map((x: { serviceName: string; amount: Decimal }) => `${x.serviceName} ${x.amount.toFixed(4)}`).join(', ')}; charges ${bill.charges.map((x: { date: string; amount: Decimal }) => `${x.date} ${x.amount.toFixed(2)}`).join(', ')}`,
  };
}

interface CheckContext {
  s: AnyScenario;
  label: string;
  parties: readonly { party: Party; synced: readonly Invoice[] }[];
  /** The days whose units are compared. */
  days: readonly string[];
  /** The months whose money is compared. */
  months: readonly string[];
}

const offersOf = (p: Party) => [...p.offers, ...(p.azure ? [AZURE_PLAN_OFFER] : [])];

/** Units per day (R-7 "contract units per day equal the invoice's seat timeline"; ConnectWise: decision 0012). */
async function checkUnits(x: CheckContext): Promise<void> {
  const cw = x.s.target === 'connectwise';
  for (const { party: p, synced } of x.parties) {
    for (const offer of offersOf(p)) {
      const want = x.days.map((d) => [d, wantedUnits(synced, p, offer, d, cw)] as [string, number]);
      const { perDay, listing } = await unitsPerDay(
        x.s,
        p.contract[x.s.target as ScenarioTarget],
        offer,
        x.days,
      );
      const got = x.days.map((d, i) => [d, perDay[i]!] as [string, number]);
      expect
        .soft(
          got.filter(([, n], i) => n !== want[i]![1]).map(([d, n]) => `${d}: ${n}`),
          `${x.label} ${p.customer.name} ${skuOf(offer)} units per day; expected ${dayRuns(want)} | actual ${dayRuns(got)}\n${listing}`,
        )
        .toEqual([]);
    }
  }
}

/**
 * The dates written to the PSA. Autotask: the non-zero adjustments are exactly the timeline's changes, each
 * effective on its day, at most one adjustment per contract service and day. ConnectWise (decision 0012): every line
 * addition starts on a 1st and is cancelled on a month's last day (or open); Azure: one addition per month of usage,
 * from the 1st to the last day of M+1; each charge is dated on the first day of its month whose seats differ from the
 * 1st's (the marker `billsync-charge:<date>:<sequence>`).
 */
async function checkWrittenDates(x: CheckContext): Promise<void> {
  if (x.s.target === 'connectwise') {
    for (const { party: p, synced } of x.parties) {
      const all: AdditionView[] = await x.s.readback.additions(p.contract.connectwise);
      const lines = all.filter((a) => !isCwCharge(a));
      const listing = all.map(showAddition).join('\n');
      expect
        .soft(
          lines
            .filter(
              (a) =>
                !a.effectiveDate.endsWith('-01') ||
                (a.cancelledDate !== null &&
                  a.cancelledDate !== plus(firstOf(nextMonth(monthOf(a.cancelledDate))), -1)),
            )
            .map(showAddition),
          `${x.label} ${p.customer.name}: line additions from a 1st to a month's end\n${listing}`,
        )
        .toEqual([]);
      if (p.azure) {
        const want = x.months
          .filter((m) => azureMoney(synced, p, m).gt(ZERO))
          .map((m) => `${firstOf(m)}..${plus(firstOf(nextMonth(m)), -1)} q1`);
        const got = lines
          .filter((a) => a.vendorSku === skuOf(AZURE_PLAN_OFFER) && a.quantity.gt(ZERO))
          .map((a) => `${a.effectiveDate}..${a.cancelledDate ?? 'open'} q${a.quantity.toFixed()}`)
          .sort();
        expect.soft(got, `${x.label} ${p.customer.name}: Azure additions (R-9)\n${listing}`).toEqual(want);
      }
      for (const offer of p.offers) {
        const want: string[] = [];
        for (const m of x.months) {
          const on1st = seatsOn(synced, p.customer, offer, firstOf(m));
          const changed = eachDay(firstOf(m), plus(firstOf(nextMonth(m)), -1)).find(
            (d) => billedSeatsOn(synced, p.customer, offer, d, true) !== on1st,
          );
          if (changed) want.push(changed);
        }
        const got = all
          .filter((a) => isCwCharge(a) && a.vendorSku === skuOf(offer))
          .map((a) => a.serialNumber!.slice('billsync-charge:'.length, 'billsync-charge:'.length + 10))
          .filter((d) => x.months.includes(monthOf(d)))
          .sort();
        expect
          .soft([...new Set(got)], `${x.label} ${p.customer.name} ${skuOf(offer)}: charge dates\n${listing}`)
          .toEqual(want);
      }
    }
    return;
  }
  const adjustments = await autotaskAdjustments(x.s);
  for (const { party: p, synced } of x.parties) {
    const services = await x.s.readback.contractServices(p.contract.autotask);
    for (const offer of offersOf(p)) {
      const ids = services
        .filter((cs: { serviceName: string }) => cs.serviceName === `PC_${skuOf(offer)}`)
        .map((cs: { id: number }) => cs.id);
      const mine = adjustments.filter((a) => ids.includes(a.contractServiceID));
      const written = mine
        .filter((a) => a.unitChange !== 0)
        .map((a) => `${String(a.effectiveDate).slice(0, 10)} ${a.unitChange > 0 ? '+' : ''}${a.unitChange}`)
        .sort();
      const changes: string[] = [];
      let prev = 0;
      for (const d of x.days) {
        const n = wantedUnits(synced, p, offer, d, false);
        if (n !== prev) changes.push(`${d} ${n - prev > 0 ? '+' : ''}${n - prev}`);
        prev = n;
      }
      expect
        .soft(
          written,
          `${x.label} ${p.customer.name} ${skuOf(offer)}: adjustments effective on the change days`,
        )
        .toEqual(changes);
      const perDay = new Map<string, number>();
      for (const a of mine) {
        const k = `${a.contractServiceID} ${String(a.effectiveDate).slice(0, 10)}`;
        perDay.set(k, (perDay.get(k) ?? 0) + 1);
      }
      expect
        .soft(
          [...perDay].filter(([, n]) => n > 1).map(([k, n]) => `${k}: ${n}`),
          `${x.label} ${p.customer.name}: one adjustment per contract service and day`,
        )
        .toEqual([]);
    }
  }
}

/** The days a charge's label names ("Correction: <title>, 10-28 Feb 2028. ..."; "1-3, 10-28 Feb 2028"). */
function labelDays(text: string): string[] | undefined {
  const m = /, ((?:\d{1,2}(?:-\d{1,2})?, )*\d{1,2}(?:-\d{1,2})?) ([A-Z][a-z]{2}) (\d{4})\./.exec(text);
  if (!m) return undefined;
  const month = `${m[3]}-${String(MONTH_NAMES.indexOf(m[2]!) + 1).padStart(2, '0')}`;
  return m[1]!.split(', ').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return eachDay(`${month}-${String(a).padStart(2, '0')}`, `${month}-${String(b ?? a).padStart(2, '0')}`);
  });
}

/**
 * ConnectWise charges (spec section 6, "Locked days": the money of the days it could not change, "labelled with the
 * days"): each charge's printed label names the days whose money it books: its amount is those days' seats beyond
 * the line's (its month's 1st) x retail / days of the month, and no day is named by two charges.
 */
async function checkChargeLabels(
  x: CheckContext,
  p: Party,
  synced: readonly Invoice[],
  all: readonly AdditionView[],
): Promise<void> {
  const state = (await (await fetch(`${x.s.base}/_emulator/state`)).json()) as {
    additions: { id: number; invoiceDescription?: string }[];
  };
  const label = new Map(state.additions.map((a) => [a.id, a.invoiceDescription ?? '']));
  const named = new Map<string, string[]>();
  for (const a of all.filter(isCwCharge)) {
    const offer = p.offers.find((o) => skuOf(o) === a.vendorSku);
    const text = label.get(a.id) ?? '';
    const days = labelDays(text);
    if (!offer || !days) {
      expect.soft(text, `${x.label} ${p.customer.name}: charge #${a.id} names its days`).toMatch(/\d{4}\./);
      continue;
    }
    const month = monthOf(days[0]!);
    const on1st = seatsOn(synced, p.customer, offer, firstOf(month));
    const seatDays = days.reduce((t, d) => t + billedSeatsOn(synced, p.customer, offer, d, true) - on1st, 0);
    const money = dec(seatDays)
      .times(dec(retailOf(synced, p.customer, offer, month)))
      .div(dim(month));
    expect
      .soft(
        cents(a.quantity.times(a.unitPrice)),
        `${x.label} ${p.customer.name}: charge #${a.id} "${text.slice(0, 90)}" books the days it names`,
      )
      .toBe(cents(money));
    for (const d of days)
      named.set(`${a.vendorSku} ${d}`, [...(named.get(`${a.vendorSku} ${d}`) ?? []), `#${a.id}`]);
  }
  expect
    .soft(
      [...named].filter(([, ids]) => ids.length > 1).map(([k, ids]) => `${k}: ${ids.join(', ')}`),
      `${x.label} ${p.customer.name}: no day named by two charges`,
    )
    .toEqual([]);
}

/** Money per month to the cent: seats at retail per day plus last month's Azure usage with the markup. */
async function checkMoney(x: CheckContext): Promise<void> {
  for (const { party: p, synced } of x.parties) {
    for (const month of x.months) {
      const want = p.offers
        .reduce((t, o) => t.plus(seatMoney(synced, p.customer, o, month, x.s.target === 'connectwise')), ZERO)
        .plus(azureMoney(synced, p, month));
      const got = await billed(x.s, p.contract[x.s.target as ScenarioTarget], month);
      expect
        .soft(
          cents(got.total),
          `${x.label} ${p.customer.name} ${month}: billed ${got.total.toFixed()} (${got.detail}) for ${want.toFixed()}`,
        )
        .toBe(cents(want));
    }
  }
}

/**
 * Dates in run messages are written `DD MMM YYYY` (spec section 7; the reference tool's format): no ISO or US
 * dates, two-digit days, real calendar days (no "30 Feb").
 */
function badDates(messages: readonly string[]): string[] {
  const bad: string[] = [];
  for (const m of messages) {
    for (const iso of m.match(/\b\d{4}-\d{2}-\d{2}\b/g) ?? []) bad.push(`ISO ${iso} in "${m}"`);
    for (const us of m.match(/\b\d{1,2}\/\d{1,2}\/\d{4}\b/g) ?? []) bad.push(`US ${us} in "${m}"`);
    // A single day; day ranges of charges ("10-28 Feb 2028", "1-3, 10-28 Feb 2028") are labels, not dates.
    for (const t of m.match(/(?<![-,] ?|\d)\d{1,2} [A-Z][a-z]{2} \d{4}\b/g) ?? []) {
      const [d, mon, y] = t.split(' ') as [string, string, string];
      const month = MONTH_NAMES.indexOf(mon) + 1;
      if (d.length !== 2 || month === 0 || Number(d) < 1 || Number(d) > daysInMonth(Number(y), month))
        bad.push(`${t} in "${m}"`);
    }
  }
  return bad;
}

async function runTexts(s: AnyScenario, runId: string): Promise<string[]> {
  return runMessages(await showRun(s, runId));
}

/** Extends the seeded contracts (which end on 31 Dec 2027) to the end of 2029: the months here are in 2028. */
function extendContracts(target: ScenarioTarget) {
  return (seed: never) => {
    // biome-ignore lint/suspicious/noExplicitAny: either PSA's seed.
    const x = seed as any;
    if (target === 'connectwise') {
      for (const a of x.agreements)
        if (a.endDate === '2027-12-31T00:00:00Z') a.endDate = '2029-12-31T00:00:00Z';
    } else {
      for (const c of x.Contracts) if (c.endDate === '2027-12-31') c.endDate = '2029-12-31';
    }
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Scenario A: a leap-year February, cycles on the 29th/30th/31st, a period across the year end; Azure.

const LEAP = (n: number, name: string): CustomerSpec => ({
  tenantId: `ca1e0000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
  name,
  domain: `${name.toLowerCase().replace(/[^a-z]/g, '')}.onmicrosoft.com`,
  country: 'US',
});
const LEAPYEAR = LEAP(1, 'Leapyear Legal');

const S15 = subscription(CONTOSO, BUSINESS_PREMIUM, 'ca1e0015-0000-4000-8000-000000000015', '2027-10-15');
const S29 = subscription(CONTOSO, BUSINESS_PREMIUM, 'ca1e0029-0000-4000-8000-000000000029', '2027-11-29');
const S30 = subscription(CONTOSO, E3, 'ca1e0030-0000-4000-8000-000000000030', '2027-11-30');
const S31 = subscription(LEAPYEAR, BUSINESS_PREMIUM, 'ca1e0031-0000-4000-8000-000000000031', '2027-12-31');
const SC = subscription(LEAPYEAR, E3, 'ca1e00c1-0000-4000-8000-0000000000c1', '2027-06-01');

const LEAP_AZURE: Record<string, string> = {
  '2027-12': '100.05', // 110.055 -> 110.06, billed in January 2028
  '2028-01': '45.15', // 49.665 -> 49.67, billed in February (29 days)
  '2028-02': '80.25', // 88.275 -> 88.28, billed in March
  '2028-04': '12.35', // 13.585 -> 13.59, billed in May
};
const azureLine = (month: string) =>
  LEAP_AZURE[month] ? [azurePlanLine(month, LEAP_AZURE[month]!, LEAPYEAR)] : [];

const LEAP_INVOICES: Invoice[] = [
  {
    number: 'G800002712',
    period: '2027-12',
    issued: '2028-01-07',
    lines: [
      S15.cycle('2027-12-15', '2028-01-14', 4, BP_COST),
      ...S15.change('2027-12-28', '2028-01-14', 4, 6, BP_COST),
      S29.cycle('2027-12-29', '2028-01-28', 3, BP_COST),
      S30.cycle('2027-12-30', '2028-01-29', 2, E3_COST),
      S31.cycle('2027-12-31', '2028-01-30', 8, BP_COST, { chargeType: 'new' }),
      SC.cycle('2027-12-01', '2027-12-31', 5, E3_COST),
      ...azureLine('2027-12'),
    ],
  },
  {
    number: 'G800002801',
    period: '2028-01',
    issued: '2028-02-07',
    lines: [
      S15.cycle('2028-01-15', '2028-02-14', 6, BP_COST),
      S29.cycle('2028-01-29', '2028-02-28', 3, BP_COST),
      S30.cycle('2028-01-30', '2028-02-28', 2, E3_COST),
      ...S30.change('2028-01-31', '2028-02-28', 2, 5, E3_COST),
      // The cycle starting 31 Jan ends on 28 Feb (the next one starts on 29 Feb).
      S31.cycle('2028-01-31', '2028-02-28', 8, BP_COST),
      ...S31.change('2028-02-10', '2028-02-28', 8, 10, BP_COST),
      SC.cycle('2028-01-01', '2028-01-31', 5, E3_COST),
      ...azureLine('2028-01'),
    ],
  },
  {
    number: 'G800002802',
    period: '2028-02',
    issued: '2028-03-07',
    lines: [
      S15.cycle('2028-02-15', '2028-03-14', 6, BP_COST),
      ...S15.change('2028-02-29', '2028-03-14', 6, 7, BP_COST),
      S29.cycle('2028-02-29', '2028-03-28', 3, BP_COST),
      S30.cycle('2028-02-29', '2028-03-29', 5, E3_COST),
      S31.cycle('2028-02-29', '2028-03-30', 10, BP_COST),
      SC.cycle('2028-02-01', '2028-02-29', 5, E3_COST),
      ...azureLine('2028-02'),
    ],
  },
  {
    number: 'G800002803',
    period: '2028-03',
    issued: '2028-04-07',
    lines: [
      S15.cycle('2028-03-15', '2028-04-14', 7, BP_COST),
      S29.cycle('2028-03-29', '2028-04-28', 3, BP_COST),
      ...S29.change('2028-03-31', '2028-04-28', 3, 2, BP_COST, 'removeQuantity'),
      S30.cycle('2028-03-30', '2028-04-29', 5, E3_COST),
      S31.cycle('2028-03-31', '2028-04-29', 10, BP_COST),
      // No SC line: its cycle from 1 Mar is not billed, it ended on 1 Mar. No Azure usage in March.
    ],
  },
  {
    number: 'G800002804',
    period: '2028-04',
    issued: '2028-05-07',
    lines: [
      S15.cycle('2028-04-15', '2028-05-14', 7, BP_COST),
      S29.cycle('2028-04-29', '2028-05-28', 2, BP_COST),
      S30.cycle('2028-04-30', '2028-05-29', 5, E3_COST),
      S31.cycle('2028-04-30', '2028-05-30', 10, BP_COST),
      ...azureLine('2028-04'),
    ],
  },
];
const LEAP_START = '2028-01-01';

const LEAP_PARTIES: Party[] = [
  {
    customer: CONTOSO,
    company: { autotask: IDS.company, connectwise: CW_IDS.company },
    contract: { autotask: IDS.contract, connectwise: CW_IDS.agreement },
    offers: [BUSINESS_PREMIUM, E3],
  },
  {
    customer: LEAPYEAR,
    company: { autotask: 600, connectwise: 600 },
    contract: { autotask: 500, connectwise: 500 },
    offers: [BUSINESS_PREMIUM, E3],
    azure: LEAP_AZURE,
  },
];

describe('the expectations, by hand (leap year, cycles on the 29th..31st, year end)', () => {
  const all = LEAP_INVOICES;
  it('seat timelines, carry-forward, the end after a period ending on 29 Feb', () => {
    const days = [
      '2027-12-14',
      '2027-12-15',
      '2027-12-28',
      '2027-12-29',
      '2028-02-28',
      '2028-02-29',
      '2028-03-31',
    ];
    expect(days.map((d) => seatsOn(all, CONTOSO, BUSINESS_PREMIUM, d))).toEqual([0, 4, 6, 9, 9, 10, 9]);
    expect(
      ['2027-12-29', '2027-12-30', '2028-01-30', '2028-01-31', '2028-02-29'].map((d) =>
        seatsOn(all, CONTOSO, E3, d),
      ),
    ).toEqual([0, 2, 2, 5, 5]);
    expect(
      ['2027-12-30', '2027-12-31', '2028-02-09', '2028-02-10', '2028-02-29'].map((d) =>
        seatsOn(all, LEAPYEAR, BUSINESS_PREMIUM, d),
      ),
    ).toEqual([0, 8, 8, 10, 10]);
    // SC: carried past 29 Feb until March's invoice says it ended on 1 Mar.
    expect(seatsOn(all.slice(0, 3), LEAPYEAR, E3, '2028-03-01')).toBe(5);
    expect(['2028-02-29', '2028-03-01'].map((d) => seatsOn(all, LEAPYEAR, E3, d))).toEqual([5, 0]);
  });
  it('money per month', () => {
    // Contoso BP, February (29 days at 9.30): 9 seats x 28 days + 10 x 1 = 262 seat-days = 2436.60.
    expect(cents(seatMoney(all, CONTOSO, BUSINESS_PREMIUM, '2028-02'))).toBe('2436.60');
    // March at 279.00 (9.00 a day): 10 x 30 + 9 x 1 = 309 seat-days = 2781.00.
    expect(cents(seatMoney(all, CONTOSO, BUSINESS_PREMIUM, '2028-03'))).toBe('2781.00');
    // After January's invoice, March carries February's price (the raise is not decided yet): 9 x 31 x 8.70.
    expect(cents(seatMoney(all.slice(0, 2), CONTOSO, BUSINESS_PREMIUM, '2028-03'))).toBe('2427.30');
    // December: 4 x 13 + 6 x 1 + 9 x 3 = 85 seat-days x 8.70.
    expect(cents(seatMoney(all, CONTOSO, BUSINESS_PREMIUM, '2027-12'))).toBe('739.50');
    // Leapyear after January's invoice: 29 Feb is not decided yet. Autotask carries the 10 seats of 28 Feb into it;
    // ConnectWise's line carries February's 1st (8 seats) there, the decided 10 - 28 Feb are a charge.
    const twoMonths = all.slice(0, 2);
    expect(cents(seatMoney(twoMonths, LEAPYEAR, BUSINESS_PREMIUM, '2028-02'))).toBe('2529.60');
    expect(cents(seatMoney(twoMonths, LEAPYEAR, BUSINESS_PREMIUM, '2028-02', true))).toBe('2511.00');
    const leap = LEAP_PARTIES[1]!;
    expect(
      ['2028-01', '2028-02', '2028-03', '2028-04', '2028-05'].map((m) => cents(azureMoney(all, leap, m))),
    ).toEqual(['110.06', '49.67', '88.28', '0.00', '13.59']);
  });
});

describe.each(['autotask', 'connectwise'] as const)('%s: a leap-year February over five months', (target) => {
  let s: AnyScenario;
  const synced: Invoice[] = [];
  const statuses: Record<string, string[]> = {};
  const messages: Record<string, string[]> = {};

  beforeAll(async () => {
    s = await createCliScenario({
      target,
      now: '2028-01-08T09:00:00Z',
      seed: { extraCustomers: 1 },
      inProcess: true,
      editSeed: extendContracts(target),
    } as never);
    await s.setup(['--azure', 'on', '--azure-markup', MARKUP]);
    await s.importPriceList(priceListFile(s.dir, PRICES));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  for (const inv of LEAP_INVOICES) {
    const asOf = plus(inv.issued, 1);
    it(`${inv.period} (invoice ${inv.number}, synced ${asOf}): units per day, dates written, money to the cent; a re-run writes nothing`, async () => {
      await s.importInvoice(reconFile(s.dir, inv.number, inv.lines), {
        period: inv.period,
        issued: inv.issued,
      });
      if (synced.length === 0)
        for (const p of LEAP_PARTIES)
          await s.map(p.customer.tenantId, {
            company: p.company[target],
            contract: p.contract[target],
            syncStart: LEAP_START,
          });
      const products = await s.syncProducts({ asOf });
      expect(products.code, await s.explain(products)).toBe(0);
      const run: SyncOutcome = await s.syncCustomers({ asOf });
      synced.push(inv);
      const label = `after ${inv.period}`;

      // Statuses and messages: February's run tells the price change on 29 Feb, in DD MMM YYYY.
      for (const p of LEAP_PARTIES) {
        const mine = run.runs.filter((r) => r.tenantId === p.customer.tenantId);
        expect.soft(mine, `${label} ${p.customer.name}: one run`).toHaveLength(1);
        const r = mine[0];
        if (!r) continue;
        const texts = await runTexts(s, r.runId);
        statuses[p.customer.name] = [...(statuses[p.customer.name] ?? []), r.status];
        messages[p.customer.name] = [
          ...(messages[p.customer.name] ?? []),
          ...texts.map((t) => `${inv.period} ${t}`),
        ];
        const wantWarning = inv.period === '2028-02';
        expect
          .soft(r.status, `${label} ${p.customer.name}: ${texts.join(' | ')}`)
          .toMatch(wantWarning ? /^warning$/ : /^(success|no_change)$/);
        expect
          .soft(
            texts.filter((t) => t.includes('unit price changed')),
            `${label} ${p.customer.name}: the price change told once, by February's run`,
          )
          .toEqual(wantWarning ? [`warning: ${PRICE_WARNING}`] : []);
        expect.soft(badDates(texts), `${label} ${p.customer.name}: dates in run messages`).toEqual([]);
      }

      const ctx: CheckContext = {
        s,
        label,
        parties: LEAP_PARTIES.map((party) => ({ party, synced: syncedFor(synced, LEAP_START) })),
        days: eachDay('2027-12-01', '2028-06-30'),
        months: monthsOf('2027-12', nextMonth(inv.period)),
      };
      await checkUnits(ctx);
      await checkWrittenDates(ctx);
      await checkMoney(ctx);
      await expectRerunWritesNothing(s, asOf);
    });
  }

  it('over the five months: one price-change warning per customer, on 29 Feb 2028', () => {
    for (const p of LEAP_PARTIES) {
      const told = (messages[p.customer.name] ?? []).filter((t) => t.includes(PRICE_WARNING));
      expect
        .soft(told, `${p.customer.name}: ${JSON.stringify(statuses[p.customer.name])}`)
        .toEqual([`2028-02 warning: ${PRICE_WARNING}`]);
    }
  });

  // Found by this audit: a month's second charge was labelled with every locked day of the month, not the days it
  // books (Leapyear's February: 10-28 Feb booked in January, 29 Feb in February labelled "10-29 Feb 2028").
  if (target === 'connectwise')
    it('ConnectWise: each charge is labelled with the days whose money it books (spec section 6, locked days)', async () => {
      for (const p of LEAP_PARTIES)
        await checkChargeLabels(
          { s, label: 'after April', parties: [], days: [], months: [] },
          p,
          syncedFor(synced, LEAP_START),
          await s.readback.additions(p.contract.connectwise),
        );
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Scenario B: a short history with the process in UTC+14 and in UTC-11.

const EASTERN = LEAP(11, 'Eastern Optics');
const WESTERN = LEAP(12, 'Western Optics');
const XA = subscription(EASTERN, BUSINESS_PREMIUM, 'ca1e00ea-0000-4000-8000-0000000000ea', '2027-12-31');
const XB = subscription(EASTERN, BUSINESS_PREMIUM, 'ca1e00eb-0000-4000-8000-0000000000eb', '2027-10-15');
const YA = subscription(WESTERN, BUSINESS_PREMIUM, 'ca1e00fa-0000-4000-8000-0000000000fa', '2027-09-01');

const TZ_INVOICES: Invoice[] = [
  {
    number: 'G810002712',
    period: '2027-12',
    issued: '2028-01-07',
    lines: [
      XA.cycle('2027-12-31', '2028-01-30', 4, BP_COST, { chargeType: 'new' }),
      XB.cycle('2027-12-15', '2028-01-14', 3, BP_COST),
      YA.cycle('2027-12-01', '2027-12-31', 2, BP_COST),
    ],
  },
  {
    number: 'G810002801',
    period: '2028-01',
    issued: '2028-02-07',
    lines: [
      XA.cycle('2028-01-31', '2028-02-28', 4, BP_COST),
      XB.cycle('2028-01-15', '2028-02-14', 3, BP_COST),
      YA.cycle('2028-01-01', '2028-01-31', 2, BP_COST),
      ...YA.change('2028-01-20', '2028-01-31', 2, 6, BP_COST),
    ],
  },
  {
    number: 'G810002802',
    period: '2028-02',
    issued: '2028-03-07',
    lines: [
      XA.cycle('2028-02-29', '2028-03-30', 4, BP_COST),
      XB.cycle('2028-02-15', '2028-03-14', 3, BP_COST),
      ...XB.change('2028-02-29', '2028-03-14', 3, 5, BP_COST),
      YA.cycle('2028-02-01', '2028-02-29', 2, BP_COST),
      // A one-day change: 29 Feb is the last day of Western's cycle.
      ...YA.change('2028-02-29', '2028-02-29', 2, 3, BP_COST),
    ],
  },
];

/** Who is mapped when (UTC instants), without a sync start; R-10's default: the first of the UTC month. */
const TZ_MAPPINGS = [
  { customer: EASTERN, at: '2028-01-31T23:30:00Z', start: '2028-01-01', contract: 500, company: 600 },
  { customer: WESTERN, at: '2028-03-01T00:30:00Z', start: '2028-03-01', contract: 501, company: 601 },
] as const;

const ZONES = [
  { zone: 'Pacific/Kiritimati', offset: -14 * 60 },
  { zone: 'Pacific/Pago_Pago', offset: 11 * 60 },
] as const;

describe.each(
  (['autotask', 'connectwise'] as const).flatMap((target) => ZONES.map((z) => ({ target, ...z }))),
)(
  '$target with the process in $zone: default sync start, dates written, dates in messages',
  ({ target, zone, offset }) => {
    let s: AnyScenario;
    const savedTz = process.env.TZ;
    const parties: Party[] = TZ_MAPPINGS.map((m) => ({
      customer: m.customer,
      company: { autotask: m.company, connectwise: m.company },
      contract: { autotask: m.contract, connectwise: m.contract },
      offers: [BUSINESS_PREMIUM],
    }));
    const imported: Invoice[] = [];
    const texts: Record<string, string[]> = {};

    beforeAll(async () => {
      process.env.TZ = zone;
      s = await createCliScenario({
        target,
        now: '2028-01-08T09:00:00Z',
        seed: { extraCustomers: 2 },
        inProcess: true,
        editSeed: extendContracts(target),
      } as never);
      await s.setup();
      await s.importPriceList(priceListFile(s.dir, PRICES));
    }, 60_000);
    afterAll(async () => {
      await s?.close();
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    });

    /** `billsync map` without --start, the CLI's clock (this process's Date) at `at`. */
    async function mapAt(m: (typeof TZ_MAPPINGS)[number]): Promise<Record<string, unknown>> {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(m.at));
      try {
        return await s.json<Record<string, unknown>>(
          ...['map', m.customer.tenantId, '--company', String(m.company), '--contract', String(m.contract)],
          ...['--sync', 'on', ...(target === 'connectwise' ? ['--target', 'connectwise'] : [])],
        );
      } finally {
        vi.useRealTimers();
      }
    }

    async function importAndSync(invoices: readonly Invoice[], asOf: string): Promise<void> {
      for (const inv of invoices) {
        await s.importInvoice(reconFile(s.dir, inv.number, inv.lines), {
          period: inv.period,
          issued: inv.issued,
        });
        imported.push(inv);
      }
      const products = await s.syncProducts({ asOf });
      expect(products.code, await s.explain(products)).toBe(0);
      const run = await s.syncCustomers({ asOf });
      for (const r of run.runs) {
        expect
          .soft(r.status, `${asOf} ${r.customerName}: ${(await runTexts(s, r.runId)).join(' | ')}`)
          .toMatch(/^(success|warning|no_change)$/);
        const key = r.tenantId ?? '';
        texts[key] = [...(texts[key] ?? []), ...(await runTexts(s, r.runId))];
      }
    }

    it(`the process's zone is ${zone} (offset ${offset} minutes)`, () => {
      expect(new Date('2028-02-29T12:00:00Z').getTimezoneOffset()).toBe(offset);
    });

    it('Eastern mapped at 23:30 UTC on 31 Jan: sync start 1 Jan; December and January synced', async () => {
      await s.importInvoice(reconFile(s.dir, TZ_INVOICES[0]!.number, TZ_INVOICES[0]!.lines), {
        period: TZ_INVOICES[0]!.period,
        issued: TZ_INVOICES[0]!.issued,
      });
      imported.push(TZ_INVOICES[0]!);
      const saved = await mapAt(TZ_MAPPINGS[0]);
      expect(saved.syncStart, JSON.stringify(saved)).toBe(TZ_MAPPINGS[0].start);
      await importAndSync(TZ_INVOICES.slice(1, 2), '2028-02-08');
      const ctx: CheckContext = {
        s,
        label: `${zone} after January`,
        parties: [{ party: parties[0]!, synced: syncedFor(imported, TZ_MAPPINGS[0].start) }],
        days: eachDay('2027-12-01', '2028-04-30'),
        months: monthsOf('2027-12', '2028-02'),
      };
      await checkUnits(ctx);
      await checkWrittenDates(ctx);
      await checkMoney(ctx);
    });

    it('Western mapped at 00:30 UTC on 1 Mar: sync start 1 Mar; only February synced; 29 Feb everywhere', async () => {
      const saved = await mapAt(TZ_MAPPINGS[1]);
      expect(saved.syncStart, JSON.stringify(saved)).toBe(TZ_MAPPINGS[1].start);
      await importAndSync(TZ_INVOICES.slice(2), '2028-03-08');
      const ctx: CheckContext = {
        s,
        label: `${zone} after February`,
        parties: parties.map((party, i) => ({ party, synced: syncedFor(imported, TZ_MAPPINGS[i]!.start) })),
        days: eachDay('2027-12-01', '2028-04-30'),
        months: monthsOf('2027-12', '2028-03'),
      };
      await checkUnits(ctx);
      await checkWrittenDates(ctx);
      await checkMoney(ctx);
      for (const m of TZ_MAPPINGS) {
        const mine = texts[m.customer.tenantId] ?? [];
        expect.soft(badDates(mine), `${zone} ${m.customer.name}: dates in run messages`).toEqual([]);
        expect
          .soft(
            mine.filter((t) => t.includes('unit price changed')),
            `${zone} ${m.customer.name}: the price change on 29 Feb, told once`,
          )
          .toEqual([`warning: ${PRICE_WARNING}`]);
      }
      await expectRerunWritesNothing(s, '2028-03-08');
    });
  },
);
