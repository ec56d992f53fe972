import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listRunItems } from '../../src/db/repos/runs';
import { resumeRun, syncCustomers, syncProducts } from '../../src/engine/sync';
import {
  type AutotaskVariant,
  BILLING_VARIANTS,
  DEFAULT_VARIANT,
  DIALECT_VARIANTS,
} from '../support/autotask-variants';
import { type AutotaskWorld, autotaskWorld, IDS, runCtx } from '../support/autotask-world';
import { PRICES, SUMMER_INVOICES } from '../support/contoso-summer';
import { createTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
let pool: Pool;
const worlds: AutotaskWorld[] = [];

beforeAll(async () => {
  db = await createTestDatabase('e2e');
  await migrate(db.url);
  pool = createPool(db.url, 10);
});
afterAll(async () => {
  for (const w of worlds) await w.close();
  await pool.end();
  await db.drop();
});

const INVOICES = SUMMER_INVOICES;

/** The Autotask variant the current describe runs under. */
let variant: AutotaskVariant = DEFAULT_VARIANT;

async function world(extra: Partial<Parameters<typeof autotaskWorld>[1]> = {}): Promise<AutotaskWorld> {
  const w = await autotaskWorld(pool, {
    invoices: INVOICES,
    priceList: PRICES,
    ...(variant.rules ? { rules: variant.rules } : {}),
    ...(variant.limits ? { limits: variant.limits } : {}),
    ...extra,
  });
  worlds.push(w);
  return w;
}

async function adminGet(w: AutotaskWorld, path: string) {
  return (await fetch(`${w.base}/_emulator${path}`)).json() as Promise<any>;
}

async function services(w: AutotaskWorld): Promise<any[]> {
  return (await adminGet(w, '/state')).tables?.Services ?? (await adminGet(w, '/state')).Services;
}

async function unitsOn(
  w: AutotaskWorld,
  serviceName: string,
  day: string,
): Promise<{ units: number; price: number; cost: number }> {
  const state = await adminGet(w, '/state');
  const service = (state.tables?.Services ?? state.Services).find((s: any) => s.name === serviceName);
  const line = (state.tables?.ContractServices ?? state.ContractServices).find(
    (l: any) => l.serviceID === service.id && l.contractID === IDS.contract,
  );
  if (!line) return { units: 0, price: 0, cost: 0 };
  return adminGet(w, `/units?contractServiceId=${line.id}&date=${day}`);
}

function writes(w: AutotaskWorld): number {
  return (
    w.emulator.requests.count('POST', '**/Services') +
    w.emulator.requests.count('PATCH', '**') +
    w.emulator.requests.count('POST', '**/ServiceAdjustments')
  );
}

/** R-1..R-13 under every Autotask variant no public source settles (issue 11), each in each value. */
describe.each([...BILLING_VARIANTS, ...DIALECT_VARIANTS])(
  'Autotask end to end (engine + adapter + emulator): $name',
  (v) => {
    beforeAll(() => {
      variant = v;
    });
    it('R-1 the first product sync creates PC_<SKU> services with retail, cost, billing code, vendor, active', async () => {
      const w = await world();
      const run = await syncProducts(w.deps, runCtx(w), { preview: false });
      expect(run.status).toBe('success');
      const created = (await services(w)).filter((s: any) => s.name.startsWith('PC_'));
      expect(created.map((s: any) => s.name).sort()).toEqual([
        'PC_CFQ7TTC0LH18:0001',
        'PC_DZH318Z0BPS6:0001',
        'PC_P1Y:M:CFQ7TTC0LCHC:0002',
      ]);
      const bp = created.find((s: any) => s.name === 'PC_P1Y:M:CFQ7TTC0LCHC:0002');
      expect(bp).toMatchObject({
        unitPrice: 23.1,
        unitCost: 20,
        billingCodeID: IDS.code,
        vendorCompanyID: IDS.vendor,
        isActive: true,
      });
    });

    it('R-2/R-3 renamed services keep being updated by id; deleted ones are re-created; inactive stay inactive', async () => {
      const w = await world();
      await syncProducts(w.deps, runCtx(w), { preview: false });
      const all = await services(w);
      const bp = all.find((s: any) => s.name === 'PC_P1Y:M:CFQ7TTC0LCHC:0002');
      const basic = all.find((s: any) => s.name === 'PC_CFQ7TTC0LH18:0001');
      const azure = all.find((s: any) => s.name === 'PC_DZH318Z0BPS6:0001');
      await fetch(`${w.base}/_emulator/entities/Services/${bp.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Business Premium (our name)', unitPrice: 22, description: 'kept' }),
      });
      await fetch(`${w.base}/_emulator/services/${basic.id}/deactivate`, { method: 'POST' });
      await fetch(`${w.base}/_emulator/entities/Services/${azure.id}`, { method: 'DELETE' });
      const run = await syncProducts(w.deps, runCtx(w), { preview: false });
      expect(run.status).toBe('success');
      const after = await services(w);
      expect(after.find((s: any) => s.id === bp.id)).toMatchObject({
        name: 'Business Premium (our name)',
        unitPrice: 23.1,
        description: 'kept',
      });
      expect(after.find((s: any) => s.id === basic.id)).toMatchObject({ isActive: false });
      expect(after.filter((s: any) => s.name === 'PC_DZH318Z0BPS6:0001')).toHaveLength(1);
      expect(after.find((s: any) => s.name === 'PC_DZH318Z0BPS6:0001').id).not.toBe(azure.id);
    });

    it('R-5 a name collision shows in the preview, is an item error, and the others are created', async () => {
      const w = await world({
        services: [
          {
            id: 900,
            name: 'PC_CFQ7TTC0LH18:0001',
            billingCodeID: IDS.code,
            periodType: 2,
            unitPrice: 7,
            unitCost: 6,
            isActive: true,
          },
        ],
      });
      const preview = await syncProducts(w.deps, runCtx(w), { preview: true });
      const previewItems = await listRunItems(pool, preview.runId);
      expect(previewItems.find((i) => i.action === 'collision')?.label).toBe('PC_CFQ7TTC0LH18:0001');
      expect(writes(w)).toBe(0); // the preview wrote nothing
      const run = await syncProducts(w.deps, runCtx(w), { preview: false });
      expect(run.status).toBe('error');
      expect(run.items.error).toBe(1);
      expect((await services(w)).filter((s: any) => s.name.startsWith('PC_'))).toHaveLength(3);
    });

    it('R-7/R-9 contract units per day follow the invoices; Azure bills each month once; a second run writes nothing', async () => {
      const w = await world();
      await syncProducts(w.deps, runCtx(w), { preview: false });
      const [run] = await syncCustomers(w.deps, runCtx(w), { preview: false });
      expect(run).toMatchObject({ status: 'success' });
      const bp = 'PC_P1Y:M:CFQ7TTC0LCHC:0002';
      expect((await unitsOn(w, bp, '2025-07-14')).units).toBe(0);
      expect(await unitsOn(w, bp, '2025-07-15')).toMatchObject({ units: 10, price: 23.1, cost: 20 });
      expect((await unitsOn(w, bp, '2025-07-19')).units).toBe(10);
      expect((await unitsOn(w, bp, '2025-07-20')).units).toBe(12);
      expect((await unitsOn(w, bp, '2025-08-24')).units).toBe(12);
      expect((await unitsOn(w, bp, '2025-08-25')).units).toBe(9);
      expect((await unitsOn(w, 'PC_CFQ7TTC0LH18:0001', '2025-08-15')).units).toBe(3);
      const az = 'PC_DZH318Z0BPS6:0001';
      expect(await unitsOn(w, az, '2025-08-10')).toMatchObject({ units: 1, cost: 100.5, price: 100.5 });
      expect(await unitsOn(w, az, '2025-09-10')).toMatchObject({ units: 1, cost: 120, price: 120 });
      // October is September's invoice to decide (usage or back to 0): nothing is written ahead of it. (A PSA
      // with rows only up to the current period has none for October yet: it will carry September's.)
      const october = (await unitsOn(w, az, '2025-10-01')).units;
      expect(october).toBe(variant.rules?.unitsHorizon === 'current-period' ? 0 : 1);
      const before = writes(w);
      const [again] = await syncCustomers(w.deps, runCtx(w), { preview: false });
      expect(again).toMatchObject({ status: 'no_change', writes: 0 });
      expect(writes(w)).toBe(before);
    });

    it('R-12 an ended contract gives a clear error in the run', async () => {
      const w = await world({ contractId: IDS.endedContract });
      await syncProducts(w.deps, runCtx(w), { preview: false });
      const [run] = await syncCustomers(w.deps, runCtx(w), { preview: false });
      expect(run!.status).toBe('error');
      const items = await listRunItems(pool, run!.runId);
      expect(items[0]!.messages[0]!.text).toMatch(/^Contract Contoso 2024 ended on 31 Dec 2024/);
    });

    it('R-13 with 10% of PSA calls failing and the executor killed mid-run, the final state equals the no-fault run', async () => {
      const extraTenants = Array.from({ length: 6 }, (_, i) => `00000000-0000-4000-8000-00000000010${i}`);
      const clean = await world({ extraTenants });
      await syncProducts(clean.deps, runCtx(clean), { preview: false });
      await syncCustomers(clean.deps, runCtx(clean), { preview: false });

      const w = await world({ timeoutMs: 400, extraTenants });
      // 10% of all calls fail, spread over every route: 429, 503, a hang (client timeout) and a lost response.
      for (const [kind, offset] of [
        ['429', 0],
        ['503', 10],
        ['hang', 20],
        ['lost-response', 30],
      ] as const) {
        w.emulator.faults.inject({
          kind,
          path: '**',
          every: 40,
          offset,
          count: 1000,
          ...(kind === 'hang' ? { delayMs: 1500 } : {}),
        });
      }
      await syncProducts(w.deps, runCtx(w), { preview: false });
      let n = 0;
      const dying = {
        ...w.deps,
        beforeWrite: () => {
          n += 1;
          if (n === 4) throw new Error('worker killed');
        },
      };
      await expect(syncCustomers(dying, runCtx(w), { preview: false })).rejects.toThrow('worker killed');
      const runId = (
        await pool.query("select id from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
      ).rows[0].id;
      const resumed = await resumeRun(w.deps, runCtx(w), runId);
      expect(['success', 'warning']).toContain(resumed.status);
      const [again] = await syncCustomers(w.deps, runCtx(w), { preview: false });
      expect(again!.operations).toBe(0);

      const picture = async (x: AutotaskWorld) => {
        const state = await adminGet(x, '/state');
        const names = new Map((state.tables?.Services ?? state.Services).map((s: any) => [s.id, s.name]));
        const svc = (state.tables?.Services ?? state.Services)
          .map((s: any) => [s.name, s.unitPrice, s.unitCost, s.isActive])
          .sort();
        const units = (state.ContractServiceUnits ?? state.derived?.ContractServiceUnits ?? [])
          .map((u: any) => [
            u.contractID,
            names.get(u.serviceID),
            u.startDate,
            u.endDate,
            u.units,
            u.price,
            u.cost,
          ])
          .sort();
        return { svc, units };
      };
      const a = await picture(clean);
      const b = await picture(w);
      expect(a.units.length).toBeGreaterThan(10);
      expect(b).toEqual(a);
      // No duplicate adjustment: the same number of ServiceAdjustments landed in both tenants.
      const adj = async (x: AutotaskWorld) =>
        (
          (await adminGet(x, '/state')).tables?.ContractServiceAdjustments ??
          (await adminGet(x, '/state')).ContractServiceAdjustments ??
          []
        ).length;
      expect(await adj(w)).toBe(await adj(clean));
      const hits = Object.fromEntries(w.emulator.faults.list().map((f) => [f.kind, f.hits]));
      // Every kind of fault really happened (and about 10% of the calls failed).
      for (const kind of ['429', '503', 'hang', 'lost-response']) expect(hits[kind], kind).toBeGreaterThan(0);
    });
  },
);
