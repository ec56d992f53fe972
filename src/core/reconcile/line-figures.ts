import type { InvoiceLine } from '../model/source';
import { type Decimal, dec, sumDecimals, ZERO } from '../money/decimal';
import { clipDays, type DaySet } from '../planner/day-set';
import { type StateSegment, stateAt } from '../planner/line-state';
import { monthMoney } from '../planner/month-money';
import type { TargetCharge } from '../ports/target';
import { type BillingPeriod, firstDayOf, nextPeriod, periodOf, periodsBetween } from '../time/billing-period';
import { addDays, daysBetween, type PlainDate } from '../time/plain-date';

/**
 * Reconciliation (issue 17, spec section 9): per contract line and period, Microsoft's cost, the retail the
 * invoices ask for, and what the PSA bills, computed from what the planner saw when it planned the line (one
 * truth for the writes and the figures). Pure.
 *
 * A period is the month whose days the PSA bills: licences bill the days of their calendar month; Azure's usage
 * of month M is billed on the first day of M+1 and is reported under M, the month of the invoice.
 */

export type LineKind = 'seats' | 'azure' | 'annual' | 'problem';

/** A price that changed inside a period (R-8: the PSA carries the new one from the next period). */
export interface PriceChange {
  day: PlainDate;
  what: 'cost' | 'retail';
  from: Decimal;
  to: Decimal;
}

/** One offer of one customer as the planner saw it. */
export interface LineObservation {
  itemKey: string;
  offerKey: string;
  title: string;
  kind: LineKind;
  productId: string | undefined;
  contractId: string | undefined;
  contractLineId: string | undefined;
  /** The contract's first day, when known: the invoice's days before it are billed by nobody. */
  contractStart?: PlainDate | undefined;
  /** What the invoices want per day: seats, the ruled retail and Microsoft's unit price per period. */
  desired: readonly StateSegment[];
  /** What the PSA carries per day. */
  actual: readonly StateSegment[];
  /** The days the synced (and about to be synced) invoices decide. */
  decided: DaySet;
  postedThrough: PlainDate | undefined;
  changeDays: readonly PlainDate[];
  /** One-time charges of the product on the contract (for annual offers: on the annual contract). */
  charges: readonly TargetCharge[];
  /** Microsoft's lines behind the offer on the invoices the sync considers. */
  lines: readonly InvoiceLine[];
  /** Invoices the sync considers but has not synced yet (the next run brings them). */
  unsyncedInvoiceIds: ReadonlySet<string>;
  /** Azure: the usage cost per usage month and the invoice it is on. */
  azure?: readonly { period: BillingPeriod; invoiceId: string; cost: Decimal }[];
  /** Annual: what the lines should book per month of their charge start (retail and cost). */
  annual?: readonly { month: BillingPeriod; amount: Decimal; cost: Decimal }[];
  priceChanges?: readonly PriceChange[];
  /** Why the offer cannot be billed (kind `problem`). */
  problem?: string | undefined;
  /** The last period to report (the plan's as-of month): decided days of an ended line run on for ever. */
  lastPeriod: BillingPeriod;
}

/** One invoice line's share of a period. */
export interface LineShare {
  line: InvoiceLine;
  /** The part of its subtotal on the period's counted days (exact). */
  amount: Decimal;
}

export interface PeriodFigures {
  period: BillingPeriod;
  cost: Decimal;
  expected: Decimal;
  billed: Decimal;
  billedCost: Decimal;
  shares: LineShare[];
  /** Seats the invoices want and units the PSA carries on the period's last counted day. */
  seats: Decimal | undefined;
  units: Decimal | undefined;
  /** Some of the period's money is on invoices not synced yet. */
  unsynced: boolean;
  /** Microsoft's cost of the period's days before the contract start (nobody bills them). */
  beforeStart: Decimal;
  /** Price changes inside the period the PSA does not carry yet from the next period. */
  pendingChanges: PriceChange[];
}

const EARLIEST = '0001-01-01' as PlainDate;

const periodDays = (p: BillingPeriod): DaySet => [{ start: firstDayOf(p), end: firstDayOf(nextPeriod(p)) }];

function intersect(a: DaySet, b: DaySet): DaySet {
  const out: { start: PlainDate; end: PlainDate }[] = [];
  for (const r of b) out.push(...clipDays(a, r.start, r.end));
  return out;
}

function dayCount(set: DaySet): number {
  return set.reduce((n, r) => n + daysBetween(r.start, r.end), 0);
}

/** The part of a line's subtotal on `days`: Microsoft's money spread evenly over its charge period. */
export function lineShare(line: InvoiceLine, days: DaySet): Decimal {
  const total = daysBetween(line.chargePeriod.start, line.chargePeriod.end);
  if (total <= 0) return ZERO;
  const inside = dayCount(intersect(days, [line.chargePeriod]));
  if (inside === 0) return ZERO;
  return inside === total ? line.subtotal.amount : line.subtotal.amount.times(inside).div(total);
}

const periodOfRange = (r: { start: PlainDate; end: PlainDate }) => [
  periodOf(r.start),
  periodOf(addDays(r.end, -1)),
];

/** The periods a line has figures in. */
function periodsOf(o: LineObservation): BillingPeriod[] {
  const set = new Set<BillingPeriod>();
  const add = (from: BillingPeriod, to: BillingPeriod) => {
    for (const p of periodsBetween(from, to)) set.add(p);
  };
  const clip = (r: { start: PlainDate; end: PlainDate }) => {
    const [from, to] = periodOfRange(r) as [BillingPeriod, BillingPeriod];
    if (from <= o.lastPeriod) add(from, to < o.lastPeriod ? to : o.lastPeriod);
  };
  if (o.kind === 'seats') for (const r of o.decided) clip(r);
  if (o.kind === 'azure') for (const a of o.azure ?? []) set.add(a.period);
  if (o.kind === 'annual') for (const a of o.annual ?? []) set.add(a.month);
  if (o.kind === 'problem') {
    for (const l of o.lines) clip(l.chargePeriod);
    for (const a of o.azure ?? []) set.add(a.period);
  }
  return [...set].filter((p) => p <= o.lastPeriod).sort();
}

/** The line's figures per period, oldest first. */
export function lineFigures(o: LineObservation): PeriodFigures[] {
  return periodsOf(o).map((p) => periodFigures(o, p));
}

function periodFigures(o: LineObservation, period: BillingPeriod): PeriodFigures {
  const base = {
    period,
    cost: ZERO,
    expected: ZERO,
    billed: ZERO,
    billedCost: ZERO,
    shares: [] as LineShare[],
    seats: undefined as Decimal | undefined,
    units: undefined as Decimal | undefined,
    unsynced: false,
    beforeStart: ZERO,
    pendingChanges: [] as PriceChange[],
  };
  if (o.kind === 'annual') {
    const want = o.annual?.find((a) => a.month === period);
    const charges = o.charges.filter((c) => periodOf(c.date) === period);
    const lines = o.lines.filter((l) => periodOf(l.chargePeriod.start) === period);
    return {
      ...base,
      cost: want?.cost ?? ZERO,
      expected: want?.amount ?? ZERO,
      billed: sumDecimals(charges.map((c) => c.amount)),
      billedCost: sumDecimals(charges.map((c) => c.cost)),
      shares: lines.map((line) => ({ line, amount: line.subtotal.amount })),
      unsynced: lines.some((l) => o.unsyncedInvoiceIds.has(l.invoiceId)),
    };
  }
  if (o.kind === 'problem') {
    const shares = o.lines
      .map((line) => ({ line, amount: lineShare(line, periodDays(period)) }))
      .filter((s) => !s.amount.eq(0));
    const azure = (o.azure ?? []).filter((a) => a.period === period);
    return {
      ...base,
      cost: sumDecimals([...shares.map((s) => s.amount), ...azure.map((a) => a.cost)]),
      shares,
      unsynced:
        shares.some((s) => o.unsyncedInvoiceIds.has(s.line.invoiceId)) ||
        azure.some((a) => o.unsyncedInvoiceIds.has(a.invoiceId)),
    };
  }
  // Azure's usage of M is billed on the PSA line in M+1.
  const billedMonth = o.kind === 'azure' ? nextPeriod(period) : period;
  const days = intersect(o.decided, periodDays(billedMonth));
  const charges = o.charges.filter((c) => periodOf(c.date) === billedMonth);
  const want = monthMoney(o.desired, days)[0];
  const have = monthMoney(o.actual, days, charges).find((m) => m.month === billedMonth);
  const last = days.at(-1) ? addDays(days.at(-1)!.end, -1) : undefined;
  const shares =
    o.kind === 'azure'
      ? []
      : o.lines.map((line) => ({ line, amount: lineShare(line, days) })).filter((s) => !s.amount.eq(0));
  const azure = (o.azure ?? []).filter((a) => a.period === period);
  const cost =
    o.kind === 'azure' ? sumDecimals(azure.map((a) => a.cost)) : sumDecimals(shares.map((s) => s.amount));
  const unsynced =
    o.kind === 'azure'
      ? azure.some((a) => o.unsyncedInvoiceIds.has(a.invoiceId))
      : shares.some((s) => o.unsyncedInvoiceIds.has(s.line.invoiceId));
  const early =
    o.contractStart === undefined ? [] : intersect(days, [{ start: EARLIEST, end: o.contractStart }]);
  const beforeStart =
    o.kind === 'azure'
      ? early.length > 0
        ? cost
        : ZERO
      : sumDecimals(shares.map((s) => lineShare(s.line, early)));
  return {
    ...base,
    cost,
    beforeStart,
    expected: want?.amount ?? ZERO,
    billed: have?.amount ?? ZERO,
    billedCost: have?.cost ?? ZERO,
    shares,
    seats: last ? stateAt(o.desired, last).units : undefined,
    units: last ? stateAt(o.actual, last).units : undefined,
    unsynced,
    pendingChanges: pendingChanges(o, period),
  };
}

/**
 * R-8's warning, still to act on: a price changed inside the period and the PSA does not carry the new value
 * from the next period's first day (or that day is not decided yet).
 */
function pendingChanges(o: LineObservation, period: BillingPeriod): PriceChange[] {
  const next = firstDayOf(nextPeriod(period));
  return (o.priceChanges ?? []).filter((c) => {
    if (periodOf(c.day) !== period) return false;
    const have = stateAt(o.actual, next);
    const value = c.what === 'retail' ? have.price : have.cost;
    return value === undefined || !value.eq(c.to.round(2, 1));
  });
}

/** The tolerance of "PSA differs from the invoice": 1 cent per prorated Microsoft line (at least 1 cent). */
export function tolerance(f: Pick<PeriodFigures, 'shares'>): Decimal {
  return dec('0.01').times(Math.max(1, f.shares.length));
}
