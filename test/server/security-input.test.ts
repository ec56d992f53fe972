import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, setupAdmin, type TestApp } from '../support/app';
import { createSecureTestApp } from '../support/secure-app';

// Pen test items 5 (unauthenticated error amplification, body limits) and 9 (NUL bytes, huge values: 400).
let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  t = await createSecureTestApp();
  admin = await setupAdmin(t.app);
});
afterAll(() => t.close());

/** A JSON object of `n` keys no schema knows. */
const manyKeys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;

describe('authentication comes before the body', () => {
  it('the pen test body (400,000 unknown keys, 4.7 MB) from a stranger gets a short 401', async () => {
    const payload = manyKeys(400_000);
    expect(payload.length).toBeGreaterThan(4_500_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sync/autotask/products',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(401);
    expect(res.body.length).toBeLessThan(300);
  });

  it('a stranger with a small invalid body gets 401, not the list of what is wrong with it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/jobs/sync-products',
      headers: { 'content-type': 'application/json' },
      payload: manyKeys(2000),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });
});

describe('validation answers are capped', () => {
  it('2,000 unknown keys from a signed-in user: 400 with a short answer', async () => {
    const body = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, 1]));
    const res = await admin.request('POST', '/api/sync/autotask/products', body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.json).length).toBeLessThan(2000);
  });

  it('3,000 wrong values: at most 10 issues are listed, and the message says how many there were', async () => {
    const res = await admin.request('POST', '/api/sync/autotask/customers/preview', {
      tenantIds: Array.from({ length: 3000 }, () => 1),
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details.length).toBeLessThanOrEqual(10);
    expect(res.json.error.message).toMatch(/3,?000 problems/);
    expect(JSON.stringify(res.json).length).toBeLessThan(3000);
  });
});

describe('body limits per route', () => {
  it('sign-in takes at most 16 KiB', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@msp.example', password: 'correct horse battery', pad: 'x'.repeat(20_000) },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/too large/i);
  });

  it('an ordinary write takes at most 64 KiB', async () => {
    const res = await admin.request('POST', '/api/jobs/sync-products', {
      target: 'autotask',
      pad: 'x'.repeat(100_000),
    });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/too large/i);
  });

  it('a customer sync still takes 5,000 tenant ids', async () => {
    const tenantIds = Array.from(
      { length: 5000 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const res = await admin.request('POST', '/api/sync/autotask/customers/preview', { tenantIds });
    expect(res.json?.error?.message ?? '').not.toMatch(/too large/i);
  });
});

describe('NUL bytes and huge values answer 400, never 500', () => {
  it.each([
    ['a search', '/api/customers?search=%00'],
    ['an id', '/api/customers/%00'],
    ['an id of a user', '/api/users/%00'],
    ['a query of the audit', '/api/audit?limit=1%00'],
  ])('%s with a NUL byte', async (_what, url) => {
    const res = await admin.request('GET', url);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toMatch(/bad_request|validation_failed/);
  });

  it('a NUL byte in a body', async () => {
    const res = await admin.request('POST', '/api/users', {
      email: 'nul\u0000@msp.example',
      password: 'a fine long password',
      role: 'viewer',
    });
    expect(res.status).toBe(400);
  });

  it('a 1 MB email', async () => {
    const res = await admin.request('POST', '/api/users', {
      email: `${'a'.repeat(1_000_000)}@msp.example`,
      password: 'a fine long password',
      role: 'viewer',
    });
    expect(res.status).toBe(400);
  });

  it('a 10 KB email (under the body limit) is refused by the email rule', async () => {
    const res = await admin.request('POST', '/api/users', {
      email: `${'a'.repeat(10_000)}@msp.example`,
      password: 'a fine long password',
      role: 'viewer',
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
  });
});
