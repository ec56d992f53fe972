import { describe, expect, it } from 'vitest';
import type { BillingPeriod } from '../time/billing-period';
import type { PlainDate } from '../time/plain-date';
import { checkWindow, unitWindow } from './unit-window';

const d = (s: string) => s as PlainDate;
const invoice = (period: string, issued: string) => ({
  billingPeriod: period as BillingPeriod,
  issueDate: d(issued),
});
const line = (start: string, end: string) => ({ chargePeriod: { start: d(start), end: d(end) } });

describe('unitWindow', () => {
  it('spans a month before the oldest period to two months past the newest and the checked tail', () => {
    const w = unitWindow(
      [invoice('2026-10', '2026-11-05'), invoice('2026-11', '2026-12-05')],
      [line('2026-10-15', '2026-11-15'), line('2026-11-15', '2026-12-15')],
      d('2026-12-06'),
    );
    // Oldest decided day: 1 Oct (a month before: 31 Aug); newest: the month in advance ends 1 Jan; + 62 days checked.
    expect(w).toEqual({ start: '2026-08-31', end: '2027-03-04' });
  });

  it('ignores invoices not issued by the day of the sync, and widens for a long charge period', () => {
    const w = unitWindow(
      [invoice('2026-10', '2026-11-05'), invoice('2026-12', '2027-01-05')],
      [line('2026-09-20', '2027-09-20')],
      d('2026-12-06'),
    );
    expect(w.start).toBe('2026-08-20');
    expect(w.end).toBe('2027-11-21');
  });

  it('without invoices still covers the day of the sync', () => {
    const w = unitWindow([], [], d('2026-12-06'));
    expect(w.start < '2026-12-06' && w.end > '2026-12-06').toBe(true);
  });
});

describe('checkWindow', () => {
  it('covers every checked day and a month before; no checks, no window', () => {
    expect(checkWindow([])).toBeUndefined();
    expect(
      checkWindow([
        { days: [{ start: d('2026-11-01'), end: d('2026-12-01') }] },
        {
          days: [
            { start: d('2026-10-10'), end: d('2026-10-11') },
            { start: d('2027-01-01'), end: d('2027-01-05') },
          ],
        },
      ]),
    ).toEqual({ start: '2026-09-09', end: '2027-01-05' });
  });
});
