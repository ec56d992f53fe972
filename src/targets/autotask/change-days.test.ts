import { describe, expect, it } from 'vitest';
import { dec } from '../../core/money/decimal';
import type { PlainDate } from '../../core/time/plain-date';
import { changeDays, postedThrough, type UnitRow } from './change-days';

/** `row('2026-03-01', '2026-03-31', 5, '45')`: a unit row, inclusive end. */
const row = (start: string, end: string, units: number, price = '45', cost = '30'): UnitRow => ({
  start: start as PlainDate,
  end: end as PlainDate,
  units: dec(units),
  price: dec(price),
  cost: dec(cost),
});

describe('changeDays (unit rows -> days that carry an adjustment)', () => {
  it('a line created with its first adjustment: the first row counts; period starts do not', () => {
    const rows = [
      row('2026-04-01', '2026-04-30', 5),
      row('2026-02-01', '2026-02-28', 5),
      row('2026-03-01', '2026-03-31', 5),
    ];
    expect(changeDays(rows)).toEqual(['2026-02-01']);
  });

  it('a line created through the API (0 units, no adjustment) has none until an adjustment', () => {
    expect(changeDays([row('2026-03-15', '2026-03-31', 0), row('2026-04-01', '2026-04-30', 0)])).toEqual([]);
    const adjusted = [
      row('2026-03-15', '2026-03-19', 0),
      row('2026-03-20', '2026-03-31', 3),
      row('2026-04-01', '2026-04-30', 3),
    ];
    expect(changeDays(adjusted)).toEqual(['2026-03-20']);
  });

  it('units, price-only and cost-only changes mid-period and on a period start', () => {
    const rows = [
      row('2026-02-01', '2026-02-28', 5),
      row('2026-03-01', '2026-03-09', 5),
      row('2026-03-10', '2026-03-19', 5, '47.26'), // price only, mid-period
      row('2026-03-20', '2026-03-31', 7, '47.26'), // units
      row('2026-04-01', '2026-04-30', 7, '47.26', '31'), // cost only, on a period start
      row('2026-05-01', '2026-05-31', 7, '47.26', '31'),
    ];
    expect(changeDays(rows)).toEqual(['2026-02-01', '2026-03-10', '2026-03-20', '2026-04-01']);
  });

  it('on a period start a price-only change proves nothing, a units change (a hand adjustment on the 1st) does', () => {
    const firsts = (day: PlainDate) => day.endsWith('-01');
    const rows = [
      row('2025-10-01', '2025-10-31', 5),
      row('2025-11-01', '2025-11-30', 5, '47.26'), // a new period's own price
      row('2025-12-01', '2025-12-31', 6, '47.26'), // the MSP's +1 on 1 Dec
      row('2026-01-01', '2026-01-31', 6, '47.26'),
    ];
    expect(changeDays(rows, undefined, firsts)).toEqual(['2025-10-01', '2025-12-01']);
  });

  it('tolerates split rows that end ON the next adjustment day (one-day overlap, notes §8.1)', () => {
    const rows = [
      row('2026-03-01', '2026-03-10', 5),
      row('2026-03-10', '2026-03-20', 8),
      row('2026-03-20', '2026-03-31', 8, '50'),
      row('2026-04-01', '2026-04-30', 8, '50'),
    ];
    expect(changeDays(rows)).toEqual(['2026-03-01', '2026-03-10', '2026-03-20']);
  });

  it('does not count a first row that may continue an unread one (rows read from `from`)', () => {
    const rows = [row('2026-03-01', '2026-03-31', 5), row('2026-04-01', '2026-04-30', 6)];
    expect(changeDays(rows, '2026-03-15' as PlainDate)).toEqual(['2026-04-01']);
    expect(changeDays(rows, '2026-03-01' as PlainDate)).toEqual(['2026-04-01']);
    expect(changeDays(rows, '2026-02-28' as PlainDate)).toEqual(['2026-03-01', '2026-04-01']);
  });

  it('postedThrough is the latest end of a posted row', () => {
    const r = (end: string, posted: boolean) => ({ end: end as PlainDate, posted });
    expect(postedThrough([r('2026-01-31', true), r('2026-02-28', true), r('2026-03-31', false)])).toBe(
      '2026-02-28',
    );
    expect(postedThrough([r('2026-03-31', false)])).toBeUndefined();
  });
});
