import { describe, expect, it } from 'vitest';
import type { PlainDate } from '../../../core/time';
import { exclusiveEndOf, parseFileDate } from './dates';
import { billingPlanFromFrequency, termFromText } from './term';

describe('parseFileDate', () => {
  it.each([
    ['2025-07-15', '2025-07-15', undefined],
    ['2025-07-15T00:00:00Z', '2025-07-15', 0],
    ['2024-05-01T00:00:00.0000000Z', '2024-05-01', 0],
    ['2025-06-30T23:59:59.9999999Z', '2025-06-30', 86399],
    ['2025-07-15T10:30:00+02:00', '2025-07-15', 37800],
    ['7/15/2025', '2025-07-15', undefined],
    ['07/05/2025', '2025-07-05', undefined],
    ['3/1/2018 12:00:00 AM', '2018-03-01', 0],
    ['11/30/9999 11:59:59 PM', '9999-11-30', 86399],
    ['2/29/2024 13:05:00', '2024-02-29', 47100],
    [' 7/15/2025 ', '2025-07-15', undefined],
  ])('reads %s', (text, date, seconds) => {
    expect(parseFileDate(text)).toEqual({ date, secondsOfDay: seconds });
  });

  it.each([
    '',
    '15/7/2025',
    '2025-02-29',
    '2/30/2025',
    '2025/07/15',
    '15.07.2025',
    'July 15, 2025',
    '20250715',
    '7/15/25',
    '7/15/2025 13:00:00 PM',
    '2025-07-15T25:00:00Z',
    '45853',
  ])('refuses %j', (text) => {
    expect(parseFileDate(text)).toBeUndefined();
  });
});

describe('exclusiveEndOf', () => {
  const end = (text: string) => exclusiveEndOf(parseFileDate(text)!);
  it('makes an inclusive last day or last moment half-open, keeps a midnight end, opens year 9999', () => {
    expect(end('2025-06-30')).toBe('2025-07-01' as PlainDate);
    expect(end('2025-06-30T23:59:59.9999999Z')).toBe('2025-07-01');
    expect(end('6/30/2025 11:59:59 PM')).toBe('2025-07-01');
    expect(end('2025-07-01T00:00:00Z')).toBe('2025-07-01');
    expect(end('9999-12-31T23:59:59Z')).toBeUndefined();
    expect(end('11/30/9999 11:59:59 PM')).toBeUndefined();
  });
});

describe('term and billing plan', () => {
  it('reads the term from TermAndBillingCycle', () => {
    expect(termFromText('One-Year commitment for monthly/yearly billing')).toBe('P1Y');
    expect(termFromText('One-Month commitment for monthly billing')).toBe('P1M');
    expect(termFromText('One-Month commitment for trial')).toBe('P1M');
    expect(termFromText('1 Month Subscription')).toBe('P1M');
    expect(termFromText('Three-Year commitment for monthly billing')).toBe('P3Y');
    expect(termFromText('Two-Year commitment')).toBeUndefined();
    expect(termFromText('')).toBeUndefined();
  });

  it('reads the billing plan from BillingFrequency; blank means upfront for the term', () => {
    expect(billingPlanFromFrequency('Monthly', 'P1Y')).toBe('Monthly');
    expect(billingPlanFromFrequency('', 'P1Y')).toBe('Annual');
    expect(billingPlanFromFrequency('NA', 'P1Y')).toBe('Annual');
    expect(billingPlanFromFrequency('', 'P1M')).toBe('Monthly');
    expect(billingPlanFromFrequency('', 'P3Y')).toBe('Triennial');
    expect(billingPlanFromFrequency('Annual', 'P3Y')).toBe('Annual');
    expect(billingPlanFromFrequency('One Time', 'P1M')).toBe('OneTime');
    expect(billingPlanFromFrequency('Weekly', 'P1M')).toBeUndefined();
  });
});
