import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { PlainDate } from '../../src/core/time/plain-date';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listCustomerRows } from '../../src/db/repos/customer-list';
import { insertRun, type RunStatus, setRunStatus, supersedeOpenRuns } from '../../src/db/repos/runs';
import { upsertSourceCustomers } from '../../src/db/repos/source-data';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * The customers table's "Last run" and "Last synced" (issue 14: read from customer_run_states, which a trigger on
 * runs keeps): the same answers as reading the customer's runs, whatever writes the runs and in whatever order.
 */

let db: TestDatabase;
let pool: Pool;
let ws: WorkspaceId;
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const run = (tenantId: string, status: RunStatus, target = 'autotask') =>
  insertRun(pool, {
    workspaceId: ws,
    target,
    kind: 'customer',
    tenantId,
    customerName: tenantId === A ? 'Alpha' : 'Beta',
    status,
    asOf: '2025-09-10' as PlainDate,
    trigger: 'test',
    createdBy: 'test',
    plan: { operations: [], invoiceIds: [] },
    summary: {},
    items: [],
    journal: [],
  });
const at = (id: string, created: string, finished: string | null) =>
  pool.query('update runs set created_at = $2, finished_at = $3 where id = $1', [id, created, finished]);
const row = async (tenantId: string, target = 'autotask') =>
  (await listCustomerRows(pool, ws, { target, tenantId, limit: 1, offset: 0 }))[0]!;
/** What the table showed before issue 14: read from the customer's runs. */
const fromRuns = async (tenantId: string, target = 'autotask') => {
  const res = await pool.query(
    `select (select id from runs where workspace_id = $1 and target = $2 and tenant_id = $3 and kind = 'customer'
               and status not in ('preview', 'superseded') order by created_at desc limit 1) as last_run_id,
            (select max(finished_at) from runs where workspace_id = $1 and target = $2 and tenant_id = $3
               and kind = 'customer' and status in ('success', 'warning', 'no_change')) as last_synced_at`,
    [ws, target, tenantId],
  );
  return res.rows[0] as { last_run_id: string | null; last_synced_at: Date | null };
};
const expectSameAsRuns = async (tenantId: string, target = 'autotask') => {
  const r = await row(tenantId, target);
  expect({ last_run_id: r.last_run_id, last_synced_at: r.last_synced_at }).toEqual(
    await fromRuns(tenantId, target),
  );
};

beforeAll(async () => {
  db = await createTestDatabase('lastrun');
  await migrate(db.url);
  pool = createPool(db.url, 4);
});
beforeEach(async () => {
  ws = (await insertWorkspace(pool, `W ${Math.random()}`)).id;
  await upsertSourceCustomers(pool, ws, [
    { tenantId: A, name: 'Alpha', defaultDomain: 'alpha.example' },
    { tenantId: B, name: 'Beta', defaultDomain: 'beta.example' },
  ]);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe("a customer's last run and last sync", () => {
  it('follow a run from running to success; previews never show', async () => {
    expect(await row(A)).toMatchObject({ last_run_id: null, last_run_status: null, last_synced_at: null });
    await run(A, 'preview');
    expect((await row(A)).last_run_id).toBeNull();
    const id = await run(A, 'running');
    expect(await row(A)).toMatchObject({ last_run_id: id, last_run_status: 'running', last_synced_at: null });
    await setRunStatus(pool, id, 'success', { finished: true, message: 'all written' });
    const r = await row(A);
    expect(r).toMatchObject({ last_run_id: id, last_run_status: 'success', last_run_message: 'all written' });
    expect(r.last_synced_at).toBeInstanceOf(Date);
    expect(r.last_run_at).toEqual(r.last_synced_at);
    expect((await row(B)).last_run_id).toBeNull();
    await expectSameAsRuns(A);
  });

  it('an older run written later does not replace the newer one; an error keeps the last sync', async () => {
    const older = await run(A, 'success');
    await at(older, '2025-08-01T06:00:00Z', '2025-08-01T06:00:09Z');
    const newer = await run(A, 'error');
    await at(newer, '2025-09-01T06:00:00Z', '2025-09-01T06:00:09Z');
    await setRunStatus(pool, older, 'warning', { message: 'late note' });
    expect(await row(A)).toMatchObject({ last_run_id: newer, last_run_status: 'error' });
    expect((await row(A)).last_synced_at).toEqual(new Date('2025-08-01T06:00:09Z'));
    await expectSameAsRuns(A);
  });

  it('a superseded last run gives way to the one before; a deleted one too', async () => {
    const done = await run(A, 'no_change');
    await at(done, '2025-08-01T06:00:00Z', '2025-08-01T06:00:09Z');
    const open = await run(A, 'running');
    await at(open, '2025-09-01T06:00:00Z', null);
    expect((await row(A)).last_run_id).toBe(open);
    expect(await supersedeOpenRuns(pool, ws, 'autotask', 'customer', [A])).toBe(1);
    expect(await row(A)).toMatchObject({ last_run_id: done, last_run_status: 'no_change' });
    await pool.query('delete from runs where id = $1', [done]);
    expect(await row(A)).toMatchObject({ last_run_id: null, last_synced_at: null });
    await expectSameAsRuns(A);
  });

  it('keeps each target apart', async () => {
    const autotask = await run(A, 'success');
    const connectwise = await run(A, 'error', 'connectwise');
    expect((await row(A)).last_run_id).toBe(autotask);
    expect((await row(A, 'connectwise')).last_run_id).toBe(connectwise);
  });

  it('sorts and pages on them', async () => {
    const a = await run(A, 'success');
    await at(a, '2025-08-01T06:00:00Z', '2025-08-01T06:00:09Z');
    const b = await run(B, 'warning');
    await at(b, '2025-09-01T06:00:00Z', '2025-09-01T06:00:09Z');
    const page = (sort: 'lastRunAt' | 'lastRun', order: 'asc' | 'desc') =>
      listCustomerRows(pool, ws, { target: 'autotask', sort, order, limit: 1, offset: 0 });
    expect((await page('lastRunAt', 'desc'))[0]).toMatchObject({ name: 'Beta', total: 2 });
    expect((await page('lastRunAt', 'asc'))[0]).toMatchObject({ name: 'Alpha', total: 2 });
    expect((await page('lastRun', 'asc'))[0]!.name).toBe('Alpha');
  });

  it('two transactions writing runs of the same customer at once leave the right row', async () => {
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query('begin');
      await second.query('begin');
      const older = await run(A, 'running');
      await at(older, '2025-08-01T06:00:00Z', null);
      // The first transaction adds the newest run; the second finishes the older one meanwhile.
      const newest = (
        await first.query(
          `insert into runs (workspace_id, target, kind, tenant_id, status, as_of, created_by, plan, created_at)
           values ($1, 'autotask', 'customer', $2, 'running', '2025-09-10', 'test', '{}', '2025-09-01T06:00:00Z')
           returning id`,
          [ws, A],
        )
      ).rows[0].id as string;
      const finishing = second.query(
        `update runs set status = 'success', finished_at = '2025-08-01T06:00:09Z' where id = $1`,
        [older],
      );
      await first.query('commit');
      await finishing;
      await second.query('commit');
      expect(await row(A)).toMatchObject({ last_run_id: newest, last_run_status: 'running' });
      expect((await row(A)).last_synced_at).toEqual(new Date('2025-08-01T06:00:09Z'));
      await expectSameAsRuns(A);
    } finally {
      first.release();
      second.release();
    }
  });
});
