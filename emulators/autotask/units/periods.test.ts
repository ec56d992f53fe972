import { describe, expect, it } from 'vitest';
import { round2 } from '../rules/money';
import { contractPeriods, periodOf } from './periods';

describe('contractPeriods', () => {
  it('steps monthly from the start and cuts the last period at the end', () => {
    expect(contractPeriods('2026-01-01', '2026-03-20', 1)).toEqual([
      { start: '2026-01-01', end: '2026-01-31' },
      { start: '2026-02-01', end: '2026-02-28' },
      { start: '2026-03-01', end: '2026-03-20' },
    ]);
  });

  it('does not drift after a short month when starting on the 31st', () => {
    expect(contractPeriods('2026-01-31', '2026-04-30', 1).map((p) => p.start)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ]);
  });

  it('handles yearly periods and finds the period of a day', () => {
    const periods = contractPeriods('2025-09-01', '2027-08-31', 12);
    expect(periods).toEqual([
      { start: '2025-09-01', end: '2026-08-31' },
      { start: '2026-09-01', end: '2027-08-31' },
    ]);
    expect(periodOf(periods, '2026-09-01')?.start).toBe('2026-09-01');
    expect(periodOf(periods, '2030-01-01')).toBeUndefined();
  });
});

describe('round2', () => {
  it('rounds to the cent, half away from zero, without binary surprises', () => {
    expect(round2(1.005)).toBe(1.01);
    expect(round2(2.675)).toBe(2.68);
    expect(round2(-1.005)).toBe(-1.01);
    expect(round2(10.004)).toBe(10);
    expect(round2(-0.001)).toBe(0);
    expect(round2(1e-7)).toBe(0);
  });
});
