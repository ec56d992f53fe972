import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basicAuth, DEMO_HEADERS, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const { clientId, Accept } = DEMO_HEADERS as { clientId: string; Accept: string };
const withAuth = (authorization: string) => ({ Authorization: authorization, clientId });

describe('codebase discovery', () => {
  it('answers /login/companyinfo/{companyId} without credentials, company id in any case', async () => {
    const res = await emu.raw('GET', '/login/companyinfo/DEMO');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      CompanyName: 'Northbridge IT (emulator)',
      Codebase: 'v2025_8/',
      VersionCode: 'v2025.8',
      VersionNumber: 'v4.6.104512',
      CompanyID: 'demo',
      IsCloud: 'True',
      SiteUrl: new URL(emu.base).host,
    });
    expect((await emu.raw('GET', '/login/companyinfo/nobody')).status).toBe(404);
  });

  it("serves the API under v4_6_release and the advertised codebase, any case, tolerating the links' double slash", async () => {
    for (const path of [
      '/v4_6_release/apis/3.0/company/companies/19',
      '/v2025_8/apis/3.0/company/companies/19',
      '/V4_6_RELEASE/APIS/3.0/Company/Companies/19',
      '/v4_6_release/apis/3.0//company/companies/19',
    ]) {
      const res = await emu.raw('GET', path, undefined, DEMO_HEADERS);
      expect([path, res.status, res.body.identifier]).toEqual([path, 200, 'Microsoft']);
    }
    expect(
      (await emu.raw('GET', '/v2019_1/apis/3.0/company/companies/19', undefined, DEMO_HEADERS)).status,
    ).toBe(404);
    expect((await emu.api('GET', '/service/tickets')).status).toBe(404);
  });
});

describe('authentication (§1.4)', () => {
  it('accepts company+publicKey:privateKey with any clientId, the company in any case', async () => {
    const res = await emu.api(
      'GET',
      '/system/info',
      undefined,
      withAuth(basicAuth('Demo', 'demo-public', 'demo-private')),
    );
    expect(res.status).toBe(200);
    const ok = await emu.api(
      'GET',
      '/company/companies/count',
      undefined,
      withAuth(basicAuth('DEMO', 'demo-public', 'demo-private')),
    );
    expect(ok.body).toEqual({ count: 31 });
  });

  it('answers 401 for a wrong key, company or form, in the configured body', async () => {
    for (const auth of [
      basicAuth('demo', 'demo-public', 'wrong'),
      basicAuth('other', 'demo-public', 'demo-private'),
      basicAuth('demo', 'DEMO-PUBLIC', 'demo-private'),
      `Basic ${Buffer.from('demo-public:demo-private').toString('base64')}`,
      'Bearer abc',
    ]) {
      const res = await emu.api('GET', '/company/companies', undefined, withAuth(auth));
      expect([res.status, res.body]).toEqual([
        401,
        { code: 'Unauthorized', message: 'The credentials are not valid.', errors: null },
      ]);
    }
    await emu.raw('PUT', '/_emulator/rules', { authFailureBody: 'user-not-authenticated' });
    const res = await emu.api('GET', '/company/companies', undefined, withAuth('Basic eA=='));
    expect(res.body).toEqual({ code: 'ConnectWiseApi', message: 'UserNotAuthenticated', errors: null });
  });

  it('requires the clientId header: 403 by default, 400 with the switch, before the credentials', async () => {
    const { clientId: _, ...noClient } = DEMO_HEADERS;
    const res = await emu.api('GET', '/company/companies', undefined, noClient);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/clientId/);
    await emu.raw('PUT', '/_emulator/rules', { missingClientIdStatus: 400 });
    expect(
      (await emu.api('GET', '/company/companies', undefined, { ...noClient, Authorization: 'x' })).status,
    ).toBe(400);
  });

  it('answers /system/info without credentials unless the switch requires them', async () => {
    const anonymous = await emu.api('GET', '/system/info', undefined, { clientId });
    expect(anonymous.body).toEqual({
      version: 'v2025.8.104512',
      isCloud: true,
      serverTimeZone: 'Eastern Standard Time',
      licenseBits: [],
      cloudRegion: 'NA',
      maxWorkFlowRecordsAllowed: 1000,
    });
    await emu.raw('PUT', '/_emulator/rules', { systemInfoAuth: 'required' });
    expect((await emu.api('GET', '/system/info', undefined, { clientId })).status).toBe(401);
  });

  it('refuses plain HTTP with the Security error when the switch says so', async () => {
    await emu.raw('PUT', '/_emulator/rules', { plainHttp: 'refuse' });
    const res = await emu.api('GET', '/company/companies');
    expect([res.status, res.body]).toEqual([
      403,
      { code: 'Security', message: 'SSL is required.', errors: null },
    ]);
  });
});

describe('versioning (§1.5) and response headers', () => {
  it('pins models to the Accept version: fields newer than 2022.1 are left out', async () => {
    const v2025 = await emu.api('GET', '/finance/agreements/1040', undefined, { ...DEMO_HEADERS, Accept });
    expect(v2025.body.invoiceProratedAdditionsFlag).toBe(false);
    const v2022 = await emu.api('GET', '/finance/agreements/1040', undefined, {
      ...DEMO_HEADERS,
      Accept: 'application/vnd.connectwise.com+json; version=2022.1, application/json',
    });
    expect(v2022.body).not.toHaveProperty('invoiceProratedAdditionsFlag');
    expect(v2022.body.prorateFlag).toBe(true);
    const latest = await emu.api('GET', '/finance/agreements/1040', undefined, {
      ...DEMO_HEADERS,
      Accept: 'application/json',
    });
    expect(latest.body.invoiceProratedAdditionsFlag).toBe(false);
    const bad = await emu.api('GET', '/finance/agreements/1040', undefined, {
      ...DEMO_HEADERS,
      Accept: 'application/vnd.connectwise.com+json; version=latest',
    });
    expect(bad.status).toBe(400);
  });

  it('sends the live headers and the content type of the switch', async () => {
    const res = await emu.api('GET', '/company/companies/19');
    expect(res.headers.get('api-current-version')).toBe('2025.8');
    expect(res.headers.get('x-cw-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    await emu.raw('PUT', '/_emulator/rules', { contentType: 'vendor' });
    const vendor = await emu.api('GET', '/company/companies/19', undefined, {
      ...DEMO_HEADERS,
      Accept: 'application/vnd.connectwise.com+json; version=2022.1',
    });
    expect(vendor.headers.get('content-type')).toBe(
      'application/vnd.connectwise.com+json; version=2022.1; charset=utf-8',
    );
  });

  it('writes references with an _info link (double slash after 3.0) and dates with Z', async () => {
    const res = await emu.api('GET', '/finance/agreements/1040');
    expect(res.body.company).toEqual({
      id: 250,
      identifier: 'ContosoLtd',
      name: 'Contoso Ltd',
      _info: { company_href: `${emu.base}/v4_6_release/apis/3.0//company/companies/250` },
    });
    expect(res.body.startDate).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    expect(res.body._info).toMatchObject({ lastUpdated: '2026-03-15T09:00:00Z', enteredBy: 'admin' });
    expect(res.body._info.additions_href).toBe(
      `${emu.base}/v4_6_release/apis/3.0//finance/agreements/1040/additions`,
    );
  });
});
