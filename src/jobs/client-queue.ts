import type { Pool } from '../db/pool';
import { type JobQueue, type QueueTiming, startJobQueue } from './queue';

const clients = new WeakMap<Pool, Promise<JobQueue>>();

/**
 * An enqueue-only queue on an existing pool (the server's): no polling, no maintenance, started on first use and
 * shared by every route of the app. Workers (embedded or `billsync worker`) do the work.
 */
export function enqueuerFor(pool: Pool, timing: QueueTiming): Promise<JobQueue> {
  let queue = clients.get(pool);
  if (!queue) {
    queue = startJobQueue({ pool }, timing, { worker: false });
    // A failed start (database down) is not cached: the next request tries again.
    queue.catch(() => clients.delete(pool));
    clients.set(pool, queue);
  }
  return queue;
}
