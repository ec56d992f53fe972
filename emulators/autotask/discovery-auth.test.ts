import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL, DEMO_HEADERS, startTestEmulator, type TestEmulator } from './testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

describe('discovery', () => {
  it('versioninformation needs no credentials', async () => {
    const res = await emu.raw('GET', '/atservicesrest/versioninformation');
    expect(res).toMatchObject({ status: 200, body: { apiVersions: ['1.0'] } });
  });

  it('zoneInformation answers this emulator as the zone url, without credentials', async () => {
    const res = await emu.raw('GET', '/atservicesrest/v1.0/zoneInformation?user=API%40demo.example');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      zoneName: 'America West (emulator)',
      url: `${emu.base}/ATServicesRest/`,
      webUrl: 'https://ww5.autotask.net/',
      ci: 482913,
    });
    // Clients append `V1.0/...` to the url.
    const follow = await emu.raw('POST', `${res.body.url}V1.0/Companies/query/count`, ALL, DEMO_HEADERS);
    expect(follow.status).toBe(200);
  });

  it('zoneInformation for an unknown or blank user is the real 500 body', async () => {
    for (const q of ['?user=nobody%40x.example', '?user=', '']) {
      const res = await emu.raw('GET', `/atservicesrest/v1.0/zoneInformation${q}`);
      expect(res).toMatchObject({
        status: 500,
        body: { errors: ['Zone information could not be determined'] },
      });
    }
  });

  it('unknown routes get the IIS HTML 404 page', async () => {
    const res = await emu.api('GET', '/Tickets/1');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.body).toContain('404 - File or directory not found.');
  });
});

describe('authentication', () => {
  const path = '/Companies/query';

  it('accepts the three headers in any letter case', async () => {
    const res = await emu.api('POST', path, ALL, {
      apiintegrationcode: 'DEMOINTEGRATIONCODE',
      USERNAME: 'API@demo.example',
      secret: 'demo-secret',
    });
    expect(res.status).toBe(200);
  });

  it('unknown user: HTTP 500 (as observed), configurable to 401', async () => {
    const res = await emu.api('POST', path, ALL, { ...DEMO_HEADERS, UserName: 'nobody@demo.example' });
    expect(res.status).toBe(500);
    expect(res.body.errors).toHaveLength(1);
    const strict = await startTestEmulator({ rules: { unknownUserStatus: 401 } });
    try {
      expect((await strict.api('POST', path, ALL, { ...DEMO_HEADERS, UserName: 'x' })).status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it('wrong secret: 401; missing headers: 401/500', async () => {
    const res = await emu.api('POST', path, ALL, { ...DEMO_HEADERS, Secret: 'wrong' });
    expect(res).toMatchObject({
      status: 401,
      body: { Message: 'Authorization has been denied for this request.' },
    });
    const { Secret: _s, ...noSecret } = DEMO_HEADERS;
    expect((await emu.api('POST', path, ALL, noSecret)).status).toBe(401);
    expect((await emu.api('POST', path, ALL, {})).status).toBe(500);
  });

  it('wrong integration code: 500 "IntegrationCode is invalid."', async () => {
    const res = await emu.api('POST', path, ALL, { ...DEMO_HEADERS, ApiIntegrationCode: 'NOPE' });
    expect(res).toMatchObject({ status: 500, body: { errors: ['IntegrationCode is invalid.'] } });
  });

  it('ImpersonationResourceId must be an active resource and becomes the creator', async () => {
    const service = {
      name: 'Impersonated',
      billingCodeID: 29682807,
      periodType: 2,
      unitPrice: 1,
    };
    const bad = await emu.api('POST', '/Services', service, {
      ...DEMO_HEADERS,
      ImpersonationResourceId: '29682887',
    });
    expect(bad.status).toBe(500);
    const ok = await emu.api('POST', '/Services', service, {
      ...DEMO_HEADERS,
      ImpersonationResourceId: '29682886',
    });
    const got = await emu.api('GET', `/Services/${ok.body.itemId}`);
    expect(got.body.item.creatorResourceID).toBe(29682886);
  });

  it('failed authentications do not count against the hourly threshold', async () => {
    await emu.api('POST', path, ALL, { ...DEMO_HEADERS, Secret: 'wrong' });
    const t = await emu.api('GET', '/ThresholdInformation');
    expect(t.body).toEqual({
      externalRequestThreshold: 10000,
      requestThresholdTimeframe: 60,
      currentTimeframeRequestCount: 1,
    });
  });
});
