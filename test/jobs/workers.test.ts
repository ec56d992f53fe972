import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool, withTransaction } from '../../src/db/pool';
import { syncCustomers } from '../../src/engine/sync';
import { enqueueCustomerSync } from '../../src/jobs/enqueue';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { type GateProxy, startGateProxy } from '../resilience/gate-proxy';
import { type AutotaskWorld, runCtx } from '../support/autotask-world';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { jobsOf, TEST_TIMING, waitFor } from '../support/jobs';
import { TENANT } from '../support/planner-fixtures';
import {
  AS_OF,
  connectedWorld as connectWorld,
  picture,
  psaWrites,
  startWorkerProcess,
} from './worker-world';

let db: TestDatabase;
let pool: Pool;
let queue: JobQueue;
const worlds: AutotaskWorld[] = [];
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  db = await createTestDatabase('workers');
  await migrate(db.url);
  pool = createPool(db.url, 10);
  queue = await startJobQueue({ pool }, TEST_TIMING, { worker: false });
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await queue.stop();
  for (const w of worlds) await w.close();
  await pool.end();
  await db.drop();
});

async function connectedWorld(
  extraTenants: string[],
  options: Parameters<typeof connectWorld>[2] = {},
): Promise<AutotaskWorld> {
  const w = await connectWorld(pool, extraTenants, options);
  worlds.push(w);
  return w;
}

/** A real `billsync worker` process on the test database. */
async function startWorker(extraEnv: Record<string, string> = {}) {
  const worker = await startWorkerProcess(db.url, extraEnv);
  stops.push(() => worker.stop());
  return worker;
}

/** On a timeout: what the queue, the runs and the workers say (then the test fails with the timeout). */
function diagnose(w: AutotaskWorld, workers: { output(): string }[]) {
  return async (error: unknown): Promise<never> => {
    const jobs = await jobsOf(pool, 'sync-customer', w.ws);
    const states: Record<string, number> = {};
    for (const j of jobs) states[j.state] = (states[j.state] ?? 0) + 1;
    const runs = await pool.query(
      'select status, count(*)::int as n from runs where workspace_id = $1 group by 1',
      [w.ws],
    );
    const logs = workers.map((x) =>
      x
        .output()
        .split('\n')
        .filter((l) => !l.includes(' done in '))
        .join('\n'),
    );
    console.error(
      { states, runs: runs.rows, unfinished: jobs.filter((j) => j.state !== 'completed').slice(0, 5) },
      logs,
    );
    throw error;
  };
}

describe('billsync worker processes', () => {
  it('two workers sync 300 queued customers, each exactly once, with no duplicate PSA write', async () => {
    const tenants = Array.from(
      { length: 300 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    // Every PSA write waits at a gate until all 300 jobs are taken. A job takes over up to 49 more customers of
    // its connection (CUSTOMER_BATCH), so one worker's 4 handlers hold at most 200 customers while their writes
    // wait: the rest can only be taken by the other worker, whichever of the two polls first.
    let gate: GateProxy | undefined;
    const w = await connectedWorld(tenants, {
      zoneBase: async (base) => {
        gate = await startGateProxy(
          base,
          (method, path) => method !== 'GET' && !/\/query(\/next|\/count)?(\?|$)/i.test(path),
        );
        return gate.url;
      },
    });
    stops.push(() => gate!.close());
    const writesBefore = psaWrites(w);
    const [a, b] = await Promise.all([startWorker(), startWorker()]);
    // Queued in one transaction: no job is visible before the last one is queued.
    await withTransaction(pool, async (tx) => {
      const inTx: JobQueue = { ...queue, send: (name, data, o) => queue.send(name, data, { ...o, db: tx }) };
      for (const t of tenants) {
        const r = await enqueueCustomerSync(inTx, tx, w.ws, t, { asOf: AS_OF, trigger: 'test' });
        expect(r.alreadyQueued).toBe(false);
      }
      // Queued again while waiting: absorbed by the waiting job (a customer is never queued twice).
      for (const t of tenants.slice(0, 20)) {
        expect(await enqueueCustomerSync(inTx, tx, w.ws, t, { asOf: AS_OF })).toEqual({
          jobId: null,
          alreadyQueued: true,
        });
      }
    });
    await waitFor('all 300 customer syncs taken by the workers', async () => {
      const all = await jobsOf(pool, 'sync-customer', w.ws);
      return all.filter((j) => j.state === 'active').length === 300;
    }).catch(diagnose(w, [a, b]));
    gate!.open();
    const jobs = await waitFor(
      '300 completed customer syncs',
      async () => {
        const all = await jobsOf(pool, 'sync-customer', w.ws);
        return all.length === 300 && all.every((j) => j.state === 'completed') && all;
      },
      120_000,
    ).catch(diagnose(w, [a, b]));
    expect(jobs.every((j) => Array.isArray((j.output as { runs?: unknown[] }).runs))).toBe(true);

    const runs = await pool.query<{ tenant_id: string; n: number; statuses: string[]; invoices: number }>(
      `select r.tenant_id, count(*)::int as n, array_agg(r.status) as statuses,
         (select count(*)::int from synced_invoices s where s.workspace_id = r.workspace_id and s.tenant_id = r.tenant_id) as invoices
       from runs r where r.workspace_id = $1 and r.kind = 'customer' group by r.workspace_id, r.tenant_id`,
      [w.ws],
    );
    expect(runs.rows.map((r) => r.tenant_id).sort()).toEqual(tenants);
    expect(runs.rows.every((r) => r.n === 1 && r.statuses[0] === 'success' && r.invoices === 2)).toBe(true);

    // Every PSA write the emulator received is one journal operation done once: nothing was sent twice.
    const done = await pool.query<{ n: number }>(
      `select count(*)::int as n from journal j join runs r on r.id = j.run_id
       where r.workspace_id = $1 and r.kind = 'customer' and j.state = 'done'`,
      [w.ws],
    );
    expect(psaWrites(w) - writesBefore).toBe(done.rows[0]!.n);
    // 300 customers x 2 adjustments: each sent once, none twice, and the emulator holds exactly those.
    expect(done.rows[0]!.n).toBe(600);
    expect(w.emulator.requests.count('POST', '**/ServiceAdjustments')).toBe(600);
    expect((await picture(w)).adjustments).toBe(600);
    // Never more than 3 requests at once per endpoint: the emulator refused none for its thread limit.
    expect(w.emulator.requests.entries().filter((e) => e.status === 429)).toEqual([]);
    // Both workers took jobs (each can hold at most 200 of the 300).
    for (const worker of [a, b]) expect(worker.output()).toMatch(/sync-customer \S+ done in/);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  }, 180_000);

  it('a worker killed mid-job: its silent heartbeat hands the job on (not its 30-minute expiry) and the run finishes with the PSA state of an uninterrupted run', async () => {
    const clean = await connectedWorld([]);
    await syncCustomers(clean.deps, runCtx(clean), { preview: false, tenantIds: [TENANT] });
    const w = await connectedWorld([]);
    // The second adjustment never gets an answer: the worker hangs there, mid-run, until it is killed.
    w.emulator.faults.inject({
      kind: 'hang',
      method: 'POST',
      path: '**/ServiceAdjustments',
      every: 2,
      count: 1,
    });
    // Expiry stays at its default of 30 minutes: only the heartbeat can bring the job back in time.
    const env = { BILLSYNC_HEARTBEAT_SECONDS: '0.5', BILLSYNC_JOB_EXPIRE_SECONDS: '1800' };
    const first = await startWorker(env);
    const queued = await enqueueCustomerSync(queue, pool, w.ws, TENANT, { asOf: AS_OF, trigger: 'test' });
    await waitFor('the hung write', async () => (w.emulator.faults.list()[0]?.hits ?? 0) > 0);
    first.child.kill('SIGKILL');
    await first.stop();
    const [open] = (
      await pool.query("select id, status from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows;
    expect(open.status).toBe('running');

    const second = await startWorker(env);
    const job = await waitFor('the retried job', async () => {
      const [j] = await jobsOf(pool, 'sync-customer', w.ws);
      return j?.state === 'completed' && j;
    }).catch(diagnose(w, [first, second]));
    expect(job.id).toBe(queued.jobId);
    expect(job.retry_count).toBeGreaterThanOrEqual(1);
    expect(second.output()).toMatch(new RegExp(`sync-customer ${job.id} .*handed on`));
    const runs = (
      await pool.query("select id, status from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows;
    expect(runs).toEqual([{ id: open.id, status: 'success' }]);
    const expected = await picture(clean);
    expect(expected.units.length).toBeGreaterThan(0);
    expect(await picture(w)).toEqual(expected);
  }, 90_000);
});
