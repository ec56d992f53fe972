import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { dec } from '../../src/core/money/decimal';
import type { PlannedOperation } from '../../src/core/ports/target';
import { fixedClock } from '../../src/core/time/clock';
import { addDays } from '../../src/core/time/plain-date';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listRunItems } from '../../src/db/repos/runs';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { getMapping, saveMapping, saveProgram } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import type { EngineDeps } from '../../src/engine/deps';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { approveRun, syncCustomers, syncProducts } from '../../src/engine/sync';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { FakeTarget } from '../support/fake-target';
import { d, inv, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

/** Issue 11: verify after writing (a PSA that bills otherwise pauses the customer) and the shadow first sync. */

let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase('verify_shadow');
  await migrate(db.url);
  pool = createPool(db.url, 6);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** A PSA whose adjustments land one day after the day they were sent for. */
class LateTarget extends FakeTarget {
  override applyNow(op: PlannedOperation) {
    if (op.kind !== 'adjust-contract-line') return super.applyNow(op);
    return super.applyNow({ ...op, effectiveDate: addDays(op.effectiveDate, 1) });
  }
}

const DECEMBER = inv('G12', '2025-12', [
  line({ start: '2025-12-01', last: '2025-12-31', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
]);

async function world(target: FakeTarget, options: { shadow?: boolean } = {}) {
  const ws = (await insertWorkspace(pool, `ws-${Math.random()}`)).id as WorkspaceId;
  target.addContract({ id: 'K1', startDate: d('2025-01-01') });
  await upsertSourceCustomers(pool, ws, [{ tenantId: TENANT, name: 'Contoso Dental', defaultDomain: '' }]);
  await storePriceList(pool, ws, [priceEntry(offer(), '20.00', '23.10')]);
  await storeInvoice(pool, ws, DECEMBER.header, DECEMBER.lines);
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
    ...(options.shadow ? { shadow: true } : {}),
  });
  const deps: EngineDeps = {
    pool,
    clock: fixedClock('2026-01-08'),
    openTarget: async () => target,
    retry: { attempts: 3, baseDelayMs: 1, sleep: async () => {} },
  };
  const ctx = { ws, target: 'autotask' as const, asOf: d('2026-01-08'), trigger: 'test', actor: 'test' };
  await syncProducts(deps, ctx, { preview: false });
  return { ws, deps, ctx };
}

describe('verify after writing', () => {
  it('adjustments that land a day late: one run writes, finds the difference, pauses the customer', async () => {
    const target = new LateTarget();
    const { ws, deps, ctx } = await world(target);
    const [run] = await syncCustomers(deps, ctx, { preview: false });
    expect(run).toMatchObject({ status: 'error', writes: 1 });
    expect(run!.message).toMatch(/does not bill what billsync wrote.*paused/);
    const items = await listRunItems(pool, run!.runId);
    expect(items[0]!.messages.at(-1)!.text).toContain(
      "01 Dec 2025: 0 units where billsync wrote 10. This customer's sync is paused",
    );
    const mapping = await getMapping(pool, ws, 'autotask', TENANT);
    expect(mapping).toMatchObject({ sync_on: false });
    expect(mapping!.paused_reason).toMatch(/^The PSA did not bill what billsync wrote/);
    // The daily sync leaves a paused customer alone; asking for it says why.
    const writes = target.writes;
    expect(await syncCustomers(deps, ctx, { preview: false })).toEqual([]);
    await expect(syncCustomers(deps, ctx, { preview: false, tenantIds: [TENANT] })).rejects.toThrow(/paused/);
    expect(target.writes).toBe(writes);
    // Switching sync on resumes it.
    await saveMapping(pool, ws, 'autotask', { ...mapping!, sync_on: true });
    expect(await getMapping(pool, ws, 'autotask', TENANT)).toMatchObject({
      paused_reason: null,
      sync_on: true,
    });
  });

  it('a PSA that bills what was written: success, the customer stays on', async () => {
    const { ws, deps, ctx } = await world(new FakeTarget());
    const [run] = await syncCustomers(deps, ctx, { preview: false });
    expect(run).toMatchObject({ status: 'success', writes: 1 });
    expect(await getMapping(pool, ws, 'autotask', TENANT)).toMatchObject({
      sync_on: true,
      paused_reason: null,
    });
  });
});

describe('shadow first sync', () => {
  it('compares what the PSA bills with the invoices, writes nothing until applied, then syncs as usual', async () => {
    const target = new FakeTarget();
    const { ws, deps, ctx } = await world(target, { shadow: true });
    // The MSP billed the customer by hand: 8 seats at 25.00 on the contract already.
    const product = target.products[0]!;
    target.applyNow({
      kind: 'adjust-contract-line',
      key: 'manual',
      customerTenantId: TENANT,
      offerKey: 'manual',
      contractId: 'K1',
      productId: product.id,
      contractLineId: undefined,
      effectiveDate: d('2025-11-01'),
      unitChange: dec(8),
      unitPrice: dec('25.00'),
      unitCost: dec('20.00'),
      unitsBefore: dec(0),
      unitsAfter: dec(8),
    });
    const writes = target.writes;
    const [run] = await syncCustomers(deps, ctx, { preview: false });
    expect(run).toMatchObject({ status: 'awaiting_approval', writes: 0 });
    expect(run!.message).toMatch(/^Shadow first sync: nothing was written/);
    expect(target.writes).toBe(writes);
    const [item] = await listRunItems(pool, run!.runId);
    // December: 8 x 25.00 billed today; the invoice says 10 x 23.10.
    expect(item!.comparison).toEqual([{ month: '2025-12', psa: '200.00', invoices: '231.00' }]);
    const applied = await approveRun(deps, ctx, run!.runId);
    expect(applied).toMatchObject({ status: 'success', writes: 1 });
    expect(target.unitsOn('K1', product.id, d('2025-12-15'))).toBe('10');
    expect(await getMapping(pool, ws, 'autotask', TENANT)).toMatchObject({ shadow: false });
    const [next] = await syncCustomers(deps, ctx, { preview: false });
    expect(next).toMatchObject({ status: 'no_change', writes: 0 });
  });
});
