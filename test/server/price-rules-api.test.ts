import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine } from '../../src/core/model/source';
import { fixedClock } from '../../src/core/time/clock';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { saveMapping } from '../../src/db/repos/sync';
import { createUser } from '../../src/services/auth';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { FakePsa } from '../support/fake-psa';
import { d, inv, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

let t: TestApp;
let admin: Agent;
let viewer: Agent;
let ws: WorkspaceId;
const BP = offer(); // CFQ7TTC0LCHC:0002, P1Y monthly
const BASIC = { ...offer('Monthly', 'P1M', '0001'), productId: 'CFQ7TTC0LH18' };
const OTHER = '00000000-0000-4000-8000-000000000777';

beforeAll(async () => {
  // Today is 10 Dec 2025: the next contract period starts 1 Jan 2026.
  t = await createTestApp({
    clock: fixedClock('2025-12-10T10:00:00Z'),
    openTarget: async () => new FakePsa(),
  });
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
    { tenantId: OTHER, name: 'Fabrikam', defaultDomain: 'fabrikam.onmicrosoft.com' },
  ]);
  await storePriceList(t.pool, ws, [priceEntry(BP, '20.00', '23.10'), priceEntry(BASIC, '6.00', '7.20')]);
  // November's invoice: Contoso 10 Business Premium and 3 Basic seats, Fabrikam 4 Business Premium.
  const november = inv('G11', '2025-11', [
    line({ start: '2025-11-01', last: '2025-11-30', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
    line({
      sub: 'basic-1',
      offer: BASIC,
      start: '2025-11-01',
      last: '2025-11-30',
      qty: 3,
      unitPrice: '6.00',
      subtotal: '18.00',
    }),
    line({
      tenant: OTHER,
      sub: 'fab-1',
      start: '2025-11-01',
      last: '2025-11-30',
      qty: 4,
      unitPrice: '20.00',
      subtotal: '80.00',
    }),
  ]);
  await storeInvoice(t.pool, ws, november.header, november.lines as InvoiceLine[]);
  for (const [tenant, strategy] of [
    [TENANT, 'cost-and-retail'],
    [OTHER, 'cost-only'],
  ] as const)
    await saveMapping(t.pool, ws, 'autotask', {
      tenant_id: tenant,
      company_id: '1',
      company_name: 'C',
      contract_id: '2',
      contract_name: 'K',
      strategy,
      sync_start: d('2025-11-01'),
      sync_on: true,
    });
});
afterAll(() => t.close());

describe('price rules API', () => {
  let skuRule: string;

  it('viewers read and preview but cannot add', async () => {
    const res = await viewer.request('POST', '/api/price-rules', { method: 'markup', value: '10' });
    expect(res.status).toBe(403);
    expect((await viewer.request('GET', '/api/price-rules')).json).toEqual({ items: [] });
  });

  it('adds a rule for every customer, from the next contract period by default, in words', async () => {
    const res = await admin.request('POST', '/api/price-rules', {
      method: 'markup',
      value: '25',
      basis: 'cost',
      rounding: '99',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.warnings).toEqual([]);
    expect(res.json.rule).toMatchObject({
      customer: null,
      offers: { kind: 'all' },
      validFrom: '2026-01-01',
      validTo: null,
      description: 'Markup 25% on cost · every customer · all offers · rounded up to .99 · from 01 Jan 2026',
      createdBy: 'admin@msp.example',
    });
  });

  it('a customer and SKU rule is more specific; a back-dated rule warns', async () => {
    const res = await admin.request('POST', '/api/price-rules', {
      customer: 'contosodental.onmicrosoft.com',
      offers: { kind: 'sku', sku: 'CFQ7TTC0LCHC:0002' },
      method: 'fixed',
      value: 22,
      validFrom: '2025-12-01',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    skuRule = res.json.rule.id;
    expect(res.json.rule.customer).toEqual({ tenantId: TENANT, name: 'Contoso Dental' });
    expect(res.json.warnings[0]).toMatch(/starts before 01 Jan 2026: contract periods already started/);
    const list = (await viewer.request('GET', '/api/price-rules')).json.items;
    expect(list).toHaveLength(2);
  });

  it('refuses what makes no sense, saying what to write', async () => {
    const bad = async (body: unknown) =>
      (await admin.request('POST', '/api/price-rules', body)).json.error.message;
    expect(await bad({ method: 'margin', value: '100' })).toMatch(
      /margin is a percent of the price below 100/,
    );
    expect(await bad({ method: 'markup', value: 'ten' })).toMatch(/a number such as 15 or 19.99/);
    expect(await bad({ method: 'markup', value: '5', offers: { kind: 'sku', sku: 'BP' } })).toMatch(
      /a SKU code such as CFQ7TTC0LCHC:0002/,
    );
    expect(
      await bad({ method: 'markup', value: '5', validFrom: '2026-03-01', validTo: '2026-02-01' }),
    ).toMatch(/ends \(2026-02-01\) before it starts/);
    expect(await bad({ method: 'markup', value: '5', customer: 'nobody' })).toMatch(
      /No customer matches "nobody"/,
    );
  });

  it('previews a price: cost, list retail, the rule that applies, the result', async () => {
    const contoso = await viewer.request(
      'GET',
      `/api/price-rules/preview?customer=${TENANT}&sku=CFQ7TTC0LCHC:0002&date=2026-01-01`,
    );
    expect(contoso.status, JSON.stringify(contoso.json)).toBe(200);
    expect(contoso.json.offers).toEqual([
      expect.objectContaining({ cost: '20.00', listRetail: '23.10', price: '22.00' }),
    ]);
    expect(contoso.json.offers[0].rule.id).toBe(skuRule);
    const everyone = await viewer.request(
      'GET',
      '/api/price-rules/preview?sku=CFQ7TTC0LCHC:0002&date=2026-01-01',
    );
    // 20 x 1.25 = 25.00, up to .99 = 25.99
    expect(everyone.json.offers[0]).toMatchObject({ price: '25.99' });
    expect(everyone.json.offers[0].rule.description).toMatch(/^Markup 25% on cost/);
    const before = await viewer.request(
      'GET',
      '/api/price-rules/preview?sku=CFQ7TTC0LCHC:0002&date=2025-12-15',
    );
    expect(before.json.offers[0]).toMatchObject({ price: '23.10', rule: null });
    const none = await viewer.request('GET', '/api/price-rules/preview?sku=NOPE:0001');
    expect(none.status).toBe(404);
  });

  it('the money effect of a change before saving: seats x price difference of the next period, per customer', async () => {
    // Removing the Contoso SKU rule: its 10 seats go from 22.00 to the global 25.99 (+39.90). Fabrikam syncs cost
    // only: no effect. Basic is priced by the global rule either way.
    const remove = await admin.request('POST', '/api/price-rules/effect', { remove: skuRule });
    expect(remove.status, JSON.stringify(remove.json)).toBe(200);
    expect(remove.json).toMatchObject({
      period: '2026-01',
      customers: [
        {
          tenantId: TENANT,
          name: 'Contoso Dental',
          delta: '39.90',
          lines: [expect.objectContaining({ seats: '10', from: '22.00', to: '25.99', delta: '39.90' })],
        },
      ],
      totals: [{ currency: 'USD', delta: '39.90' }],
    });
    // Adding a Basic rule for everyone: Contoso's 3 seats from 7.99 (6 x 1.25 = 7.50 -> .99) to 9.00.
    const add = await admin.request('POST', '/api/price-rules/effect', {
      add: { offers: { kind: 'product', productId: 'CFQ7TTC0LH18' }, method: 'fixed', value: '9' },
    });
    expect(add.json.customers[0].lines).toEqual([
      expect.objectContaining({ seats: '3', from: '7.99', to: '9.00', delta: '3.03' }),
    ]);
    // Nothing was saved by asking.
    expect((await viewer.request('GET', '/api/price-rules')).json.items).toHaveLength(2);
  });

  it('finds price-list SKUs by code or title for the pickers', async () => {
    const byTitle = await viewer.request('GET', '/api/price-rules/skus?search=business%20premium');
    expect(byTitle.json.items.map((i: { sku: string }) => i.sku)).toEqual([
      'CFQ7TTC0LCHC:0002',
      'CFQ7TTC0LH18:0001',
    ]);
    expect(byTitle.json.items[0].title).toBe('Microsoft 365 Business Premium');
    const byCode = await viewer.request('GET', '/api/price-rules/skus?search=cfq7ttc0lchc');
    expect(byCode.json.items.map((i: { sku: string }) => i.sku)).toEqual(['CFQ7TTC0LCHC:0002']);
    expect((await viewer.request('GET', '/api/price-rules/skus?search=100%25')).json.items).toEqual([]);
    expect((await viewer.request('GET', '/api/price-rules/skus')).json.items).toHaveLength(2);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    for (const path of [
      '/api/price-rules',
      '/api/price-rules/{id}',
      '/api/price-rules/preview',
      '/api/price-rules/effect',
    ])
      expect(doc.paths[path], path).toBeDefined();
    expect(doc.paths['/api/price-rules'].post.requestBody).toBeDefined();
  });

  it('removes a rule that has not started; ends one that priced periods already (audited)', async () => {
    // The Contoso rule started 1 Dec 2025 (today is 10 Dec): it is ended on 31 Dec, December keeps its price.
    const ended = await admin.request('DELETE', `/api/price-rules/${skuRule}`);
    expect(ended.status, JSON.stringify(ended.json)).toBe(200);
    expect(ended.json).toMatchObject({ outcome: 'ended', removed: { id: skuRule, validTo: '2025-12-31' } });
    const again = await admin.request('DELETE', `/api/price-rules/${skuRule}`);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/ended on 31 Dec 2025: it stays as the record/);
    // The rule for everyone starts 1 Jan 2026: deleted.
    const global = (await viewer.request('GET', '/api/price-rules')).json.items.find(
      (r: { customer: unknown }) => r.customer === null,
    );
    const deleted = await admin.request('DELETE', `/api/price-rules/${global.id}`);
    expect(deleted.json.outcome).toBe('deleted');
    expect((await admin.request('DELETE', `/api/price-rules/${global.id}`)).status).toBe(404);
    expect(
      (await viewer.request('GET', '/api/price-rules')).json.items.map((r: { id: string }) => r.id),
    ).toEqual([skuRule]);
    const audit = await t.pool.query(
      "select action from audit_events where workspace_id = $1 and target_type = 'price_rule' order by id",
      [ws],
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'price_rule.add',
      'price_rule.add',
      'price_rule.end',
      'price_rule.remove',
    ]);
  });
});
