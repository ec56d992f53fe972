import type { Decimal } from '../../core/money/decimal';
import { addDays, type PlainDate } from '../../core/time/plain-date';

/** One ContractServiceUnits row of a contract line, dates inclusive as Autotask sends them. */
export interface UnitRow {
  start: PlainDate;
  /** Inclusive last day. */
  end: PlainDate;
  units: Decimal;
  price: Decimal | undefined;
  cost: Decimal | undefined;
}

const sameValue = (a: Decimal | undefined, b: Decimal | undefined) =>
  a === undefined || b === undefined ? a === b : a.eq(b);

const sameState = (a: UnitRow, b: UnitRow) =>
  a.units.eq(b.units) && sameValue(a.price, b.price) && sameValue(a.cost, b.cost);

/**
 * The days of a contract line that already carry a ContractServiceAdjustment. Autotask keeps one adjustment per
 * contract service and day and never edits or deletes one, and adjustments cannot be queried (§4.5), but every
 * adjustment starts a unit row on its effective date (§4.6). So: read the rows as segments by start date (a
 * later row wins from its start; rows may overlap by one day, as a split row may end ON the next adjustment's
 * day, §8.1); a row start is a change day when its units, price or cost differ from the state on the day before.
 * The line's first row counts only when its units are not 0 (a line created through the API without an
 * adjustment starts at 0 units); a row after a gap is read the same way. Not visible: an adjustment that
 * changed nothing (unitChange 0 at the same price), which billsync never makes.
 *
 * `periodStart`: whether a day starts a contract period (see `periodStartOf`).
 *
 * `from`: the rows were read from this day on (readState's `unitsFrom`): a first row starting on or before it
 * may continue an unread row, so it is not counted.
 */
export function changeDays(
  rows: readonly UnitRow[],
  from?: PlainDate,
  periodStart: (day: PlainDate) => boolean = () => false,
): PlainDate[] {
  const sorted = [...rows].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const days = new Set<PlainDate>();
  sorted.forEach((row, i) => {
    const dayBefore = addDays(row.start, -1);
    // The state on the day before: the row with the latest start on or before it, if it still covers it.
    let latest: UnitRow | undefined;
    for (let j = i - 1; j >= 0 && latest === undefined; j--) {
      const r = sorted[j] as UnitRow;
      if (r.start <= dayBefore) latest = r;
    }
    const before = latest !== undefined && latest.end >= dayBefore ? latest : undefined;
    if (before) {
      // A new period's row may carry a price of its own without any adjustment (a PSA that stores a row's
      // price when it makes the row): a price or cost change on a period start proves nothing. Units do not
      // change without an adjustment, though: an MSP's hand adjustment on the 1st (the usual day for one) is a
      // change day, so the planner books around it instead of the PSA refusing a second adjustment (audit
      // `audit-cutover-months`). billsync knows its own adjustments there too (the engine's journal).
      const unitsMoved = !row.units.eq(before.units);
      if (!sameState(row, before) && (unitsMoved || !periodStart(row.start))) days.add(row.start);
      return;
    }
    const unread = i === 0 && from !== undefined && row.start <= from;
    if (!unread && !row.units.eq(0)) days.add(row.start);
  });
  return [...days].sort();
}

/**
 * The last day a contract is approved and posted through: the latest inclusive `endDate` of its unit rows that
 * carry an `approveAndPostDate` (any line; undefined when none). Posting is per contract and period, so the
 * latest posted row is where changes stop being possible (spec section 6, "Locked days").
 */
export function postedThrough(rows: readonly { end: PlainDate; posted: boolean }[]): PlainDate | undefined {
  let latest: PlainDate | undefined;
  for (const r of rows) if (r.posted && (latest === undefined || r.end > latest)) latest = r.end;
  return latest;
}

/**
 * Whether a day may start a period of a contract that starts on `contractStart`: the same day of the month
 * (the last day of a shorter month for a start on the 29th-31st). Autotask steps periods from the contract
 * start; quarterly and yearly contracts get a few false positives, which only make billsync try a write there.
 */
export function periodStartOf(contractStart: PlainDate): (day: PlainDate) => boolean {
  const startDay = Number(contractStart.slice(8, 10));
  return (day) => {
    const [y, m, d] = [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return d === Math.min(startDay, last);
  };
}
