import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { fixedClock } from '../../src/core/time/clock';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listRunItems } from '../../src/db/repos/runs';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { saveMapping, saveProgram } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import type { EngineDeps } from '../../src/engine/deps';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { syncCustomers, syncProducts } from '../../src/engine/sync';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { FakeTarget } from '../support/fake-target';
import { d, inv, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

/**
 * A price-change warning is reported by the first run that brings its invoice in whole, even when an earlier
 * run of the customer ended in an item error (found in testing: an errored run, then the product sync, then the
 * customer sync said Success with no warning for a cost rise from 13.50 to 15.12). Here the first run fails
 * because the price list is not imported yet.
 */
let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase('lost_warning');
  await migrate(db.url);
  pool = createPool(db.url, 4);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('a first customer sync that just works (issue 13)', () => {
  it('creates the products its invoices need first: no "not linked in the PSA yet"', async () => {
    const ws = (await insertWorkspace(pool, 'first-sync')).id as WorkspaceId;
    const target = new FakeTarget();
    target.addContract({ id: 'K1', startDate: d('2025-01-01') });
    await upsertSourceCustomers(pool, ws, [{ tenantId: TENANT, name: 'Contoso Dental', defaultDomain: '' }]);
    await storePriceList(pool, ws, [priceEntry(offer(), '20.00', '23.10')]);
    const december = inv('G12', '2025-12', [
      line({ start: '2025-12-01', last: '2025-12-31', qty: 4, unitPrice: '20.00', subtotal: '80.00' }),
    ]);
    await storeInvoice(pool, ws, december.header, december.lines);
    await saveProgram(pool, ws, 'autotask', { ...DEFAULT_PROGRAM, syncEnabled: true, billingCodeId: '1' });
    await saveMapping(pool, ws, 'autotask', {
      tenant_id: TENANT,
      company_id: 'c1',
      company_name: 'Contoso Dental Ltd',
      contract_id: 'K1',
      contract_name: 'K1',
      strategy: 'cost-and-retail',
      sync_start: d('2026-01-01'),
      sync_on: true,
    });
    const deps: EngineDeps = {
      pool,
      clock: fixedClock('2026-01-08'),
      openTarget: async () => target,
      retry: { attempts: 2, baseDelayMs: 1, sleep: async () => {} },
    };
    const ctx = { ws, target: 'autotask' as const, asOf: d('2026-01-08'), trigger: 'test', actor: 'test' };
    const [run] = await syncCustomers(deps, ctx, { preview: false, tenantIds: [TENANT] });
    expect(run).toMatchObject({ status: 'success', writes: 1 });
    expect(target.products.map((p) => p.name)).toEqual(['PC_P1Y:M:CFQ7TTC0LCHC:0002']);
    const kinds = await pool.query(
      'select kind, status from runs where workspace_id = $1 order by created_at',
      [ws],
    );
    expect(kinds.rows).toEqual([
      { kind: 'product', status: 'success' },
      { kind: 'customer', status: 'success' },
    ]);
    // Everything is there now: the next sync makes no product run.
    await syncCustomers(deps, ctx, { preview: false, tenantIds: [TENANT] });
    const after = await pool.query(
      "select count(*)::int as n from runs where workspace_id = $1 and kind = 'product'",
      [ws],
    );
    expect(after.rows[0].n).toBe(1);
  });
});

describe('a sync start that explains itself (issue 13)', () => {
  it('a run with nothing to sync says why: the latest invoice was issued before the sync start', async () => {
    const ws = (await insertWorkspace(pool, 'explains')).id as WorkspaceId;
    const target = new FakeTarget();
    target.addContract({ id: 'K1', startDate: d('2025-01-01') });
    await upsertSourceCustomers(pool, ws, [{ tenantId: TENANT, name: 'Contoso Dental', defaultDomain: '' }]);
    const december = inv('G12', '2025-12', [
      line({ start: '2025-12-01', last: '2025-12-31', qty: 4, unitPrice: '20.00', subtotal: '80.00' }),
    ]);
    await storeInvoice(pool, ws, december.header, december.lines);
    await saveProgram(pool, ws, 'autotask', { ...DEFAULT_PROGRAM, syncEnabled: true, billingCodeId: '1' });
    await saveMapping(pool, ws, 'autotask', {
      tenant_id: TENANT,
      company_id: 'c1',
      company_name: 'Contoso Dental Ltd',
      contract_id: 'K1',
      contract_name: 'K1',
      strategy: 'cost-and-retail',
      sync_start: d('2026-02-01'),
      sync_on: true,
    });
    const deps: EngineDeps = { pool, clock: fixedClock('2026-02-08'), openTarget: async () => target };
    const ctx = { ws, target: 'autotask' as const, asOf: d('2026-02-08'), trigger: 'test', actor: 'test' };
    const [run] = await syncCustomers(deps, ctx, { preview: false });
    expect(run).toMatchObject({ status: 'no_change', writes: 0 });
    expect(run!.message).toBe(
      "The latest imported invoice (G12) was issued on 07 Jan 2026, before this customer's sync start (01 Feb 2026): nothing to sync. Move the sync start back to include it, or wait for the next invoice",
    );
    const [preview] = await syncCustomers(deps, ctx, { preview: true });
    expect(preview!.message).toMatch(/^The latest imported invoice \(G12\)/);
  });
});

describe('no lost warning', () => {
  it('an errored first run, the product sync, then the customer sync warns of the mid-period cost rise', async () => {
    const ws = (await insertWorkspace(pool, 'warnings')).id as WorkspaceId;
    const target = new FakeTarget();
    target.addContract({ id: 'K1', startDate: d('2025-01-01') });
    await upsertSourceCustomers(pool, ws, [{ tenantId: TENANT, name: 'Contoso Dental', defaultDomain: '' }]);
    const december = inv('G12', '2025-12', [
      line({ start: '2025-12-01', last: '2025-12-31', qty: 3, unitPrice: '13.50', subtotal: '40.50' }),
      line({
        start: '2025-12-15',
        last: '2025-12-31',
        qty: 3,
        sign: -1,
        chargeType: 'addquantity',
        unitPrice: '13.50',
        subtotal: '-22.20',
      }),
      line({
        start: '2025-12-15',
        last: '2025-12-31',
        qty: 3,
        chargeType: 'addquantity',
        unitPrice: '15.12',
        subtotal: '24.87',
      }),
    ]);
    await storeInvoice(pool, ws, december.header, december.lines);
    await saveProgram(pool, ws, 'autotask', { ...DEFAULT_PROGRAM, syncEnabled: true, billingCodeId: '1' });
    await saveMapping(pool, ws, 'autotask', {
      tenant_id: TENANT,
      company_id: 'c1',
      company_name: 'Contoso Dental Ltd',
      contract_id: 'K1',
      contract_name: 'K1',
      strategy: 'cost-and-retail',
      sync_start: d('2026-01-01'),
      sync_on: true,
    });
    const deps: EngineDeps = {
      pool,
      clock: fixedClock('2026-01-08'),
      openTarget: async () => target,
      retry: { attempts: 2, baseDelayMs: 1, sleep: async () => {} },
    };
    const ctx = { ws, target: 'autotask' as const, asOf: d('2026-01-08'), trigger: 'test', actor: 'test' };
    // The price list is not imported yet: the offer is unknown, the first run ends in an item error.
    const [first] = await syncCustomers(deps, ctx, { preview: false });
    expect(first).toMatchObject({ status: 'error' });
    await storePriceList(pool, ws, [priceEntry(offer(), '13.50', '16.00')]);
    await syncProducts(deps, ctx, { preview: false });
    const [second] = await syncCustomers(deps, ctx, { preview: false });
    expect(second).toMatchObject({ status: 'warning' });
    const texts = (await listRunItems(pool, second!.runId)).flatMap((i) => i.messages.map((m) => m.text));
    expect(texts).toContain('Subscription cost unit price changed from 13.50 to 15.12 on 15 Dec 2025');
    const [third] = await syncCustomers(deps, ctx, { preview: false });
    expect(third).toMatchObject({ status: 'no_change', writes: 0 });
  });
});
