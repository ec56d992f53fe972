import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db';
import { FakeTarget } from '../../../test/support/fake-target';
import {
  d,
  inv,
  julySeatChangeLines,
  offer,
  priceEntry,
  TENANT,
} from '../../../test/support/planner-fixtures';
import type { WorkspaceId } from '../../core/ids';
import { fixedClock } from '../../core/time/clock';
import { migrate } from '../../db/migrate';
import { createPool, type Pool } from '../../db/pool';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../db/repos/source-data';
import { saveMapping, saveProgram } from '../../db/repos/sync';
import { insertWorkspace } from '../../db/repos/workspaces';
import { DEFAULT_PROGRAM } from '../../engine/program';
import { PSA_JOB_SLOTS, withPsaSlot } from '../../engine/psa-slots';
import { type SyncActionDeps, startCustomerSync, startProductSync } from './actions';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('actions');
  await migrate(db.url);
  pool = createPool(db.url, 10);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function world() {
  const ws = (await insertWorkspace(pool, `ws-${Math.random()}`)).id as WorkspaceId;
  const target = new FakeTarget();
  target.addContract({ id: 'K1', startDate: d('2025-01-01') });
  await upsertSourceCustomers(pool, ws, [{ tenantId: TENANT, name: 'Contoso Dental', defaultDomain: '' }]);
  await storePriceList(pool, ws, [priceEntry(offer(), '20.00', '23.10')]);
  const july = inv('G1', '2025-07', [...julySeatChangeLines()]);
  await storeInvoice(pool, ws, july.header, july.lines);
  await saveProgram(pool, ws, 'autotask', { ...DEFAULT_PROGRAM, syncEnabled: true, billingCodeId: '1' });
  await saveMapping(pool, ws, 'autotask', {
    tenant_id: TENANT,
    company_id: 'c1',
    company_name: 'Contoso Dental Ltd',
    contract_id: 'K1',
    contract_name: 'Contract K1',
    strategy: 'cost-and-retail',
    sync_start: d('2025-07-01'),
    sync_on: true,
  });
  return { ws, target };
}

/** Takes every PSA slot of the connection, as three running jobs would; `release()` frees one of them. */
async function takeEverySlot(ws: WorkspaceId) {
  const gates: (() => void)[] = [];
  const held = Array.from({ length: PSA_JOB_SLOTS.autotask }, () =>
    withPsaSlot(pool, ws, 'autotask', () => new Promise<void>((resolve) => gates.push(resolve))),
  );
  await vi.waitFor(() => expect(gates).toHaveLength(PSA_JOB_SLOTS.autotask));
  return {
    release: () => gates.shift()?.(),
    releaseAll: async () => {
      for (const open of gates.splice(0)) open();
      await Promise.all(held);
    },
  };
}

type Start<T> = (deps: SyncActionDeps, req: ReturnType<typeof request>) => Promise<T>;

const request = (ws: WorkspaceId) => ({ ws, target: 'autotask' as const, actor: 'test', trigger: 'api' });

/**
 * Runs a synchronous sync while every slot is taken: it must wait for a slot (its slot hook is called) before it
 * opens the PSA at all, and go on once a job frees one. Which comes first is decided by events, not by time.
 */
async function waitsForASlot<T>(start: Start<T>, before?: Start<unknown>): Promise<T> {
  const { ws, target } = await world();
  let opened = 0;
  let waiting!: () => void;
  const waited = new Promise<void>((resolve) => {
    waiting = resolve;
  });
  const deps: SyncActionDeps = {
    pool,
    clock: fixedClock('2025-08-10'),
    openTarget: async () => {
      opened += 1;
      return target;
    },
    retry: { attempts: 2, baseDelayMs: 1, sleep: async () => {} },
  };
  await before?.(deps, request(ws));
  opened = 0;
  const slots = await takeEverySlot(ws);
  try {
    const hooked: SyncActionDeps = {
      ...deps,
      slots: {
        pollMs: () => 0,
        sleep: async () => {
          waiting();
          await new Promise((resolve) => setImmediate(resolve));
        },
      },
    };
    const sync = start(hooked, request(ws));
    const first = await Promise.race([waited.then(() => 'waited for a slot'), sync.then(() => 'ran')]);
    expect(first).toBe('waited for a slot');
    expect(opened).toBe(0);
    slots.release();
    const result = await sync;
    expect(opened).toBeGreaterThan(0);
    return result;
  } finally {
    await slots.releaseAll();
  }
}

describe('synchronous syncs (API and CLI) share the PSA slots of the jobs', () => {
  it('a product sync waits while every slot of the connection is taken', async () => {
    const summary = await waitsForASlot(startProductSync);
    expect(summary).toMatchObject({ kind: 'product', status: 'success' });
  });

  it('a customer sync waits too', async () => {
    const runs = await waitsForASlot(startCustomerSync, startProductSync);
    expect(runs).toMatchObject([{ tenantId: TENANT, status: 'success' }]);
  });
});
