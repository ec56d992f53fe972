import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { type AzureUsageLine, offerKeyText } from '../../src/core/model/source';
import { dec } from '../../src/core/money/decimal';
import { Money } from '../../src/core/money/money';
import { azurePlanOffer } from '../../src/core/planner/azure-line';
import { fixedClock } from '../../src/core/time/clock';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { storeAzureUsage, storeInvoice, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { listLinks, saveLink, saveMapping, saveProgram } from '../../src/db/repos/sync';
import { inUseOffers } from '../../src/db/repos/sync-source';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import type { EngineDeps } from '../../src/engine/deps';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { syncProducts } from '../../src/engine/sync';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { FakeTarget } from '../support/fake-target';
import { AZURE, d, inv, line, TENANT } from '../support/planner-fixtures';

/** Product sync of Azure plan when the usage file is the only source of it (spec sections 4 and 6, R-9). */

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('azure_products');
  await migrate(db.url);
  pool = createPool(db.url, 4);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const OTHER = '8b2f0000-0000-4000-8000-000000000002';
const CANONICAL = offerKeyText(azurePlanOffer('USD'));

/** Daily-rated Azure usage of one customer, as the usage file gives it (no product, SKU or market). */
function usage(
  invoiceId: string,
  day: string,
  cost: string,
  tenant = TENANT,
  currency = 'USD',
): AzureUsageLine {
  return {
    invoiceId,
    lineNumber: 1,
    customerTenantId: tenant,
    customerName: tenant === TENANT ? 'Contoso Dental' : 'Fabrikam',
    subscriptionId: 'azure-plan-1',
    entitlementId: 'entitlement-1',
    usageDate: d(day),
    meterId: 'meter-1',
    meterName: 'D2s v3',
    meterCategory: 'Virtual Machines',
    quantity: dec(24),
    unitPrice: Money.of('0.1', currency),
    effectiveUnitPrice: Money.of('0.1', currency),
    cost: Money.of(cost, currency),
  };
}

/** A usage-only invoice header (period, issued on the 7th of the next month). */
const header = (id: string, period: string, currency = 'USD') => ({
  ...inv(id, period, []).header,
  currency,
});

async function world(name: string) {
  const ws: WorkspaceId = (await insertWorkspace(pool, name)).id;
  const target = new FakeTarget();
  await upsertSourceCustomers(pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
    { tenantId: OTHER, name: 'Fabrikam', defaultDomain: 'fabrikam.onmicrosoft.com' },
  ]);
  await saveProgram(pool, ws, 'autotask', {
    ...DEFAULT_PROGRAM,
    syncEnabled: true,
    billingCodeId: '29682801',
  });
  for (const [tenant, on] of [
    [TENANT, true],
    [OTHER, false],
  ] as const) {
    await saveMapping(pool, ws, 'autotask', {
      tenant_id: tenant,
      company_id: 'c1',
      company_name: 'Company',
      contract_id: `K-${tenant}`,
      contract_name: 'Contract',
      strategy: 'cost-and-retail',
      sync_start: d('2025-08-01'),
      sync_on: on,
    });
  }
  const deps: EngineDeps = {
    pool,
    clock: fixedClock('2025-10-10'),
    openTarget: async () => target,
    retry: { attempts: 2, baseDelayMs: 1, sleep: async () => {} },
  };
  const ctx = (asOf = '2025-10-10') => ({
    ws,
    target: 'autotask' as const,
    asOf: d(asOf),
    trigger: 'test',
    actor: 'test',
  });
  return { ws, target, deps, ctx };
}

describe('Azure plan product from the usage file', () => {
  it('a usage file alone (no Azure line in the recon file) puts Azure plan in use and creates its product', async () => {
    const w = await world('usage-only');
    // August usage of the synced customer, on the invoice issued 7 Sep (after the sync start).
    await storeAzureUsage(pool, w.ws, header('G2', '2025-08'), [usage('G2', '2025-08-03', '12.35')]);
    // Not in use: a customer whose sync is off, and an invoice issued before the sync start.
    await storeAzureUsage(pool, w.ws, header('G1', '2025-06', 'EUR'), [
      usage('G1', '2025-06-03', '5.00', TENANT, 'EUR'),
    ]);
    await storeAzureUsage(pool, w.ws, header('G3', '2025-08', 'GBP'), [
      usage('G3', '2025-08-04', '7.00', OTHER, 'GBP'),
    ]);

    const inUse = await inUseOffers(pool, w.ws, 'autotask', d('2025-10-10'));
    expect(inUse).toEqual([
      { offer: azurePlanOffer('USD'), productTitle: 'Azure plan', skuTitle: 'Azure plan' },
    ]);
    // Not yet issued on the as-of day: not in use.
    expect(await inUseOffers(pool, w.ws, 'autotask', d('2025-09-06'))).toEqual([]);

    const preview = await syncProducts(w.deps, w.ctx(), { preview: true });
    expect(preview).toMatchObject({ status: 'preview', operations: 1 });
    const run = await syncProducts(w.deps, w.ctx(), { preview: false });
    expect(run).toMatchObject({ status: 'success', writes: 1 });
    expect(w.target.products).toEqual([
      expect.objectContaining({
        name: 'PC_DZH318Z0BPS6:0001',
        description: 'Microsoft Azure plan (DZH318Z0BPS6)',
        period: 'monthly',
        billingCodeId: '29682801',
      }),
    ]);
    expect(w.target.products[0]!.unitPrice.toString()).toBe('0');
    const links = await listLinks(pool, w.ws, 'autotask', 'product');
    expect([...links]).toEqual([[CANONICAL, w.target.products[0]!.id]]);
    expect(await syncProducts(w.deps, w.ctx(), { preview: false })).toMatchObject({
      status: 'no_change',
      writes: 0,
    });
  });

  it('a recon Azure line and usage rows of another month give one product', async () => {
    const w = await world('recon-and-usage');
    const august = inv('G2', '2025-08', [
      line({
        sub: 'azure-1',
        offer: AZURE,
        kind: 'azure_usage',
        start: '2025-08-01',
        last: '2025-08-31',
        qty: 1,
        subtotal: '100.50',
        invoiceId: 'G2',
      }),
    ]);
    await storeInvoice(pool, w.ws, august.header, august.lines);
    await storeAzureUsage(pool, w.ws, header('G4', '2025-09'), [usage('G4', '2025-09-02', '20.00')]);

    const inUse = await inUseOffers(pool, w.ws, 'autotask', d('2025-10-10'));
    expect(inUse.map((u) => offerKeyText(u.offer))).toEqual([CANONICAL]);
    // The recon line's title is kept when it names the offer too.
    expect(inUse[0]!.productTitle).toBe('Microsoft 365 Business Premium');

    const run = await syncProducts(w.deps, w.ctx(), { preview: false });
    expect(run).toMatchObject({ status: 'success', writes: 1 });
    expect(w.target.products.map((p) => p.name)).toEqual(['PC_DZH318Z0BPS6:0001']);
  });

  it('a product linked under an older per-market Azure key keeps being used: no second product', async () => {
    const w = await world('old-link');
    await storeAzureUsage(pool, w.ws, header('G2', '2025-08'), [usage('G2', '2025-08-03', '12.35')]);
    w.target.products.push({
      id: 'AZ1',
      name: 'Azure plan (renamed)',
      description: '',
      unitPrice: dec(0),
      unitCost: dec(0),
      period: 'monthly',
      active: true,
      billingCodeId: '29682801',
      vendorId: undefined,
    });
    await saveLink(pool, w.ws, 'autotask', 'product', offerKeyText(AZURE), 'AZ1');
    // Both syncs read product links with the canonical Azure key.
    expect([...(await listLinks(pool, w.ws, 'autotask', 'product'))]).toEqual([[CANONICAL, 'AZ1']]);
    const run = await syncProducts(w.deps, w.ctx(), { preview: false });
    expect(run).toMatchObject({ status: 'no_change', writes: 0 });
    expect(w.target.products.map((p) => p.id)).toEqual(['AZ1']);
  });
});
