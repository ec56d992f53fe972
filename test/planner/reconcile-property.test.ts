import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '../../src/core/model/source';
import { sumDecimals } from '../../src/core/money/decimal';
import {
  type LineObservation,
  lineFigures,
  type PeriodFigures,
  tolerance,
} from '../../src/core/reconcile/line-figures';
import { addDays } from '../../src/core/time/plain-date';
import { FakeTarget } from '../support/fake-target';
import { monthArb, monthHappens, monthStart, wanted } from '../support/months-arb';
import { d, offer, planFor, priceEntry, type Scenario } from '../support/planner-fixtures';

/**
 * Issue 17: the reconciliation figures, month by month over random histories (seat changes, postings before the
 * invoice, changes written ahead by someone else), computed independently of the planner: Microsoft's cost is
 * the sum of the month's invoice subtotals; the expected retail is the invoice's seats per day at the month's
 * retail; once synced, the PSA bills that within a cent per prorated line and no figure is flagged; an invoice
 * imported but not synced yet is flagged as such.
 */

/** The figures of the one offer, as the planner saw it (none while no invoice has seats for it). */
async function figuresOf(s: Scenario, asOf: string, synced: ReadonlySet<string>): Promise<PeriodFigures[]> {
  const seen: LineObservation[] = [];
  await planFor(s, asOf, synced, undefined, (o) => seen.push(o));
  expect(seen.map((o) => o.kind)).toEqual(seen.length ? ['seats'] : []);
  return seen[0] ? lineFigures(seen[0]) : [];
}

describe('reconciliation property: month by month', () => {
  it('cost = the invoice, expected = seats x retail per day, the PSA bills it once synced, unsynced invoices flagged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(monthArb, { minLength: 2, maxLength: 5 }), async (months) => {
        const target = new FakeTarget();
        target.addContract({ id: 'K1', startDate: d('2025-10-01') });
        const s: Scenario = {
          target,
          contractId: 'K1',
          productId: 'S1',
          invoices: [],
          priceList: months.map((m, i) =>
            priceEntry(offer(), m.cost, m.retail, monthStart(i), monthStart(i + 1)),
          ),
          syncStart: '2026-01-01',
        };
        const synced = new Set<string>();
        const all: InvoiceLine[] = [];
        const byMonth: InvoiceLine[][] = [];
        for (const [i, m] of months.entries()) {
          const lines = monthHappens(s, i, m);
          all.push(...lines);
          byMonth.push(lines);
          const asOf = addDays(monthStart(i + 1), 9);
          // Imported, not synced yet: the month's figures say so when the invoice bills something.
          const before = (await figuresOf(s, asOf, synced)).find(
            (f) => f.period === monthStart(i).slice(0, 7),
          );
          if (lines.length > 0) expect(before?.unsynced).toBe(true);
          const plan = await planFor(s, asOf, synced);
          for (const op of plan.operations) target.applyNow(op);
          for (const id of plan.invoiceIds) synced.add(id);
          const figures = await figuresOf(s, asOf, synced);
          for (let k = 0; k <= i; k += 1) {
            const period = monthStart(k).slice(0, 7);
            const f = figures.find((x) => x.period === period);
            const cost = sumDecimals(byMonth[k]!.map((l) => l.subtotal.amount));
            const expected = wanted(all, monthStart(k), months[k]!.retail);
            if (!f) {
              // No figures: nothing billed by Microsoft and nothing decided (no seats yet).
              expect(cost.eq(0) && expected.eq(0), `${period}: no figures`).toBe(true);
              continue;
            }
            expect(f.unsynced).toBe(false);
            expect(f.cost.toFixed(2), `${period} cost`).toBe(cost.toFixed(2));
            expect(f.expected.round(2, 1).toFixed(2), `${period} expected`).toBe(
              expected.round(2, 1).toFixed(2),
            );
            expect(
              f.billed.round(2, 1).minus(f.expected.round(2, 1)).abs().lte(tolerance(f)),
              `${period}: billed ${f.billed} vs expected ${f.expected}`,
            ).toBe(true);
            expect(f.shares.length).toBe(byMonth[k]!.length);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
