import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '../../src/core/model/source';
import { addDays, toEpochDay } from '../../src/core/time/plain-date';
import { FakeTarget } from '../support/fake-target';
import { d, inv, line, offer, planFor, priceEntry, type Scenario } from '../support/planner-fixtures';

/** A month of seat events for one subscription: a cycle line and seat changes as reversal + new-quantity pairs. */
const monthArb = fc.record({
  seats: fc.integer({ min: 1, max: 40 }),
  changes: fc.array(
    fc.record({ day: fc.integer({ min: 1, max: 27 }), seats: fc.integer({ min: 0, max: 40 }) }),
    { maxLength: 3 },
  ),
  price: fc.constantFrom('20.00', '21.00'),
});

describe('planner property: planning again after a successful apply gives an empty plan', () => {
  it('holds for random seat histories, strategies and contract starts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(monthArb, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('cost-and-retail', 'cost-only', 'none', 'none-on-update' as const),
        fc.integer({ min: 0, max: 40 }),
        async (months, strategy, startOffset) => {
          const target = new FakeTarget();
          target.addContract({ id: 'K1', startDate: addDays(d('2025-01-01'), startOffset) });
          const invoices = months.map((m, i) => {
            const start = d(`2025-0${i + 1}-01`);
            const last = addDays(d(`2025-0${i + 2}-01`), -1);
            const lines: InvoiceLine[] = [
              line({ start, last, qty: m.seats, unitPrice: m.price, subtotal: '1' }),
            ];
            let current = m.seats;
            for (const c of [...m.changes].sort((a, b) => a.day - b.day)) {
              const day = addDays(start, c.day);
              if (toEpochDay(day) > toEpochDay(last)) continue;
              lines.push(
                line({
                  start: day,
                  last,
                  qty: current,
                  sign: -1,
                  chargeType: 'removequantity',
                  unitPrice: m.price,
                  subtotal: '-1',
                }),
              );
              if (c.seats > 0)
                lines.push(
                  line({
                    start: day,
                    last,
                    qty: c.seats,
                    chargeType: 'addquantity',
                    unitPrice: m.price,
                    subtotal: '1',
                  }),
                );
              current = c.seats;
            }
            return inv(`G${i + 1}`, `2025-0${i + 1}`, lines);
          });
          const s: Scenario = {
            target,
            contractId: 'K1',
            productId: 'S1',
            invoices,
            priceList: [priceEntry(offer(), '20.00', '23.10')],
            strategy,
            syncStart: '2025-01-01',
          };
          const plan = await planFor(s, '2025-06-10');
          for (const op of plan.operations) target.applyNow(op);
          const again = await planFor(s, '2025-06-10', new Set(plan.invoiceIds), plan.firstSyncedDay);
          expect(again.operations).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
