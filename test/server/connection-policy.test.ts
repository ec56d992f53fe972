import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { upsertConnection } from '../../src/db/repos/connections';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { sealContext } from '../../src/services/connections';
import { forgetZone } from '../../src/targets/autotask';
import { type Agent, createTestApp, setupAdmin, type TestApp } from '../support/app';

/**
 * The pen test's finding 4: an admin pointed the Autotask zone URL at a host of their own and ran the connection
 * test; the stored secret and integration code went there, and the answer came back in the status message.
 */
const SECRET = 'Stored-Secret-Of-The-MSP-42';
const CODE = 'STORED-INTEGRATION-CODE-42';
const GOOD = {
  settings: { username: 'api@msp.example', zoneUrl: 'https://webservices3.autotask.net/ATServicesRest/' },
  secrets: { secret: SECRET, integrationCode: CODE },
};

let t: TestApp;
let admin: Agent;
let ws: WorkspaceId;
let attacker: FastifyInstance;
let attackerUrl: string;
const seen: { url: string; headers: Record<string, unknown> }[] = [];
let answer: { status: number; type: string; body: string } = { status: 500, type: 'json', body: '{}' };

beforeAll(async () => {
  attacker = Fastify();
  attacker.all('/*', async (request, reply) => {
    seen.push({ url: request.url, headers: request.headers });
    return reply.code(answer.status).type(answer.type).send(answer.body);
  });
  attackerUrl = await attacker.listen({ port: 0, host: '127.0.0.1' });
  let opener: TargetOpener | undefined;
  t = await createTestApp({ openTarget: (w, target) => opener!(w, target) });
  opener = createTargetOpener({ pool: t.pool, box: t.box });
  admin = await setupAdmin(t.app);
  ws = (await admin.request('GET', '/api/workspace')).json.id as WorkspaceId;
});
afterEach(() => {
  vi.unstubAllEnvs();
  seen.length = 0;
  forgetZone();
});
afterAll(async () => {
  await t.close();
  await attacker.close();
});

const strict = () => vi.stubEnv('BILLSYNC_ALLOW_LOCAL_PSA', '');
const put = (body: unknown) => admin.request('PUT', '/api/connections/autotask', body);

describe('PSA and source URLs follow the URL policy', () => {
  it('a zone URL must be https on *.autotask.net: other hosts are refused in words, nothing is saved', async () => {
    strict();
    for (const zoneUrl of [
      `${attackerUrl}/ATServicesRest/`,
      'https://evil.example/ATServicesRest/',
      'http://webservices3.autotask.net/ATServicesRest/',
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      const res = await put({ ...GOOD, settings: { ...GOOD.settings, zoneUrl } });
      expect(res.status, zoneUrl).toBe(400);
      expect(res.json.error.message).toMatch(/^The zone URL ".*" is not allowed: it is /);
      expect(res.json.error.message).toMatch(/Autotask URLs must be https on \*\.autotask\.net/);
    }
    const test = await admin.request('POST', '/api/connections/autotask/test', {
      ...GOOD,
      settings: { ...GOOD.settings, zoneUrl: 'https://evil.example/' },
    });
    expect(test.status).toBe(400);
    expect((await t.pool.query('select * from connections')).rows).toEqual([]);
    expect((await put(GOOD)).status).toBe(200);
  });

  it('Partner Center and ConnectWise URLs too', async () => {
    strict();
    const pc = await admin.request('PUT', '/api/connections/partner-center', {
      settings: { mode: 'api', tenantId: 't', clientId: 'c', authority: 'https://login.evil.example' },
      secrets: { clientSecret: 'pc-secret' },
    });
    expect(pc.status).toBe(400);
    expect(pc.json.error.message).toMatch(/^The authority URL .* is not on Partner Center's hosts/);
    const cw = (site: string) =>
      admin.request('PUT', '/api/connections/connectwise', {
        settings: { site, companyId: 'msp', publicKey: 'pub' },
        secrets: { privateKey: 'cw-private' },
      });
    expect((await cw('evil.example')).json.error.message).toMatch(/^The site "evil\.example" is not allowed/);
    expect((await cw('na.myconnectwise.net')).status).toBe(200);
  });

  it('changing the zone URL or the username needs the secret again', async () => {
    expect((await put(GOOD)).status).toBe(200);
    const moved = await put({
      settings: { ...GOOD.settings, zoneUrl: 'https://webservices14.autotask.net/' },
    });
    expect(moved.status).toBe(400);
    expect(moved.json.error.message).toMatch(
      /^Changing the API username or the zone URL needs the secret and the integration code again/,
    );
    const renamed = await put({ settings: { ...GOOD.settings, username: 'other@msp.example' } });
    expect(renamed.status).toBe(400);
    // The same settings keep the stored secrets; new settings with the secrets are fine.
    expect((await put({ settings: GOOD.settings })).status).toBe(200);
    const both = await put({ ...GOOD, settings: { ...GOOD.settings, username: 'other@msp.example' } });
    expect(both.status).toBe(200);
  });
});

describe('the connection test', () => {
  it('never echoes what the other end answered, only what failed in our words', async () => {
    // With BILLSYNC_ALLOW_LOCAL_PSA=1 (as in the tests) a loopback zone is allowed: the answer is still not shown.
    const zoneUrl = `${attackerUrl}/ATServicesRest/`;
    expect((await put({ ...GOOD, settings: { ...GOOD.settings, zoneUrl } })).status).toBe(200);
    const answers = [
      { status: 500, type: 'application/json', body: '{"errors":["attacker-says: look at me"]}' },
      { status: 401, type: 'text/html', body: '<html><title>attacker-says: sign in</title></html>' },
      { status: 200, type: 'text/html', body: '<html>attacker-says: hello</html>' },
    ];
    for (const a of answers) {
      answer = a;
      const res = await admin.request('POST', '/api/connections/autotask/test');
      expect(res.json).toMatchObject({ ok: false, status: 'error' });
      expect(res.json.message).not.toMatch(/attacker-says/);
      expect(res.json.connection.statusMessage).not.toMatch(/attacker-says/);
    }
    expect(seen.length).toBeGreaterThan(0);
  });

  it('a stored URL outside the policy gets no request: the secrets are not sent there', async () => {
    // A connection saved before the policy (or while BILLSYNC_ALLOW_LOCAL_PSA was on).
    const { box } = t;
    await upsertConnection(t.pool, {
      workspaceId: ws,
      kind: 'autotask',
      settings: { username: 'api@msp.example', zoneUrl: `${attackerUrl}/ATServicesRest/` },
      credentials: box.seal(JSON.stringify(GOOD.secrets), sealContext(ws, 'autotask')),
    });
    strict();
    const res = await admin.request('POST', '/api/connections/autotask/test');
    expect(res.json).toMatchObject({ ok: false, status: 'error' });
    expect(res.json.message).toMatch(/^The zone URL .* is not allowed: it is a loopback address/);
    expect(seen).toEqual([]);
  });
});
