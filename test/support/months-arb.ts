import fc from 'fast-check';
import type { InvoiceLine } from '../../src/core/model/source';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysBetween, daysInMonth, type PlainDate } from '../../src/core/time/plain-date';
import type { FakeTarget } from './fake-target';
import { d, inv, line, type Scenario } from './planner-fixtures';

/**
 * Random month-by-month histories of one subscription for the planner's property tests (money over months,
 * reconciliation): seats on the 1st, seat changes as Microsoft invoices them (a reversal and the new quantity
 * from the change day), prices, postings and changes written ahead by someone else.
 */

/** One month of one subscription: seats on the 1st and up to two seat changes (reversal + new quantity). */
export const monthArb = fc.record({
  seats: fc.integer({ min: 0, max: 30 }),
  changes: fc.array(
    fc.record({ day: fc.integer({ min: 1, max: 27 }), seats: fc.integer({ min: 0, max: 30 }) }),
    { maxLength: 2 },
  ),
  /** Microsoft's unit price (our cost) and the price list's retail of the month. */
  cost: fc.constantFrom('20.00', '21.40'),
  retail: fc.constantFrom('23.10', '24.65'),
  /** The MSP approves and posts this month in the PSA before its invoice is synced. */
  postedEarly: fc.boolean(),
  /** Someone (or an old billsync) wrote a change ahead, on a day of this month, before its invoice came. */
  junk: fc.option(
    fc.record({ day: fc.integer({ min: 0, max: 27 }), units: fc.integer({ min: -3, max: 3 }) }),
  ),
});
export type Month = typeof monthArb extends fc.Arbitrary<infer T> ? T : never;

export const monthStart = (i: number) => addMonths(d('2026-01-01'), i);

/**
 * The month's invoice lines; each subtotal is Microsoft's money in cents: seats x unit price x the line's days /
 * the days of the month (signed).
 */
export function monthLines(i: number, m: Month): InvoiceLine[] {
  const start = monthStart(i);
  const next = monthStart(i + 1);
  const last = addDays(next, -1);
  const dim = daysBetween(start, next);
  const money = (from: PlainDate, qty: number, sign: 1 | -1) =>
    dec(qty * sign)
      .times(m.cost)
      .times(daysBetween(from, next))
      .div(dim)
      .round(2, 1)
      .toFixed(2);
  const priced = { unitPrice: m.cost };
  const out: InvoiceLine[] = [];
  let current = m.seats;
  if (current > 0)
    out.push(line({ start, last, qty: current, ...priced, subtotal: money(start, current, 1) }));
  for (const c of [...m.changes].sort((a, b) => a.day - b.day)) {
    const day = addDays(start, c.day);
    if (current > 0)
      out.push(
        line({
          start: day,
          last,
          qty: current,
          sign: -1,
          chargeType: 'removequantity',
          ...priced,
          subtotal: money(day, current, -1),
        }),
      );
    if (c.seats > 0)
      out.push(
        line({
          start: day,
          last,
          qty: c.seats,
          chargeType: 'addquantity',
          ...priced,
          subtotal: money(day, c.seats, 1),
        }),
      );
    current = c.seats;
  }
  return out;
}

/** Seats Microsoft billed on a day: the signed quantities of the lines covering it. */
export function seatsOn(lines: readonly InvoiceLine[], day: PlainDate): Decimal {
  return lines
    .filter((l) => l.chargePeriod.start <= day && day < l.chargePeriod.end)
    .reduce((n, l) => n.plus(l.quantity), ZERO);
}

/** What the month should bill at a per-day price: seats(day) x price / days in the month. */
export function wanted(lines: readonly InvoiceLine[], first: PlainDate, price: string): Decimal {
  const dim = daysInMonth(Number(first.slice(0, 4)), Number(first.slice(5, 7)));
  // Seat-days first, one division last: the exact money (a per-day division would drift below a half cent).
  let seatDays = ZERO;
  for (let day = first; day < addMonths(first, 1); day = addDays(day, 1))
    seatDays = seatDays.plus(seatsOn(lines, day));
  return seatDays.times(price).div(dim);
}

/** Seats on the month's last day: what billing in advance carries into the next month. */
export function seatsAtEnd(lines: readonly InvoiceLine[], i: number): Decimal {
  return seatsOn(lines, addDays(monthStart(i + 1), -1));
}

/**
 * What happens in month `i` before billsync syncs its invoice: someone writes a change ahead on the contract line
 * (when the month says so and the day is free), the invoice is imported, the MSP posts the month early (when it
 * says so). Returns the month's invoice lines.
 */
export function monthHappens(s: Scenario & { target: FakeTarget }, i: number, m: Month): InvoiceLine[] {
  const { target } = s;
  if (m.junk && target.lines.length > 0) {
    const day = addDays(monthStart(i), m.junk.day);
    const l = target.lines[0]!;
    if (!l.adjustments.some((a) => a.date === day) && !(target.posted.get(s.contractId)! >= day)) {
      l.adjustments.push({ date: day, unitChange: dec(m.junk.units), price: undefined, cost: undefined });
      // The PSA refuses a change that takes a day below 0 units: that junk is never written.
      if (target.segmentsOf(l).some((x) => x.units.lt(0))) l.adjustments.pop();
    }
  }
  const lines = monthLines(i, m);
  s.invoices = [...s.invoices, inv(`G${i + 1}`, monthStart(i).slice(0, 7), lines)];
  if (m.postedEarly) target.posted.set(s.contractId, addDays(monthStart(i + 1), -1));
  return lines;
}
