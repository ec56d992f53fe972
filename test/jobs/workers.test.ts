import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { saveStoredSchedule } from '../../src/db/repos/schedule';
import { syncCustomers, syncProducts } from '../../src/engine/sync';
import { enqueueCustomerSync } from '../../src/jobs/enqueue';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { SecretBox } from '../../src/runtime/secret-box';
import { saveConnection } from '../../src/services/connections';
import { type AutotaskWorld, autotaskWorld, CREDS, priceEntry, runCtx } from '../support/autotask-world';
import { startCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { jobsOf, TEST_TIMING, waitFor } from '../support/jobs';
import { inv, julySeatChangeLines, line, offer, TENANT } from '../support/planner-fixtures';

const KEY = 'a1'.repeat(32);
let db: TestDatabase;
let pool: Pool;
let queue: JobQueue;
const worlds: AutotaskWorld[] = [];
const stops: (() => Promise<unknown>)[] = [];

/** Seats 10 from 15 Jul, 12 from 20 Jul (reversal + new quantity), 12 again on the August invoice. */
const INVOICES = [
  inv('G1', '2025-07', [...julySeatChangeLines()]),
  inv('G2', '2025-08', [
    line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
  ]),
];
const PRICES = [priceEntry(offer(), '20.00', '23.10')];
const AS_OF = runCtx({ ws: '' as never }).asOf;

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

/** An emulated Autotask tenant with products synced and the workspace's connection stored, as a user would. */
async function connectedWorld(extraTenants: string[]): Promise<AutotaskWorld> {
  const w = await autotaskWorld(pool, { invoices: INVOICES, priceList: PRICES, extraTenants });
  worlds.push(w);
  // The workers' clock is the real one: keep the daily check (which would queue every customer) out of the way.
  await saveStoredSchedule(pool, w.ws, { enabled: false });
  await syncProducts(w.deps, runCtx(w), { preview: false });
  await saveConnection(pool, new SecretBox(Buffer.from(KEY, 'hex')), {
    workspaceId: w.ws,
    kind: 'autotask',
    settings: { username: CREDS.userName, zoneUrl: `${w.base}/ATServicesRest/` },
    secrets: { secret: CREDS.secret, integrationCode: CREDS.integrationCode },
    actor: 'test',
  });
  return w;
}

/** A real `billsync worker` process on the test database. */
async function startWorker(extraEnv: Record<string, string> = {}) {
  const worker = await startCli(
    ['worker', '--concurrency', '4'],
    {
      DATABASE_URL: db.url,
      BILLSYNC_SECRET_KEY: KEY,
      BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-worker-')),
      BILLSYNC_WORKER_POLL_SECONDS: '0.5',
      BILLSYNC_JOB_RETRY_SECONDS: '1',
      ...extraEnv,
    },
    async (output) => output.includes('] ready'),
  );
  stops.push(() => worker.stop());
  return worker;
}

/** PSA writes the emulator received (creates, updates, adjustments; queries excluded). */
function psaWrites(w: AutotaskWorld): number {
  const counts = w.emulator.requests.counts();
  return Object.entries(counts)
    .filter(([key]) => /^(POST|PATCH|PUT|DELETE) /.test(key) && !/\/query$/i.test(key))
    .reduce((n, [, c]) => n + c, 0);
}

type Row = Record<string, unknown>;

/** The emulator's admin view: every table by entity name, plus the derived ContractServiceUnits. */
async function adminState(w: AutotaskWorld): Promise<Record<string, Row[]>> {
  return (await (await fetch(`${w.base}/_emulator/state`)).json()) as Record<string, Row[]>;
}

/** Contract units per period, keyed by service name (ids differ per tenant), and how many adjustments exist. */
async function picture(w: AutotaskWorld) {
  const state = await adminState(w);
  const names = new Map((state.Services ?? []).map((s) => [s.id, s.name]));
  const units = (state.ContractServiceUnits ?? [])
    .map((u) =>
      [u.contractID, names.get(u.serviceID), u.startDate, u.endDate, u.units, u.price, u.cost].join('|'),
    )
    .sort();
  return { units, adjustments: (state.ContractServiceAdjustments ?? []).length };
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
  it('two workers sync 200 queued customers, each exactly once, with no duplicate PSA write', async () => {
    const tenants = Array.from(
      { length: 200 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const w = await connectedWorld(tenants);
    const writesBefore = psaWrites(w);
    for (const t of tenants) {
      const r = await enqueueCustomerSync(queue, pool, w.ws, t, { asOf: AS_OF, trigger: 'test' });
      expect(r.alreadyQueued).toBe(false);
    }
    // Queued again while waiting: absorbed by the waiting job (a customer is never queued twice).
    for (const t of tenants.slice(0, 20)) {
      expect(await enqueueCustomerSync(queue, pool, w.ws, t, { asOf: AS_OF })).toEqual({
        jobId: null,
        alreadyQueued: true,
      });
    }
    const [a, b] = await Promise.all([startWorker(), startWorker()]);
    const jobs = await waitFor(
      '200 completed customer syncs',
      async () => {
        const all = await jobsOf(pool, 'sync-customer', w.ws);
        return all.length === 200 && all.every((j) => j.state === 'completed') && all;
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
    // 200 customers x 2 adjustments: each sent once, none twice, and the emulator holds exactly those.
    expect(done.rows[0]!.n).toBe(400);
    expect(w.emulator.requests.count('POST', '**/ServiceAdjustments')).toBe(400);
    expect((await picture(w)).adjustments).toBe(400);
    // Never more than 3 requests at once per endpoint: the emulator refused none for its thread limit.
    expect(w.emulator.requests.entries().filter((e) => e.status === 429)).toEqual([]);
    // Both workers took jobs.
    for (const worker of [a, b]) expect(worker.output()).toMatch(/sync-customer \S+ done in/);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  }, 180_000);

  it('a worker killed mid-job: the job is retried and the run finishes with the PSA state of an uninterrupted run', async () => {
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
    const env = { BILLSYNC_JOB_EXPIRE_SECONDS: '6' };
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
    const runs = (
      await pool.query("select id, status from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows;
    expect(runs).toEqual([{ id: open.id, status: 'success' }]);
    const expected = await picture(clean);
    expect(expected.units.length).toBeGreaterThan(0);
    expect(await picture(w)).toEqual(expected);
  }, 90_000);
});
