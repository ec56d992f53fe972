import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
} from '../../emulators/partner-center';
import type { WorkspaceId } from '../../src/core/ids';
import { createSourceRefresher } from '../../src/jobs/source-refresh';
import { renewIfDue } from '../../src/services/partner-center/access';
import { loadSource } from '../../src/services/partner-center/store';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import {
  answerConsentPage,
  cookieOf,
  type MovableClock,
  movableClock,
} from '../support/partner-center-consent';

const FIXTURES = fileURLToPath(new URL('../../emulators/partner-center/fixtures', import.meta.url));
const PUBLIC_URL = 'https://billsync.example.com';
const REDIRECT = `${PUBLIC_URL}/api/connections/partner-center/consent/callback`;
const START = '2025-08-10T05:00:00.000Z';
const PASSWORD = 'correct horse battery';

let t: TestApp;
let clock: MovableClock;
let pc: PartnerCenterEmulator;
let base: string;
let admin: Agent;
let ws: WorkspaceId;

beforeAll(async () => {
  clock = movableClock(START);
  t = await createTestApp({ clock, env: { BILLSYNC_PUBLIC_URL: PUBLIC_URL } });
  admin = await setupAdmin(t.app, 'admin@msp.example', PASSWORD);
  ws = (await admin.request('GET', '/api/me')).json.workspace.id;
  // Microsoft's behaviour: the price sheet refuses app-only tokens; only the registered redirect URI is accepted.
  pc = createPartnerCenterEmulator({
    seedDir: FIXTURES,
    clock: createClock({ start: START }),
    priceSheetNeedsUser: true,
    redirectUris: [REDIRECT],
  });
  base = await pc.listen();
});
afterAll(async () => {
  await pc?.close();
  await t?.close();
});

/** Both clocks (billsync's and Microsoft's) move together. */
function advanceDays(days: number) {
  clock.advanceDays(days);
  pc.clock.advance(days * 86_400_000);
}

const input = () => ({
  settings: {
    mode: 'api',
    tenantId: DEMO_CREDENTIALS.tenantId,
    clientId: DEMO_CREDENTIALS.clientId,
    authority: base,
    apiUrl: base,
  },
  secrets: { clientSecret: DEMO_CREDENTIALS.clientSecret },
});

/** Connect on the card, Accept on Microsoft's page; the callback as the browser makes it (with its cookie or not). */
async function connect(agent: Agent, o: { decision?: 'accept' | 'cancel'; withCookie?: boolean } = {}) {
  const start = await agent.request('POST', '/api/connections/partner-center/consent', input());
  expect(start.status).toBe(200);
  const cookie = cookieOf(start.headers['set-cookie'], 'billsync_pc_consent');
  expect(cookie).toBeDefined();
  const back = await answerConsentPage(start.json.authorizeUrl, o.decision);
  const callback = () =>
    t.app.inject({
      method: 'GET',
      url: `${back.pathname}${back.search}`,
      headers: o.withCookie === false ? {} : { cookie: cookie! },
    });
  const res = await callback();
  return { start, back, res, callback };
}

const status = async (agent: Agent) =>
  (await agent.request('GET', '/api/connections/partner-center/status')).json;
const storedSecrets = async () => (await loadSource(t.pool, t.box, ws))!.secrets;
const refresher = () => createSourceRefresher({ pool: t.pool, box: t.box, clock });

describe('Partner Center App+User consent through the API', () => {
  it('sends the admin to Microsoft, checks the state, redeems the code and keeps the refresh token sealed', async () => {
    const { start, back, res, callback } = await connect(admin);
    const authorize = new URL(start.json.authorizeUrl);
    expect(authorize.pathname).toBe(`/${DEMO_CREDENTIALS.tenantId}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: DEMO_CREDENTIALS.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      code_challenge_method: 'S256',
      scope: expect.stringContaining('offline_access'),
    });
    expect(back.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    expect([res.statusCode, res.headers.location]).toEqual([303, '/connections?partnerCenter=connected']);

    const view = await status(admin);
    expect(view.consent).toMatchObject({
      state: 'connected',
      user: 'agent@partner.example',
      expiresAt: '2025-11-08T05:00:00.000Z',
      daysLeft: 90,
      warning: null,
    });
    expect(view.connection.status).toBe('connected');
    const secrets = await storedSecrets();
    expect(secrets.refreshToken).toMatch(/^emu-rt\./);
    expect(secrets.pending).toBeUndefined();
    // Sealed at rest, and never sent to a browser.
    const raw = await t.pool.query<{ credentials: Buffer }>(
      `select credentials from connections where kind = 'partner-center'`,
    );
    expect(raw.rows[0]!.credentials.includes(Buffer.from(secrets.refreshToken!))).toBe(false);
    for (const url of ['/api/connections', '/api/connections/partner-center/status']) {
      expect(JSON.stringify((await admin.request('GET', url)).json)).not.toContain(secrets.refreshToken);
    }
    expect(JSON.stringify(res.headers) + res.body).not.toContain(secrets.refreshToken);

    // The state is single use: the same answer again is refused and changes nothing.
    const again = await callback();
    expect(again.headers.location).toBe('/connections?partnerCenter=unknown-state');
    expect((await storedSecrets()).refreshToken).toBe(secrets.refreshToken);
  });

  it('refuses an answer without the starting browser’s cookie, a made-up state, a cancel, and a write without CSRF', async () => {
    const before = (await storedSecrets()).refreshToken;
    const foreign = await connect(admin, { withCookie: false });
    expect(foreign.res.headers.location).toBe('/connections?partnerCenter=failed');
    expect((await status(admin)).consent.problem).toMatch(/another browser/);
    expect((await foreign.callback()).headers.location).toBe('/connections?partnerCenter=unknown-state');

    const madeUp = await t.app.inject({
      method: 'GET',
      url: `/api/connections/partner-center/consent/callback?state=${encodeURIComponent(foreign.back.searchParams.get('state')!)}x&code=abc`,
    });
    expect(madeUp.headers.location).toBe('/connections?partnerCenter=unknown-state');

    const cancelled = await connect(admin, { decision: 'cancel' });
    expect(cancelled.res.headers.location).toBe('/connections?partnerCenter=failed');
    expect((await status(admin)).consent).toMatchObject({
      state: 'connected',
      problem: expect.stringMatching(/declined.*AADSTS65004/),
    });
    expect((await storedSecrets()).refreshToken).toBe(before);

    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/connections/partner-center/consent',
      headers: { cookie: admin.cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('tests, and pulls the invoices (app-only) and the price sheet (App+User) on the daily check', async () => {
    const test = await admin.request('POST', '/api/connections/partner-center/test');
    expect(test.json).toMatchObject({ ok: true, status: 'connected' });
    const pulled = await refresher()(ws);
    expect(pulled).toEqual({ mode: 'api', invoicesPulled: 1, pricesChanged: true, errors: [] });
    const view = await status(admin);
    expect(view.pull).toMatchObject({ state: 'done', invoicesPulled: 1, priceEntries: 5, errors: [] });
    expect(pc.requestLog.count('GET', '/v1.0/sales/pricesheets(...)/$value')).toBeGreaterThan(0);

    const queued = await admin.request('POST', '/api/connections/partner-center/pull');
    expect(queued.status).toBe(202);
    const twice = await admin.request('POST', '/api/connections/partner-center/pull');
    expect(twice.json).toEqual({ jobId: queued.json.jobId, alreadyQueued: true });
    expect((await status(admin)).pull).toMatchObject({
      state: 'queued',
      jobId: queued.json.jobId,
      jobState: 'created',
    });
  });

  it('renews the refresh token when fewer than 30 of its 90 days remain', async () => {
    advanceDays(20);
    const fresh = await renewIfDue(
      { pool: t.pool, box: t.box, clock },
      (await loadSource(t.pool, t.box, ws))!,
    );
    expect(fresh.outcome).toBe('fresh');
    advanceDays(45);
    const before = await storedSecrets();
    const renewed = await renewIfDue(
      { pool: t.pool, box: t.box, clock },
      (await loadSource(t.pool, t.box, ws))!,
    );
    expect(renewed.outcome).toBe('renewed');
    expect((await storedSecrets()).refreshToken).not.toBe(before.refreshToken);
    const consent = (await loadSource(t.pool, t.box, ws))!.consent;
    expect(consent).toMatchObject({ state: 'connected', renewedAt: clock.now() });
    expect(Date.parse(consent.expiresAt!) - Date.parse(clock.now())).toBe(90 * 86_400_000);
  });

  it('asks for a reconnect, in words, when Microsoft revoked or expired the consent; invoices still come', async () => {
    await fetch(`${base}/_emulator/refresh-tokens/revoke`, { method: 'POST' });
    const revoked = await refresher()(ws);
    expect(revoked.errors).toEqual([
      expect.stringMatching(
        /^price list: Microsoft sign-in failed: the App\+User consent was revoked .*\(AADSTS50173\)\. Click Reconnect/,
      ),
    ]);
    admin = await login(t.app, 'admin@msp.example', PASSWORD);
    const view = await status(admin);
    expect(view.consent).toMatchObject({ state: 'reconnect', warning: expect.stringMatching(/revoked/) });
    expect(view.connection).toMatchObject({
      status: 'error',
      statusMessage: expect.stringMatching(/Reconnect/),
    });
    expect(view.pull).toMatchObject({ state: 'warning' });
    expect((await storedSecrets()).refreshToken).toBeUndefined();

    // Reconnect, then nothing uses the consent: the card warns 14 days ahead, then it expires.
    expect((await connect(admin)).res.headers.location).toBe('/connections?partnerCenter=connected');
    advanceDays(80);
    admin = await login(t.app, 'admin@msp.example', PASSWORD);
    expect((await status(admin)).consent).toMatchObject({
      daysLeft: 10,
      warning: expect.stringMatching(/^The App\+User consent expires on \d{4}-\d{2}-\d{2} \(in 10 days\)/),
    });
    advanceDays(11);
    admin = await login(t.app, 'admin@msp.example', PASSWORD);
    expect((await status(admin)).consent).toMatchObject({
      state: 'connected',
      daysLeft: -1,
      warning: expect.stringMatching(/expired on .*Reconnect/),
    });
    const expired = await refresher()(ws);
    expect(expired.errors[0]).toMatch(
      /^consent: Microsoft sign-in failed: the App\+User consent has expired .*AADSTS700082/,
    );
    expect((await status(admin)).consent.state).toBe('reconnect');
  });
});
