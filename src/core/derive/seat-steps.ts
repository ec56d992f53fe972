import { type Decimal, ZERO } from '../money/decimal';
import { fromEpochDay, type PlainDate, toEpochDay } from '../time/plain-date';

/** A stretch of days with one seat count. Half-open: `end` is the first day after it; undefined = open-ended. */
export interface SeatSegment {
  start: PlainDate;
  end: PlainDate | undefined;
  /** Seats on every day of the segment (a decimal: Microsoft quantities are whole, but sums stay exact). */
  seats: Decimal;
}

/** A day on which the seat count differs from the day before. */
export interface SeatChange {
  day: PlainDate;
  old: Decimal;
  new: Decimal;
}

/**
 * A step function over days, kept as deltas: `add(range, q)` raises every day of [start, end) by q (an open end
 * raises every day from start on). Order of additions never matters (addition commutes).
 */
export class SeatSteps {
  private readonly deltas = new Map<number, Decimal>();

  add(start: PlainDate, end: PlainDate | undefined, quantity: Decimal): this {
    if (quantity.eq(ZERO) || (end !== undefined && end <= start)) return this;
    this.bump(toEpochDay(start), quantity);
    if (end !== undefined) this.bump(toEpochDay(end), quantity.neg());
    return this;
  }

  /** Adds every delta of another step function (sum over subscriptions). */
  addAll(other: SeatSteps): this {
    for (const [day, q] of other.deltas) this.bump(day, q);
    return this;
  }

  /** Seats on one day. */
  at(day: PlainDate): Decimal {
    const d = toEpochDay(day);
    let total = ZERO;
    for (const [k, q] of this.deltas) if (k <= d) total = total.plus(q);
    return total;
  }

  /** The contiguous segments covering [from, to) (to undefined = open-ended), equal neighbours merged. */
  segments(from: PlainDate, to: PlainDate | undefined): SeatSegment[] {
    const fromDay = toEpochDay(from);
    const toDay = to === undefined ? undefined : toEpochDay(to);
    if (toDay !== undefined && toDay <= fromDay) return [];
    const out: SeatSegment[] = [];
    let value = this.at(from);
    let start = fromDay;
    for (const day of this.days()) {
      if (day <= fromDay) continue;
      if (toDay !== undefined && day >= toDay) break;
      const next = value.plus(this.deltas.get(day) ?? ZERO);
      if (next.eq(value)) continue;
      out.push({ start: fromEpochDay(start), end: fromEpochDay(day), seats: value });
      value = next;
      start = day;
    }
    out.push({
      start: fromEpochDay(start),
      end: toDay === undefined ? undefined : fromEpochDay(toDay),
      seats: value,
    });
    return out;
  }

  /** Every day d in [from, to) with seats(d) != seats(d - 1). */
  changes(from: PlainDate, to: PlainDate | undefined): SeatChange[] {
    const out: SeatChange[] = [];
    const toDay = to === undefined ? undefined : toEpochDay(to);
    const fromDay = toEpochDay(from);
    let value = ZERO;
    for (const day of this.days()) {
      if (toDay !== undefined && day >= toDay) break;
      const next = value.plus(this.deltas.get(day) ?? ZERO);
      if (day >= fromDay && !next.eq(value)) out.push({ day: fromEpochDay(day), old: value, new: next });
      value = next;
    }
    return out;
  }

  private days(): number[] {
    return [...this.deltas.keys()].sort((a, b) => a - b);
  }

  private bump(day: number, q: Decimal): void {
    const next = (this.deltas.get(day) ?? ZERO).plus(q);
    if (next.eq(ZERO)) this.deltas.delete(day);
    else this.deltas.set(day, next);
  }
}
