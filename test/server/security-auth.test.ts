import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecurityConfig } from '../../src/server/security-config';
import { type Agent, login, setupAdmin, type TestApp } from '../support/app';
import { buildAppOn, buildAppWithoutDatabase, createSecureTestApp, loginFrom } from '../support/secure-app';

// Pen test items 3 (client address, login limits), 12 (auth and CSRF on the routed path) and 13 (database down).
let t: TestApp;
let admin: Agent;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await createSecureTestApp({ env: { BILLSYNC_LOGIN_RATE: '5' }, security: { accountLoginLimit: 3 } });
  admin = await setupAdmin(t.app);
  for (const email of ['locked@msp.example', 'op@msp.example']) {
    const res = await admin.request('POST', '/api/users', { email, password: PASSWORD, role: 'operator' });
    expect(res.status).toBe(201);
  }
});
afterAll(() => t.close());

describe('client address and sign-in limits', () => {
  it('a rotating X-Forwarded-For does not reset the per-address limit (no proxy is trusted)', async () => {
    const got: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await loginFrom(t.app, '10.3.0.1', `nobody${i}@msp.example`, 'wrong password 1', {
        'x-forwarded-for': `203.0.113.${i}`,
      });
      got.push(res.statusCode);
    }
    expect(got).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it('limits failed sign-ins per account from any address, known or unknown email alike', async () => {
    for (const email of ['locked@msp.example', 'ghost@msp.example']) {
      const got: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        got.push((await loginFrom(t.app, `10.4.${i}.1`, email, 'wrong password 1')).statusCode);
      }
      expect(got, email).toEqual([401, 401, 401, 429, 429]);
    }
    // Locked means locked: the right password does not get through either, and the answer says when to retry.
    const right = await loginFrom(t.app, '10.4.9.1', 'locked@msp.example', PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('rate_limited');
    expect(right.json().error.message).toMatch(/try again/i);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('successful sign-ins do not count against the account', async () => {
    const got: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      got.push((await loginFrom(t.app, `10.5.${i}.1`, 'op@msp.example', PASSWORD)).statusCode);
    }
    expect(got).toEqual([200, 200, 200, 200, 200]);
  });

  it('sessions store the TCP peer, and a forwarded address only from a trusted proxy', async () => {
    const forwarded = { 'x-forwarded-for': '198.51.100.7' };
    const direct = await loginFrom(t.app, '10.6.0.1', 'admin@msp.example', PASSWORD, forwarded);
    expect(direct.statusCode).toBe(200);
    const behindProxy: FastifyInstance = await buildAppOn(t.pool, {
      security: { trustProxy: ['10.7.0.0/24'] },
    });
    try {
      const viaProxy = await loginFrom(behindProxy, '10.7.0.9', 'admin@msp.example', PASSWORD, forwarded);
      expect(viaProxy.statusCode).toBe(200);
      const notTheProxy = await loginFrom(behindProxy, '10.8.0.1', 'admin@msp.example', PASSWORD, forwarded);
      expect(notTheProxy.statusCode).toBe(200);
    } finally {
      await behindProxy.close();
    }
    const rows = await t.pool.query<{ ip: string }>(
      `select ip from sessions where ip is not null and ip not like '10.5.%' order by created_at`,
    );
    expect(rows.rows.map((r) => r.ip).slice(-3)).toEqual(['10.6.0.1', '198.51.100.7', '10.8.0.1']);
  });
});

describe('BILLSYNC_TRUST_PROXY', () => {
  it('is off unless set, and takes addresses, CIDR ranges and the loopback keywords', () => {
    expect(loadSecurityConfig({}).trustProxy).toEqual([]);
    expect(
      loadSecurityConfig({ BILLSYNC_TRUST_PROXY: ' 10.0.0.5, 10.1.0.0/16,::1 ,loopback' }).trustProxy,
    ).toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'loopback']);
  });

  it.each(['true', '*', '1', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/8'])(
    'refuses "%s" in words',
    (value) => {
      expect(() => loadSecurityConfig({ BILLSYNC_TRUST_PROXY: value })).toThrow(
        /BILLSYNC_TRUST_PROXY must list/,
      );
    },
  );
});

describe('authentication and CSRF follow the routed path, not the raw URL', () => {
  it('an encoded /api path cannot skip the CSRF check (logout stays refused)', async () => {
    const a = await login(t.app, 'op@msp.example', PASSWORD);
    for (const url of ['/%61pi/auth/logout', '/api/auth/%6cogout', '/%61%70%69/auth/logout']) {
      const res = await t.app.inject({ method: 'POST', url, headers: { cookie: a.cookie } });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('csrf_failed');
    }
    expect((await a.request('GET', '/api/me')).status).toBe(200);
  });

  it('encoded /api paths need a session, and unknown ones answer 401 before sign-in', async () => {
    for (const url of ['/%61pi/me', '/%61pi/users', '/%61pi/nope']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
  });

  it('roles are checked on encoded paths too', async () => {
    const op = await login(t.app, 'op@msp.example', PASSWORD);
    const res = await t.app.inject({ url: '/%61pi/users', headers: { cookie: op.cookie } });
    expect(res.statusCode).toBe(403);
  });
});

describe('database down', () => {
  it('sign-in and session checks answer 503 in words, not 500', async () => {
    const down = await buildAppWithoutDatabase();
    try {
      const res = await loginFrom(down.app, '10.9.0.1', 'admin@msp.example', PASSWORD);
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('unavailable');
      expect(res.json().error.message).toMatch(/database/i);
      const me = await down.app.inject({ url: '/api/me', headers: { cookie: 'billsync_session=x' } });
      expect(me.statusCode).toBe(503);
    } finally {
      await down.close();
    }
  });
});
