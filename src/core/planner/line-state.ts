import { type Decimal, ZERO } from '../money/decimal';
import { addDays, type PlainDate } from '../time/plain-date';

/** Units, price and cost of one contract line on a day. Price/cost undefined = unknown / not set. */
export interface LineState {
  units: Decimal;
  price: Decimal | undefined;
  cost: Decimal | undefined;
}

/** A half-open stretch of days with one state; `end` undefined = open-ended. Segments are sorted, non-overlapping. */
export interface StateSegment {
  start: PlainDate;
  end: PlainDate | undefined;
  state: LineState;
}

export const EMPTY_STATE: LineState = { units: ZERO, price: undefined, cost: undefined };

/** The state on `day`; days outside every segment have no units. */
export function stateAt(segments: readonly StateSegment[], day: PlainDate): LineState {
  for (const s of segments) {
    if (s.start <= day && (s.end === undefined || day < s.end)) return s.state;
  }
  return EMPTY_STATE;
}

export function sameDecimal(a: Decimal | undefined, b: Decimal | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.eq(b);
}

/** Every day where some segment starts or ends, from `from` (included) up to `until` (excluded), sorted. */
export function changeDays(
  lists: readonly (readonly StateSegment[])[],
  from: PlainDate,
  until: PlainDate | undefined,
): PlainDate[] {
  const days = new Set<string>([from]);
  for (const list of lists) {
    for (const s of list) {
      days.add(s.start);
      if (s.end) days.add(s.end);
    }
  }
  return [...days].filter((d) => d >= from && (until === undefined || d < until)).sort() as PlainDate[];
}

/** Merges neighbours with equal states (and drops empty segments). */
export function normalizeSegments(segments: readonly StateSegment[]): StateSegment[] {
  const out: StateSegment[] = [];
  for (const s of segments) {
    if (s.end !== undefined && s.end <= s.start) continue;
    const prev = out.at(-1);
    if (
      prev &&
      prev.end === s.start &&
      prev.state.units.eq(s.state.units) &&
      sameDecimal(prev.state.price, s.state.price) &&
      sameDecimal(prev.state.cost, s.state.cost)
    ) {
      out[out.length - 1] = { ...prev, end: s.end };
    } else {
      out.push(s);
    }
  }
  return out;
}

export function dayBefore(day: PlainDate): PlainDate {
  return addDays(day, -1);
}

/** The days where one PSA row of a line follows another (a new period, or a change). */
export function rowBoundaries(actual: readonly StateSegment[]): Set<PlainDate> {
  const ends = new Set(actual.map((s) => s.end).filter((e): e is PlainDate => e !== undefined));
  return new Set(actual.map((s) => s.start).filter((start) => ends.has(start)));
}
