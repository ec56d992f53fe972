import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestApp, login, sessionCookieOf, setupAdmin, type TestApp } from '../support/app';

let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  t = await createTestApp({ env: { BILLSYNC_LOGIN_RATE: '20' } });
});
afterAll(() => t.close());

describe('first start, setup and sessions', () => {
  it('asks for setup on an empty database, then never again', async () => {
    expect((await t.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: true });
    admin = await setupAdmin(t.app);
    expect((await t.app.inject({ url: '/api/setup' })).json()).toEqual({ needed: false });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { workspaceName: 'Evil', email: 'evil@example.com', password: 'long enough pw' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_done');
  });

  it('GET /api/me without a session answers 401 in the error envelope', async () => {
    const res = await t.app.inject({ url: '/api/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
  });

  it('the setup session is signed in as admin, with a secure http-only cookie', async () => {
    const me = await admin.request('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.json.user).toMatchObject({ email: 'admin@msp.example', role: 'admin' });
    expect(me.json.workspace.name).toBe('Northwind MSP');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@msp.example', password: 'correct horse battery' },
    });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
  });

  it('stores the password hashed (scrypt), never in clear', async () => {
    const row = await t.pool.query("select password_hash from users where email = 'admin@msp.example'");
    expect(row.rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(row.rows[0].password_hash).not.toContain('correct horse battery');
  });

  it('refuses a write without the CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { cookie: admin.cookie },
      payload: { email: 'op@msp.example', password: 'operator password', role: 'operator' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_failed');
    const ok = await admin.request('POST', '/api/users', {
      email: 'op@msp.example',
      password: 'operator password',
      role: 'operator',
    });
    expect(ok.status).toBe(201);
  });

  it('enforces roles: an operator cannot manage users', async () => {
    const op = await login(t.app, 'op@msp.example', 'operator password');
    const res = await op.request('GET', '/api/users');
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
  });

  it('logout ends the session', async () => {
    const a = await login(t.app, 'admin@msp.example', 'correct horse battery');
    expect((await a.request('POST', '/api/auth/logout')).status).toBe(204);
    expect((await a.request('GET', '/api/me')).status).toBe(401);
  });

  it('a wrong password and an unknown email get the same answer', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@msp.example', password: 'nope nope nope' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'who@msp.example', password: 'nope nope nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('rate-limits login attempts with 429 and a message in words', async () => {
    let last = 0;
    let body: any;
    for (let i = 0; i < 25; i += 1) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.9.9.9',
        payload: { email: 'admin@msp.example', password: `guess-${i}-xxxxx` },
      });
      last = res.statusCode;
      body = res.json();
    }
    expect(last).toBe(429);
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/try again/i);
  });

  it('validation errors use the envelope', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(sessionCookieOf).toBeDefined();
  });
});

describe('health and docs', () => {
  it('GET /health reports the database and the job queue', async () => {
    const res = await t.app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: 'ok', queue: { lagSeconds: 0, pending: 0, active: 0 } });
  });

  it('serves the OpenAPI document at /docs', async () => {
    const res = await t.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/me', '/api/auth/login', '/api/connections', '/health']),
    );
  });

  it('unknown API routes get the envelope (401 before sign-in, so routes are not probed)', async () => {
    expect((await t.app.inject({ url: '/api/nope' })).statusCode).toBe(401);
    const a = await login(t.app, 'op@msp.example', 'operator password');
    const res = await a.request('GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });
});
