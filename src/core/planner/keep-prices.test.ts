import { describe, expect, it } from 'vitest';
import { dec } from '../money/decimal';
import { parsePlainDate as d } from '../time/plain-date';
import type { StateSegment } from './line-state';
import { keepPricesBefore } from './plan-line';

const seg = (
  start: string,
  end: string | undefined,
  units: number,
  price: string,
  cost: string,
): StateSegment => ({
  start: d(start),
  end: end === undefined ? undefined : d(end),
  state: { units: dec(units), price: dec(price), cost: dec(cost) },
});
const text = (segments: readonly StateSegment[]) =>
  segments.map((s) => `${s.start}..${s.end ?? ''} ${s.state.units} @${s.state.price}/${s.state.cost}`);

describe('a pricing strategy changed after invoices were synced (mapping strategyFrom)', () => {
  // The invoices: 5 seats, 7 from 12 Dec, 6 from 10 Feb, at 31.00 / 26.00. The PSA: what "Don't sync any pricing"
  // wrote, the product's 29.99 / 21.50, through 31 Jan. The new strategy applies from 1 Feb.
  const desired = [
    seg('2025-12-01', '2025-12-12', 5, '31', '26'),
    seg('2025-12-12', '2026-02-10', 7, '31', '26'),
    seg('2026-02-10', undefined, 6, '31', '26'),
  ];
  const actual = [
    seg('2025-12-01', '2025-12-12', 5, '29.99', '21.5'),
    seg('2025-12-12', '2026-02-01', 7, '29.99', '21.5'),
  ];

  it("keeps the PSA's prices before the day, the wanted units everywhere, the wanted prices from the day on", () => {
    expect(text(keepPricesBefore(desired, actual, d('2026-02-01')))).toEqual([
      '2025-12-01..2025-12-12 5 @29.99/21.5',
      '2025-12-12..2026-02-01 7 @29.99/21.5',
      '2026-02-01..2026-02-10 7 @31/26',
      '2026-02-10.. 6 @31/26',
    ]);
  });

  it('a day the PSA has no price for takes the wanted one; no day: nothing changes', () => {
    expect(text(keepPricesBefore(desired, actual.slice(0, 1), d('2026-01-01')))).toEqual([
      '2025-12-01..2025-12-12 5 @29.99/21.5',
      '2025-12-12..2026-02-10 7 @31/26',
      '2026-02-10.. 6 @31/26',
    ]);
    expect(keepPricesBefore(desired, actual, undefined)).toBe(desired);
    expect(keepPricesBefore(desired, actual, d('2025-11-01'))).toBe(desired);
  });
});
