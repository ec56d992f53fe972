import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine } from '../../src/core/model/source';
import { fixedClock } from '../../src/core/time/clock';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { saveMapping, saveProgram } from '../../src/db/repos/sync';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { createUser, createWorkspace } from '../../src/services/auth';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { AZURE, d, inv, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

const BP = offer();
const BASIC = { ...offer('Monthly', 'P1M', '0001'), productId: 'CFQ7TTC0LH18' };

let t: TestApp;
let admin: Agent;
let ws: WorkspaceId;

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2025-09-10T08:00:00Z') });
  admin = await setupAdmin(t.app);
  ws = (await t.pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
  await upsertSourceCustomers(t.pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
    { tenantId: 'aaaaaaaa-0000-4000-8000-000000000002', name: 'Fabrikam', defaultDomain: '' },
  ]);
  await storePriceList(t.pool, ws, [
    priceEntry(BP, '20.00', '23.10'),
    priceEntry(BASIC, '6.48', '7.20'),
    priceEntry(AZURE, '0', '0'),
  ]);
  const july = inv('G1', '2025-07', [
    line({ start: '2025-07-15', last: '2025-08-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
    line({
      sub: 'basic-1',
      offer: BASIC,
      start: '2025-07-01',
      last: '2025-07-31',
      qty: 3,
      subtotal: '19.44',
    }),
    line({
      sub: 'azure-1',
      offer: AZURE,
      kind: 'azure_usage',
      start: '2025-07-01',
      last: '2025-07-31',
      qty: 1,
      subtotal: '100.50',
    }),
  ]);
  const august = inv('G2', '2025-08', [
    line({ start: '2025-08-15', last: '2025-09-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
  ]);
  for (const i of [july, august]) await storeInvoice(t.pool, ws, i.header, i.lines as InvoiceLine[]);
  await saveProgram(t.pool, ws, 'autotask', {
    ...DEFAULT_PROGRAM,
    billingCodeId: '1',
    azureMarkupPercent: '10',
  });
  await saveMapping(t.pool, ws, 'autotask', {
    tenant_id: TENANT,
    company_id: '300',
    company_name: 'Contoso Dental Ltd',
    contract_id: '400',
    contract_name: 'Contoso Microsoft 365',
    strategy: 'cost-and-retail',
    sync_start: d('2025-07-01'),
    sync_on: true,
  });
  // July's invoice reached the PSA; August's not yet.
  await t.pool.query(
    `insert into synced_invoices (workspace_id, target, tenant_id, invoice_id) values ($1, 'autotask', $2, 'G1')`,
    [ws, TENANT],
  );
});

afterAll(async () => {
  await t.close();
});

describe('GET /api/reports/monthly', () => {
  it('sums cost and retail of the synced invoices per billing period, for the 12 periods before today', async () => {
    const res = await admin.request('GET', '/api/reports/monthly');
    expect(res.status).toBe(200);
    expect(res.json.currency).toBe('USD');
    expect(res.json.months.map((m: { period: string }) => m.period)).toEqual([
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
    ]);
    const july = res.json.months[10];
    // Licenses at the price list's retail/cost ratio (200 x 23.10/20, 19.44 x 7.20/6.48), Azure at cost + 10 %.
    expect(july).toEqual({
      period: '2025-07',
      cost: '319.94',
      retail: '363.15',
      margin: '43.21',
      marginPercent: 11.9,
      customers: 1,
      invoicedCost: '319.94',
      unpricedLines: 0,
    });
    const august = res.json.months[11];
    expect(august).toMatchObject({
      cost: '0.00',
      retail: '0.00',
      marginPercent: null,
      invoicedCost: '200.00',
    });
  });

  it('shows another workspace nothing of this one', async () => {
    const other = await createWorkspace(t.pool, 'Other MSP', 'test');
    await createUser(t.pool, {
      workspaceId: other.id as WorkspaceId,
      email: 'b@other.example',
      password: 'another strong password',
      role: 'admin',
      actor: 'test',
    });
    const b = await login(t.app, 'b@other.example', 'another strong password');
    const monthly = await b.request('GET', '/api/reports/monthly');
    expect(monthly.json.currency).toBeNull();
    expect(monthly.json.months.every((m: { invoicedCost: string }) => m.invoicedCost === '0.00')).toBe(true);
    const overview = await b.request('GET', '/api/reports/overview');
    expect(overview.json.source).toMatchObject({ customers: 0, invoices: 0, priceListEntries: 0 });
  });
});

describe('GET /api/reports/overview', () => {
  it('counts customers, mapping and source data; no run yet', async () => {
    const res = await admin.request('GET', '/api/reports/overview?target=autotask');
    expect(res.status).toBe(200);
    expect(res.json.customers).toEqual({
      total: 2,
      mapped: 1,
      syncOn: 1,
      lastSuccessAt: null,
      latestAt: null,
      latest: {},
    });
    expect(res.json.products).toEqual({ lastSuccessAt: null, latestRun: null });
    expect(res.json.source).toMatchObject({
      customers: 2,
      priceListEntries: 3,
      invoices: 2,
      latestPeriod: '2025-08',
    });
  });
});
