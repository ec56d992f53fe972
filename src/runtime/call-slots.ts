import type { Pool } from '../db/pool';
import { type CallSlotLease, releaseCallSlot, renewCallSlot, takeCallSlot } from '../db/repos/call-slots';
import { type KeyedLimiter, runUnder, sortedKeys } from '../http';

/**
 * A place is held for this long and renewed every third of it while its request lasts (the shared HTTP client's
 * attempts and Retry-After waits of one request can take minutes): a process that dies while sending stops
 * renewing, and its places are free again within this time.
 */
export const CALL_SLOT_HOLD_SECONDS = 20;

export interface CallSlotOptions {
  /** Places per endpoint across every process (Autotask: 3). */
  slots: number;
  holdSeconds?: number;
  /** Wait before asking again while every place is held (default 10-40 ms, jittered). */
  pollMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told once per failure to reach the database (the request goes on without a place). */
  onError?: (error: unknown) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const jitter = () => 10 + Math.floor(Math.random() * 30);

/**
 * A keyed limiter whose places are shared by every process (issue 14): a request first takes a place under each
 * of its keys in this process (`local`: the waiting is a queue here, woken at once), then a place of the same
 * keys in the database (`psa_call_slots`), waiting while another process holds them all. Keys are taken in one
 * sorted order everywhere, so requests with overlapping keys never wait on each other in a cycle. A database that
 * cannot be asked does not stop the request: the local limit still holds and the PSA's own refusal is retried.
 */
export function leasedLimiter(
  local: KeyedLimiter,
  pool: Pool,
  connectionId: string,
  o: CallSlotOptions,
): KeyedLimiter {
  const sleep = o.sleep ?? realSleep;
  const holdSeconds = o.holdSeconds ?? CALL_SLOT_HOLD_SECONDS;
  const hold = async <R>(key: string, inner: () => Promise<R>): Promise<R> => {
    let lease: CallSlotLease | undefined;
    for (;;) {
      try {
        lease = await takeCallSlot(pool, connectionId, key, o.slots, holdSeconds);
      } catch (error) {
        o.onError?.(error);
        return inner();
      }
      if (lease) break;
      await sleep((o.pollMs ?? jitter)());
    }
    const taken = lease;
    const renew = setInterval(
      () =>
        void renewCallSlot(pool, connectionId, key, taken, holdSeconds).catch((error) => o.onError?.(error)),
      (holdSeconds * 1000) / 3,
    );
    renew.unref();
    try {
      return await inner();
    } finally {
      clearInterval(renew);
      await releaseCallSlot(pool, connectionId, key, taken).catch((error) => o.onError?.(error));
    }
  };
  return {
    active: (key) => local.active(key),
    run: (keys, fn) => {
      const sorted = sortedKeys(keys);
      return local.run(sorted, () => runUnder(sorted, hold, fn));
    },
  };
}
