import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine } from '../../src/core/model/source';
import type { Pool } from '../../src/db/pool';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { e2eSeed } from '../support/autotask-world';
import { inv, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

/**
 * The world of pricing-to-psa.test.ts (issue 16: a price rule, an annual subscription and a customer billed in
 * advance, from the UI to the PSA). Today is 10 Sep 2025 (flow-fixtures' clock): July's invoice was issued on
 * 7 Aug, August's on 7 Sep.
 */

/** Business Premium, a one-year term billed monthly (P1Y:M:CFQ7TTC0LCHC:0002): the recurring contract's line. */
export const MONTHLY = offer();
/** Business Premium, a one-year term billed once a year (P1Y:A:CFQ7TTC0LCHC:0002): the Fixed Price contract's. */
export const ANNUAL = offer('Annual', 'P1Y');
/** Contoso Dental Ltd's Fixed Price contract (contractType 3) for the annual subscriptions. */
export const FIXED_PRICE = 1060;

const BP_SUB = 'b0000000-0000-4000-8000-0000000000b1';
const ANNUAL_SUB = 'a0000000-0000-4000-8000-0000000000a1';

/**
 * Microsoft's invoices for Contoso Dental, calendar-month cycles at a cost of 20.00 a seat:
 * - July (G7): 10 Business Premium seats; a new annual subscription of 5 seats bought on 10 Jul for the full term
 *   (10 Jul 2025 - 9 Jul 2026) at 237.60 a seat: 1188.00.
 * - August (G8): 10 seats, 12 from 20 Aug (Microsoft's reversal of the 10 and a line for the 12 over the 12 days
 *   left: 10 x 20 x 12 / 31 = 77.42, 12 x 20 x 12 / 31 = 92.90); 2 more annual seats from 20 Aug for the rest of
 *   the term (324 of 365 days: 237.60 x 324 / 365 = 210.91 a seat, 421.82 for the 2).
 */
export const INVOICES = [
  inv('G7', '2025-07', [
    line({
      sub: BP_SUB,
      start: '2025-07-01',
      last: '2025-07-31',
      qty: 10,
      unitPrice: '20.00',
      subtotal: '200.00',
    }),
    line({
      sub: ANNUAL_SUB,
      offer: ANNUAL,
      chargeType: 'new',
      start: '2025-07-10',
      last: '2026-07-09',
      term: ['2025-07-10', '2026-07-09'],
      qty: 5,
      unitPrice: '237.60',
      effectiveUnitPrice: '237.60',
      subtotal: '1188.00',
    }),
  ]),
  inv('G8', '2025-08', [
    line({
      sub: BP_SUB,
      start: '2025-08-01',
      last: '2025-08-31',
      qty: 10,
      unitPrice: '20.00',
      subtotal: '200.00',
    }),
    line({
      sub: BP_SUB,
      start: '2025-08-20',
      last: '2025-08-31',
      qty: 10,
      sign: -1,
      chargeType: 'addquantity',
      unitPrice: '20.00',
      subtotal: '-77.42',
    }),
    line({
      sub: BP_SUB,
      start: '2025-08-20',
      last: '2025-08-31',
      qty: 12,
      chargeType: 'addquantity',
      unitPrice: '20.00',
      subtotal: '92.90',
    }),
    line({
      sub: ANNUAL_SUB,
      offer: ANNUAL,
      chargeType: 'addquantity',
      start: '2025-08-20',
      last: '2026-07-09',
      term: ['2025-07-10', '2026-07-09'],
      qty: 2,
      unitPrice: '237.60',
      effectiveUnitPrice: '210.91',
      subtotal: '421.82',
    }),
  ]),
];

/**
 * The price list: Business Premium monthly costs 20.00 (list retail 23.10) through August and 22.00 (list retail
 * 25.40) from 1 Sep; the annual offer costs 237.60 a seat and year (list retail 264.00).
 */
export const PRICE_LIST = [
  priceEntry(MONTHLY, '20.00', '23.10', '2024-01-01', '2025-09-01'),
  priceEntry(MONTHLY, '22.00', '25.40', '2025-09-01'),
  priceEntry(ANNUAL, '237.60', '264.00'),
];

/**
 * The e2e Autotask tenant with Contoso Dental Ltd's Fixed Price contract next to its Recurring Service one, and a
 * Material Cost Code (useType 4): Autotask books one-time charges (the annual ones) under such a code.
 */
export function pricingSeed() {
  const seed = e2eSeed();
  seed.BillingCodes.push({
    id: 202,
    name: 'Microsoft one-time charges',
    useType: 4,
    isActive: true,
    unitCost: 0,
    unitPrice: 0,
  });
  seed.Contracts.push({
    ...seed.Contracts[0]!,
    id: FIXED_PRICE,
    contractName: 'Contoso annual licences',
    contractType: 3,
    contractPeriodType: null,
    startDate: '2025-01-01',
    endDate: '2028-12-31',
  } as never);
  return seed;
}

/** The Microsoft CSP data of the workspace (imported from files in real life). */
export async function seedPricingSource(pool: Pool, ws: WorkspaceId): Promise<void> {
  await upsertSourceCustomers(pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
  ]);
  await storePriceList(pool, ws, PRICE_LIST);
  for (const i of INVOICES) await storeInvoice(pool, ws, i.header, i.lines as InvoiceLine[]);
}
