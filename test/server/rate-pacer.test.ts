import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { upsertConnection } from '../../src/db/repos/connections';
import { takeRateToken } from '../../src/db/repos/rate-budgets';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { createLimiter } from '../../src/http';
import { CONNECTWISE_RATE, connectWiseRate, pacedLimiter } from '../../src/runtime/rate-pacer';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 14: ConnectWise's 1,000 requests a minute, kept by one token bucket per connection in the database that the
 * server and every worker take from. Time is the caller's (`at`), so nothing here waits on the clock.
 */
let db: TestDatabase;
let pool: Pool;
let poolB: Pool;
let connectionId: string;

beforeAll(async () => {
  db = await createTestDatabase('rate');
  await migrate(db.url);
  pool = createPool(db.url, 4);
  // A second pool: another process taking from the same bucket.
  poolB = createPool(db.url, 4);
  const ws = (await insertWorkspace(pool, 'A')).id;
  connectionId = (
    await upsertConnection(pool, { workspaceId: ws, kind: 'connectwise', settings: {}, credentials: null })
  ).id;
});

afterAll(async () => {
  await pool.end();
  await poolB.end();
  await db.drop();
});

const T0 = Date.parse('2026-12-01T10:00:00Z');

describe('the rate budget of a connection', () => {
  it('gives the burst at once, then one token per 1/rate, never more than burst + rate in any minute', async () => {
    const shape = { perMinute: 600, burst: 5 };
    const id = connectionId;
    // Two processes take at the same instant: exactly the burst is granted between them.
    const first = await Promise.all(
      Array.from({ length: 8 }, (_, i) => takeRateToken(i % 2 ? poolB : pool, id, shape, T0)),
    );
    expect(first.filter((w) => w === 0)).toHaveLength(5);
    // The others are told how long until a token: 100 ms at 600 a minute.
    for (const w of first.filter((x) => x > 0)) expect(w).toBe(100);
    expect(await takeRateToken(pool, id, shape, T0 + 99)).toBeGreaterThan(0);
    expect(await takeRateToken(pool, id, shape, T0 + 100)).toBe(0);
    // Over a simulated minute of callers asking every 25 ms, the grants stay within burst + rate.
    let granted = 0;
    for (let t = T0 + 110; t < T0 + 60_000; t += 25)
      if ((await takeRateToken(pool, id, shape, t)) === 0) granted++;
    expect(granted).toBeGreaterThanOrEqual(590);
    expect(granted + 6).toBeLessThanOrEqual(shape.burst + shape.perMinute + 1);
  }, 120_000);

  it('a paced limiter waits as long as the budget says, then runs under the concurrency limit', async () => {
    const other = (await insertWorkspace(pool, 'B')).id;
    const conn = (
      await upsertConnection(pool, {
        workspaceId: other,
        kind: 'connectwise',
        settings: {},
        credentials: null,
      })
    ).id;
    let now = T0;
    const waits: number[] = [];
    const limiter = pacedLimiter(
      createLimiter(3),
      pool,
      conn,
      { perMinute: 60, burst: 2 },
      {
        now: () => now,
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
      },
    );
    const ran: number[] = [];
    for (let i = 0; i < 4; i++) await limiter.run(async () => ran.push(now));
    // Two at once (the burst), then one a second.
    expect(ran).toEqual([T0, T0, T0 + 1000, T0 + 2000]);
    expect(waits).toEqual([1000, 1000]);
  });

  it('a database it cannot ask does not stop the request (the PSA refuses with 429 if it must)', async () => {
    const closed = createPool(db.url, 1);
    await closed.end();
    const limiter = pacedLimiter(createLimiter(1), closed, connectionId, CONNECTWISE_RATE);
    expect(await limiter.run(async () => 'sent')).toBe('sent');
  });

  it('takes its pace from BILLSYNC_CW_REQUESTS_PER_MINUTE (a whole number), else 950 a minute', () => {
    expect(connectWiseRate({})).toEqual(CONNECTWISE_RATE);
    expect(CONNECTWISE_RATE.perMinute + CONNECTWISE_RATE.burst).toBeLessThan(1000);
    const asked = (v: string) => connectWiseRate({ BILLSYNC_CW_REQUESTS_PER_MINUTE: v });
    expect(asked('300')).toEqual({ perMinute: 300, burst: 12 });
    expect(asked('60000')).toEqual({ perMinute: 60000, burst: 40 });
    expect(asked('fast')).toEqual(CONNECTWISE_RATE);
    expect(asked('0')).toEqual(CONNECTWISE_RATE);
  });
});
