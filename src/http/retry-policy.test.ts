import { describe, expect, it } from 'vitest';
import { createKeyedLimiter, createLimiter } from './limiter';
import { createRedactor, MASK } from './redact';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, retryableStatus } from './retry-policy';

describe('retry policy', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const opts = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('retries 429/503 for any method, other 5xx only when idempotent', () => {
    expect(retryableStatus(429, false)).toBe(true);
    expect(retryableStatus(503, false)).toBe(true);
    expect(retryableStatus(500, false)).toBe(false);
    expect(retryableStatus(502, true)).toBe(true);
    expect(retryableStatus(501, true)).toBe(false);
    expect(retryableStatus(400, true)).toBe(false);
  });
});

describe('redaction', () => {
  const r = createRedactor({ headers: ['x-custom-key'], values: () => ['s3cr3t-value', 'abc'] });

  it('masks secret headers, query parameters, bearer tokens and registered values', () => {
    expect(r.headers({ Authorization: 'Bearer x', 'X-Custom-Key': 'k', accept: 'json' })).toEqual({
      Authorization: MASK,
      'X-Custom-Key': MASK,
      accept: 'json',
    });
    expect(r.url('https://h/p?client_secret=abc%21&size=10&sig=xyz')).toBe(
      `https://h/p?client_secret=${MASK}&size=10&sig=${MASK}`,
    );
    expect(r.text('failed: Bearer eyJ0eXAi.abc.def and s3cr3t-value')).toBe(
      `failed: Bearer ${MASK} and ${MASK}`,
    );
    expect(r.text('body grant_type=client_credentials&client_secret=hunter2&x=1')).toBe(
      `body grant_type=client_credentials&client_secret=${MASK}&x=1`,
    );
    // Values shorter than 6 characters are not scrubbed (they would mangle ordinary text).
    expect(r.text('abc')).toBe('abc');
  });
});

describe('limiter', () => {
  it('never runs more than the limit at once and keeps FIFO order', async () => {
    const limiter = createLimiter(2);
    const gates: (() => void)[] = [];
    const started: number[] = [];
    let peak = 0;
    const jobs = [0, 1, 2, 3, 4].map((i) =>
      limiter.run(async () => {
        started.push(i);
        peak = Math.max(peak, limiter.active);
        await new Promise<void>((resolve) => gates.push(resolve));
        return i;
      }),
    );
    for (let n = 0; n < 5; n++) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limiter.active).toBe(0);
    expect(() => createLimiter(0)).toThrow(/positive/);
  });

  it('keyed: the limit holds per key, a call holds every key it names, overlapping calls never deadlock', async () => {
    const limiter = createKeyedLimiter(1);
    const gates: (() => void)[] = [];
    const log: string[] = [];
    const call = (name: string, keys: string[]) =>
      limiter.run(keys, async () => {
        log.push(name);
        await new Promise<void>((resolve) => gates.push(resolve));
      });
    // a holds x; b needs x and y (waits for x, holds nothing yet); c needs y only; d needs y and x.
    const a = call('a', ['x']);
    const b = call('b', ['y', 'x']);
    const c = call('c', ['y']);
    const d = call('d', ['x', 'y', 'x']);
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a', 'c']);
    expect(limiter.active('x')).toBe(1);
    expect(limiter.active('y')).toBe(1);
    for (let n = 0; n < 4; n++) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all([a, b, c, d]);
    expect(log).toEqual(['a', 'c', 'b', 'd']);
    expect(limiter.active('x') + limiter.active('y')).toBe(0);
  });
});
