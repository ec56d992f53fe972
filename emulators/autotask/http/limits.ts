import type { Sleep } from '../../kit';
import { type AutotaskLimits, OVER_THRESHOLD_TEXTS } from '../options';
import { AutotaskError } from './errors';

const HOUR_MS = 3_600_000;

/**
 * The tenant's request threshold (rolling 60 minutes on the emulator clock, shared by every integration) and
 * the thread limit (concurrent requests per integration code + entity endpoint [DOC ThreadLimiting]).
 */
export class LimitsTracker {
  private hits: number[] = [];
  private inFlight = new Map<string, number>();

  constructor(public limits: AutotaskLimits) {}

  /** Requests counted in the 60 minutes up to `nowMs`. */
  currentCount(nowMs: number): number {
    const from = nowMs - HOUR_MS;
    // A filter, not a shift loop: the emulator clock may be set backwards.
    this.hits = this.hits.filter((t) => t > from);
    return this.hits.length;
  }

  /** The over-threshold refusal in the configured dialect: 429, or 500 (status and text undocumented). */
  overThreshold(): AutotaskError {
    const { hourlyThreshold, overThresholdDialect, overThresholdText } = this.limits;
    const text = OVER_THRESHOLD_TEXTS[overThresholdText](hourlyThreshold);
    return new AutotaskError(overThresholdDialect === 'status-429' ? 429 : 500, { errors: [text] });
  }

  /**
   * Counts one request and returns the latency to add: the base latency plus the 50 % / 75 % tier [DOC
   * summary]. Once the threshold is used up requests are refused and not counted, so usage falls back.
   * `exempt` requests (ThresholdInformation) are answered even then, uncounted, so a client can tell a
   * threshold refusal from its reading whatever the refusal's status and text (the emulator's choice,
   * UNVERIFIED).
   */
  admit(nowMs: number, exempt = false): number {
    const { hourlyThreshold, baseLatencyMs, latencyAt50Ms, latencyAt75Ms } = this.limits;
    if (this.currentCount(nowMs) >= hourlyThreshold) {
      if (exempt) return baseLatencyMs;
      throw this.overThreshold();
    }
    this.hits.push(nowMs);
    const usage = this.hits.length / hourlyThreshold;
    return baseLatencyMs + (usage >= 0.75 ? latencyAt75Ms : usage >= 0.5 ? latencyAt50Ms : 0);
  }

  /** Takes a thread slot for `key` or throws the thread-limit rejection. Call `release` in a finally. */
  acquire(key: string, endpoint: string): void {
    const n = this.inFlight.get(key) ?? 0;
    if (n >= this.limits.maxConcurrent) {
      // The text carries the internal code clients match on (n8n): "Thread Threshold Exceeded ... Itgenatr005".
      throw new AutotaskError(this.limits.threadLimitStatus, {
        errors: [
          `Thread Threshold Exceeded: this integration already has ${this.limits.maxConcurrent} requests in progress for the ${endpoint} endpoint. (Itgenatr005)`,
        ],
      });
    }
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

/** Runs `work` inside the limits: count, thread slot, added latency. ThresholdInformation is never refused. */
export async function withinLimits<T>(
  tracker: LimitsTracker,
  nowMs: number,
  key: string,
  endpoint: string,
  sleep: Sleep,
  work: () => T | Promise<T>,
): Promise<T> {
  const latency = tracker.admit(nowMs, endpoint === 'ThresholdInformation');
  tracker.acquire(key, endpoint);
  try {
    if (latency > 0) await sleep(latency);
    return await work();
  } finally {
    tracker.release(key);
  }
}
