import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '../../src/core/model/source';
import { dec } from '../../src/core/money/decimal';
import { addDays } from '../../src/core/time/plain-date';
import { FakeTarget } from '../support/fake-target';
import { monthArb, monthHappens, monthStart, seatsAtEnd, wanted } from '../support/months-arb';
import { d, offer, planFor, priceEntry, type Scenario } from '../support/planner-fixtures';

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
              all.push(...monthHappens(s, i, m));
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
