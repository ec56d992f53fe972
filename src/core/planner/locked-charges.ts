import { type Decimal, round, sumDecimals, ZERO } from '../money/decimal';
import type { PlannedOperation, TargetCharge } from '../ports/target';
import { type BillingPeriod, daysInPeriod, firstDayOf, periodOf } from '../time/billing-period';
import type { DateRange } from '../time/date-range';
import { addDays, dateParts, formatDayMonthYear, type PlainDate } from '../time/plain-date';
import type { LockedChange } from './diff-line';
import type { LockReason } from './line-locks';
import type { MonthGap } from './locked-gaps';
import type { PlanMessage } from './types';

const REASON: Record<LockReason, string> = {
  posted: 'already approved and posted in the PSA',
  changed: 'the PSA already has a change of this line on that day',
  period: 'the PSA changes this line only on the first day of a month',
  negative:
    'the synced invoices net below 0 seats there, as their cycle was billed on an invoice before the sync start, and a contract line cannot go below 0 units',
  held: 'a decrease the PSA already has on a later day would take the line below 0 units, so it stays higher until then',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "15-31 Jan 2026", "1 Feb 2026", "1, 15-20 Feb 2026": the days of one month, as a label. */
export function daysLabel(stretches: readonly DateRange[]): string {
  const parts = stretches.map((s) => {
    const a = dateParts(s.start).day;
    const b = dateParts(addDays(s.end, -1)).day;
    return a === b ? String(a) : `${a}-${b}`;
  });
  const { year, month } = dateParts(stretches[0]!.start);
  return `${parts.join(', ')} ${MONTHS[month - 1]} ${year}`;
}

/**
 * The days a month's next booking is labelled with: the month's locked days no earlier billsync charge of the
 * month names (its description says "<title>, <days>" as it was booked), when what is
 * left to book is exactly those days' money (a seat change decided by a later invoice). Otherwise (a corrected
 * invoice changed days already booked, or an earlier charge's text cannot be read) every locked day of the month.
 */
function ownDays(
  gap: MonthGap,
  booked: readonly TargetCharge[],
  title: string,
  left: { amount: Decimal; cost: Decimal },
): DateRange[] {
  const named = new Set<PlainDate>();
  for (const c of booked) for (const d of namedDays(c.description, title, gap.month)) named.add(d);
  if (named.size === 0) return gap.stretches;
  // Nothing differs any more: the credit takes back the days the earlier charges named.
  if (gap.parts.length === 0) return stretchesOf([...named]);
  let amount = ZERO;
  let cost = ZERO;
  const fresh: { start: PlainDate; end: PlainDate }[] = [];
  for (const part of gap.parts) {
    for (let d = part.start; d < part.end; d = addDays(d, 1)) {
      if (named.has(d)) continue;
      amount = amount.plus(part.amount);
      cost = cost.plus(part.cost);
      const last = fresh.at(-1);
      if (last && last.end === d) last.end = addDays(d, 1);
      else fresh.push({ start: d, end: addDays(d, 1) });
    }
  }
  const dim = daysInPeriod(gap.month);
  const same =
    round(amount.div(dim), 2, 'half-ceiling').eq(left.amount) &&
    round(cost.div(dim), 2, 'half-ceiling').eq(left.cost);
  return fresh.length > 0 && same ? fresh : gap.stretches;
}

/** Days as half-open stretches of consecutive days, sorted. */
function stretchesOf(days: readonly PlainDate[]): DateRange[] {
  const out: { start: PlainDate; end: PlainDate }[] = [];
  for (const d of [...days].sort()) {
    const last = out.at(-1);
    if (last && last.end === d) last.end = addDays(d, 1);
    else out.push({ start: d, end: addDays(d, 1) });
  }
  return out;
}

/** The days of `month` a billsync charge's description names after its product's title (none if unreadable). */
function namedDays(description: string | undefined, title: string, month: BillingPeriod): PlainDate[] {
  if (!description) return [];
  const at = description.indexOf(`${title}, `);
  if (at < 0) return [];
  const m = /^((?:\d{1,2}(?:-\d{1,2})?, )*\d{1,2}(?:-\d{1,2})?) ([A-Z][a-z]{2}) (\d{4})[.:]/.exec(
    description.slice(at + title.length + 2),
  );
  if (!m) return [];
  const monthNo = MONTHS.indexOf(m[2]!) + 1;
  if (monthNo === 0 || `${m[3]}-${String(monthNo).padStart(2, '0')}` !== month) return [];
  const out: PlainDate[] = [];
  for (const part of m[1]!.split(', ')) {
    const [a, b = a] = part.split('-').map(Number);
    for (let day = a!; day <= b!; day++) out.push(addDays(firstDayOf(month), day - 1));
  }
  return out;
}

/** One booking still to make in a month: a charge or a credit, never both, with its sequence in the month. */
export interface Booking {
  amount: Decimal;
  cost: Decimal;
  sequence: number;
  credit: boolean;
}

/**
 * What a month still needs booked after billsync's earlier charges of it (`booked`): the difference to the wanted
 * amount and cost, as one booking, or two when their signs differ (a PSA bills price and cost of one charge with
 * one sign), numbered after the month's highest sequence. None when the month is right: a re-plan books nothing.
 * Shared by the locked-days corrections (spec section 6) and the annual subscriptions (decision 0015).
 */
export function bookingsLeft(
  wantAmount: Decimal,
  wantCost: Decimal,
  booked: readonly TargetCharge[],
): { amount: Decimal; cost: Decimal; bookings: Booking[] } {
  const amount = wantAmount.minus(sumDecimals(booked.map((c) => c.amount)));
  const cost = wantCost.minus(sumDecimals(booked.map((c) => c.cost)));
  if (amount.eq(ZERO) && cost.eq(ZERO)) return { amount, cost, bookings: [] };
  let sequence = booked.reduce((n, c) => Math.max(n, c.sequence), 0);
  const split = !amount.eq(ZERO) && !cost.eq(ZERO) && amount.gt(ZERO) !== cost.gt(ZERO);
  const parts = split ? [[amount, ZERO] as const, [ZERO, cost] as const] : [[amount, cost] as const];
  const bookings = parts.map(([a, c]) => {
    sequence += 1;
    return { amount: a, cost: c, sequence, credit: a.lt(ZERO) || c.lt(ZERO) };
  });
  return { amount, cost, bookings };
}

interface ChargeWork {
  tenantId: string;
  offerKey: string;
  title: string;
  productId: string;
  contract: { id: string };
  chargeCodeId: string | undefined;
}

export interface ChargePlan {
  operations: PlannedOperation[];
  messages: PlanMessage[];
  changes: { field: string; from: string | null; to: string | null }[];
}

/**
 * Spec section 6, "Locked days": per month, a one-time charge (or credit) for what the month's locked days still
 * miss after the charges billsync booked before (so a re-plan books nothing more). The month's gap is rounded
 * to cents before the earlier charges are taken off, so it never flips by a cent between runs. A gap whose
 * price and cost have opposite signs becomes two bookings: a charge or a credit, never a mix.
 */
export function chargeOperations(
  w: ChargeWork,
  lineId: string | undefined,
  gaps: readonly MonthGap[],
  existing: readonly TargetCharge[],
  locked: readonly LockedChange[],
  /** The months this plan writes the line in (an adjustment dated in them): a month is told once, when written. */
  written: ReadonlySet<BillingPeriod> = new Set(),
): ChargePlan {
  const plan: ChargePlan = { operations: [], messages: [], changes: [] };
  for (const gap of gaps) {
    const booked = existing.filter((c) => periodOf(c.date) === gap.month);
    // Half a cent toward +infinity: the line's own month is whole cents where it bills whole months (ConnectWise),
    // so line + charge is then the wanted month rounded half-up, a credit included (-0.215 books -0.21).
    const left = bookingsLeft(
      round(gap.amount, 2, 'half-ceiling'),
      round(gap.cost, 2, 'half-ceiling'),
      booked,
    );
    const reasons = [...gap.reasons].map((r) => REASON[r]).join('; ');
    // Partial months are routine where lines change only on the 1st (ConnectWise, decision 0012).
    const level = [...gap.reasons].every((r) => r === 'period') ? 'info' : 'warning';
    if (left.bookings.length === 0) {
      // Days that differ but whose money cancels out over the month (a line held higher the day before a locked
      // decrease): nothing to book, but the line is not the invoice on those days: say so, in the run that writes
      // the month (a later month's run, or a re-run, stays quiet about it).
      if (written.has(gap.month) && booked.length === 0 && gap.stretches.length > 0)
        plan.messages.push({
          level,
          text: `${daysLabel(gap.stretches)} could not be changed (${reasons}): their differences cancel out over the month, so nothing is booked`,
        });
      continue;
    }
    const { amount, cost } = left;
    const date = gap.stretches[0]?.start ?? booked[0]?.date;
    if (!date) continue;
    const stretches = ownDays(gap, booked, w.title, left);
    const days = stretches.length ? daysLabel(stretches) : formatDayMonthYear(date);
    // No day of the month differs any more (a corrected invoice took the change back): the credit undoes charges.
    const undo = gap.parts.length === 0;
    const why = undo
      ? 'a corrected invoice no longer bills what billsync booked for these days'
      : `the contract line could not be changed on these days (${reasons})`;
    for (const { amount: a, cost: c, sequence, credit } of left.bookings) {
      plan.operations.push({
        kind: 'book-charge',
        key: `charge:${w.tenantId}:${w.offerKey}:${gap.month}:${sequence}`,
        customerTenantId: w.tenantId,
        offerKey: w.offerKey,
        contractId: w.contract.id,
        productId: w.productId,
        contractLineId: lineId,
        date,
        sequence,
        name: `${credit ? 'Credit' : 'Correction'}: ${w.title}, ${days}`,
        description: `Microsoft CSP ${w.title}, ${days}: ${why}. This ${credit ? 'credit' : 'charge'} makes the month bill what Microsoft invoiced.`,
        amount: a,
        cost: c,
        chargeCodeId: w.chargeCodeId,
      });
      plan.changes.push({
        field: `${credit ? 'credit' : 'charge'} ${days}`,
        from: null,
        to: `${a.toFixed(2)} (cost ${c.toFixed(2)})`,
      });
    }
    const fixed = locked.filter((l) => periodOf(l.day) === gap.month).map((l) => l.fixedFrom);
    const from = fixed.find((f): f is PlainDate => f !== undefined);
    const booking = `booked a ${amount.lt(ZERO) ? 'credit' : 'charge'} of ${amount.toFixed(2)} (cost ${cost.toFixed(2)}) on the contract`;
    plan.messages.push(
      undo
        ? { level: 'warning', text: `${days}: ${why}: ${booking}` }
        : {
            level,
            text: `${days} could not be changed (${reasons}): ${booking}${from ? `; the line is right from ${formatDayMonthYear(from)}` : ''}`,
          },
    );
  }
  return plan;
}
