import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { syncProducts } from '../../src/engine/sync';
import { runJob } from '../../src/jobs/dispatch';
import { enqueueCustomerSync } from '../../src/jobs/enqueue';
import { CUSTOMER_BATCH } from '../../src/jobs/handlers/sync-customer';
import type { JobDeps } from '../../src/jobs/job-deps';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { type AutotaskWorld, autotaskWorld, runCtx } from '../support/autotask-world';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { jobsOf, TEST_TIMING, testJobDeps } from '../support/jobs';
import { TENANT } from '../support/planner-fixtures';
import { AS_OF, INVOICES, PRICES } from './worker-world';

let db: TestDatabase;
let pool: Pool;
let queue: JobQueue;
const worlds: AutotaskWorld[] = [];

beforeAll(async () => {
  db = await createTestDatabase('batches');
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

const tenantsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);

/** A world of 1 + `extra` customers with products synced and one queued customer job each (oldest: TENANT). */
async function queuedWorld(extra: number) {
  const tenants = tenantsOf(extra);
  const w = await autotaskWorld(pool, { invoices: INVOICES, priceList: PRICES, extraTenants: tenants });
  worlds.push(w);
  await syncProducts(w.deps, runCtx(w), { preview: false });
  for (const t of [TENANT, ...tenants]) {
    await enqueueCustomerSync(queue, pool, w.ws, t, { asOf: AS_OF, trigger: 'test' });
  }
  w.emulator.requests.reset();
  const started: string[] = [];
  const finished: string[] = [];
  const deps: JobDeps = {
    ...testJobDeps({ pool, engine: w.deps, queue, clock: fixedClock(AS_OF) }),
    inFlight: { start: (id) => started.push(id), finish: (id) => finished.push(id) },
  };
  return { w, tenants, deps, started, finished };
}

/** Takes the oldest waiting customer job as pg-boss hands it to a handler, and runs it. */
async function runOldest(deps: JobDeps) {
  const [job] = await queue.boss.fetch('sync-customer', { includeMetadata: true });
  if (!job) throw new Error('no job waiting');
  const info = { id: job.id, createdOn: job.createdOn, retryCount: job.retryCount };
  return { job, result: runJob(deps, 'sync-customer', job.data, info) };
}

describe('customer jobs in batches', () => {
  it('the job holding the PSA slot takes over waiting jobs of its connection: one PSA snapshot for 50 customers, each job answered with its own run', async () => {
    const { w, deps, started, finished } = await queuedWorld(CUSTOMER_BATCH + 9);
    const { job, result } = await runOldest(deps);
    const own = (await result) as { runs: { tenantId: string; status: string }[] };
    expect(own.runs).toEqual([expect.objectContaining({ tenantId: TENANT, status: 'success' })]);

    const jobs = await jobsOf(pool, 'sync-customer', w.ws);
    const others = jobs.filter((j) => j.id !== job.id);
    const taken = others.filter((j) => j.state === 'completed');
    expect(taken).toHaveLength(CUSTOMER_BATCH - 1);
    // The oldest ones were taken; the rest waits for the next job to run.
    expect(others.filter((j) => j.state === 'created')).toEqual(others.slice(CUSTOMER_BATCH - 1));
    for (const j of taken) {
      expect(j.output).toEqual({
        runs: [expect.objectContaining({ tenantId: j.data.tenantId, status: 'success', writes: 2 })],
        resumed: [],
      });
    }
    // The heartbeat listed every taken-over job while it ran.
    expect(started.sort()).toEqual(taken.map((j) => j.id).sort());
    expect(finished.sort()).toEqual(started);
    // One read of the products for the whole batch (a job per customer read them 50 times), 2 writes each.
    expect(w.emulator.requests.count('POST', '**/Services/query')).toBe(1);
    expect(w.emulator.requests.count('POST', '**/ServiceAdjustments')).toBe(2 * CUSTOMER_BATCH);

    // The next job to run takes the rest (the two that ran are completed by pg-boss from their result).
    const next = await runOldest(deps);
    await next.result;
    const after = await jobsOf(pool, 'sync-customer', w.ws);
    const ran = [job.id, next.job.id];
    expect(after.filter((j) => !ran.includes(j.id) && j.state !== 'completed')).toEqual([]);
    expect(w.emulator.requests.count('POST', '**/Services/query')).toBe(2);
  }, 60_000);

  it('a customer switched off since it was queued ends its own job as skipped; a failure of the batch fails each job for its own retry', async () => {
    const { w, tenants, deps } = await queuedWorld(4);
    await pool.query(
      "update customer_mappings set sync_on = false where workspace_id = $1 and target = 'autotask' and tenant_id = $2",
      [w.ws, tenants[1]],
    );
    // Every read of contracts fails: the batch cannot plan.
    w.emulator.faults.inject({ kind: '503', method: 'POST', path: '**/Contracts/query', count: 1000 });
    const { job, result } = await runOldest(deps);
    await expect(result).rejects.toThrow();
    const byTenant = new Map((await jobsOf(pool, 'sync-customer', w.ws)).map((j) => [j.data.tenantId, j]));
    expect(byTenant.get(tenants[1]!)).toMatchObject({
      state: 'completed',
      output: { skipped: expect.stringMatching(/Sync is off/) },
    });
    for (const t of [tenants[0], tenants[2], tenants[3]]) {
      expect(byTenant.get(t!)).toMatchObject({ state: 'retry', retry_count: 0 });
    }
    // The job that ran fails with the batch as before (pg-boss records it from the handler's error).
    expect(byTenant.get(TENANT)?.id).toBe(job.id);
  }, 60_000);
});
