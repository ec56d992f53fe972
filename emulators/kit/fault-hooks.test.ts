import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerKitAdminRoutes } from './admin-routes';
import { createClock } from './clock';
import { registerFaultHooks } from './fault-hooks';
import { createFaultInjector } from './fault-injector';
import { createRequestLog, registerRequestLog } from './request-log';

/** A tiny app with one write route, the kit hooks and the kit admin routes. */
async function makeApp() {
  const clock = createClock({ start: '2026-01-01T00:00:00Z' });
  const faults = createFaultInjector();
  const requestLog = createRequestLog();
  const slept: number[] = [];
  const app = Fastify({ forceCloseConnections: true });
  registerRequestLog(app, requestLog, { clock });
  registerFaultHooks(app, faults, {
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  registerKitAdminRoutes(app, { clock, faults, requestLog });
  const writes: unknown[] = [];
  app.post('/things', async (request) => {
    writes.push(request.body);
    return { itemId: writes.length };
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base, writes, slept, faults, requestLog, clock };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

describe('registerFaultHooks', () => {
  it('answers 429 with Retry-After without running the handler, then recovers', async () => {
    const ctx = await makeApp();
    app = ctx.app;
    const inj = await post(`${ctx.base}/_emulator/faults`, { kind: '429', path: '/things', retryAfter: 7 });
    expect(inj.status).toBe(200);
    const r1 = await post(`${ctx.base}/things`, { a: 1 });
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('7');
    expect(ctx.writes).toHaveLength(0);
    const r2 = await post(`${ctx.base}/things`, { a: 2 });
    expect(r2.status).toBe(200);
    expect(ctx.writes).toHaveLength(1);
  });

  it('answers 500 and 503 with the given body', async () => {
    const ctx = await makeApp();
    app = ctx.app;
    ctx.faults.inject({ kind: '500', path: '/things', body: { errors: ['boom'] } });
    ctx.faults.inject({ kind: '503', path: '/things' });
    const r1 = await post(`${ctx.base}/things`, {});
    expect([r1.status, await r1.json()]).toEqual([500, { errors: ['boom'] }]);
    expect((await post(`${ctx.base}/things`, {})).status).toBe(503);
    expect(ctx.writes).toHaveLength(0);
  });

  it('lost-response applies the write but the client gets no answer', async () => {
    const ctx = await makeApp();
    app = ctx.app;
    ctx.faults.inject({ kind: 'lost-response', method: 'POST', path: '/things' });
    await expect(post(`${ctx.base}/things`, { a: 1 })).rejects.toThrow();
    expect(ctx.writes).toEqual([{ a: 1 }]);
    expect(ctx.requestLog.entries()[0]?.status).toBeUndefined();
    const ok = await post(`${ctx.base}/things`, { a: 2 });
    expect(await ok.json()).toEqual({ itemId: 2 });
  });

  it('hang never answers and applies nothing; the app still closes', async () => {
    const ctx = await makeApp();
    app = ctx.app;
    ctx.faults.inject({ kind: 'hang', path: '/things' });
    const controller = new AbortController();
    const pending = post(`${ctx.base}/things`, {}, controller.signal);
    // Wait until the server has the request, then give up like a client timeout would.
    await expect.poll(() => ctx.requestLog.count('POST')).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(ctx.writes).toHaveLength(0);
  });

  it('hang with delayMs closes the socket after the delay; slow delays and then handles', async () => {
    const ctx = await makeApp();
    app = ctx.app;
    ctx.faults.inject({ kind: 'hang', path: '/things', delayMs: 30 });
    await expect(post(`${ctx.base}/things`, {})).rejects.toThrow();
    ctx.faults.inject({ kind: 'slow', path: '/things', delayMs: 250 });
    expect((await post(`${ctx.base}/things`, {})).status).toBe(200);
    expect(ctx.slept).toEqual([30, 250]);
    expect(ctx.writes).toHaveLength(1);
  });

  it('never touches the admin API', async () => {
    const ctx = await makeApp();
    app = ctx.app;
    ctx.faults.inject({ kind: '500', path: '**', count: 5 });
    expect((await fetch(`${ctx.base}/_emulator/faults`)).status).toBe(200);
    expect(ctx.faults.list()[0]?.hits).toBe(0);
  });
});

describe('kit admin routes', () => {
  it('sets and advances the clock, counts and resets requests, lists and clears faults', async () => {
    const ctx = await makeApp();
    app = ctx.app;
    const put = await fetch(`${ctx.base}/_emulator/clock`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: '2026-05-01' }),
    });
    expect(await put.json()).toMatchObject({ today: '2026-05-01' });
    const adv = await post(`${ctx.base}/_emulator/clock/advance`, { days: 2 });
    expect(await adv.json()).toMatchObject({ today: '2026-05-03' });
    expect((await post(`${ctx.base}/_emulator/clock/advance`, {})).status).toBe(400);

    await post(`${ctx.base}/things`, {});
    await post(`${ctx.base}/things`, {});
    const counts = (await (await fetch(`${ctx.base}/_emulator/requests?entries=true`)).json()) as {
      entries: Array<{ at: string; status?: number }>;
    };
    expect(counts).toMatchObject({ total: 2, counts: { 'POST /things': 2 } });
    expect(counts.entries[0]).toMatchObject({ at: '2026-05-03T00:00:00.000Z', status: 200 });
    await fetch(`${ctx.base}/_emulator/requests`, { method: 'DELETE' });
    expect(ctx.requestLog.count()).toBe(0);

    const created = (await (
      await post(`${ctx.base}/_emulator/faults`, [{ kind: '500', path: '/x' }])
    ).json()) as {
      faults: Array<{ id: string }>;
    };
    const id = created.faults[0]?.id as string;
    expect((await fetch(`${ctx.base}/_emulator/faults/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${ctx.base}/_emulator/faults/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await post(`${ctx.base}/_emulator/faults`, { kind: 'nope', path: '/x' })).status).toBe(400);
  });
});
