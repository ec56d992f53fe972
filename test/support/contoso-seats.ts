import { BUSINESS_PREMIUM, type ReconLineSpec } from './csp-files';

/**
 * Contoso's one Business Premium subscription (Microsoft 20.00 a seat, since 1 December 2025) as recon lines, for
 * the tests that follow it month by month (posted periods, reconciliation).
 */
export const seatLine = (
  start: string,
  end: string,
  quantity: number,
  extra: Partial<ReconLineSpec> = {},
): ReconLineSpec => ({
  offer: BUSINESS_PREMIUM,
  subscriptionId: 'ddddd000-0000-4000-8000-00000000000d',
  subscriptionStart: '2025-12-01',
  chargeStart: start,
  chargeEnd: end,
  quantity,
  unitPrice: '20.00',
  ...extra,
});

/** A seat change from `start` as Microsoft invoices it: the old quantity reversed, the new one charged. */
export const seatChange = (start: string, end: string, before: number, after: number): ReconLineSpec[] => [
  seatLine(start, end, before, { reversal: true, chargeType: 'addQuantity' }),
  seatLine(start, end, after, { chargeType: 'addQuantity' }),
];
