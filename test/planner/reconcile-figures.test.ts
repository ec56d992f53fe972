import { beforeEach, describe, expect, it } from 'vitest';
import { type LineObservation, lineFigures } from '../../src/core/reconcile/line-figures';
import { FakeTarget } from '../support/fake-target';
import {
  d,
  inv,
  julySeatChangeLines,
  line,
  offer,
  planFor,
  priceEntry,
  type Scenario,
  syncOnce,
} from '../support/planner-fixtures';

/**
 * Issue 17: the reconciliation flags of one line, example by example: a price that changed inside a period is
 * flagged until the PSA carries the new price from the next period; an offer the sync cannot bill is a problem
 * with Microsoft's cost and nothing billed.
 */

const JULY = inv('G1', '2025-07', [...julySeatChangeLines()]);
const AUGUST = inv('G2', '2025-08', [
  line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '21.00', subtotal: '252.00' }),
]);

let s: Scenario;
beforeEach(() => {
  const target = new FakeTarget();
  target.addContract({ id: 'K1', startDate: d('2025-01-01') });
  s = {
    target,
    contractId: 'K1',
    productId: 'S1',
    invoices: [JULY],
    priceList: [priceEntry(offer(), '20.00', '23.10')],
  };
});

async function observed(sc: Scenario, asOf: string, synced: ReadonlySet<string>): Promise<LineObservation[]> {
  const seen: LineObservation[] = [];
  await planFor(sc, asOf, synced, undefined, (o) => seen.push(o));
  return seen;
}

describe('reconciliation flags of a line', () => {
  it('a mid-period cost change is pending until the PSA carries it from the next period', async () => {
    const synced = new Set<string>();
    const state: { first?: ReturnType<typeof d> } = {};
    await syncOnce(s, '2025-08-10', synced, state);
    s.invoices = [JULY, AUGUST];
    const [before] = await observed(s, '2025-09-10', synced);
    const august = lineFigures(before!).find((f) => f.period === '2025-08')!;
    expect(august.unsynced).toBe(true);
    expect(august.pendingChanges.map((c) => [c.what, c.day, c.from.toFixed(2), c.to.toFixed(2)])).toEqual([
      ['cost', '2025-08-15', '20.00', '21.00'],
    ]);
    await syncOnce(s, '2025-09-10', synced, state);
    const [after] = await observed(s, '2025-09-10', synced);
    const again = lineFigures(after!).find((f) => f.period === '2025-08')!;
    expect(again.unsynced).toBe(false);
    expect(again.pendingChanges).toEqual([]);
    // August: 12 seats all month at 23.10 (July's line runs to Aug 14, August's from the 15th).
    expect(again.expected.round(2, 1).toFixed(2)).toBe('277.20');
    expect(again.billed.round(2, 1).toFixed(2)).toBe('277.20');
  });

  it('an offer without a PSA product: Microsoft cost, nothing billed, the reason', async () => {
    const unlinked: Scenario = { ...s, priceList: [] };
    const [problem] = await observed(unlinked, '2025-08-10', new Set());
    expect(problem!.kind).toBe('problem');
    expect(problem!.problem).toMatch(/Could not find source product/);
    // The lines run from 15 July to 14 August: their money spreads over both months, all of it unbilled.
    const figures = lineFigures(problem!);
    expect(figures.map((f) => f.period)).toEqual(['2025-07', '2025-08']);
    const subtotals = julySeatChangeLines().map((l) => l.subtotal.amount);
    const total = figures.reduce((t, f) => t.plus(f.cost), subtotals[0]!.times(0));
    expect(total.toFixed(6)).toBe(subtotals.reduce((t, x) => t.plus(x)).toFixed(6));
    expect(figures.every((f) => f.billed.eq(0))).toBe(true);
  });
});
