import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine } from '../../src/core/model/source';
import type { Clock } from '../../src/core/time/clock';
import type { PlainDate } from '../../src/core/time/plain-date';
import type { Pool } from '../../src/db/pool';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { e2eSeed, IDS } from '../support/autotask-world';
import {
  AZURE,
  inv,
  julySeatChangeLines,
  line,
  offer,
  priceEntry,
  TENANT,
} from '../support/planner-fixtures';

/** The billing manager's world in the browser flow (sync-flow.test.ts): Microsoft CSP data and the Autotask tenant. */

/** The sync's calendar day is fixed (the fixtures are July/August 2025 invoices); instants are real (cookies). */
export const TODAY = '2025-09-10' as PlainDate;
export const clock: Clock = { now: () => new Date().toISOString(), today: () => TODAY };

const BP = offer();
const BASIC = { ...offer('Monthly', 'P1M', '0001'), productId: 'CFQ7TTC0LH18' };
export const EXTRA = Array.from({ length: 30 }, (_, i) => ({
  tenantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `Customer ${i}`,
  defaultDomain: `customer${i}.onmicrosoft.com`,
}));

/** Customer 0 moves from manual billing: 3 Business Basic seats; its contract bills 2 by hand today. */
export const MANUAL = { tenantId: EXTRA[0]!.tenantId, contractId: 500, contractServiceId: 700, units: 2 };

const basic = (tenant: string, sub: string, start: string, last: string) =>
  line({ tenant, sub, offer: BASIC, start, last, qty: 3, unitPrice: '6.48', subtotal: '19.44' });

/**
 * Contoso Dental: 10 -> 12 Business Premium seats on 20 Jul, 3 Business Basic, Azure usage in July and August.
 * Customer 0: 3 Business Basic seats in July and August.
 */
const INVOICES = [
  inv('G1', '2025-07', [
    ...julySeatChangeLines(),
    basic(TENANT, 'basic-1', '2025-07-01', '2025-07-31'),
    line({
      sub: 'azure-1',
      offer: AZURE,
      kind: 'azure_usage',
      start: '2025-07-01',
      last: '2025-07-31',
      qty: 1,
      subtotal: '100.50',
    }),
    basic(MANUAL.tenantId, 'c0-basic', '2025-07-01', '2025-07-31'),
  ]),
  inv('G2', '2025-08', [
    line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
    basic(TENANT, 'basic-1', '2025-08-01', '2025-08-31'),
    line({
      sub: 'azure-1',
      offer: AZURE,
      kind: 'azure_usage',
      start: '2025-08-01',
      last: '2025-08-31',
      qty: 1,
      subtotal: '120.00',
    }),
    basic(MANUAL.tenantId, 'c0-basic', '2025-08-01', '2025-08-31'),
  ]),
];

/** A service named like billsync's Business Basic product, not created by billsync: a name collision. */
const TAKEN = {
  id: 900,
  name: 'PC_CFQ7TTC0LH18:0001',
  billingCodeID: IDS.code,
  periodType: 2,
  unitPrice: 7,
  unitCost: 6,
  isActive: true,
};

/**
 * The Autotask tenant: the e2e tenant with 30 more customers, the colliding service, a Material Cost Code
 * (useType 4, offered as the charge code for corrections), and Customer 0's contract billing 2 seats of the
 * colliding service by hand since January (the shadow first sync case).
 */
export function flowSeed() {
  const seed = e2eSeed({ services: [TAKEN], extraCustomers: EXTRA.length });
  return {
    ...seed,
    BillingCodes: [
      ...seed.BillingCodes,
      { id: 202, name: 'Microsoft corrections', useType: 4, isActive: true, unitCost: 0, unitPrice: 0 },
    ],
    ContractServices: [
      {
        id: MANUAL.contractServiceId,
        contractID: MANUAL.contractId,
        serviceID: TAKEN.id,
        startDate: '2025-01-01',
      },
    ],
    ContractServiceAdjustments: [
      { contractServiceID: MANUAL.contractServiceId, effectiveDate: '2025-01-01', unitChange: MANUAL.units },
    ],
  };
}

/** The Microsoft CSP data of the workspace the browser created (imported from files in real life). */
export async function seedSource(pool: Pool): Promise<void> {
  const ws = (await pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
  await upsertSourceCustomers(pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
    ...EXTRA,
  ]);
  await storePriceList(pool, ws, [
    priceEntry(BP, '20.00', '23.10'),
    priceEntry(BASIC, '6.48', '7.20'),
    priceEntry(AZURE, '0', '0'),
  ]);
  for (const i of INVOICES) await storeInvoice(pool, ws, i.header, i.lines as InvoiceLine[]);
}
