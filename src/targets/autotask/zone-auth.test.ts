import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../../emulators/autotask';
import { startTestEmulator, type TestEmulator } from '../../../emulators/autotask/testing';
import { type AutotaskAdapterOptions, createAutotaskAdapter, forgetZone } from './index';
import { apiRoot } from './quirks';

let emu: TestEmulator;
const slept: number[] = [];

const options = (extra: Partial<AutotaskAdapterOptions> = {}): AutotaskAdapterOptions => ({
  username: DEMO_CREDENTIALS.userName,
  secret: DEMO_CREDENTIALS.secret,
  integrationCode: DEMO_CREDENTIALS.integrationCode,
  discoveryUrl: emu.base,
  sleep: async (ms) => {
    slept.push(ms);
  },
  random: () => 0,
  ...extra,
});

beforeEach(async () => {
  emu = await startTestEmulator();
  slept.length = 0;
  forgetZone();
});
afterEach(async () => {
  await emu.close();
});

describe('zone discovery', () => {
  it('normalises zone URLs with or without trailing slash and version', () => {
    const want = 'https://webservices3.autotask.net/ATServicesRest/V1.0';
    expect(apiRoot('https://webservices3.autotask.net/ATServicesRest/')).toBe(want);
    expect(apiRoot('https://webservices3.autotask.net/ATServicesRest')).toBe(want);
    expect(apiRoot('https://webservices3.autotask.net/ATServicesRest/V1.0/')).toBe(want);
    expect(apiRoot('https://webservices3.autotask.net')).toBe(want);
    expect(apiRoot('https://webservices3.autotask.net/atservicesrest/v1.0')).toBe(
      'https://webservices3.autotask.net/atservicesrest/v1.0',
    );
  });

  it('discovers the zone from the username once per user and checks the credentials', async () => {
    const a = createAutotaskAdapter(options());
    const result = await a.check({});
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.detail).toMatch(/Connected to 127\.0\.0\.1:\d+ as api@demo\.example/);
    // Another adapter of the same user (any letter case) reuses the discovered zone.
    const b = createAutotaskAdapter(options({ username: 'API@demo.example' }));
    expect((await b.check({})).ok).toBe(true);
    expect(emu.requests.count('GET', '/V1.0/zoneInformation')).toBe(1);
    expect(emu.requests.count('GET', '/V1.0/ThresholdInformation')).toBe(2);
  });

  it('an explicit zone URL skips discovery', async () => {
    const a = createAutotaskAdapter(
      options({ zoneUrl: `${emu.base}/atservicesrest/`, discoveryUrl: 'http://127.0.0.1:1' }),
    );
    expect((await a.check({})).ok).toBe(true);
    expect(emu.requests.count('*', '/V1.0/zoneInformation')).toBe(0);
  });

  it('a discovered zone outside the URL policy is refused: the credentials are never sent there', async () => {
    const discovery = Fastify();
    discovery.get('/ATServicesRest/V1.0/zoneInformation', async () => ({
      url: 'https://webservices.autotask.net.evil.example/ATServicesRest/',
    }));
    const base = await discovery.listen({ port: 0, host: '127.0.0.1' });
    try {
      const result = await createAutotaskAdapter(options({ discoveryUrl: base })).check({});
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.kind).toBe('protocol');
      expect(result.error.message).toMatch(
        /^zoneInformation answered with a zone billsync does not send credentials to \(it is not on Autotask's hosts/,
      );
      expect(result.error.message).not.toContain('evil.example');
    } finally {
      await discovery.close();
    }
  });

  it('an unknown username: "Zone not found for this username", without retrying', async () => {
    const a = createAutotaskAdapter(options({ username: 'nobody@example.com' }));
    const result = await a.check({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe('Zone not found for this username');
    expect(result.error.kind).toBe('auth');
    expect(result.error.vendorMessages).toEqual(['Zone information could not be determined']);
    expect(emu.requests.count()).toBe(1);
  });
});

describe('authentication failures in words', () => {
  it('a wrong secret (401)', async () => {
    const result = await createAutotaskAdapter(options({ secret: 'wrong-secret' })).check({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([result.error.kind, result.error.status, result.error.message]).toEqual([
      'auth',
      401,
      'The API username or secret is wrong',
    ]);
    expect(JSON.stringify(result.error)).not.toContain('wrong-secret');
  });

  it('a wrong integration code (the 500 quirk), not retried', async () => {
    const result = await createAutotaskAdapter(options({ integrationCode: 'NOPE-NOT-A-CODE' })).check({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe('The API integration code is not valid');
    expect(result.error.kind).toBe('auth');
    expect(result.error.vendorMessages).toEqual(['IntegrationCode is invalid.']);
    expect(emu.requests.count('GET', '/V1.0/ThresholdInformation')).toBe(1);
  });

  it('a username unknown in the zone (500 on a live instance) reads as wrong credentials', async () => {
    const a = createAutotaskAdapter(
      options({ username: 'ghost@demo.example', zoneUrl: `${emu.base}/ATServicesRest` }),
    );
    const result = await a.check({});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe('The API username or secret is wrong');
  });

  it('reads fail with the same kinds (auth is never retried)', async () => {
    const a = createAutotaskAdapter(options({ secret: 'bad-secret-value' }));
    await expect(a.readState({}, { products: true })).rejects.toMatchObject({ kind: 'auth', status: 401 });
    expect(slept).toEqual([]);
  });
});
