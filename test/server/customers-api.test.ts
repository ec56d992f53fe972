import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { dec } from '../../src/core/money/decimal';
import { fixedClock } from '../../src/core/time/clock';
import { storeInvoice, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { createUser } from '../../src/services/auth';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { FakePsa } from '../support/fake-psa';
import { d, inv, line } from '../support/planner-fixtures';

let t: TestApp;
let ws: WorkspaceId;
let admin: Agent;
let viewer: Agent;
const psa = new FakePsa();
const N = 2000;
const tenant = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const CONTOSO = tenant(1);

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2025-09-10T10:00:00Z'), openTarget: async () => psa });
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
  await upsertSourceCustomers(
    t.pool,
    ws,
    Array.from({ length: N }, (_, i) => ({
      tenantId: tenant(i),
      name: i === 1 ? 'Contoso Limited' : `Customer ${String(i).padStart(4, '0')}`,
      defaultDomain: i === 1 ? 'contoso.onmicrosoft.com' : `customer${i}.onmicrosoft.com`,
    })),
  );
  psa.addCompany('C1', 'Contoso Ltd.');
  psa.addCompany('C2', 'Fabrikam Inc');
  psa.addCompany('V1', 'Pax8', 'vendor');
  psa.addContract({
    id: 'K1',
    companyId: 'C1',
    name: 'Contoso - Managed Services',
    startDate: d('2025-01-01'),
  });
  psa.addContract({
    id: 'K0',
    companyId: 'C1',
    name: 'Contoso - old MSA',
    startDate: d('2023-01-01'),
    endDate: d('2024-12-31'),
  });
  psa.addContract({
    id: 'K2',
    companyId: 'C1',
    name: 'Contoso - paused',
    startDate: d('2025-01-01'),
    active: false,
  });
  psa.addContract({
    id: 'K3',
    companyId: 'C1',
    name: 'Contoso - block hours',
    startDate: d('2025-01-01'),
    recurring: false,
  });
  psa.addContract({ id: 'K9', companyId: 'C2', name: 'Fabrikam - MSA', startDate: d('2025-01-01') });
});
afterAll(() => t.close());

describe('PSA directory for the mapping dropdowns', () => {
  it('lists customer companies, searchable, without vendors', async () => {
    const all = await viewer.request('GET', '/api/psa/autotask/companies');
    expect(all.json).toEqual({
      items: [
        { id: 'C1', name: 'Contoso Ltd.' },
        { id: 'C2', name: 'Fabrikam Inc' },
      ],
      total: 2,
    });
    const some = await viewer.request('GET', '/api/psa/autotask/companies?search=fabri');
    expect(some.json.items).toEqual([{ id: 'C2', name: 'Fabrikam Inc' }]);
  });

  it("lists a company's recurring contracts; ended and inactive ones are hidden with a count and why", async () => {
    const res = await viewer.request('GET', '/api/psa/autotask/companies/C1/contracts');
    expect(res.status).toBe(200);
    expect(res.json.items).toEqual([
      { id: 'K1', name: 'Contoso - Managed Services', startDate: '2025-01-01', endDate: '2027-12-31' },
    ]);
    expect(res.json.hidden.count).toBe(2);
    expect(res.json.hidden.reason).toMatch(/1 ended \(extend the end date in Autotask/);
    expect(res.json.hidden.reason).toMatch(/1 inactive/);
    expect((await viewer.request('GET', '/api/psa/autotask/companies/C404/contracts')).status).toBe(404);
  });
});

describe('customers table', () => {
  it('pages 2,000 customers fast, with the total', async () => {
    const started = performance.now();
    const page = await viewer.request('GET', '/api/customers?limit=100&offset=1900');
    const took = performance.now() - started;
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ total: N, limit: 100, offset: 1900 });
    expect(page.json.items).toHaveLength(100);
    expect(page.json.items[99].name).toBe('Customer 1999');
    expect(took).toBeLessThan(1000);
    const past = await viewer.request('GET', '/api/customers?offset=5000');
    expect(past.json).toMatchObject({ items: [], total: N });
  });

  it('searches name, domain and tenant id on the server', async () => {
    const byName = await viewer.request('GET', '/api/customers?search=customer%2001');
    expect(byName.json.total).toBe(100);
    const byDomain = await viewer.request('GET', '/api/customers?search=customer42.onmicrosoft');
    expect(byDomain.json.items.map((c: { name: string }) => c.name)).toEqual(['Customer 0042']);
    const byTenant = await viewer.request('GET', `/api/customers?search=${tenant(7)}`);
    expect(byTenant.json.items).toHaveLength(1);
    const literal = await viewer.request('GET', '/api/customers?search=%25');
    expect(literal.json.total).toBe(0);
  });

  it('sorts by any column, both ways', async () => {
    const desc = await viewer.request('GET', '/api/customers?sort=customer&order=desc&limit=2');
    expect(desc.json.items.map((c: { name: string }) => c.name)).toEqual(['Customer 1999', 'Customer 1998']);
    const byDomain = await viewer.request('GET', '/api/customers?sort=domain&limit=1');
    expect(byDomain.json.items[0].domain).toBe('contoso.onmicrosoft.com');
    const bad = await viewer.request('GET', '/api/customers?sort=shoe');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
  });

  it('suggests a PSA company for unmapped customers when asked', async () => {
    const res = await viewer.request('GET', '/api/customers?search=contoso&suggest=true');
    expect(res.json.suggestions).toEqual({ available: true, message: null });
    expect(res.json.items[0]).toMatchObject({
      tenantId: CONTOSO,
      mapped: false,
      syncOn: false,
      suggestion: {
        companyId: 'C1',
        companyName: 'Contoso Ltd.',
        reason: 'same name apart from the legal form',
        score: 0.98,
      },
    });
    psa.fail();
    // The companies read a moment ago are kept a few minutes (BILLSYNC_DIRECTORY_TTL_SECONDS)...
    const kept = await viewer.request('GET', '/api/customers?search=contoso&suggest=1');
    expect(kept.json.suggestions).toEqual({ available: true, message: null });
    // ...until "Refresh from Autotask" reads them anew.
    const refresh = await viewer.request('POST', '/api/psa/autotask/directory/refresh');
    const down = await viewer.request('GET', '/api/customers?search=contoso&suggest=1');
    psa.down = undefined;
    expect(refresh.status).toBe(502);
    expect(down.status).toBe(200);
    expect(down.json.suggestions.message).toMatch(/No suggestions: Autotask/);
  });
});

describe('mapping', () => {
  const MAPPING = { companyId: 'C1', contractId: 'K1', syncOn: true };

  it('operators only; the contract must be live and belong to the company', async () => {
    expect((await viewer.request('PUT', `/api/customers/${CONTOSO}/mapping`, MAPPING)).status).toBe(403);
    const ended = await admin.request('PUT', `/api/customers/${CONTOSO}/mapping`, {
      ...MAPPING,
      contractId: 'K0',
    });
    expect(ended.status).toBe(400);
    expect(ended.json.error.message).toMatch(/Contract Contoso - old MSA ended on 31 Dec 2024/);
    const other = await admin.request('PUT', `/api/customers/${CONTOSO}/mapping`, {
      ...MAPPING,
      contractId: 'K9',
    });
    expect(other.json.error.message).toMatch(/has no Recurring Service contract K9/);
    const date = await admin.request('PUT', `/api/customers/${CONTOSO}/mapping`, {
      ...MAPPING,
      syncStart: '2025-13-01',
    });
    expect(date.json.error).toMatchObject({ code: 'validation_failed' });
    expect((await admin.request('PUT', `/api/customers/${tenant(99999)}/mapping`, MAPPING)).status).toBe(404);
  });

  it('saves with the defaults: cost and retail, from the first day of this month (UTC)', async () => {
    const res = await admin.request('PUT', `/api/customers/${CONTOSO}/mapping`, MAPPING);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.customer).toMatchObject({
      mapped: true,
      companyName: 'Contoso Ltd.',
      contractName: 'Contoso - Managed Services',
      strategy: 'cost-and-retail',
      syncStart: '2025-09-01',
      syncOn: true,
      suggestion: null,
    });
    const changed = await admin.request('PUT', `/api/customers/${CONTOSO}/mapping`, {
      ...MAPPING,
      strategy: 'cost-only',
    });
    expect(changed.json.customer).toMatchObject({ strategy: 'cost-only', syncStart: '2025-09-01' });
    const mapped = await viewer.request('GET', '/api/customers?mapped=true');
    expect(mapped.json.items.map((c: { tenantId: string }) => c.tenantId)).toEqual([CONTOSO]);
    const sorted = await viewer.request('GET', '/api/customers?sort=company&limit=1');
    expect(sorted.json.items[0].companyName).toBe('Contoso Ltd.');
  });

  it('clearing turns sync off, keeps the history and writes nothing to the PSA', async () => {
    await t.pool.query(
      `insert into runs (workspace_id, target, kind, tenant_id, status, as_of, created_by, plan, finished_at)
       values ($1, 'autotask', 'customer', $2, 'success', '2025-09-10', 'test', '{"operations": [], "invoiceIds": []}', now())`,
      [ws, CONTOSO],
    );
    const writes = psa.writes;
    const res = await admin.request('DELETE', `/api/customers/${CONTOSO}/mapping`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      mapped: false,
      syncOn: false,
      companyId: null,
      contractId: null,
      lastRun: { status: 'success' },
    });
    expect(psa.writes).toBe(writes);
    const one = await viewer.request('GET', `/api/customers/${CONTOSO}`);
    expect(one.json.lastSyncedAt).not.toBeNull();
  });
});

describe('shadow first sync, pause and resume (issue 11)', () => {
  const MAPPING = { companyId: 'C1', contractId: 'K1', syncOn: true };
  const url = `/api/customers/${CONTOSO}/mapping`;

  it('saves the shadow first sync with the mapping, keeps it when not sent, and validates it', async () => {
    const off = await admin.request('PUT', url, MAPPING);
    expect(off.json.customer).toMatchObject({ shadow: false, pausedReason: null, pausedAt: null });
    const on = await admin.request('PUT', url, { ...MAPPING, shadow: true });
    expect(on.status, JSON.stringify(on.json)).toBe(200);
    expect(on.json.customer.shadow).toBe(true);
    const kept = await admin.request('PUT', url, { ...MAPPING, strategy: 'none' });
    expect(kept.json.customer).toMatchObject({ shadow: true, strategy: 'none' });
    expect((await viewer.request('GET', `/api/customers/${CONTOSO}`)).json.shadow).toBe(true);
    const bad = await admin.request('PUT', url, { ...MAPPING, shadow: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    await admin.request('PUT', url, { ...MAPPING, shadow: false });
  });

  it('a paused customer says why; saving with sync off keeps the pause, switching sync on resumes it', async () => {
    const reason =
      'The PSA did not bill what billsync wrote (run 1): 01 Aug 2025: 0 units where billsync wrote 10';
    await t.pool.query(
      `update customer_mappings set sync_on = false, paused_reason = $2, paused_at = now()
       where workspace_id = $1 and tenant_id = $3`,
      [ws, reason, CONTOSO],
    );
    const listed = await viewer.request('GET', '/api/customers?search=contoso');
    expect(listed.json.items[0]).toMatchObject({ syncOn: false, pausedReason: reason });
    expect(Date.parse(listed.json.items[0].pausedAt)).not.toBeNaN();
    const stillOff = await admin.request('PUT', url, { ...MAPPING, syncOn: false });
    expect(stillOff.json.customer).toMatchObject({ syncOn: false, pausedReason: reason });

    const resumed = await admin.request('PUT', url, MAPPING);
    expect(resumed.json.customer).toMatchObject({ syncOn: true, pausedReason: null, pausedAt: null });
    const audit = await admin.request('GET', '/api/audit');
    const save = audit.json.items.find((e: { action: string }) => e.action === 'mapping.save');
    expect(save.details).toMatchObject({ syncOn: true, resumed: reason });
  });

  it("the contract check tells whether the contract already bills one of the customer's offers", async () => {
    const check = (contractId: string, who = viewer) =>
      who.request('GET', `/api/customers/${CONTOSO}/contract-check?target=autotask&contractId=${contractId}`);
    const jul = inv('G7', '2025-07', [
      line({ tenant: CONTOSO, start: '2025-07-01', last: '2025-07-31', qty: 10, subtotal: '200.00' }),
    ]);
    await storeInvoice(t.pool, ws, jul.header, jul.lines);
    const empty = await check('K1');
    expect(empty.status, JSON.stringify(empty.json)).toBe(200);
    expect(empty.json).toEqual({ contractId: 'K1', billsCustomerOffers: false, lines: [] });

    // The MSP bills the customer by hand: 10 seats of the product named as billsync names it, and another service.
    psa.products.push(
      { ...PRODUCT, id: 'P1', name: 'PC_P1Y:M:CFQ7TTC0LCHC:0002' },
      { ...PRODUCT, id: 'P2', name: 'Managed workstations' },
    );
    for (const [productId, units] of [
      ['P1', 10],
      ['P2', 25],
    ] as const)
      psa.applyNow(manualLine(productId, units));
    const bills = await check('K1');
    expect(bills.json).toEqual({
      contractId: 'K1',
      billsCustomerOffers: true,
      lines: [{ productId: 'P1', productName: 'PC_P1Y:M:CFQ7TTC0LCHC:0002', units: '10' }],
    });
    expect((await check('')).status).toBe(400);
    expect(
      (await viewer.request('GET', `/api/customers/${tenant(99999)}/contract-check?contractId=K1`)).status,
    ).toBe(404);
    psa.fail();
    const down = await check('K1');
    psa.down = undefined;
    expect(down.status).toBe(502);
    expect(down.json.error.message).toMatch(/Autotask|PSA/);
  });
});

const PRODUCT = {
  description: 'made by hand',
  unitPrice: dec('25'),
  unitCost: dec('19'),
  period: 'monthly' as const,
  active: true,
  billingCodeId: 'BC1',
  vendorId: undefined,
};

/** A contract line the MSP keyed in by hand: `units` seats on K1 from 1 June 2025. */
const manualLine = (productId: string, units: number) => ({
  kind: 'adjust-contract-line' as const,
  key: `manual-${productId}`,
  customerTenantId: CONTOSO,
  offerKey: 'manual',
  contractId: 'K1',
  productId,
  contractLineId: undefined,
  effectiveDate: d('2025-06-01'),
  unitChange: dec(units),
  unitPrice: dec('25.00'),
  unitCost: dec('19.00'),
  unitsBefore: dec(0),
  unitsAfter: dec(units),
});
