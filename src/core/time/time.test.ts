import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addPeriods,
  nextPeriod,
  parseBillingPeriod,
  periodOf,
  periodRange,
  periodsBetween,
  previousPeriod,
} from './billing-period';
import { fixedClock } from './clock';
import {
  containsDay,
  daysOf,
  fromInclusive,
  intersect,
  lastDay,
  lengthInDays,
  splitByMonth,
} from './date-range';
import {
  addDays,
  addMonths,
  daysBetween,
  formatDayMonthYear,
  fromEpochDay,
  type PlainDate,
  parsePlainDate,
  toEpochDay,
  tryParsePlainDate,
} from './plain-date';

const anyDate = fc.integer({ min: toEpochDay(parsePlainDate('1990-01-01')), max: 40000 }).map(fromEpochDay);

describe('PlainDate', () => {
  it('parses strictly', () => {
    expect(parsePlainDate('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '2025-01-01T00:00:00Z', '01/02/2025', '']) {
      expect(tryParsePlainDate(bad), bad).toBeUndefined();
    }
  });

  it('epoch-day conversion round-trips and agrees with the JS calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200000, max: 200000 }), (n) => {
        const d = fromEpochDay(n);
        expect(toEpochDay(d)).toBe(n);
        expect(new Date(n * 86400000).toISOString().slice(0, 10)).toBe(d);
      }),
    );
  });

  it('addDays and daysBetween agree', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -1000, max: 1000 }), (d, n) => {
        expect(daysBetween(d, addDays(d, n))).toBe(n);
      }),
    );
  });

  it('addMonths clamps to the month end', () => {
    expect(addMonths(parsePlainDate('2025-01-31'), 1)).toBe('2025-02-28');
    expect(addMonths(parsePlainDate('2024-01-31'), 1)).toBe('2024-02-29');
    expect(addMonths(parsePlainDate('2025-03-15'), -3)).toBe('2024-12-15');
  });

  it('formats like the reference tool', () => {
    expect(formatDayMonthYear(parsePlainDate('2026-10-05'))).toBe('05 Oct 2026');
  });
});

describe('DateRange (half-open)', () => {
  it('converts an inclusive vendor range', () => {
    const r = fromInclusive(parsePlainDate('2026-10-20'), parsePlainDate('2026-11-19'));
    expect(r.end).toBe('2026-11-20');
    expect(lengthInDays(r)).toBe(31);
    expect(lastDay(r)).toBe('2026-11-19');
    expect(containsDay(r, parsePlainDate('2026-11-19'))).toBe(true);
    expect(containsDay(r, parsePlainDate('2026-11-20'))).toBe(false);
  });

  it('splitting by month keeps every day exactly once', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 800 }), (start, len) => {
        const r = { start, end: addDays(start, len) };
        const parts = splitByMonth(r);
        expect(parts.reduce((n, p) => n + lengthInDays(p), 0)).toBe(len);
        for (const p of parts) expect(periodOf(p.start)).toBe(periodOf(addDays(p.end, -1)));
      }),
    );
  });

  it('intersects', () => {
    const a = { start: parsePlainDate('2026-01-10'), end: parsePlainDate('2026-02-01') };
    const b = { start: parsePlainDate('2026-01-20'), end: parsePlainDate('2026-03-01') };
    expect(intersect(a, b)).toEqual({ start: '2026-01-20', end: '2026-02-01' });
    expect(intersect(a, { start: a.end, end: b.end })).toBeUndefined();
    expect([...daysOf({ start: a.start, end: addDays(a.start, 3) as PlainDate })]).toHaveLength(3);
  });
});

describe('BillingPeriod', () => {
  it('does month arithmetic across years', () => {
    const p = parseBillingPeriod('2026-12');
    expect(nextPeriod(p)).toBe('2027-01');
    expect(previousPeriod(parseBillingPeriod('2026-01'))).toBe('2025-12');
    expect(addPeriods(p, -12)).toBe('2025-12');
    expect(periodRange(parseBillingPeriod('2024-02'))).toEqual({ start: '2024-02-01', end: '2024-03-01' });
    expect(periodsBetween(parseBillingPeriod('2026-11'), parseBillingPeriod('2027-02'))).toHaveLength(4);
    expect(() => parseBillingPeriod('2026-13')).toThrow();
  });
});

describe('Clock', () => {
  it('a fixed clock gives one instant and its UTC date', () => {
    const c = fixedClock('2026-10-20T23:59:59.000Z');
    expect(c.today()).toBe('2026-10-20');
    expect(fixedClock('2026-10-20').now()).toBe('2026-10-20T00:00:00.000Z');
    expect(() => fixedClock('yesterday')).toThrow();
  });
});
