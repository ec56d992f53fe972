import type { CustomerInvoice } from '../../src/core/planner/customer-plan';
import { AZURE, inv, julySeatChangeLines, line, offer, priceEntry } from './planner-fixtures';

/**
 * The Contoso Dental summer the end-to-end and browser tests sync on every PSA: Business Premium 10 -> 12 seats on
 * 20 Jul (csp-billing.md 7.2), 12 -> 9 on 25 Aug; Business Basic 3 seats; Azure usage of 100.50 in July and 120.00
 * in August.
 */
export const BP = offer();
export const BASIC = { ...offer('Monthly', 'P1M', '0001'), productId: 'CFQ7TTC0LH18' };
export const PRICES = [
  priceEntry(BP, '20.00', '23.10'),
  priceEntry(BASIC, '6.48', '7.20'),
  priceEntry(AZURE, '0', '0'),
];

/** A month of the 3 Business Basic seats. */
export const basicLine = (start: string, last: string) =>
  line({ sub: 'basic-1', offer: BASIC, start, last, qty: 3, unitPrice: '6.48', subtotal: '19.44' });
/** A month of Azure plan usage. */
export const azureLine = (start: string, last: string, subtotal: string) =>
  line({ sub: 'azure-1', offer: AZURE, kind: 'azure_usage', start, last, qty: 1, subtotal });

export const SUMMER_INVOICES: CustomerInvoice[] = [
  inv(
    'G1',
    '2025-07',
    [
      ...julySeatChangeLines(),
      basicLine('2025-07-01', '2025-07-31'),
      azureLine('2025-07-01', '2025-07-31', '100.50'),
    ],
    '100.50',
  ),
  inv(
    'G2',
    '2025-08',
    [
      line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
      line({
        start: '2025-08-25',
        last: '2025-09-14',
        qty: 12,
        sign: -1,
        chargeType: 'removequantity',
        unitPrice: '20.00',
        subtotal: '-160.00',
      }),
      line({
        start: '2025-08-25',
        last: '2025-09-14',
        qty: 9,
        chargeType: 'removequantity',
        unitPrice: '20.00',
        subtotal: '120.00',
      }),
      basicLine('2025-08-01', '2025-08-31'),
      azureLine('2025-08-01', '2025-08-31', '120.00'),
    ],
    '120.00',
  ),
];
