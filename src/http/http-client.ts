import type { Readable } from 'node:stream';
import { type Dispatcher, request as undiciRequest } from 'undici';
import { defaultErrorMapper } from './default-error-mapper';
import { createLimiter } from './limiter';
import { createRedactor } from './redact';
import { encodeBody, headerRecord, joinUrl } from './request-parts';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isIdempotentMethod,
  parseRetryAfter,
  type RetryOptions,
  retryableStatus,
  wasNotSent,
} from './retry-policy';
import type {
  ErrorMapper,
  HttpFailure,
  HttpLogEvent,
  HttpRequest,
  HttpResponse,
  HttpStreamResponse,
} from './types';
import { allowLocalPsa, requestUrlGuard } from './url-policy';

export interface HttpClientOptions {
  /**
   * Vendor name used in errors ('autotask', 'partner-center', ...). It also picks the URL policy (url-policy.ts):
   * requests go only to that vendor's hosts; a client of another name may reach loopback addresses only.
   */
  vendor: string;
  /** Allow http(s) on loopback addresses (emulators); default: `BILLSYNC_ALLOW_LOCAL_PSA=1` in the environment. */
  allowLocalUrls?: boolean;
  /** Base of relative request URLs. */
  baseUrl?: string;
  /** Per-request timeout in ms (default 30 s): until the body is read, or until the headers when streaming. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /**
   * At most this many requests of this client in flight (default: no limit). A slot is held per attempt, not
   * while waiting to retry; a streamed body is read after its slot is released.
   */
  concurrency?: number;
  /** Headers sent with every request (a request's own headers win). */
  headers?: Record<string, string>;
  /** The vendor's failure -> IntegrationError mapper (default: by status). */
  mapError?: ErrorMapper;
  /** More header names / query parameters to mask, and literal secret values to scrub from errors and logs. */
  secretHeaders?: readonly string[];
  secretParams?: readonly string[];
  secretValues?: () => readonly string[];
  /** Injectable for tests: waiting between attempts, jitter, and the time Retry-After dates are relative to. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  dispatcher?: Dispatcher;
  log?: (event: HttpLogEvent) => void;
}

export interface HttpClient {
  readonly vendor: string;
  /** Sends a request and reads the whole body; a failure throws the mapped IntegrationError. */
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Sends a request and hands over the body stream once an accepted status arrived. */
  stream(req: HttpRequest): Promise<HttpStreamResponse>;
}

type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; failure: HttpFailure; retryable: boolean; waitMs: number | undefined };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one HTTP client of billsync (undici `request`): per-request timeout; retries on 429/503 (any method) and on
 * other 5xx, timeouts and lost connections only when the request is idempotent or the caller says it is safe,
 * honoring Retry-After (seconds or HTTP date) else capped exponential backoff with jitter; an optional
 * concurrency limit; secrets redacted from every error and log; failures mapped by the vendor's mapper.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const limiter = createLimiter(options.concurrency);
  const redact = createRedactor({
    ...(options.secretHeaders ? { headers: options.secretHeaders } : {}),
    ...(options.secretParams ? { params: options.secretParams } : {}),
    ...(options.secretValues ? { values: options.secretValues } : {}),
  });
  const mapError = options.mapError ?? defaultErrorMapper(options.vendor);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const timeoutDefault = options.timeoutMs ?? 30_000;
  const checkUrl = requestUrlGuard(options.vendor, options.allowLocalUrls ?? allowLocalPsa(), redact.url);

  async function attemptOnce<T>(
    req: HttpRequest,
    attempt: number,
    read: (
      status: number,
      headers: Record<string, string>,
      body: Dispatcher.ResponseData['body'],
      attempt: number,
    ) => Promise<T>,
  ): Promise<Attempt<T>> {
    const url = joinUrl(options.baseUrl, req.url, req.query);
    const shownUrl = redact.url(url);
    const idempotent = req.idempotent ?? isIdempotentMethod(req.method);
    const body = encodeBody(req.body);
    const headers = {
      ...options.headers,
      ...(body?.contentType ? { 'content-type': body.contentType } : {}),
      ...req.headers,
    };
    const timeoutMs = req.timeoutMs ?? timeoutDefault;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const started = now();
    const log = (e: Partial<HttpLogEvent>) =>
      options.log?.({ method: req.method, url: shownUrl, attempt, durationMs: now() - started, ...e });
    try {
      const res = await undiciRequest(url, {
        method: req.method,
        headers,
        ...(body ? { body: body.payload } : {}),
        signal: controller.signal,
        bodyTimeout: timeoutMs,
        headersTimeout: timeoutMs,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      const resHeaders = headerRecord(res.headers);
      const accepted = req.acceptStatus ?? ((s: number) => s >= 200 && s < 300);
      if (accepted(res.statusCode)) {
        const value = await read(res.statusCode, resHeaders, res.body, attempt);
        log({ status: res.statusCode });
        return { ok: true, value };
      }
      const text = await res.body.text().catch(() => '');
      const retryAfterMs = parseRetryAfter(resHeaders['retry-after'], now());
      const failure: HttpFailure = {
        type: 'status',
        method: req.method,
        url: shownUrl,
        status: res.statusCode,
        headers: redact.headers(resHeaders),
        bodyText: redact.text(text.slice(0, 4000)),
        retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
        attempts: attempt,
        outcomeUnknown: !idempotent && (res.statusCode === 502 || res.statusCode === 504),
      };
      const waitMs = retryAfterMs ?? backoffDelay(attempt, retry, random);
      log({ status: res.statusCode, error: `HTTP ${res.statusCode}` });
      return { ok: false, failure, retryable: retryableStatus(res.statusCode, idempotent), waitMs };
    } catch (error) {
      const e = error as { code?: string; message?: string; cause?: { code?: string } };
      const code = e.code ?? e.cause?.code;
      const notSent = !timedOut && wasNotSent(code);
      const failure: HttpFailure = {
        type: timedOut ? 'timeout' : 'network',
        method: req.method,
        url: shownUrl,
        code: timedOut ? undefined : code,
        message: redact.text(timedOut ? `no answer within ${timeoutMs} ms` : (e.message ?? String(error))),
        attempts: attempt,
        outcomeUnknown: !notSent && !idempotent,
      };
      log({ error: failure.message });
      return {
        ok: false,
        failure,
        retryable: notSent || idempotent,
        waitMs: backoffDelay(attempt, retry, random),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async function execute<T>(req: HttpRequest, read: Parameters<typeof attemptOnce<T>>[2]): Promise<T> {
    checkUrl(req.method, joinUrl(options.baseUrl, req.url, req.query));
    for (let attempt = 1; ; attempt++) {
      const outcome = await limiter.run(() => attemptOnce(req, attempt, read));
      if (outcome.ok) return outcome.value;
      const { failure, retryable, waitMs } = outcome;
      const again = retryable && req.retry !== false && attempt < retry.maxAttempts;
      const wait = waitMs ?? 0;
      if (!again || wait > retry.maxRetryAfterMs) throw mapError({ ...failure, attempts: attempt });
      options.log?.({ method: req.method, url: failure.url, attempt, durationMs: 0, retryInMs: wait });
      await sleep(wait);
    }
  }

  return {
    vendor: options.vendor,
    request(req) {
      return execute<HttpResponse>(req, async (status, headers, body, attempts) => {
        const text = await body.text();
        return {
          status,
          headers,
          text,
          attempts,
          json<T>() {
            try {
              return JSON.parse(text) as T;
            } catch {
              throw mapError({
                type: 'protocol',
                method: req.method,
                url: redact.url(joinUrl(options.baseUrl, req.url, req.query)),
                status,
                // The body itself is not repeated: it may come from anywhere and end up in front of a user.
                message: `expected JSON, got ${headers['content-type'] || 'no content type'} (${text.length} characters)`,
                attempts: 1,
              });
            }
          },
        };
      });
    },
    stream(req) {
      return execute<HttpStreamResponse>(req, async (status, headers, body, attempts) => ({
        status,
        headers,
        body: body as unknown as Readable,
        attempts,
      }));
    },
  };
}
