import { addDays } from '../../kit';
import { type AutotaskState, type Row, unitKey } from '../store/state';

/** A ContractServiceUnits row read as a segment: the days it really bills. */
export interface BilledSegment {
  row: Row;
  /** `contractServiceId|startDate`: the key of the row's id, posted mark and stored price. */
  key: string;
  start: string;
  /** Last billed day: the row's endDate, or the day before the next row starts if that is earlier. */
  end: string;
}

/**
 * The rows of one contract service read as segments by start date: a later row wins from its start, so no
 * day is billed twice whether split rows end on the next adjustment's day (rules.unitRowEnd 'overlap') or
 * the day before. Every emulator reader of "what is billed on day D" goes through this.
 */
export function billedSegments(rows: readonly Row[]): BilledSegment[] {
  const sorted = [...rows].sort((a, b) => String(a.startDate).localeCompare(String(b.startDate)));
  return sorted.map((row, i) => {
    const start = String(row.startDate);
    const next = sorted[i + 1];
    let end = String(row.endDate);
    if (next !== undefined && String(next.startDate) <= end) end = addDays(String(next.startDate), -1);
    return { row, key: unitKey(row.contractServiceID as number, start), start, end };
  });
}

/** The segment billing `day`, if any. */
export function billedOn(segments: readonly BilledSegment[], day: string): BilledSegment | undefined {
  return segments.find((s) => s.start <= day && day <= s.end);
}

/** Days from `from` to `to`, inclusive. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Days one posting covered. */
export interface PostedRange {
  start: string;
  end: string;
  approveAndPostDate: string;
}

/** The day ranges approve & post (and prorated billing) has billed for one contract service. */
export function postedRanges(state: AutotaskState, contractServiceId: number): PostedRange[] {
  return [...state.posted.values()]
    .filter((p) => p.contractServiceId === contractServiceId)
    .map((p) => ({ start: p.startDate, end: p.billedThrough, approveAndPostDate: p.approveAndPostDate }))
    .sort((a, b) => a.start.localeCompare(b.start));
}

/** The posting covering `day`, if any. */
export function postedOn(ranges: readonly PostedRange[], day: string): PostedRange | undefined {
  return ranges.find((r) => r.start <= day && day <= r.end);
}

/** Billed days of a segment that no posting covers yet (normally all of them, or none). */
export function openDays(segment: BilledSegment, ranges: readonly PostedRange[]): string[] {
  return daysOf(segment.start, segment.end).filter((d) => postedOn(ranges, d) === undefined);
}

/** Posted days of a contract service on or after `from`, in order. */
export function postedDaysFrom(ranges: readonly PostedRange[], from: string): string[] {
  const days = new Set<string>();
  for (const r of ranges) {
    if (r.end < from) continue;
    for (const d of daysOf(r.start < from ? from : r.start, r.end)) days.add(d);
  }
  return [...days].sort();
}
