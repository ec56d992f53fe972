import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_IDS } from '../../emulators/autotask';
import { startTestEmulator, type TestEmulator } from '../../emulators/autotask/testing';
import type { WorkspaceId } from '../../src/core/ids';
import { createPool, type Pool } from '../../src/db/pool';
import { releaseCallSlot, renewCallSlot, takeCallSlot } from '../../src/db/repos/call-slots';
import { upsertConnection } from '../../src/db/repos/connections';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { createKeyedLimiter, type KeyedLimiter } from '../../src/http';
import { leasedLimiter } from '../../src/runtime/call-slots';
import { createAutotaskClient } from '../../src/targets/autotask';
import { everything } from '../../src/targets/autotask/query';
import { createMigratedDatabase } from '../support/db';

/**
 * Issue 14: Autotask allows 3 requests in flight per integration and endpoint (§3.5), counted over every process
 * of billsync. Each request holds a place of its endpoint in the database (`psa_call_slots`) while it is sent; two
 * pools here stand for two processes.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let poolB: Pool;
let workspaceId: WorkspaceId;
let emu: TestEmulator | undefined;

beforeAll(async () => {
  db = await createMigratedDatabase('slots');
  poolB = createPool(db.url, 4);
  workspaceId = (await insertWorkspace(db.pool, 'A')).id;
});

afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

afterAll(async () => {
  await poolB.end();
  await db.close();
});

async function newConnection(): Promise<string> {
  await db.pool.query('delete from connections where workspace_id = $1', [workspaceId]);
  return (await upsertConnection(db.pool, { workspaceId, kind: 'autotask', settings: {}, credentials: null }))
    .id;
}

describe('places per endpoint in the database', () => {
  it('gives 3 places of an endpoint over every process, frees them on release or when the lease ends', async () => {
    const id = await newConnection();
    const taken = await Promise.all(
      [db.pool, poolB, db.pool, poolB].map((p) => takeCallSlot(p, id, 'contracts', 3, 600)),
    );
    expect(
      taken
        .filter(Boolean)
        .map((l) => l?.slot)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(taken.filter((l) => l === undefined)).toHaveLength(1);
    // Another endpoint has its own places.
    expect(await takeCallSlot(poolB, id, 'services', 3, 600)).toBeDefined();
    const [first] = taken.filter((l) => l !== undefined);
    if (!first) throw new Error('no lease');
    await releaseCallSlot(poolB, id, 'contracts', first);
    const again = await takeCallSlot(db.pool, id, 'contracts', 3, 600);
    expect(again?.slot).toBe(first.slot);
    if (!again) throw new Error('no lease');
    // Only the holder renews; a late release of the old lease does not free the place its new holder has.
    expect(await renewCallSlot(db.pool, id, 'contracts', again, 600)).toBe(true);
    expect(await renewCallSlot(db.pool, id, 'contracts', first, 600)).toBe(false);
    await releaseCallSlot(db.pool, id, 'contracts', first);
    expect(await takeCallSlot(db.pool, id, 'contracts', 3, 600)).toBeUndefined();
    // A lease that has ended (its holder died while sending) is a free place.
    const other = await newConnection();
    const short = await Promise.all([0, 1, 2].map(() => takeCallSlot(db.pool, other, 'contracts', 3, 0)));
    expect(short.every(Boolean)).toBe(true);
    const taker = await takeCallSlot(poolB, other, 'contracts', 3, 600);
    expect(taker).toBeDefined();
    // Its old holder can no longer renew it.
    const lost = short.find((l) => l?.slot === taker?.slot);
    if (!lost) throw new Error('no lease');
    expect(await renewCallSlot(db.pool, other, 'contracts', lost, 600)).toBe(false);
  });

  it('a database it cannot ask does not stop the request (the local limit still holds)', async () => {
    const closed = createPool(db.url, 1);
    await closed.end();
    const errors: unknown[] = [];
    const limiter = leasedLimiter(createKeyedLimiter(1), closed, await newConnection(), {
      slots: 3,
      onError: (e) => errors.push(e),
    });
    expect(await limiter.run(['contracts'], async () => 'sent')).toBe('sent');
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('two processes against Autotask', () => {
  /**
   * An emulator whose every request waits in its thread until the test opens the gate (the gate is the added
   * latency, which runs inside the thread slot), with child routes counted as the emulator's switch says.
   */
  async function gatedEmulator(threadEndpoint: 'entity' | 'url-root') {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const e = await startTestEmulator({
      limits: { hourlyThreshold: 1_000, baseLatencyMs: 1, threadEndpoint },
      sleep: () => gate,
    });
    return { e, open };
  }

  const client = (e: TestEmulator, limiter: KeyedLimiter) =>
    createAutotaskClient({
      username: DEMO_CREDENTIALS.userName,
      secret: DEMO_CREDENTIALS.secret,
      integrationCode: DEMO_CREDENTIALS.integrationCode,
      zoneUrl: `${e.base}/ATServicesRest/`,
      limiter,
      threshold: { checkEvery: 0 },
      sleep: async () => {},
      random: () => 0,
    });

  /**
   * Process A writes charges to a contract (a child route) and holds 3 threads; then process B queries contracts,
   * three at once, until `b` is stopped (its requests wait for a place, or Autotask refuses them); then the gate
   * opens.
   */
  async function race(
    e: TestEmulator,
    a: KeyedLimiter,
    b: KeyedLimiter,
    stopped: () => boolean,
    open: () => void,
  ) {
    const writer = client(e, a);
    const reader = client(e, b);
    const writes = [0, 1, 2].map(() =>
      writer.create({}, `Contracts/${DEMO_IDS.firstContract}/Charges`, { name: 'not valid' }),
    );
    await expect.poll(() => e.limits.inFlightCount(), { timeout: 20_000 }).toBe(3);
    const reads = [0, 1, 2].map(() =>
      reader.query({}, 'Contracts', { filter: [everything()], maxRecords: 1 }),
    );
    // Waited on from now: the control's refused reads fail before the gate opens.
    const all = Promise.allSettled([...writes, ...reads]);
    await expect.poll(stopped, { timeout: 20_000 }).toBe(true);
    const refusedBeforeOpen = refused(e);
    open();
    const settled = await all;
    return { refusedBeforeOpen, settled };
  }

  const refused = (e: TestEmulator) => e.requests.entries().filter((r) => r.status === 429).length;

  it.each(['entity', 'url-root'] as const)(
    'never exceeds 3 requests in flight per endpoint, however a child route counts (threadEndpoint %s)',
    async (threadEndpoint) => {
      const { e, open } = await gatedEmulator(threadEndpoint);
      emu = e;
      const id = await newConnection();
      const a = leasedLimiter(createKeyedLimiter(3), db.pool, id, { slots: 3 });
      // Each time one of B's requests finds every place held it waits (pollMs is asked for how long).
      let waits = 0;
      const b = leasedLimiter(createKeyedLimiter(3), poolB, id, {
        slots: 3,
        pollMs: () => {
          waits++;
          return 5;
        },
      });
      const { refusedBeforeOpen, settled } = await race(e, a, b, () => waits >= 6, open);
      expect(refusedBeforeOpen).toBe(0);
      expect(e.requests.entries().filter((r) => r.status === 429)).toEqual([]);
      // The reads all answered; the writes were refused by Autotask's rules, not by the thread limit.
      expect(settled.slice(3).every((s) => s.status === 'fulfilled')).toBe(true);
    },
  );

  it('without the shared places, the second process is refused by the thread limit (the control)', async () => {
    const { e, open } = await gatedEmulator('url-root');
    emu = e;
    const { refusedBeforeOpen } = await race(
      e,
      createKeyedLimiter(3),
      createKeyedLimiter(3),
      () => refused(e) > 0,
      open,
    );
    expect(refusedBeforeOpen).toBeGreaterThan(0);
  });
});
