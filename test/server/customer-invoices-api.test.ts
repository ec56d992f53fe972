import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { AzureUsageLine } from '../../src/core/model/source';
import { Money } from '../../src/core/money';
import { dec } from '../../src/core/money/decimal';
import { fixedClock } from '../../src/core/time/clock';
import { storeAzureUsage, storeInvoice, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { markInvoicesSynced } from '../../src/db/repos/sync';
import { createUser } from '../../src/services/auth';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { FakePsa } from '../support/fake-psa';
import { d, inv, line, TENANT } from '../support/planner-fixtures';

/** `GET /api/customers/{id}/invoices`: the mapping dialog's sync start hint (issue 13). */

let t: TestApp;
let ws: WorkspaceId;
let admin: Agent;
let viewer: Agent;
const psa = new FakePsa();
const OTHER = '8b2f0000-0000-4000-8000-000000000002';
const NO_INVOICE = '8b2f0000-0000-4000-8000-000000000003';

function usage(invoiceId: string, day: string, tenant: string): AzureUsageLine {
  return {
    invoiceId,
    lineNumber: 1,
    customerTenantId: tenant,
    customerName: 'Contoso Dental',
    subscriptionId: 'azure-plan-1',
    entitlementId: 'entitlement-1',
    usageDate: d(day),
    meterId: 'meter-1',
    meterName: 'D2s v3',
    meterCategory: 'Virtual Machines',
    quantity: dec(24),
    unitPrice: Money.of('0.1', 'USD'),
    effectiveUnitPrice: Money.of('0.1', 'USD'),
    cost: Money.of('12.35', 'USD'),
  };
}

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2025-12-10T10:00:00Z'), openTarget: async () => psa });
  admin = await setupAdmin(t.app);
  ws = (await admin.request('GET', '/api/workspace')).json.id;
  await createUser(t.pool, {
    workspaceId: ws,
    email: 'viewer@msp.example',
    password: 'viewer password!',
    role: 'viewer',
    actor: 'test',
  });
  viewer = await login(t.app, 'viewer@msp.example', 'viewer password!');
  await upsertSourceCustomers(t.pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
    { tenantId: OTHER, name: 'Fabrikam', defaultDomain: 'fabrikam.onmicrosoft.com' },
    { tenantId: NO_INVOICE, name: 'Northwind', defaultDomain: 'northwind.onmicrosoft.com' },
  ]);
  const seats = (start: string, last: string, tenant = TENANT) =>
    line({ tenant, start, last, qty: 10, unitPrice: '20.00', subtotal: '200.00' });
  // Issued 07 Oct and 07 Nov (stored out of order), and one of another customer only, issued 07 Sep.
  for (const i of [
    inv('G-NOV', '2025-10', [seats('2025-10-01', '2025-10-31')]),
    inv('G-OCT', '2025-09', [seats('2025-09-01', '2025-09-30')]),
    inv('G-OTHER', '2025-08', [seats('2025-08-01', '2025-08-31', OTHER)]),
  ]) {
    await storeInvoice(t.pool, ws, i.header, i.lines);
  }
  // Azure usage alone on an invoice issued 07 Sep also bills the customer.
  const azure = inv('G-SEP', '2025-08', []).header;
  await storeAzureUsage(t.pool, ws, azure, [usage('G-SEP', '2025-08-03', TENANT)]);
  const run = await t.pool.query(
    `insert into runs (workspace_id, target, kind, tenant_id, status, as_of, created_by, plan)
     values ($1, 'autotask', 'customer', $2, 'success', '2025-10-10', 'test', '{"operations": [], "invoiceIds": []}')
     returning id`,
    [ws, TENANT],
  );
  await markInvoicesSynced(t.pool, ws, 'autotask', TENANT, ['G-OCT'], run.rows[0].id);
});
afterAll(() => t.close());

describe('a customer’s imported invoices', () => {
  it('lists every invoice that bills the customer, oldest first, with its issue date and whether it was synced', async () => {
    const res = await viewer.request('GET', `/api/customers/${TENANT}/invoices?target=autotask`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({
      tenantId: TENANT,
      syncStart: null,
      items: [
        { id: 'G-SEP', billingPeriod: '2025-08', issueDate: '2025-09-07', currency: 'USD', synced: false },
        { id: 'G-OCT', billingPeriod: '2025-09', issueDate: '2025-10-07', currency: 'USD', synced: true },
        { id: 'G-NOV', billingPeriod: '2025-10', issueDate: '2025-11-07', currency: 'USD', synced: false },
      ],
    });
  });

  it('says the mapping’s sync start once the customer is mapped; synced is per PSA', async () => {
    psa.addCompany('C1', 'Contoso Dental Ltd');
    psa.addContract({ id: 'K1', companyId: 'C1', name: 'Contoso M365', startDate: d('2025-01-01') });
    const mapped = await admin.request('PUT', `/api/customers/${TENANT}/mapping`, {
      companyId: 'C1',
      contractId: 'K1',
      syncStart: '2025-10-01',
      syncOn: false,
    });
    expect(mapped.status, JSON.stringify(mapped.json)).toBe(200);
    const res = await viewer.request('GET', `/api/customers/${TENANT.toUpperCase()}/invoices`);
    expect(res.json.syncStart).toBe('2025-10-01');
    const other = await viewer.request('GET', `/api/customers/${TENANT}/invoices?target=connectwise`);
    expect(other.json.items.map((i: { synced: boolean }) => i.synced)).toEqual([false, false, false]);
  });

  it('is empty for a customer without invoices, 404 for an unknown one, 400 for an unknown PSA', async () => {
    const none = await viewer.request('GET', `/api/customers/${NO_INVOICE}/invoices`);
    expect(none.json).toEqual({ tenantId: NO_INVOICE, syncStart: null, items: [] });
    const unknown = await viewer.request(
      'GET',
      '/api/customers/8b2f0000-0000-4000-8000-00000000ffff/invoices',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('not_found');
    expect(unknown.json.error.message).not.toMatch(/billsync/);
    const bad = await viewer.request('GET', `/api/customers/${TENANT}/invoices?target=halo`);
    expect(bad.status).toBe(400);
  });
});
