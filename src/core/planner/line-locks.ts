import type { TargetContract } from '../ports/target';
import { addDays, dateParts, type PlainDate, startOfNextMonth } from '../time/plain-date';

/**
 * Why the PSA can no longer take a change of a contract line on a day (spec section 6, "Locked days"):
 * `posted` (approved and invoiced), `changed` (the day carries a change already: Autotask), `period` (the PSA's
 * lines change only on the first of a month: ConnectWise, decision 0012); and why it cannot carry the wanted
 * state there: `negative` (the synced lines net below 0 units, which no PSA line holds: decision 0008 addendum).
 */
export type LockReason = 'posted' | 'changed' | 'period' | 'negative' | 'held';

export type ChangesOn = NonNullable<TargetContract['changesOn']>;

/** The days of one contract line that take no (further) change. */
export interface LineLocks {
  /** Approved and posted through this day, inclusive (the contract's); undefined = nothing posted. */
  postedThrough: PlainDate | undefined;
  /** Days that already carry a change of the line. */
  changeDays: ReadonlySet<PlainDate>;
  /** Which days can take a change at all. */
  changesOn: ChangesOn;
  isLocked(day: PlainDate): boolean;
  reason(day: PlainDate): LockReason | undefined;
}

export function lineLocks(
  postedThrough: PlainDate | undefined,
  changeDays: Iterable<PlainDate>,
  changesOn: ChangesOn = 'any-day',
): LineLocks {
  const days = new Set(changeDays);
  const reason = (day: PlainDate): LockReason | undefined =>
    postedThrough !== undefined && day <= postedThrough
      ? 'posted'
      : days.has(day)
        ? 'changed'
        : changesOn === 'month-start' && dateParts(day).day !== 1
          ? 'period'
          : undefined;
  return {
    postedThrough,
    changeDays: days,
    changesOn,
    isLocked: (day) => reason(day) !== undefined,
    reason,
  };
}

/** The first day after `day` that is not locked (locks are finite or monthly, so there always is one). */
export function nextFreeDay(locks: LineLocks, day: PlainDate): PlainDate {
  let next = addDays(day, 1);
  if (locks.postedThrough !== undefined && next <= locks.postedThrough)
    next = addDays(locks.postedThrough, 1);
  for (;;) {
    if (locks.changesOn === 'month-start' && dateParts(next).day !== 1) next = startOfNextMonth(next);
    if (!locks.changeDays.has(next)) return next;
    next = addDays(next, 1);
  }
}
