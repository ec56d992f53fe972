import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { syncCustomers } from '../../src/engine/sync';
import { enqueueCustomerSync } from '../../src/jobs/enqueue';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import {
  AS_OF,
  alive,
  type CliProcess,
  connectedWorld,
  picture,
  processEnv,
  startWorkerProcess,
} from '../jobs/worker-world';
import { type AutotaskWorld, runCtx } from '../support/autotask-world';
import { freePort, startCli } from '../support/cli';
import { jobsOf, TEST_TIMING, waitFor } from '../support/jobs';
import { TENANT } from '../support/planner-fixtures';
import { type GateProxy, startGateProxy } from './gate-proxy';
import { type KillablePostgres, startKillablePostgres } from './killable-postgres';

let pg: KillablePostgres;
let pool: Pool;
let queue: JobQueue;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  pg = await startKillablePostgres();
  await migrate(pg.url);
  pool = createPool(pg.url, 6);
  queue = await startJobQueue({ pool }, TEST_TIMING, { worker: false });
  // A ceiling, not a wait: initdb and a first start of a private PostgreSQL take long on a loaded machine.
}, 180_000);
/** A cleanup after a failed test (the database possibly down) must not hang the run. */
const within = (ms: number, work: () => Promise<unknown>) =>
  Promise.race([work().catch(() => {}), new Promise((resolve) => setTimeout(resolve, ms))]);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await within(10_000, cleanup);
  await within(10_000, () => queue?.stop({ graceful: false }));
  await within(10_000, () => pool?.end() ?? Promise.resolve());
  await pg?.close();
});

const healthOf = async (base: string) =>
  (await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined))?.status;

/** Fails at once (with its output) when a billsync process has died, instead of waiting for a timeout. */
function bothAlive(processes: CliProcess[]) {
  for (const p of processes) {
    if (!alive(p)) throw new Error(`a billsync process died (${p.child.exitCode}):\n${p.output()}`);
  }
}

describe('the database goes away under running processes', () => {
  it('kill -9 of the postmaster mid-sync: server and worker keep running, /health is 503 then 200, the job is retried and its run resumes to the PSA state of an uninterrupted run', async () => {
    const clean: AutotaskWorld = await connectedWorld(pool, []);
    cleanups.push(() => clean.close());
    await syncCustomers(clean.deps, runCtx(clean), { preview: false, tenantIds: [TENANT] });

    // The customer's second adjustment is held at a gate: a worker is then mid-sync, holding its locks.
    let adjustments = 0;
    let gate: GateProxy | undefined;
    const w = await connectedWorld(pool, [], {
      zoneBase: async (base) => {
        gate = await startGateProxy(
          base,
          (method, path) => method === 'POST' && /\/ServiceAdjustments$/i.test(path) && ++adjustments === 2,
        );
        return gate.url;
      },
    });
    cleanups.push(
      () => w.close(),
      () => gate!.close(),
    );

    const env = { BILLSYNC_HEARTBEAT_SECONDS: '0.5' };
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await startCli(
      ['serve'],
      { ...processEnv(pg.url, env), PORT: String(port), HOST: '127.0.0.1' },
      // Ready once its embedded worker is up too (a database lost while billsync starts is another story).
      async (output) => output.includes('worker: worker started') && (await healthOf(base)) === 200,
    );
    cleanups.push(() => server.stop());
    const worker = await startWorkerProcess(pg.url, env);
    cleanups.push(() => worker.stop());
    const processes = [server, worker];

    const queued = await enqueueCustomerSync(queue, pool, w.ws, TENANT, { asOf: AS_OF, trigger: 'test' });
    await waitFor('a worker mid-sync, its second write held', async () => gate!.held() === 1);
    const [open] = (await pool.query('select id, status from runs where workspace_id = $1', [w.ws])).rows;
    expect(open.status).toBe('running');

    await pg.kill();
    await waitFor('/health 503 while the database is gone', async () => {
      bothAlive(processes);
      return (await healthOf(base)) === 503;
    });
    // The held write lands in the PSA; the worker cannot journal it: the job fails while the database is down.
    gate!.open();
    await waitFor('the job failing in its worker', async () => {
      bothAlive(processes);
      return processes.some((p) => p.output().includes(`sync-customer ${queued.jobId} failed`));
    });

    await pg.start();
    await waitFor(
      '/health 200 within seconds of the database coming back',
      async () => {
        bothAlive(processes);
        return (await healthOf(base)) === 200;
      },
      15_000,
    );
    const job = await waitFor('the job retried and completed', async () => {
      bothAlive(processes);
      const [j] = await jobsOf(pool, 'sync-customer', w.ws);
      return j?.state === 'completed' && j;
    });
    expect(job.id).toBe(queued.jobId);
    expect(job.retry_count).toBeGreaterThanOrEqual(1);
    // The interrupted run was resumed through its journal (the held write probed, not sent twice).
    const runs = (
      await pool.query("select id, status from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows;
    expect(runs).toEqual([{ id: open.id, status: 'success' }]);
    const expected = await picture(clean);
    expect(expected.units.length).toBeGreaterThan(0);
    expect(await picture(w)).toEqual(expected);

    expect(await server.stop()).toBe(0);
    expect(await worker.stop()).toBe(0);
  }, 120_000);
});
