import type { Pool, PoolClient } from '../db/pool';
import type { TargetKind } from '../db/repos/sync';
import { type LockPolling, lockPollJitter, lockPollSleep } from './locks';

/**
 * How many syncs may talk to one PSA connection at once, across every process and machine: background jobs and
 * the synchronous syncs of the API (`POST /api/sync/...`) and the CLI (`billsync sync`) take the same slots
 * (src/services/sync/actions.ts). Autotask allows 3 concurrent requests per API user and endpoint
 * (autotask-api.md 3.5): every request holds one of 3 places of its endpoint shared by all processes
 * (runtime/call-slots.ts), so more syncs than threads is safe, and 6 keep the threads busy while each sync does
 * its own work between calls (planning, storing its runs: issue 14); the adapter still retries a "thread
 * threshold exceeded" answer with backoff (another integration of the MSP on the same API user). ConnectWise
 * documents no such limit: its requests are paced a minute (runtime/rate-pacer.ts) and hold one of 6 places over
 * every process (runtime/targets.ts), so 6 syncs keep its pace busy too.
 */
export const PSA_JOB_SLOTS: Record<TargetKind, number> = { autotask: 6, connectwise: 6 };

const lockKey = (connection: string, slot: number) => `billsync:psa-slot:${connection}:${slot}`;

async function tryTake(client: PoolClient, connection: string, slots: number): Promise<number | undefined> {
  for (let slot = 0; slot < slots; slot++) {
    const res = await client.query<{ ok: boolean }>(
      'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
      [lockKey(connection, slot)],
    );
    if (res.rows[0]?.ok) return slot;
  }
  return undefined;
}

/** Wait between attempts while every slot is taken (default 40-120 ms, jittered). */
export type SlotOptions = LockPolling;

/**
 * Runs `fn` holding one of the connection's job slots: Postgres advisory locks held on a dedicated connection, so
 * the slot frees itself when the process dies. While all slots are taken it waits without holding a connection.
 */
export async function withPsaSlot<T>(
  pool: Pool,
  ws: string,
  target: TargetKind,
  fn: () => Promise<T>,
  options: SlotOptions = {},
): Promise<T> {
  const connection = `${ws}:${target}`;
  const slots = PSA_JOB_SLOTS[target];
  const sleep = options.sleep ?? lockPollSleep;
  for (;;) {
    const client = await pool.connect();
    let slot: number | undefined;
    try {
      slot = await tryTake(client, connection, slots);
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (slot === undefined) {
      client.release();
      await sleep((options.pollMs ?? lockPollJitter)());
      continue;
    }
    try {
      return await fn();
    } finally {
      // A connection that cannot unlock is closed rather than returned to the pool still holding the slot.
      const unlocked = await client
        .query('select pg_advisory_unlock(hashtextextended($1, 0))', [lockKey(connection, slot)])
        .then(() => true)
        .catch(() => false);
      client.release(!unlocked);
    }
  }
}
