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

/**
 * Counting semaphores by key: a call holds one place under each of its keys at once (taken in sorted order, so
 * two calls with overlapping keys never wait on each other in a cycle). A PSA that limits requests in flight per
 * endpoint (Autotask's 3 threads per endpoint) keys its calls by endpoint.
 */
export interface KeyedLimiter {
  run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T>;
  /** Holders of `key` right now (for tests and metrics). */
  active(key: string): number;
}

/** A keyed limiter in this process only: `limit` holders per key. */
export function createKeyedLimiter(limit: number): KeyedLimiter {
  const byKey = new Map<string, Limiter>();
  const of = (key: string) => {
    let l = byKey.get(key);
    if (!l) {
      l = createLimiter(limit);
      byKey.set(key, l);
    }
    return l;
  };
  return {
    active: (key) => byKey.get(key)?.active ?? 0,
    run: (keys, fn) => runUnder(sortedKeys(keys), (key, inner) => of(key).run(inner), fn),
  };
}

/** Distinct keys in one global order (the order every taker follows). */
export function sortedKeys(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}

/** Runs `fn` inside `hold(key, ...)` for every key, outermost first. */
export function runUnder<T>(
  keys: readonly string[],
  hold: <R>(key: string, inner: () => Promise<R>) => Promise<R>,
  fn: () => Promise<T>,
): Promise<T> {
  const [first, ...rest] = keys;
  if (first === undefined) return fn();
  return hold(first, () => runUnder(rest, hold, fn));
}
