import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../core/integration-error';
import { createHttpClient, type HttpClientOptions } from './http-client';
import { MASK } from './redact';
import type { HttpFailure, HttpLogEvent } from './types';

let app: FastifyInstance;
let base: string;
const hits = new Map<string, number>();
let serverActive = 0;
let serverPeak = 0;
const plan = new Map<string, { status: number; retryAfter?: string; body?: unknown }[]>();

function hit(key: string): number {
  const n = (hits.get(key) ?? 0) + 1;
  hits.set(key, n);
  return n;
}

beforeAll(async () => {
  app = Fastify({ forceCloseConnections: true });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
    done(null, body),
  );
  // Answers the planned statuses in turn (then 200), counting every request.
  app.all('/planned/:key', async (request, reply) => {
    const { key } = request.params as { key: string };
    hit(key);
    const next = plan.get(key)?.shift();
    if (!next)
      return {
        ok: true,
        method: request.method,
        body: request.body ?? null,
        auth: request.headers.authorization ?? null,
      };
    if (next.retryAfter !== undefined) reply.header('retry-after', next.retryAfter);
    return reply.code(next.status).send(next.body ?? { error: `planned ${next.status}` });
  });
  // Never answers.
  app.all('/hang/:key', (request, reply) => {
    hit((request.params as { key: string }).key);
    reply.hijack();
  });
  // Runs the "write", then drops the connection: the outcome is unknown to the client.
  app.all('/lost/:key', (request, reply) => {
    const n = hit((request.params as { key: string }).key);
    if (n === 1) {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    void reply.send({ ok: true, n });
  });
  app.get('/text', async (_req, reply) => reply.type('text/plain').send('not json'));
  app.get('/csv', async (_req, reply) => reply.type('text/csv').send('a,b\n1,2\n'));
  app.get('/slow', async () => {
    serverActive++;
    serverPeak = Math.max(serverPeak, serverActive);
    await new Promise((r) => setTimeout(r, 20));
    serverActive--;
    return { ok: true };
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  hits.clear();
  plan.clear();
});

function client(extra: Partial<HttpClientOptions> = {}) {
  const slept: number[] = [];
  const logs: HttpLogEvent[] = [];
  const failures: HttpFailure[] = [];
  const c = createHttpClient({
    vendor: 'test',
    // The test server is on loopback (the URL policy's local exception, url-policy.test.ts).
    allowLocalUrls: true,
    baseUrl: base,
    timeoutMs: 2000,
    sleep: async (ms) => {
      slept.push(ms);
    },
    random: () => 0,
    now: () => Date.parse('2026-03-01T12:00:00Z'),
    retry: { baseDelayMs: 100, maxDelayMs: 1000 },
    log: (e) => logs.push(e),
    ...extra,
  });
  return { c, slept, logs, failures };
}

async function failure(p: Promise<unknown>): Promise<IntegrationError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof IntegrationError) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}

describe('createHttpClient', () => {
  it('returns JSON, sends forms and JSON bodies', async () => {
    const { c } = client();
    const r = await c.request({ method: 'GET', url: '/planned/a', query: { size: 10, skip: undefined } });
    expect(r.json()).toMatchObject({ ok: true, method: 'GET' });
    expect(r.attempts).toBe(1);
    const form = await c.request({ method: 'POST', url: '/planned/f', body: { form: { a: '1', b: 'x y' } } });
    expect(form.json<{ body: string }>().body).toBe('a=1&b=x+y');
    const json = await c.request({ method: 'POST', url: '/planned/j', body: { json: { n: 1 } } });
    expect(json.json<{ body: unknown }>().body).toEqual({ n: 1 });
  });

  it('retries 429 honoring Retry-After in seconds and as an HTTP date', async () => {
    plan.set('r', [
      { status: 429, retryAfter: '3' },
      { status: 429, retryAfter: 'Sun, 01 Mar 2026 12:00:05 GMT' },
    ]);
    const { c, slept } = client();
    const r = await c.request({ method: 'GET', url: '/planned/r' });
    expect(r.status).toBe(200);
    expect(r.attempts).toBe(3);
    expect(slept).toEqual([3000, 5000]);
  });

  it('retries 5xx with capped exponential backoff and gives up after maxAttempts', async () => {
    plan.set('s', [{ status: 500 }, { status: 502 }, { status: 504 }, { status: 500 }, { status: 500 }]);
    const { c, slept } = client();
    const err = await failure(c.request({ method: 'GET', url: '/planned/s' }));
    expect(err.kind).toBe('unavailable');
    expect(err.status).toBe(500);
    expect(err.message).toMatch(/after 4 attempts/);
    expect(hits.get('s')).toBe(4);
    expect(slept).toEqual([50, 100, 200]);
  });

  it('fails at once on a Retry-After longer than it waits out itself, keeping the seconds', async () => {
    plan.set('long', [{ status: 429, retryAfter: '3600' }]);
    const { c, slept } = client();
    const err = await failure(c.request({ method: 'GET', url: '/planned/long' }));
    expect([err.kind, err.retryAfterSeconds, err.retryable]).toEqual(['rate_limited', 3600, true]);
    expect(slept).toEqual([]);
  });

  it('does not retry a POST that got a 500, but retries its 429/503', async () => {
    plan.set('p', [{ status: 503 }, { status: 500 }]);
    const { c } = client();
    const err = await failure(c.request({ method: 'POST', url: '/planned/p', body: { json: {} } }));
    expect([err.status, err.outcomeUnknown]).toEqual([500, false]);
    expect(hits.get('p')).toBe(2);
  });

  it('never retries a non-idempotent request whose response was lost: outcome unknown', async () => {
    const { c } = client();
    const err = await failure(c.request({ method: 'POST', url: '/lost/w', body: { json: { seats: 3 } } }));
    expect(err.outcomeUnknown).toBe(true);
    expect(err.kind).toBe('unavailable');
    expect(hits.get('w')).toBe(1);
  });

  it('retries a lost response when the request is idempotent or the caller says it is safe', async () => {
    const { c } = client();
    expect((await c.request({ method: 'GET', url: '/lost/g' })).json()).toMatchObject({ n: 2 });
    const safe = await c.request({
      method: 'POST',
      url: '/lost/t',
      idempotent: true,
      body: { form: { a: 'b' } },
    });
    expect(safe.attempts).toBe(2);
  });

  it('times out a hung request: a POST is not retried (outcome unknown), a GET is', async () => {
    const { c } = client({ timeoutMs: 80 });
    const post = await failure(c.request({ method: 'POST', url: '/hang/p' }));
    expect([post.kind, post.outcomeUnknown, hits.get('p')]).toEqual(['timeout', true, 1]);
    const get = await failure(c.request({ method: 'GET', url: '/hang/g', retry: true }));
    expect([get.kind, get.outcomeUnknown, hits.get('g')]).toEqual(['timeout', false, 4]);
  });

  it('retries a connection that was refused (never sent) even for a POST', async () => {
    const { c, slept } = client({ baseUrl: 'http://127.0.0.1:1' });
    const err = await failure(c.request({ method: 'POST', url: '/x' }));
    expect([err.kind, err.outcomeUnknown]).toEqual(['unavailable', false]);
    expect(slept).toHaveLength(3);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('redacts secrets from errors and logs and lets the vendor mapper decide the error', async () => {
    plan.set('sec', [
      {
        status: 400,
        body: { error: 'bad', echo: 'client_secret=hunter22 Bearer abc.def', secret: 'my-client-secret' },
      },
    ]);
    const seen: HttpFailure[] = [];
    const { c, logs } = client({
      secretValues: () => ['my-client-secret'],
      mapError: (f) => {
        seen.push(f);
        return new IntegrationError({ kind: 'validation', vendor: 'test', message: 'mapped' });
      },
    });
    const err = await failure(
      c.request({
        method: 'GET',
        url: '/planned/sec',
        query: { client_secret: 'hunter22', size: 1 },
        headers: { authorization: 'Bearer abc.def' },
      }),
    );
    expect(err.message).toBe('mapped');
    const f = seen[0]!;
    expect(f.type).toBe('status');
    const all = JSON.stringify([f, logs]);
    expect(all).not.toMatch(/hunter22|abc\.def|my-client-secret/);
    expect(f.url).toContain(`client_secret=${MASK}`);
  });

  it('limits concurrency per instance: the server never sees more requests at once than the limit', async () => {
    const { c } = client({ concurrency: 2 });
    serverPeak = 0;
    const results = await Promise.all([0, 1, 2, 3, 4].map(() => c.request({ method: 'GET', url: '/slow' })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(serverPeak).toBeGreaterThanOrEqual(1);
    expect(serverPeak).toBeLessThanOrEqual(2);
  });

  it('maps a non-JSON body to a protocol error and streams bodies', async () => {
    const { c } = client();
    const r = await c.request({ method: 'GET', url: '/text' });
    expect(() => r.json()).toThrow(IntegrationError);
    const s = await c.stream({ method: 'GET', url: '/csv' });
    let text = '';
    for await (const chunk of s.body) text += chunk.toString();
    expect(text).toBe('a,b\n1,2\n');
  });
});
