import { addDays, addMonths, daysBetween, startOfMonth } from '../../kit';
import { agreementLastDay } from '../rules/agreement-status';
import { dayOf } from '../store/dates';
import type { EmulatorCtx, Row } from '../store/state';

/** One billing period of an agreement, inclusive days `YYYY-MM-DD`. */
export interface Period {
  start: string;
  end: string;
  days: number;
  /** The single "period" of a one-time (NotRecurring) agreement: it bills each line's whole amount once. */
  whole?: true;
}

export type Cycle = { months: number } | { days: number } | 'one-time';

const MONTHS: Record<string, number> = { Monthly: 1, BiMonthly: 2, Quarterly: 3, SemiAnnual: 6, Yearly: 12 };
const DAYS: Record<string, number> = { Weekly: 7, BiWeekly: 14 };

/** The agreement's billing cycle from its `billingCycle` reference (monthly when it has none). */
export function agreementCycle(ctx: EmulatorCtx, agreement: Row): Cycle {
  const cycle = ctx.state.tables.billingCycles.get(agreement.billingCycle as number);
  const option = String(cycle?.billingOptions ?? 'Monthly');
  if (option === 'NotRecurring') return 'one-time';
  const days = DAYS[option];
  return days ? { days } : { months: MONTHS[option] ?? 1 };
}

/** The first day billing counts from: billStartDate, else startDate, else the agreement's entry day. */
export function billingStart(agreement: Row): string {
  const start = (agreement.billStartDate ?? agreement.startDate ?? agreement._meta.dateEntered) as string;
  return dayOf(start);
}

/**
 * Month-based periods start on the 1st ("agreement invoices become available on the first of the month
 * regardless of the Billing Start Date", §5.3) and step by the cycle from the billing start's month;
 * week-based ones step from the billing start day.
 */
function anchor(agreement: Row, cycle: Exclude<Cycle, 'one-time'>): string {
  return 'months' in cycle ? startOfMonth(billingStart(agreement)) : billingStart(agreement);
}

function periodAt(a: string, cycle: Exclude<Cycle, 'one-time'>, k: number): Period {
  const start = 'months' in cycle ? addMonths(a, k * cycle.months) : addDays(a, k * cycle.days);
  const next = 'months' in cycle ? addMonths(a, (k + 1) * cycle.months) : addDays(a, (k + 1) * cycle.days);
  return { start, end: addDays(next, -1), days: daysBetween(start, next) };
}

function indexOf(a: string, cycle: Exclude<Cycle, 'one-time'>, date: string): number {
  if ('days' in cycle) return Math.floor(daysBetween(a, date) / cycle.days);
  const months =
    (Number(date.slice(0, 4)) - Number(a.slice(0, 4))) * 12 +
    Number(date.slice(5, 7)) -
    Number(a.slice(5, 7));
  return Math.floor(months / cycle.months);
}

/** The period that contains `date`, or undefined for a one-time agreement. */
export function periodContaining(ctx: EmulatorCtx, agreement: Row, date: string): Period | undefined {
  const cycle = agreementCycle(ctx, agreement);
  if (cycle === 'one-time') return undefined;
  const a = anchor(agreement, cycle);
  return periodAt(a, cycle, indexOf(a, cycle, date));
}

/**
 * The periods overlapping `from..to` (inclusive), in order. A one-time agreement has one period from its
 * billing start to its last day (or open), which overlaps when it starts on or before `to`.
 */
export function periodsBetween(ctx: EmulatorCtx, agreement: Row, from: string, to: string): Period[] {
  const cycle = agreementCycle(ctx, agreement);
  if (from > to) return [];
  if (cycle === 'one-time') {
    const start = billingStart(agreement);
    const end = agreementLastDay(agreement) ?? '9999-12-31';
    return start <= to && end >= from ? [{ start, end, days: daysBetween(start, end) + 1, whole: true }] : [];
  }
  const a = anchor(agreement, cycle);
  const out: Period[] = [];
  for (let k = indexOf(a, cycle, from); ; k++) {
    const p = periodAt(a, cycle, k);
    if (p.start > to) return out;
    out.push(p);
  }
}
