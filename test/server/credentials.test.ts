import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecrets } from '../../src/services/connections';
import { type Agent, createTestApp, setupAdmin, type TestApp } from '../support/app';

const SECRET = 'Sup3r-Secret-Value-9f8e7d';
const CODE = 'INTEGRATIONCODE-ABC-123456';
let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  t = await createTestApp();
  admin = await setupAdmin(t.app);
});
afterAll(() => t.close());

describe('credentials at rest', () => {
  it('are stored encrypted: the bytes in the database do not contain the secret', async () => {
    const res = await admin.request('PUT', '/api/connections/autotask', {
      settings: { username: 'api@msp.example' },
      secrets: { secret: SECRET, integrationCode: CODE },
    });
    expect(res.status).toBe(200);
    const row = await t.pool.query('select * from connections');
    const raw = JSON.stringify(row.rows[0]) + Buffer.from(row.rows[0].credentials).toString('latin1');
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(CODE);
    const dump = await t.pool.query(
      "select credentials::text as t, encode(credentials, 'escape') as e from connections",
    );
    expect(dump.rows[0].t).not.toContain(Buffer.from(SECRET).toString('hex'));
    expect(dump.rows[0].e).not.toContain(SECRET);
    // ...and they open again with the key, for the adapters.
    expect(openSecrets(t.box, row.rows[0])).toEqual({ secret: SECRET, integrationCode: CODE });
  });

  it('are never returned by the API, only "set"', async () => {
    const list = await admin.request('GET', '/api/connections');
    const one = await admin.request('GET', `/api/connections/${list.json.items[0].id}`);
    for (const body of [list.json, one.json]) {
      const text = JSON.stringify(body);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(CODE);
    }
    expect(one.json.credentials).toBe('set');
    expect(one.json.settings).toEqual({ username: 'api@msp.example' });
  });

  it('keep the stored secrets when an update omits them (a new username or zone needs them again)', async () => {
    const renamed = await admin.request('PUT', '/api/connections/autotask', {
      settings: { username: 'api2@msp.example' },
    });
    expect(renamed.status).toBe(400);
    const res = await admin.request('PUT', '/api/connections/autotask', {
      settings: { username: 'api@msp.example' },
    });
    expect(res.status).toBe(200);
    expect(res.json.credentials).toBe('set');
    const row = await t.pool.query('select * from connections');
    expect(openSecrets(t.box, row.rows[0]).secret).toBe(SECRET);
  });

  it('a sealed blob moved to another workspace or kind does not open', async () => {
    const row = (await t.pool.query('select * from connections')).rows[0];
    expect(() => openSecrets(t.box, { ...row, kind: 'connectwise' })).toThrow(/cannot be decrypted/);
  });

  it('refuses a connection without credentials, in words', async () => {
    const res = await admin.request('PUT', '/api/connections/connectwise', {
      settings: { site: 'na.myconnectwise.net', companyId: 'msp', publicKey: 'pub' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/needs its credentials/);
  });
});
