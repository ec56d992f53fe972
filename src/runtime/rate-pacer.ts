import type { Pool } from '../db/pool';
import { type RateBudgetShape, takeRateToken } from '../db/repos/rate-budgets';
import type { Limiter } from '../http';

/**
 * ConnectWise's documented limit (reference connectwise-api.md, section 3.7): "over 1,000 requests per minute" are
 * rate limited (429 with Retry-After). billsync keeps to 950 a minute on average with a burst of 40, so no rolling
 * minute holds more than 990 of its requests (the server's and every worker's together: one bucket), whatever the
 * processes (`connectWiseRate` for another pace).
 */
export const CONNECTWISE_RATE: RateBudgetShape = { perMinute: 950, burst: 40 };

export interface RatePacerOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A limiter that first takes a token of the connection's rate budget (one bucket in the database, shared by the
 * server and every worker), waiting for one when there is none, then runs under `inner` (requests in flight). A
 * database that cannot be asked does not stop the request: the PSA's own 429 and Retry-After still apply.
 */
export function pacedLimiter(
  inner: Limiter,
  pool: Pool,
  connectionId: string,
  shape: RateBudgetShape,
  o: RatePacerOptions = {},
): Limiter {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? realSleep;
  const take = async () => {
    for (;;) {
      let wait: number;
      try {
        wait = await takeRateToken(pool, connectionId, shape, now());
      } catch {
        return;
      }
      if (wait === 0) return;
      await sleep(wait);
    }
  };
  return {
    get active() {
      return inner.active;
    },
    async run(fn) {
      await take();
      return inner.run(fn);
    },
  };
}

/**
 * The rate for ConnectWise connections: `BILLSYNC_CW_REQUESTS_PER_MINUTE` (a whole number of requests a minute)
 * or the default. Lower it when other integrations share the limit; raise it only for a tenant ConnectWise allows
 * more (or an emulator: the test suites do, so they do not wait on it). The burst is about 2.5 seconds' worth, at
 * most 40.
 */
export function connectWiseRate(env: NodeJS.ProcessEnv): RateBudgetShape {
  const asked = Number(env.BILLSYNC_CW_REQUESTS_PER_MINUTE);
  if (!Number.isInteger(asked) || asked < 1) return CONNECTWISE_RATE;
  return { perMinute: asked, burst: Math.max(1, Math.min(CONNECTWISE_RATE.burst, Math.floor(asked / 24))) };
}
