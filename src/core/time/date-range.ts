import { addDays, daysBetween, maxDate, minDate, type PlainDate, startOfNextMonth } from './plain-date';

/**
 * A half-open range of days: `start` is the first day in it, `end` the first day after it. Microsoft's
 * inclusive ChargeEndDate becomes `end = ChargeEndDate + 1 day` at the source edge (see `fromInclusive`).
 */
export interface DateRange {
  readonly start: PlainDate;
  readonly end: PlainDate;
}

export function dateRange(start: PlainDate, end: PlainDate): DateRange {
  if (end < start) throw new RangeError(`range ends before it starts: ${start}..${end}`);
  return { start, end };
}

/** From an inclusive last day, as vendors write ranges. */
export function fromInclusive(start: PlainDate, lastDay: PlainDate): DateRange {
  return dateRange(start, addDays(lastDay, 1));
}

/** The inclusive last day (the day before `end`); undefined for an empty range. */
export function lastDay(range: DateRange): PlainDate | undefined {
  return isEmpty(range) ? undefined : addDays(range.end, -1);
}

export function lengthInDays(range: DateRange): number {
  return daysBetween(range.start, range.end);
}

export function isEmpty(range: DateRange): boolean {
  return range.end <= range.start;
}

export function containsDay(range: DateRange, day: PlainDate): boolean {
  return range.start <= day && day < range.end;
}

export function overlaps(a: DateRange, b: DateRange): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The common part, or undefined when they do not overlap. */
export function intersect(a: DateRange, b: DateRange): DateRange | undefined {
  const start = maxDate(a.start, b.start);
  const end = minDate(a.end, b.end);
  return start < end ? { start, end } : undefined;
}

/** Every day of the range, in order. */
export function* daysOf(range: DateRange): Generator<PlainDate> {
  for (let d = range.start; d < range.end; d = addDays(d, 1)) yield d;
}

/** Cuts a range at calendar-month boundaries: [Jan 20, Mar 5) -> [Jan 20, Feb 1), [Feb 1, Mar 1), [Mar 1, Mar 5). */
export function splitByMonth(range: DateRange): DateRange[] {
  const parts: DateRange[] = [];
  let start = range.start;
  while (start < range.end) {
    const end = minDate(startOfNextMonth(start), range.end);
    parts.push({ start, end });
    start = end;
  }
  return parts;
}

export function rangeText(range: DateRange): string {
  return `[${range.start}, ${range.end})`;
}
