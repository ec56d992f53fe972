import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dispatcher } from 'undici';
import { IntegrationError } from '../../core/integration-error';
import type { TargetContext } from '../../core/ports/target';
import {
  backoffDelay,
  createHttpClient,
  createKeyedLimiter,
  createRedactor,
  DEFAULT_RETRY,
  type HttpFailure,
  type HttpLogEvent,
  type HttpMethod,
  type KeyedLimiter,
  type RetryOptions,
} from '../../http';
import { mapAutotaskFailure } from './error-mapper';
import { apiRoot, DEFAULT_DISCOVERY_URL, threadEndpoints } from './quirks';
import { createThresholdPacer, type ThresholdInfo, type ThresholdOptions } from './threshold';
import { discoverZone, forgetZone } from './zone';

export interface AutotaskConnectionOptions {
  /** The API-only user's name (also the key of zone discovery). */
  username: string;
  secret: string;
  /** The API tracking identifier ("Integration Code"). */
  integrationCode: string;
  /** The zone's URL (`https://webservices3.autotask.net/ATServicesRest/`, any form): skips discovery. */
  zoneUrl?: string;
  /** Where zoneInformation is asked (default https://webservices.autotask.net/ATServicesRest/). */
  discoveryUrl?: string;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
  /** Requests in flight at once per endpoint, 1..3 (default 3, Autotask's thread limit per endpoint, §3.5). */
  maxConcurrent?: number;
  /**
   * Requests in flight per endpoint (`threadEndpoints`), shared by the adapters of one connection: in the runtime,
   * places held in the database so every process of billsync together keeps to 3 (default: one per adapter).
   */
  limiter?: KeyedLimiter;
  threshold?: ThresholdOptions;
  retry?: Partial<RetryOptions>;
  /** Injectable waiting (retries, back-off), jitter and time, for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Every HTTP attempt (redacted), for logs. */
  onHttp?: (event: HttpLogEvent) => void;
  dispatcher?: Dispatcher;
}

export interface SendRequest {
  method: HttpMethod;
  /** Relative to the zone's API root (`Services/query`), or absolute (a nextPageUrl). */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Reads may be repeated after an unknown outcome; writes never. */
  read: boolean;
  /** False for the ThresholdInformation read itself. */
  pace?: boolean;
}

export interface Transport {
  root(ctx: TargetContext): Promise<string>;
  send<T>(ctx: TargetContext, req: SendRequest): Promise<T>;
  observeThreshold(info: ThresholdInfo): void;
  thresholdUsage(): number | undefined;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/i, '').replace(/\?.*$/, '');

/**
 * One Autotask connection's wire: zone discovery, the three auth headers (§1.3), at most `maxConcurrent`
 * requests in flight per endpoint, threshold pacing, retries (the shared client retries 429/503 honoring
 * Retry-After, and reads on 5xx/timeouts; this layer adds the 500 quirk: a 500 is usually a business-rule refusal,
 * never retried, unless its text is a thread-limit rejection (retried, it did not land) or a server fault on a
 * read).
 */
export function createTransport(o: AutotaskConnectionOptions): Transport {
  const sleep = o.sleep ?? realSleep;
  const random = o.random ?? Math.random;
  const now = o.now ?? Date.now;
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...o.retry };
  const calls = new AsyncLocalStorage<TargetContext>();
  const secrets = () => [o.secret, o.integrationCode];
  const redact = createRedactor({ values: secrets });
  const http = createHttpClient({
    vendor: 'autotask',
    timeoutMs: o.timeoutMs ?? 60_000,
    retry,
    sleep,
    random,
    now,
    mapError: mapAutotaskFailure,
    secretValues: secrets,
    ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
    log: (event) => {
      o.onHttp?.(event);
      if (event.retryInMs === undefined) calls.getStore()?.onRequest?.(event.method, pathOf(event.url));
    },
  });
  const max = Math.min(3, Math.max(1, Math.floor(o.maxConcurrent ?? 3)));
  const limiter = o.limiter ?? createKeyedLimiter(max);
  const discoveryUrl = o.discoveryUrl ?? DEFAULT_DISCOVERY_URL;
  const headers = { ApiIntegrationCode: o.integrationCode, UserName: o.username, Secret: o.secret };

  const root = (ctx: TargetContext) =>
    o.zoneUrl !== undefined
      ? Promise.resolve(apiRoot(o.zoneUrl))
      : calls.run(ctx, () => discoverZone(http, discoveryUrl, o.username, now));

  async function attempt(ctx: TargetContext, req: SendRequest, url: string, n: number) {
    const res = await limiter.run(threadEndpoints(url), () =>
      calls.run(ctx, () =>
        http.request({
          method: req.method,
          url,
          ...(req.query ? { query: req.query } : {}),
          headers,
          ...(req.body !== undefined ? { body: { json: req.body } } : {}),
          idempotent: req.read,
          // 500 is Autotask's answer to rule violations: classified below instead of retried blindly.
          acceptStatus: (s) => (s >= 200 && s < 300) || s === 500,
        }),
      ),
    );
    if (res.status !== 500) return { ok: true as const, res };
    const failure: HttpFailure = {
      type: 'status',
      method: req.method,
      url: redact.url(url),
      status: 500,
      headers: {},
      bodyText: redact.text(res.text.slice(0, 4000)),
      retryAfterSeconds: undefined,
      attempts: n,
      outcomeUnknown: false,
    };
    return { ok: false as const, error: mapAutotaskFailure(failure) };
  }

  async function send<T>(ctx: TargetContext, req: SendRequest): Promise<T> {
    ctx.signal?.throwIfAborted();
    if (req.pace !== false) await pacer.beforeRequest(ctx);
    const url = /^https?:\/\//i.test(req.path) ? req.path : `${await root(ctx)}/${req.path}`;
    try {
      for (let n = 1; ; n++) {
        ctx.signal?.throwIfAborted();
        const outcome = await attempt(ctx, req, url, n);
        if (outcome.ok) return outcome.res.json<T>();
        const error = await overThreshold(ctx, req, outcome.error);
        const again = error.kind === 'rate_limited' || (req.read && error.kind === 'unavailable');
        if (!again || n >= retry.maxAttempts) throw error;
        await sleep(backoffDelay(n, retry, random));
      }
    } catch (error) {
      // After a 401 the tenant may have moved zone: discover again next time (django-autotask, §1.2).
      if (error instanceof IntegrationError && error.status === 401 && o.zoneUrl === undefined) {
        forgetZone(discoveryUrl, o.username);
      }
      throw error;
    }
  }

  /**
   * §8.1: how Autotask refuses a request over the hourly threshold is undocumented (429, or a 500 whose text
   * varies). A 500 that names nothing is checked against ThresholdInformation: over the threshold it is a rate
   * limit (refused before processing: retried after a pause, never probed), else it stays what it was.
   */
  async function overThreshold(
    ctx: TargetContext,
    req: SendRequest,
    error: IntegrationError,
  ): Promise<IntegrationError> {
    if (error.status !== 500 || error.kind !== 'unavailable' || req.path === 'ThresholdInformation')
      return error;
    const info = await send<ThresholdInfo>(ctx, {
      method: 'GET',
      path: 'ThresholdInformation',
      read: true,
      pace: false,
    }).catch(() => undefined);
    if (!info || info.currentTimeframeRequestCount < info.externalRequestThreshold) return error;
    pacer.observe(info);
    return new IntegrationError({
      kind: 'rate_limited',
      vendor: 'autotask',
      status: 500,
      message: `Autotask refused the request: the hourly API threshold is used up (${info.currentTimeframeRequestCount} of ${info.externalRequestThreshold} requests)`,
      vendorMessages: error.vendorMessages,
    });
  }

  const pacer = createThresholdPacer<TargetContext>(
    o.threshold,
    (ctx) =>
      send<ThresholdInfo>(ctx, { method: 'GET', path: 'ThresholdInformation', read: true, pace: false }),
    sleep,
  );

  return {
    root,
    send,
    observeThreshold: (info) => pacer.observe(info),
    thresholdUsage: () => pacer.usage(),
  };
}
