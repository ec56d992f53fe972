import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { Clock } from '../../src/core/time/clock';
import { utcDateOf } from '../../src/core/time/plain-date';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { saveStoredSchedule } from '../../src/db/repos/schedule';
import { saveProgram } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { handleDailyCheck } from '../../src/jobs/handlers/daily-check';
import { handleSyncProducts } from '../../src/jobs/handlers/sync-products';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { fireDailyChecks } from '../../src/jobs/schedule';
import { type AutotaskWorld, autotaskWorld, priceEntry } from '../support/autotask-world';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { jobsOf, TEST_TIMING, testJobDeps } from '../support/jobs';
import { inv, line, offer, TENANT } from '../support/planner-fixtures';

let db: TestDatabase;
let pool: Pool;
let queue: JobQueue;
const worlds: AutotaskWorld[] = [];

beforeAll(async () => {
  db = await createTestDatabase('sched');
  await migrate(db.url);
  pool = createPool(db.url, 10);
  queue = await startJobQueue({ pool }, TEST_TIMING, { worker: false });
});
afterAll(async () => {
  await queue.stop();
  for (const w of worlds) await w.close();
  await pool.end();
  await db.drop();
});

/** A clock the test moves by hand. */
function movableClock(start: string): Clock & { set(at: string): void } {
  let at = start;
  return { now: () => at, today: () => utcDateOf(at), set: (t) => (at = t) };
}

const INVOICES = [
  inv('G1', '2025-07', [
    line({ start: '2025-07-15', last: '2025-08-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
  ]),
  inv('G2', '2025-08', [
    line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
  ]),
];
const PRICES = [priceEntry(offer(), '20.00', '23.10')];
const EXTRA = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2'];
const DEFAULTS = { hour: 6, timeZone: 'UTC' };

describe('daily schedule', () => {
  it('fires each workspace once per local day at its hour and time zone, however many workers tick', async () => {
    // Berlin: a synced workspace checking at 06:00 Europe/Berlin (UTC+2 in October).
    const berlin = await autotaskWorld(pool, { invoices: INVOICES, priceList: PRICES, extraTenants: EXTRA });
    worlds.push(berlin);
    await saveStoredSchedule(pool, berlin.ws, { hour: 6, timeZone: 'Europe/Berlin' });
    // Utc: the server's defaults (06:00 UTC). Off: schedule switched off. Idle: no syncing program.
    const utc = (await insertWorkspace(pool, 'Utc MSP')).id;
    await saveProgram(pool, utc, 'autotask', { ...DEFAULT_PROGRAM, syncEnabled: true, billingCodeId: '1' });
    const off = (await insertWorkspace(pool, 'Off MSP')).id;
    await saveProgram(pool, off, 'autotask', { ...DEFAULT_PROGRAM, syncEnabled: true, billingCodeId: '1' });
    await saveStoredSchedule(pool, off, { enabled: false });
    const idle = (await insertWorkspace(pool, 'Idle MSP')).id;

    const clock = movableClock('2025-10-01T03:30:00.000Z');
    const tick = () => fireDailyChecks({ pool, queue, clock, defaults: DEFAULTS });
    const checks = async (ws: string) => (await jobsOf(pool, 'daily-check', ws)).map((j) => j.data.localDate);

    expect(await tick()).toEqual([]); // 05:30 in Berlin, 03:30 UTC: nobody is due

    clock.set('2025-10-01T04:00:00.000Z'); // 06:00 in Berlin
    // Three workers tick at the same instant, then again a minute later: one job.
    const fired = (await Promise.all([tick(), tick(), tick()])).flat();
    clock.set('2025-10-01T04:01:00.000Z');
    fired.push(...(await tick()));
    expect(fired.map((f) => [f.workspaceId, f.localDate])).toEqual([[berlin.ws, '2025-10-01']]);

    clock.set('2025-10-01T06:00:00.000Z'); // 06:00 UTC
    expect((await tick()).map((f) => f.workspaceId)).toEqual([utc]);
    clock.set('2025-10-01T22:30:00.000Z'); // 00:30 on 2 October in Berlin: before its hour
    expect(await tick()).toEqual([]);
    clock.set('2025-10-02T04:15:00.000Z'); // a worker down at the hour fires when it is back
    expect((await tick()).map((f) => [f.workspaceId, f.localDate])).toEqual([[berlin.ws, '2025-10-02']]);

    expect(await checks(berlin.ws)).toEqual(['2025-10-01', '2025-10-02']);
    expect(await checks(utc)).toEqual(['2025-10-01']);
    expect(await checks(off)).toEqual([]);
    expect(await checks(idle)).toEqual([]);
  });

  it('a new invoice queues the product sync, then one sync per enabled customer, once', async () => {
    const w = await autotaskWorld(pool, { invoices: INVOICES, priceList: PRICES, extraTenants: EXTRA });
    worlds.push(w);
    const deps = testJobDeps({ pool, engine: w.deps, queue, clock: w.deps.clock });
    const ws = w.ws as string;

    const first = await handleDailyCheck(deps, { workspaceId: ws, localDate: '2025-09-10' });
    expect(first.newInvoices).toEqual(['G1', 'G2']);
    // A retried (or second) check finds nothing new and queues nothing.
    const again = await handleDailyCheck(deps, { workspaceId: ws, localDate: '2025-09-10' });
    expect(again).toMatchObject({ newInvoices: [], queued: [] });
    const products = await jobsOf(pool, 'sync-products', ws);
    expect(products.map((j) => j.data)).toEqual([
      {
        workspaceId: ws,
        target: 'autotask',
        thenCustomers: true,
        // The invoices of the chain: new to the check again if the product sync cannot read the PSA.
        invoices: [
          { id: 'G1', revision: expect.any(Number) },
          { id: 'G2', revision: expect.any(Number) },
        ],
        trigger: 'schedule',
        actor: 'schedule',
      },
    ]);

    const job = { id: products[0]!.id, createdOn: new Date(), retryCount: 0 };
    const payload = {
      ...(products[0]!.data as { workspaceId: string }),
      target: 'autotask' as const,
      asOf: '2025-09-10',
    };
    const done = await handleSyncProducts(
      deps,
      { ...payload, thenCustomers: true, trigger: 'schedule', actor: 'schedule' },
      job,
    );
    expect(done.run).toMatchObject({ status: 'success' });
    expect(done.customersQueued).toBe(3);
    // The same job retried (its worker died after the fan-out): the run answers it, nobody is queued twice.
    const retried = await handleSyncProducts(
      deps,
      { ...payload, thenCustomers: true, trigger: 'schedule', actor: 'schedule' },
      job,
    );
    const runId = 'runId' in done.run ? done.run.runId : '';
    expect(retried).toMatchObject({ run: { satisfiedBy: runId }, customersQueued: 0 });

    const customers = await jobsOf(pool, 'sync-customer', ws);
    expect(customers.map((j) => j.data.tenantId).sort()).toEqual([...EXTRA, TENANT].sort());
    expect(customers.every((j) => j.data.trigger === 'schedule' && j.state === 'created')).toBe(true);
  });

  it('a workspace without a syncing program or without new invoices queues nothing', async () => {
    const ws = (await insertWorkspace(pool, 'Quiet MSP')).id as WorkspaceId;
    const deps = testJobDeps({
      pool,
      engine: worlds[0]!.deps,
      queue,
      clock: movableClock('2025-10-01T08:00:00.000Z'),
    });
    expect(await handleDailyCheck(deps, { workspaceId: ws, localDate: '2025-10-01' })).toMatchObject({
      source: { mode: 'none' },
      newInvoices: [],
      queued: [],
    });
  });
});
