import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock';
import { createPool, lostSessions, type Pool } from '../../src/db/pool';
import { createEngineDeps } from '../../src/runtime/engine';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { waitFor } from '../support/jobs';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('lost');
  pool = createPool(db.url, 3);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** Ends one backend from outside, as a database restart does (57P01 to its client). */
async function terminate(backendPid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [backendPid]);
  } finally {
    await admin.end();
  }
}

describe('a pooled connection lost while it is handed out', () => {
  it('is no unhandled error; the engine writes nothing while it is held, and the pool goes on with a new one', async () => {
    const deps = createEngineDeps({ pool, clock: fixedClock('2025-09-10'), openTarget: undefined });
    const holder = await pool.connect(); // like the connection holding a customer's advisory lock during a sync
    const { rows } = await holder.query<{ pid: number }>('select pg_backend_pid() as pid');
    expect(() => deps.beforeWrite?.('op')).not.toThrow();

    await terminate(rows[0]!.pid);
    await waitFor('the lost session noticed', async () => lostSessions(pool) === 1);
    expect(() => deps.beforeWrite?.('op')).toThrow(/connection holding the locks of this sync was lost/);

    holder.release();
    expect(lostSessions(pool)).toBe(0);
    expect(() => deps.beforeWrite?.('op')).not.toThrow();
    const again = await pool.query<{ ok: number }>('select 1 as ok');
    expect(again.rows[0]?.ok).toBe(1);
  });
});
