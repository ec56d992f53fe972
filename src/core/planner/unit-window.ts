import type { InvoiceHeader, InvoiceLine } from '../model/source';
import { firstDayOf, nextPeriod } from '../time/billing-period';
import type { DateRange } from '../time/date-range';
import { addDays, maxDate, minDate, type PlainDate } from '../time/plain-date';

/** The open tail a check after writing verifies past its first write (`checkDays`). */
export const CHECKED_TAIL_DAYS = 62;
/**
 * Slack before the first day: a plan also looks at the day before a decided day (a price change on it), and a
 * line's change days are read from the row before. After the last day none is needed: the rows read are those
 * starting before the window's end, so every day up to it is exact, and no plan looks past it.
 */
const MARGIN_DAYS = 31;

/**
 * The days whose billed state (the PSA's unit segments) customer plans of these invoices can read, write or check
 * (issue 14): a PSA that keeps one unit row per billing period up to the contract's end (Autotask: 36 rows a line
 * for a 3-year contract, hundreds for an evergreen one) need not send the rows outside. Every day a plan decides
 * comes from an invoice issued by `asOf`: a line's charge period, the 1st after an Azure month, the coming month
 * billed in advance (the month after the newest period's next), the day a subscription ends (its open tail changes
 * nothing but on that day); the fix after a locked day is the next free day; the check after writing looks
 * `CHECKED_TAIL_DAYS` past the first write. The window holds all of them (and a month before), so a plan made from
 * the segments read inside it is the plan made from every segment. Pure.
 */
export function unitWindow(
  invoices: readonly Pick<InvoiceHeader, 'billingPeriod' | 'issueDate'>[],
  lines: readonly Pick<InvoiceLine, 'chargePeriod'>[],
  asOf: PlainDate,
): DateRange {
  let first: PlainDate = asOf;
  let last: PlainDate = asOf;
  for (const i of invoices) {
    if (i.issueDate > asOf) continue;
    first = minDate(first, firstDayOf(i.billingPeriod));
    last = maxDate(last, firstDayOf(nextPeriod(nextPeriod(i.billingPeriod))));
  }
  for (const l of lines) {
    first = minDate(first, l.chargePeriod.start);
    last = maxDate(last, l.chargePeriod.end);
  }
  return { start: addDays(first, -MARGIN_DAYS), end: addDays(last, CHECKED_TAIL_DAYS) };
}

/** The days a set of checks after writing compares (each check's `days`), a month before; none: undefined. */
export function checkWindow(checks: readonly { days: readonly DateRange[] }[]): DateRange | undefined {
  const days = checks.flatMap((c) => c.days);
  if (days.length === 0) return undefined;
  const start = days.map((d) => d.start).reduce(minDate);
  const end = days.map((d) => d.end).reduce(maxDate);
  return { start: addDays(start, -MARGIN_DAYS), end };
}
