/** A FIFO counting semaphore: at most `limit` holders at once (no limit when undefined). */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Holders right now (for tests and metrics). */
  readonly active: number;
}

export function createLimiter(limit: number | undefined): Limiter {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(`concurrency must be a positive integer, not ${limit}`);
  }
  const max = limit ?? Number.POSITIVE_INFINITY;
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (active < max) {
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return {
    get active() {
      return active;
    },
    async run(fn) {
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
