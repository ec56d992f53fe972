import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listRunItems } from '../../src/db/repos/runs';
import { storeInvoice } from '../../src/db/repos/source-data';
import { getMapping, listLinks } from '../../src/db/repos/sync';
import { syncCustomers, syncProducts } from '../../src/engine/sync';
import { type AutotaskVariant, BILLING_VARIANTS } from '../support/autotask-variants';
import { type AutotaskWorld, autotaskWorld, runCtx } from '../support/autotask-world';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { TENANT } from '../support/planner-fixtures';
import { month, PRICES } from '../support/volume-fixtures';

/**
 * Issue 14, first sync at the API floor: the calls a first sync makes, counted in the emulator's request log (a
 * count, never a time), are at most 1.1 x (its writes + the batched reads a steady-state month needs). The lines
 * its adjustments create are read back in batches (with the check after writing), not one read per write, and
 * that batched check still pauses exactly the customer whose PSA bills otherwise, under every Autotask variant.
 */

let db: TestDatabase;
let pool: Pool;
const worlds: AutotaskWorld[] = [];

beforeAll(async () => {
  db = await createTestDatabase('first_sync_calls');
  await migrate(db.url);
  pool = createPool(db.url, 10);
});
afterAll(async () => {
  for (const w of worlds) await w.close();
  await pool.end();
  await db.drop();
});

const FIRST_MONTHS = [
  month('G7', '2025-07', '2025-07-15', '2025-08-14', 10, { day: '2025-07-20', to: 12 }),
  month('G8', '2025-08', '2025-08-15', '2025-09-14', 12),
];

const tenantsOf = (n: number, group: number) =>
  Array.from({ length: n }, (_, i) => `00000000-0000-4000-a${group}00-${String(i).padStart(12, '0')}`);

async function world(extraTenants: string[], variant: Omit<AutotaskVariant, 'name'> = {}) {
  const w = await autotaskWorld(pool, {
    invoices: FIRST_MONTHS,
    priceList: PRICES,
    extraTenants,
    ...(variant.rules ? { rules: variant.rules } : {}),
    ...(variant.limits ? { limits: variant.limits } : {}),
  });
  worlds.push(w);
  return w;
}

/** Calls, writes and reads of one phase, from the emulator's request log. */
async function counted(w: AutotaskWorld, phase: () => Promise<unknown>) {
  w.emulator.requests.reset();
  await phase();
  const r = w.emulator.requests;
  const writes =
    r.count('POST', '**/Services') +
    r.count('PATCH', '**') +
    r.count('POST', '**/ServiceAdjustments') +
    r.count('POST', '**/Charges');
  const calls = r.count();
  return { calls, writes, reads: calls - writes, lineQueries: r.count('POST', '**/ContractServices/query') };
}

describe('first sync at the API floor (issue 14)', () => {
  it('60 customers: calls <= 1.1 x (writes + steady-state reads); new lines read back in batches and linked', async () => {
    const extra = tenantsOf(59, 1);
    const customers = extra.length + 1;
    const w = await world(extra);
    let runs: Awaited<ReturnType<typeof syncCustomers>> = [];
    let changes = 0;
    const sync = async (asOf: string) => {
      const products = await syncProducts(w.deps, runCtx(w, asOf), { preview: false });
      runs = await syncCustomers(w.deps, runCtx(w, asOf), { preview: false });
      changes = products.operations + runs.reduce((n, r) => n + r.operations, 0);
    };

    const first = await counted(w, () => sync('2025-09-10'));
    expect(runs).toHaveLength(customers);
    expect(runs.every((r) => r.status === 'success')).toBe(true);
    // Two products, then per customer Business Premium (start, seat change, August) and Basic: all written.
    expect(first.writes).toBeGreaterThanOrEqual(2 + 3 * customers);
    // Contract lines are read twice per batch of 50 customers (plan, check after writing): never once per write.
    const batches = Math.ceil(customers / 50);
    expect(first.lineQueries).toBeLessThanOrEqual(2 * batches);
    // Every created line is linked to its offer, from the batched read.
    expect((await listLinks(pool, w.ws, 'autotask', 'contract-line')).size).toBe(2 * customers);

    // A steady-state month: the September invoice; every 5th customer drops to 11 seats on the 25th.
    const sept = [TENANT, ...extra].flatMap((t, i) =>
      month(
        'G9',
        '2025-09',
        '2025-09-15',
        '2025-10-14',
        12,
        i % 5 === 1 ? { day: '2025-09-25', to: 11 } : undefined,
      ).lines.map((l) =>
        t === TENANT ? l : { ...l, customerTenantId: t, subscriptionId: `${t}-${l.subscriptionId}` },
      ),
    );
    const header = month('G9', '2025-09', '2025-09-15', '2025-10-14', 12).header;
    await storeInvoice(
      pool,
      w.ws,
      header,
      sept.map((l, n) => ({ ...l, lineNumber: n + 1 })),
    );
    const steady = await counted(w, () => sync('2025-10-10'));
    expect(changes).toBeGreaterThanOrEqual(Math.ceil((customers - 1) / 5));
    expect(steady.writes).toBeLessThanOrEqual(1.1 * changes);

    // The bound, on counts measured in this run.
    expect(first.calls).toBeLessThanOrEqual(1.1 * (first.writes + steady.reads));

    // No-op re-sync: nothing written, at most 2 reads per customer.
    const noop = await counted(w, () => sync('2025-10-10'));
    expect(noop.writes).toBe(0);
    expect(noop.reads).toBeLessThanOrEqual(2 * customers);
  });
});

/** The batched check after writing under every Autotask variant no public source settles (issue 11). */
describe.each(BILLING_VARIANTS)('a batch checked with one read: $name', (v) => {
  it('the one customer whose adjustments land a day late is paused; the others succeed and are linked', async () => {
    const extra = tenantsOf(3, 2);
    const late = extra[1]!;
    const w = await world(extra, v);
    const ctx = runCtx(w);
    await syncProducts(w.deps, ctx, { preview: false });
    // A PSA that stores this customer's adjustments one day after the day sent (emulator fault mode), and only
    // this customer's: switched right before each write.
    const deps = {
      ...w.deps,
      beforeWrite: (opKey: string) => {
        w.emulator.ctx.rules = { ...w.emulator.ctx.rules, adjustmentDayShift: opKey.includes(late) ? 1 : 0 };
      },
    };
    w.emulator.requests.reset();
    const runs = await syncCustomers(deps, ctx, { preview: false });
    expect(runs).toHaveLength(4);
    // One batch: its writes are read back with one ContractServices query (plus the plan's), not one per write.
    expect(w.emulator.requests.count('POST', '**/ContractServices/query')).toBe(2);
    for (const run of runs) {
      const mapping = await getMapping(pool, w.ws, 'autotask', run.tenantId!);
      if (run.tenantId === late) {
        expect(run.status).toBe('error');
        expect(run.message).toMatch(/does not bill what billsync wrote/);
        const items = await listRunItems(pool, run.runId);
        expect(items.some((i) => /where billsync wrote/.test(i.messages.at(-1)?.text ?? ''))).toBe(true);
        expect(mapping).toMatchObject({ sync_on: false });
      } else {
        expect(run.status).toBe('success');
        expect(mapping).toMatchObject({ sync_on: true, paused_reason: null });
      }
    }
    const links = await listLinks(pool, w.ws, 'autotask', 'contract-line');
    for (const t of [TENANT, ...extra])
      expect([...links.keys()].filter((k) => k.startsWith(`${t}|`))).toHaveLength(2);
  });
});
