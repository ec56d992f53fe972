import { AZURE, inv, line, offer, priceEntry } from './planner-fixtures';

/**
 * The volume fixture of the first-sync call counts (test/e2e/first-sync-calls.test.ts) and `npm run bench -- sync`:
 * Business Premium with an optional mid-month seat change, and Basic x 3, priced from one price list.
 */
export const BP = offer();
export const BASIC = { ...offer('Monthly', 'P1M', '0001'), productId: 'CFQ7TTC0LH18' };
export const PRICES = [
  priceEntry(BP, '20.00', '23.10'),
  priceEntry(BASIC, '6.48', '7.20'),
  priceEntry(AZURE, '0', '0'),
];

/** One month of Business Premium (optionally a seat change) and Basic x 3. */
export const month = (
  id: string,
  period: string,
  start: string,
  last: string,
  seats: number,
  change?: { day: string; to: number },
) =>
  inv(id, period, [
    line({ start, last, qty: seats, unitPrice: '20.00', subtotal: '1' }),
    ...(change
      ? [
          line({
            start: change.day,
            last,
            qty: seats,
            sign: -1,
            chargeType: 'removequantity',
            unitPrice: '20.00',
            subtotal: '-1',
          }),
          line({
            start: change.day,
            last,
            qty: change.to,
            chargeType: 'addquantity',
            unitPrice: '20.00',
            subtotal: '1',
          }),
        ]
      : []),
    line({
      sub: 'basic',
      offer: BASIC,
      start: `${period}-01`,
      last: `${period}-${period.endsWith('09') ? '30' : '31'}`,
      qty: 3,
      unitPrice: '6.48',
      subtotal: '19.44',
    }),
  ]);
