import { describe, expect, it } from 'vitest';
import { dec } from '../money/decimal';
import type { PlainDate } from '../time/plain-date';
import { monthMoney } from './month-money';

const d = (s: string) => s as PlainDate;
const seg = (start: string, end: string, units: number, price: string, cost = '20.00') => ({
  start: d(start),
  end: d(end),
  state: { units: dec(units), price: dec(price), cost: dec(cost) },
});

describe('monthMoney', () => {
  it('sums a month of several segments exactly: one division per month, so a half cent rounds up', () => {
    // 22 seats 4 days, 4 seats 22 days, 17 seats 2 days of February at 24.65: 210 seat-days x 24.65 / 28 = 184.875.
    const [feb] = monthMoney(
      [
        seg('2026-02-01', '2026-02-05', 22, '24.65'),
        seg('2026-02-05', '2026-02-27', 4, '24.65'),
        seg('2026-02-27', '2026-03-01', 17, '24.65'),
      ],
      [{ start: d('2026-02-01'), end: d('2026-03-01') }],
    );
    expect(feb?.amount.toString()).toBe('184.875');
    expect(feb?.amount.round(2, 1).toFixed(2)).toBe('184.88');
    expect(feb?.cost.toString()).toBe('150');
  });

  it('splits by calendar month, clips to the days asked and adds the charges of each month', () => {
    const money = monthMoney(
      [seg('2026-01-20', '2026-02-10', 3, '10.00', '7.00')],
      [{ start: d('2026-01-25'), end: d('2026-03-01') }],
      [{ date: d('2026-03-01'), amount: dec('5'), cost: dec('1') }],
    );
    expect(money.map((m) => [m.month, m.amount.toFixed(4), m.cost.toFixed(4)])).toEqual([
      ['2026-01', '6.7742', '4.7419'],
      ['2026-02', '9.6429', '6.7500'],
      ['2026-03', '5.0000', '1.0000'],
    ]);
  });
});
