import type { DateRange } from '../time/date-range';
import type { PlainDate } from '../time/plain-date';

/**
 * A set of days as sorted, disjoint, non-adjacent half-open ranges. The planner's "decided days" (spec section 6:
 * the days the synced invoices decide) are one of these per contract line.
 */
export type DaySet = readonly DateRange[];

export const NO_DAYS: DaySet = [];

/** The end of a range that never ends (the last representable day). */
export const FOREVER = '9999-12-31' as PlainDate;

/** The union of some ranges (empty ones dropped, overlapping and touching ones merged). */
export function daySet(ranges: Iterable<DateRange>): DaySet {
  const sorted = [...ranges].filter((r) => r.start < r.end).sort((a, b) => (a.start < b.start ? -1 : 1));
  const out: DateRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start <= last.end) {
      if (r.end > last.end) out[out.length - 1] = { start: last.start, end: r.end };
    } else out.push({ start: r.start, end: r.end });
  }
  return out;
}

export function hasDay(set: DaySet, day: PlainDate): boolean {
  for (const r of set) {
    if (day < r.start) return false;
    if (day < r.end) return true;
  }
  return false;
}

/** Only the days in [from, until) (until undefined = no upper bound). */
export function clipDays(set: DaySet, from: PlainDate, until: PlainDate | undefined): DaySet {
  const out: DateRange[] = [];
  for (const r of set) {
    const start = r.start < from ? from : r.start;
    const end = until !== undefined && r.end > until ? until : r.end;
    if (start < end) out.push({ start, end });
  }
  return out;
}

/** The days of `set` outside every range of `holes`. */
export function minusDays(set: DaySet, holes: Iterable<DateRange>): DaySet {
  let out: DateRange[] = [...set];
  for (const h of holes) {
    out = out.flatMap((r) => {
      if (h.end <= r.start || h.start >= r.end) return [r];
      return [
        ...(r.start < h.start ? [{ start: r.start, end: h.start }] : []),
        ...(h.end < r.end ? [{ start: h.end, end: r.end }] : []),
      ];
    });
  }
  return out;
}

export function firstDay(set: DaySet): PlainDate | undefined {
  return set[0]?.start;
}
