import type { Brand } from '../brand';
import type { DateRange } from './date-range';
import { addMonths, dateParts, daysInMonth, type PlainDate, startOfNextMonth } from './plain-date';

/** A calendar month, `YYYY-MM`: Microsoft's billing period and the default PSA contract period. */
export type BillingPeriod = Brand<string, 'BillingPeriod'>;

const SHAPE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function tryParseBillingPeriod(text: string): BillingPeriod | undefined {
  return SHAPE.test(text) && Number(text.slice(0, 4)) >= 1000 ? (text as BillingPeriod) : undefined;
}

export function parseBillingPeriod(text: string): BillingPeriod {
  const p = tryParseBillingPeriod(text);
  if (!p) throw new RangeError(`not a billing period (YYYY-MM): ${JSON.stringify(text)}`);
  return p;
}

export function periodOf(date: PlainDate): BillingPeriod {
  return date.slice(0, 7) as BillingPeriod;
}

export function firstDayOf(period: BillingPeriod): PlainDate {
  // A BillingPeriod is valid by construction, so its first day is too.
  return `${period}-01` as PlainDate;
}

/** How many days the month has (28 to 31). */
export function daysInPeriod(period: BillingPeriod): number {
  const { year, month } = dateParts(firstDayOf(period));
  return daysInMonth(year, month);
}

/** The period as a half-open day range: [first day, first day of the next month). */
export function periodRange(period: BillingPeriod): DateRange {
  const start = firstDayOf(period);
  return { start, end: startOfNextMonth(start) };
}

export function addPeriods(period: BillingPeriod, n: number): BillingPeriod {
  return periodOf(addMonths(firstDayOf(period), n));
}

export function nextPeriod(period: BillingPeriod): BillingPeriod {
  return addPeriods(period, 1);
}

export function previousPeriod(period: BillingPeriod): BillingPeriod {
  return addPeriods(period, -1);
}

/** Periods from `from` to `to`, both included. */
export function periodsBetween(from: BillingPeriod, to: BillingPeriod): BillingPeriod[] {
  const out: BillingPeriod[] = [];
  for (let p = from; p <= to; p = nextPeriod(p)) out.push(p);
  return out;
}
