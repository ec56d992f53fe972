/**
 * Backing off as the tenant's hourly request threshold nears (§3.5). Autotask allows 10,000 requests per
 * rolling hour per database, shared by every integration, and itself adds latency from 50 % and 75 % of it;
 * going over blocks the whole tenant. The client reads `ThresholdInformation` before its first request and
 * then every `checkEvery` requests, estimates usage as (last count + requests sent since) / threshold, and
 * waits before each request while the estimate is at or above 50 % / 75 %.
 */
export interface ThresholdOptions {
  /** Read ThresholdInformation before the first request and then every this many requests. Default 100; 0 = never. */
  checkEvery?: number;
  /** Wait before each request while usage >= 50 %. Default 500 ms (on top of Autotask's own +0.5 s). */
  delayAt50Ms?: number;
  /** Wait before each request while usage >= 75 %. Default 2,000 ms (on top of Autotask's own +1 s). */
  delayAt75Ms?: number;
}

export interface ThresholdInfo {
  externalRequestThreshold: number;
  requestThresholdTimeframe: number;
  currentTimeframeRequestCount: number;
}

export interface ThresholdPacer<C> {
  /** Call before each request (not for the ThresholdInformation read itself); `ctx` is passed to the read. */
  beforeRequest(ctx: C): Promise<void>;
  /** Feed a ThresholdInformation answer read elsewhere (check()). */
  observe(info: ThresholdInfo): void;
  /** Estimated share of the hourly threshold in use (0..1+), undefined before the first reading. */
  usage(): number | undefined;
}

export const DEFAULT_THRESHOLD: Required<ThresholdOptions> = {
  checkEvery: 100,
  delayAt50Ms: 500,
  delayAt75Ms: 2_000,
};

export function createThresholdPacer<C>(
  options: ThresholdOptions | undefined,
  read: (ctx: C) => Promise<ThresholdInfo>,
  sleep: (ms: number) => Promise<void>,
): ThresholdPacer<C> {
  const o = { ...DEFAULT_THRESHOLD, ...options };
  let last: ThresholdInfo | undefined;
  let due = true;
  let sinceCheck = 0;
  let reading: Promise<void> | undefined;

  const observe = (info: ThresholdInfo) => {
    last = info;
    due = false;
    sinceCheck = 0;
  };
  const usage = () =>
    last && last.externalRequestThreshold > 0
      ? (last.currentTimeframeRequestCount + sinceCheck) / last.externalRequestThreshold
      : undefined;

  const refresh = (ctx: C) => {
    reading ??= read(ctx)
      .then(observe)
      // A failed reading never blocks work: pacing goes on from the last known usage until the next check.
      .catch(() => {
        due = false;
        sinceCheck = 0;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };

  return {
    observe,
    usage,
    async beforeRequest(ctx) {
      if (o.checkEvery > 0 && (due || sinceCheck >= o.checkEvery)) await refresh(ctx);
      sinceCheck++;
      const u = usage() ?? 0;
      const wait = u >= 0.75 ? o.delayAt75Ms : u >= 0.5 ? o.delayAt50Ms : 0;
      if (wait > 0) await sleep(wait);
    },
  };
}
