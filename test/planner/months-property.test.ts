import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '../../src/core/model/source';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, type PlainDate } from '../../src/core/time/plain-date';
import { FakeTarget } from '../support/fake-target';
import { d, inv, line, offer, planFor, priceEntry, type Scenario } from '../support/planner-fixtures';

/** One month of one subscription: seats on the 1st and up to two seat changes (reversal + new quantity). */
const monthArb = fc.record({
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
type Month = typeof monthArb extends fc.Arbitrary<infer T> ? T : never;

const monthStart = (i: number) => addMonths(d('2026-01-01'), i);

function monthLines(i: number, m: Month): InvoiceLine[] {
  const start = monthStart(i);
  const last = addDays(monthStart(i + 1), -1);
  const priced = { unitPrice: m.cost };
  const out: InvoiceLine[] = [];
  let current = m.seats;
  if (current > 0) out.push(line({ start, last, qty: current, ...priced, subtotal: '1' }));
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
          subtotal: '-1',
        }),
      );
    if (c.seats > 0)
      out.push(line({ start: day, last, qty: c.seats, chargeType: 'addquantity', ...priced, subtotal: '1' }));
    current = c.seats;
  }
  return out;
}

/** Seats Microsoft billed on a day: the signed quantities of the lines covering it. */
function seatsOn(lines: readonly InvoiceLine[], day: PlainDate): Decimal {
  return lines
    .filter((l) => l.chargePeriod.start <= day && day < l.chargePeriod.end)
    .reduce((n, l) => n.plus(l.quantity), ZERO);
}

/** What the month should bill at a per-day price: seats(day) x price / days in the month. */
function wanted(lines: readonly InvoiceLine[], first: PlainDate, price: string): Decimal {
  const dim = daysInMonth(Number(first.slice(0, 4)), Number(first.slice(5, 7)));
  let total = ZERO;
  for (let day = first; day < addMonths(first, 1); day = addDays(day, 1))
    total = total.plus(seatsOn(lines, day).times(price).div(dim));
  return total;
}

/** Seats on the month's last day: what billing in advance carries into the next month. */
function seatsAtEnd(lines: readonly InvoiceLine[], i: number): Decimal {
  return seatsOn(lines, addDays(monthStart(i + 1), -1));
}

describe.each(['arrears', 'advance'] as const)(
  'planner property: month by month (billing in %s)',
  (billing) => {
    it('the PSA bills what the invoices say (in advance: the coming month from the seats carried, trued up by the next invoice), with postings and changes ahead, re-runs that write nothing', async () => {
      await fc.assert(
        // In advance over a whole year: the money billed ahead plus the true-ups equals the money in arrears.
        fc.asyncProperty(
          fc.array(monthArb, { minLength: 2, maxLength: billing === 'advance' ? 12 : 5 }),
          async (months) => {
            const target = new FakeTarget();
            target.addContract({ id: 'K1', startDate: d('2025-10-01') });
            const s: Scenario = {
              target,
              contractId: 'K1',
              productId: 'S1',
              invoices: [],
              // One more month of prices: billing in advance prices the month after the last invoice.
              priceList: [...months, months.at(-1)!].map((m, i) =>
                priceEntry(offer(), m.cost, m.retail, monthStart(i), monthStart(i + 1)),
              ),
              syncStart: '2026-01-01',
              billing,
            };
            const synced = new Set<string>();
            const all: InvoiceLine[] = [];
            for (const [i, m] of months.entries()) {
              if (m.junk && target.lines.length > 0) {
                const day = addDays(monthStart(i), m.junk.day);
                const line = target.lines[0]!;
                if (!line.adjustments.some((a) => a.date === day) && !(target.posted.get('K1')! >= day))
                  line.adjustments.push({
                    date: day,
                    unitChange: dec(m.junk.units),
                    price: undefined,
                    cost: undefined,
                  });
              }
              const lines = monthLines(i, m);
              all.push(...lines);
              s.invoices = [...s.invoices, inv(`G${i + 1}`, monthStart(i).slice(0, 7), lines)];
              if (m.postedEarly) target.posted.set('K1', addDays(monthStart(i + 1), -1));
              const asOf = addDays(monthStart(i + 1), 9);
              const plan = await planFor(s, asOf, synced);
              for (const op of plan.operations) target.applyNow(op);
              for (const id of plan.invoiceIds) synced.add(id);
              const again = await planFor(s, asOf, synced);
              expect(again.operations).toEqual([]);
              expect(again.items.every((x) => x.status === 'no_change')).toBe(true);
              // Every synced month bills what the invoices say (units x price per day), charges included.
              for (let k = 0; k <= i; k += 1) {
                const first = monthStart(k);
                for (const [what, price] of [
                  ['price', months[k]!.retail],
                  ['cost', months[k]!.cost],
                ] as const) {
                  const want = wanted(all, first, price).round(2, 1);
                  // Invoiced in cents, like the PSA; a month's rows and charges may each round by half a cent.
                  const billed = target.billedInMonth('K1', 'S1', first, what).round(2, 1);
                  expect(
                    billed.minus(want).abs().lte(dec('0.01')),
                    `${first} ${what}: ${billed} vs ${want}`,
                  ).toBe(true);
                }
              }
              // In advance the coming month already bills the seats carried forward at its price; in arrears
              // nothing is written ahead of the invoice that decides it.
              const coming = target.billedInMonth('K1', 'S1', monthStart(i + 1), 'price').round(2, 1);
              const next = [...months, months.at(-1)!][i + 1]!;
              const ahead =
                billing === 'advance' ? seatsAtEnd(all, i).times(next.retail).round(2, 1) : undefined;
              if (ahead !== undefined)
                expect(
                  coming.minus(ahead).abs().lte(dec('0.01')),
                  `${monthStart(i + 1)} in advance: ${coming} vs ${ahead}`,
                ).toBe(true);
            }
          },
        ),
        { numRuns: billing === 'advance' ? 60 : 150 },
      );
    });
  },
);
