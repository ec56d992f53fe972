import type { Sleep } from '../../kit';
import type { ConnectWiseLimits } from '../options';
import { tooManyRequests } from './errors';

const MINUTE_MS = 60_000;

/**
 * The tenant's rate limit (requests per rolling minute on the emulator clock) and a concurrency limit per API
 * member. ConnectWise limits "dynamically based on resource usage" and answers 429 with `Retry-After` (§3.7);
 * the emulator makes both limits fixed numbers so clients can be tested against them.
 */
export class LimitsTracker {
  private hits: number[] = [];
  private inFlight = new Map<string, number>();

  constructor(public limits: ConnectWiseLimits) {}

  /** Requests counted in the minute up to `nowMs`. */
  currentCount(nowMs: number): number {
    // A filter, not a shift loop: the emulator clock may be set backwards.
    this.hits = this.hits.filter((t) => t > nowMs - MINUTE_MS && t <= nowMs);
    return this.hits.length;
  }

  /** Counts one request, or refuses it with 429 and the seconds until the oldest counted one leaves the window. */
  admit(nowMs: number): void {
    const max = this.limits.requestsPerMinute;
    if (max > 0 && this.currentCount(nowMs) >= max) {
      const oldest = Math.min(...this.hits);
      throw tooManyRequests(Math.max(1, Math.ceil((oldest + MINUTE_MS - nowMs) / 1000)));
    }
    this.hits.push(nowMs);
  }

  /** Takes a slot for `key` (the API member) or refuses with 429 `Retry-After: 1`. Release in a finally. */
  acquire(key: string): void {
    const n = this.inFlight.get(key) ?? 0;
    if (this.limits.maxConcurrent > 0 && n >= this.limits.maxConcurrent) throw tooManyRequests(1);
    this.inFlight.set(key, n + 1);
  }

  release(key: string): void {
    const n = (this.inFlight.get(key) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, n);
  }

  inFlightCount(): number {
    return [...this.inFlight.values()].reduce((a, b) => a + b, 0);
  }

  resetUsage(): void {
    this.hits = [];
  }
}

/** Runs `work` inside the limits: counted, holding a concurrency slot, after the base latency. */
export async function withinLimits<T>(
  tracker: LimitsTracker,
  nowMs: number,
  key: string,
  sleep: Sleep,
  work: () => T | Promise<T>,
): Promise<T> {
  tracker.admit(nowMs);
  tracker.acquire(key);
  try {
    if (tracker.limits.baseLatencyMs > 0) await sleep(tracker.limits.baseLatencyMs);
    return await work();
  } finally {
    tracker.release(key);
  }
}
