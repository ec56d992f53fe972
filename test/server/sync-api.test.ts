import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { dec } from '../../src/core/money/decimal';
import { fixedClock } from '../../src/core/time/clock';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { createUser } from '../../src/services/auth';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { FakePsa } from '../support/fake-psa';
import { d, inv, julySeatChangeLines, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

let t: TestApp;
let ws: WorkspaceId;
let admin: Agent;
let viewer: Agent;
const psa = new FakePsa();
const PRODUCT_NAME = 'PC_P1Y:M:CFQ7TTC0LCHC:0002';

const JULY = inv('G1', '2025-07', [...julySeatChangeLines()]);

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2025-09-10T10:00:00Z'), openTarget: async () => psa });
  admin = await setupAdmin(t.app);
  ws = (await admin.request('GET', '/api/workspace')).json.id as WorkspaceId;
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
  ]);
  await storePriceList(t.pool, ws, [priceEntry(offer(), '20.00', '23.10')]);
  await storeInvoice(t.pool, ws, JULY.header, JULY.lines);
  psa.addBillingCode('BC1', 'Microsoft licences');
  psa.addCompany('C1', 'Contoso Dental Ltd');
  psa.addContract({ id: 'K1', companyId: 'C1', startDate: d('2025-01-01') });
  // A service with billsync's name that billsync did not create: a name collision.
  psa.products.push({
    id: '777',
    name: PRODUCT_NAME,
    description: 'made by hand',
    unitPrice: dec('25'),
    unitCost: dec('19'),
    period: 'monthly',
    active: true,
    billingCodeId: 'BC1',
    vendorId: undefined,
  });
  await admin.request('PUT', '/api/programs/autotask', { syncEnabled: true, billingCodeId: 'BC1' });
  await admin.request('PUT', `/api/customers/${TENANT}/mapping`, {
    companyId: 'C1',
    contractId: 'K1',
    syncStart: '2025-07-01',
    syncOn: true,
  });
});
afterAll(() => t.close());

describe('product sync', () => {
  it('the preview shows the collision, writes nothing, and is for operators', async () => {
    expect((await viewer.request('POST', '/api/sync/autotask/products/preview')).status).toBe(403);
    const res = await admin.request('POST', '/api/sync/autotask/products/preview');
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({
      kind: 'product',
      status: 'preview',
      operations: 0,
      items: { error: 1 },
    });
    expect(psa.writes).toBe(0);
    const detail = await viewer.request('GET', `/api/runs/${res.json.runId}`);
    expect(detail.json.lines[0]).toMatchObject({
      label: PRODUCT_NAME,
      action: 'collision',
      status: 'error',
      targetId: '777',
    });
    expect(detail.json.lines[0].messages[0].text).toMatch(/adopt it/);
  });

  it('adopting the existing product links it; the next preview updates its price and cost', async () => {
    const missing = await admin.request('POST', '/api/sync/autotask/adopt', {
      offer: PRODUCT_NAME,
      productId: '404',
    });
    expect(missing.status).toBe(404);
    const res = await admin.request('POST', '/api/sync/autotask/adopt', {
      offer: PRODUCT_NAME,
      productId: '777',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({
      offerKey: 'CFQ7TTC0LCHC|0002|P1Y|Monthly|Commercial|US|USD',
      productId: '777',
      productName: PRODUCT_NAME,
    });
    const preview = await admin.request('POST', '/api/sync/autotask/products/preview');
    const detail = await viewer.request('GET', `/api/runs/${preview.json.runId}`);
    expect(detail.json.lines[0]).toMatchObject({
      action: 'update price and cost',
      changes: [
        { field: 'unit price', from: '25', to: '23.1' },
        { field: 'unit cost', from: '19', to: '20' },
      ],
    });
    expect(psa.writes).toBe(0);
  });

  it('runs: success, then No Change', async () => {
    const run = await admin.request('POST', '/api/sync/autotask/products', {});
    expect(run.json).toMatchObject({ status: 'success', writes: 1 });
    expect(psa.products[0]!.unitPrice.toString()).toBe('23.1');
    const again = await admin.request('POST', '/api/sync/autotask/products');
    expect(again.json).toMatchObject({ status: 'no_change', writes: 0 });
  });
});

describe('customer sync and approval', () => {
  it('validates the body in the envelope', async () => {
    const bad = await admin.request('POST', '/api/sync/autotask/customers/preview', { asOf: '10/09/2025' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'validation_failed' });
    const unknown = await admin.request('POST', '/api/sync/autotask/customers', { tenantIds: ['nobody'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/not mapped/);
  });

  it('the preview gives one run per customer with its money delta and writes nothing', async () => {
    const res = await admin.request('POST', '/api/sync/autotask/customers/preview', { tenantIds: [TENANT] });
    expect(res.json.items).toHaveLength(1);
    expect(res.json.items[0]).toMatchObject({ kind: 'customer', tenantId: TENANT, status: 'preview' });
    expect(res.json.items[0].operations).toBeGreaterThan(0);
    const detail = await viewer.request('GET', `/api/runs/${res.json.items[0].runId}`);
    expect(detail.json.monthlyDelta).not.toBeNull();
    expect(detail.json.journal).toMatchObject({ pending: res.json.items[0].operations, done: 0 });
    expect(psa.writes).toBe(1);
  });

  it('waits for approval above the threshold; reject, then approve', async () => {
    await admin.request('PUT', '/api/programs/autotask', { approvalThresholdPercent: 0 });
    const first = await admin.request('POST', '/api/sync/autotask/customers', {});
    expect(first.json.items[0]).toMatchObject({ status: 'awaiting_approval', writes: 0 });
    const id = first.json.items[0].runId;
    expect((await viewer.request('POST', `/api/runs/${id}/reject`)).status).toBe(403);
    const rejected = await admin.request('POST', `/api/runs/${id}/reject`);
    expect(rejected.json).toMatchObject({ status: 'rejected' });
    const twice = await admin.request('POST', `/api/runs/${id}/approve`);
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toMatch(/rejected, not awaiting approval/);

    const second = await admin.request('POST', '/api/sync/autotask/customers', {});
    const approved = await admin.request('POST', `/api/runs/${second.json.items[0].runId}/approve`);
    expect(approved.json).toMatchObject({ status: 'success' });
    expect(psa.unitsOn('K1', '777', d('2025-07-20'))).toBe('12');
    const resume = await admin.request('POST', `/api/runs/${second.json.items[0].runId}/resume`);
    expect(resume.status).toBe(409);
  });

  it('lists runs with filters and paging; the customers table shows the last run', async () => {
    const all = await viewer.request('GET', '/api/runs?limit=2');
    expect(all.json).toMatchObject({ limit: 2, offset: 0, hasMore: true });
    expect(all.json.items[0]).toMatchObject({
      kind: 'customer',
      status: 'success',
      createdBy: 'admin@msp.example',
      trigger: 'api',
    });
    const rejected = await viewer.request('GET', `/api/runs?status=rejected&customer=${TENANT}`);
    expect(rejected.json.items).toHaveLength(1);
    const products = await viewer.request('GET', '/api/runs?kind=product');
    expect(products.json.items.map((r: { status: string }) => r.status)).toEqual([
      'no_change',
      'success',
      'preview',
      'preview',
    ]);
    const bad = await viewer.request('GET', '/api/runs?status=great');
    expect(bad.status).toBe(400);
    const customers = await viewer.request('GET', '/api/customers');
    expect(customers.json.items[0]).toMatchObject({ lastRun: { status: 'success' } });
    expect(customers.json.items[0].lastSyncedAt).not.toBeNull();
  });

  it('a run of no workspace or a bad id is 404', async () => {
    expect((await viewer.request('GET', '/api/runs/not-a-uuid')).status).toBe(404);
    expect((await viewer.request('GET', '/api/runs/2f1c4b8e-6a3d-4c1b-9b7e-1f2a3b4c5d6e')).status).toBe(404);
  });

  it('OpenAPI documents the sync routes', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    for (const path of [
      '/api/programs/{target}',
      '/api/programs/{target}/options',
      '/api/customers',
      '/api/customers/{id}/mapping',
      '/api/psa/{target}/companies/{id}/contracts',
      '/api/sync/{target}/products/preview',
      '/api/sync/{target}/customers',
      '/api/sync/{target}/adopt',
      '/api/runs',
      '/api/runs/{id}/approve',
      '/api/connections/{kind}/test',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});

describe('shadow first sync (issue 11)', () => {
  const FABRIKAM = '8b2f0000-0000-4000-8000-000000000002';

  it('compares what the PSA bills with the invoices in the run detail; Apply writes it', async () => {
    await upsertSourceCustomers(t.pool, ws, [
      { tenantId: FABRIKAM, name: 'Fabrikam Dental', defaultDomain: '' },
    ]);
    const july = inv('F7', '2025-07', [
      line({
        tenant: FABRIKAM,
        sub: 'fab-1',
        start: '2025-07-01',
        last: '2025-07-31',
        qty: 5,
        subtotal: '100.00',
      }),
    ]);
    await storeInvoice(t.pool, ws, july.header, july.lines);
    psa.addCompany('C2', 'Fabrikam Dental Ltd');
    psa.addContract({ id: 'K2', companyId: 'C2', startDate: d('2025-01-01') });
    // Billed by hand until now: 3 seats at 25.00 of the (adopted) product.
    psa.applyNow({
      kind: 'adjust-contract-line',
      key: 'manual',
      customerTenantId: FABRIKAM,
      offerKey: 'manual',
      contractId: 'K2',
      productId: '777',
      contractLineId: undefined,
      effectiveDate: d('2025-06-01'),
      unitChange: dec(3),
      unitPrice: dec('25.00'),
      unitCost: dec('20.00'),
      unitsBefore: dec(0),
      unitsAfter: dec(3),
    });
    const check = await viewer.request('GET', `/api/customers/${FABRIKAM}/contract-check?contractId=K2`);
    expect(check.json).toMatchObject({
      billsCustomerOffers: true,
      lines: [{ productId: '777', units: '3' }],
    });
    const mapped = await admin.request('PUT', `/api/customers/${FABRIKAM}/mapping`, {
      companyId: 'C2',
      contractId: 'K2',
      syncStart: '2025-07-01',
      syncOn: true,
      shadow: true,
    });
    expect(mapped.json.customer).toMatchObject({ shadow: true, syncOn: true });

    const writes = psa.writes;
    const sync = await admin.request('POST', '/api/sync/autotask/customers', { tenantIds: [FABRIKAM] });
    const run = sync.json.items[0];
    expect(run).toMatchObject({ status: 'awaiting_approval', writes: 0 });
    expect(run.message).toMatch(/^Shadow first sync: nothing was written/);
    expect(psa.writes).toBe(writes);
    const detail = await viewer.request('GET', `/api/runs/${run.runId}`);
    expect(detail.json.lines[0].comparison).toEqual([{ month: '2025-07', psa: '75.00', invoices: '115.50' }]);

    const applied = await admin.request('POST', `/api/runs/${run.runId}/approve`);
    expect(applied.json).toMatchObject({ status: 'success' });
    expect(psa.unitsOn('K2', '777', d('2025-07-15'))).toBe('5');
    const after = await viewer.request('GET', `/api/customers/${FABRIKAM}`);
    expect(after.json).toMatchObject({ shadow: false, syncOn: true, pausedReason: null });
  });
});
