import { addDays, type PlainDate } from '../time/plain-date';

/** Why the PSA can no longer take a change of a contract line on a day (spec section 6, "Locked days"). */
export type LockReason = 'posted' | 'changed';

/** The days of one contract line that take no (further) change. */
export interface LineLocks {
  /** Approved and posted through this day, inclusive (the contract's); undefined = nothing posted. */
  postedThrough: PlainDate | undefined;
  /** Days that already carry a change of the line. */
  changeDays: ReadonlySet<PlainDate>;
  isLocked(day: PlainDate): boolean;
  reason(day: PlainDate): LockReason | undefined;
}

export function lineLocks(postedThrough: PlainDate | undefined, changeDays: Iterable<PlainDate>): LineLocks {
  const days = new Set(changeDays);
  const reason = (day: PlainDate): LockReason | undefined =>
    postedThrough !== undefined && day <= postedThrough ? 'posted' : days.has(day) ? 'changed' : undefined;
  return { postedThrough, changeDays: days, isLocked: (day) => reason(day) !== undefined, reason };
}

/** The first day after `day` that is not locked (locks are finite, so there always is one). */
export function nextFreeDay(locks: LineLocks, day: PlainDate): PlainDate {
  let next = addDays(day, 1);
  if (locks.postedThrough !== undefined && next <= locks.postedThrough)
    next = addDays(locks.postedThrough, 1);
  while (locks.changeDays.has(next)) next = addDays(next, 1);
  return next;
}
