import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { fixedClock } from '../../src/core/time/clock';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listJournal } from '../../src/db/repos/runs';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { saveMapping, saveProgram } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import type { EngineDeps } from '../../src/engine/deps';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { resumeRun, syncCustomers, syncProducts } from '../../src/engine/sync';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { FakeTarget } from '../support/fake-target';
import { d, inv, julySeatChangeLines, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('engine');
  await migrate(db.url);
  pool = createPool(db.url, 8);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const JULY = inv('G1', '2025-07', [...julySeatChangeLines()]);
const AUGUST = inv('G2', '2025-08', [
  line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
  line({
    start: '2025-08-25',
    last: '2025-09-14',
    qty: 12,
    sign: -1,
    chargeType: 'removequantity',
    unitPrice: '20.00',
    subtotal: '-160.00',
  }),
  line({
    start: '2025-08-25',
    last: '2025-09-14',
    qty: 9,
    chargeType: 'removequantity',
    unitPrice: '20.00',
    subtotal: '120.00',
  }),
]);

interface World {
  ws: WorkspaceId;
  target: FakeTarget;
  deps: EngineDeps;
}

async function world(name: string): Promise<World> {
  const ws = (await insertWorkspace(pool, name)).id;
  const target = new FakeTarget();
  target.addContract({ id: 'K1', startDate: d('2025-01-01') });
  await upsertSourceCustomers(pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
  ]);
  await storePriceList(pool, ws, [priceEntry(offer(), '20.00', '23.10')]);
  for (const i of [JULY, AUGUST]) await storeInvoice(pool, ws, i.header, i.lines);
  await saveProgram(pool, ws, 'autotask', {
    ...DEFAULT_PROGRAM,
    syncEnabled: true,
    billingCodeId: '29682801',
    vendorId: '0',
  });
  await saveMapping(pool, ws, 'autotask', {
    tenant_id: TENANT,
    company_id: 'c1',
    company_name: 'Contoso Dental Ltd',
    contract_id: 'K1',
    contract_name: 'Contract K1',
    strategy: 'cost-and-retail',
    sync_start: d('2025-08-01'),
    sync_on: true,
  });
  const deps: EngineDeps = {
    pool,
    clock: fixedClock('2025-09-10'),
    openTarget: async () => target,
    retry: { attempts: 4, baseDelayMs: 1, sleep: async () => {} },
  };
  return { ws, target, deps };
}

const ctx = (w: World, asOf = '2025-09-10') => ({
  ws: w.ws,
  target: 'autotask' as const,
  asOf: d(asOf),
  trigger: 'test',
  actor: 'test',
});

describe('sync engine on a real database', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(`ws-${Math.random()}`);
  });

  it('R-6 a preview stores the plan and writes nothing', async () => {
    const products = await syncProducts(w.deps, ctx(w), { preview: true });
    expect(products).toMatchObject({ status: 'preview', operations: 1 });
    const customers = await syncCustomers(w.deps, ctx(w), { preview: true });
    expect(customers[0]).toMatchObject({ status: 'preview' });
    expect(w.target.writes).toBe(0);
  });

  it('syncs products then customers; a second run is No Change and writes nothing', async () => {
    const products = await syncProducts(w.deps, ctx(w), { preview: false });
    expect(products).toMatchObject({ status: 'success', writes: 1 });
    const [first] = await syncCustomers(w.deps, ctx(w), { preview: false });
    expect(first).toMatchObject({ status: 'success', tenantId: TENANT });
    expect(w.target.unitsOn('K1', w.target.products[0]!.id, d('2025-07-20'))).toBe('12');
    expect(w.target.unitsOn('K1', w.target.products[0]!.id, d('2025-08-25'))).toBe('9');
    const before = w.target.writes;
    expect(await syncProducts(w.deps, ctx(w), { preview: false })).toMatchObject({
      status: 'no_change',
      writes: 0,
    });
    const [again] = await syncCustomers(w.deps, ctx(w), { preview: false });
    expect(again).toMatchObject({ status: 'no_change', writes: 0, operations: 0 });
    expect(w.target.writes).toBe(before);
  });

  it('a lost response is probed, not re-sent; a 503 is retried', async () => {
    await syncProducts(w.deps, ctx(w), { preview: false });
    w.target.faults = ['lost', 'unavailable'];
    const [run] = await syncCustomers(w.deps, ctx(w), { preview: false });
    expect(run).toMatchObject({ status: 'success', probedApplied: 1 });
    const line = w.target.lines[0]!;
    expect(line.adjustments.map((a) => a.date)).toEqual(['2025-07-15', '2025-07-20', '2025-08-25']);
  });

  it('a PSA asking to wait an hour is not waited out: the run ends in error, resumable, and resumes once', async () => {
    const clean = await world(`throttle-clean-${Math.random()}`);
    await syncProducts(clean.deps, ctx(clean), { preview: false });
    await syncCustomers(clean.deps, ctx(clean), { preview: false });

    await syncProducts(w.deps, ctx(w), { preview: false });
    const waits: number[] = [];
    const deps: EngineDeps = {
      ...w.deps,
      retry: { attempts: 4, baseDelayMs: 1, sleep: async (ms) => void waits.push(ms) },
    };
    w.target.faults = ['throttled', 'throttled', 'throttled'];
    const [run] = await syncCustomers(deps, ctx(w), { preview: false });
    expect(run).toMatchObject({ status: 'error' });
    expect(waits.filter((ms) => ms > 60_000)).toEqual([]);
    const runId = (
      await pool.query("select id from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows[0].id;
    // Later, the PSA takes writes again: the run is resumed and ends where a run without the pause would have.
    w.target.faults = [];
    expect((await resumeRun(deps, ctx(w), runId)).status).toBe('success');
    expect(w.target.state()).toEqual(clean.target.state());
  });

  it('R-13 (engine level) a crash mid-run resumes to the same PSA state, with no duplicate', async () => {
    const clean = await world(`clean-${Math.random()}`);
    await syncProducts(clean.deps, ctx(clean), { preview: false });
    await syncCustomers(clean.deps, ctx(clean), { preview: false });

    await syncProducts(w.deps, ctx(w), { preview: false });
    let writes = 0;
    // The process "dies" right before its second write...
    const crashing: EngineDeps = {
      ...w.deps,
      beforeWrite: () => {
        writes += 1;
        if (writes === 2) throw new Error('killed');
      },
    };
    await expect(syncCustomers(crashing, ctx(w), { preview: false })).rejects.toThrow('killed');
    const runId = (
      await pool.query("select id from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows[0].id;
    expect((await listJournal(pool, runId)).map((j) => j.state)).toEqual(['done', 'in_flight', 'pending']);
    // ...and after a restart the run is resumed: the in-flight write is probed, found absent, sent once.
    const resumed = await resumeRun(w.deps, ctx(w), runId);
    expect(resumed.status).toBe('success');
    expect(w.target.state()).toEqual(clean.target.state());
  });

  it('a fresh sync after a crash supersedes the interrupted run: its old writes are never resumed on top', async () => {
    const clean = await world(`clean2-${Math.random()}`);
    await syncProducts(clean.deps, ctx(clean), { preview: false });
    await syncCustomers(clean.deps, ctx(clean), { preview: false });
    await syncProducts(w.deps, ctx(w), { preview: false });
    let writes = 0;
    const crashing: EngineDeps = {
      ...w.deps,
      beforeWrite: () => {
        writes += 1;
        if (writes === 2) throw new Error('killed');
      },
    };
    await expect(syncCustomers(crashing, ctx(w), { preview: false })).rejects.toThrow('killed');
    const old = (
      await pool.query("select id from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows[0].id;
    const [fresh] = await syncCustomers(w.deps, ctx(w), { preview: false });
    expect(fresh!.status).toBe('success');
    expect((await pool.query('select status from runs where id = $1', [old])).rows[0].status).toBe(
      'superseded',
    );
    await expect(resumeRun(w.deps, ctx(w), old)).rejects.toThrow(/nothing to resume/);
    expect(w.target.state()).toEqual(clean.target.state());
  });

  it('resumes a crash that happened after the write landed without sending it again', async () => {
    await syncProducts(w.deps, ctx(w), { preview: false });
    let n = 0;
    const crashing: EngineDeps = {
      ...w.deps,
      openTarget: async () => ({
        ...w.target,
        kind: 'autotask',
        check: w.target.check.bind(w.target),
        readState: w.target.readState.bind(w.target),
        probe: w.target.probe.bind(w.target),
        apply: async (c: unknown, op) => {
          const r = await w.target.apply(c, op);
          n += 1;
          if (n === 1) throw new Error('killed after the write');
          return r;
        },
      }),
    };
    await expect(syncCustomers(crashing, ctx(w), { preview: false })).rejects.toThrow(
      'killed after the write',
    );
    const runId = (
      await pool.query("select id from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows[0].id;
    const resumed = await resumeRun(w.deps, ctx(w), runId);
    expect(resumed).toMatchObject({ status: 'success', probedApplied: 1 });
    expect(w.target.lines[0]!.adjustments).toHaveLength(3);
  });
});
