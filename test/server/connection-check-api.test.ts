import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import { createTargetOpener } from '../../src/runtime/targets';
import { type Agent, createTestApp, setupAdmin, type TestApp } from '../support/app';
import { CREDS, e2eSeed } from '../support/autotask-world';

/**
 * The connect dialog's Test (issue 13): `POST /api/connections/{kind}/check` tests the credentials as entered,
 * saves nothing, and never changes the stored connection's state (a failed test never turns the card red).
 */

let emulator: AutotaskEmulator;
let zoneUrl = '';
let t: TestApp;
let admin: Agent;

const input = (secret = CREDS.secret, zone = zoneUrl) => ({
  settings: { username: CREDS.userName, zoneUrl: zone },
  secrets: { secret, integrationCode: CREDS.integrationCode },
});

beforeAll(async () => {
  emulator = createAutotaskEmulator({
    seed: parseSeed(e2eSeed()),
    clock: createClock({ start: '2025-09-10T09:00:00Z' }),
    sleep: async () => {},
  });
  zoneUrl = `${await emulator.listen(0)}/ATServicesRest/`;
  let opener: ReturnType<typeof createTargetOpener> | undefined;
  t = await createTestApp({ openTarget: (ws, target) => opener!(ws, target) });
  opener = createTargetOpener({ pool: t.pool, box: t.box });
  admin = await setupAdmin(t.app);
});
afterAll(async () => {
  await t?.close();
  await emulator?.close();
});

const connections = async () => (await admin.request('GET', '/api/connections')).json.items;

describe('testing credentials without saving them', () => {
  it('says whether the entered credentials work, and saves nothing', async () => {
    const good = await admin.request('POST', '/api/connections/autotask/check', input());
    expect(good.status, JSON.stringify(good.json)).toBe(200);
    expect(good.json).toMatchObject({ ok: true, status: 'needs_setup' });
    expect(good.json.message).toMatch(/choose a billing code in the program settings$/);
    expect(good.json.message).not.toMatch(/billsync/);
    const bad = await admin.request('POST', '/api/connections/autotask/check', input('a wrong secret'));
    expect(bad.json).toMatchObject({ ok: false, status: 'error' });
    expect(bad.json.message).toMatch(/username or secret is wrong|refused the credentials/);
    expect(await connections()).toEqual([]);
  });

  it('never changes a saved connection: a failed test leaves its card green', async () => {
    const saved = await admin.request('POST', '/api/connections/autotask/test', input());
    expect(saved.json).toMatchObject({ ok: true, status: 'needs_setup' });
    const before = (await connections())[0];
    const bad = await admin.request('POST', '/api/connections/autotask/check', input('a wrong secret'));
    expect(bad.json.ok).toBe(false);
    const after = (await connections())[0];
    expect(after).toEqual(before);
    expect(after.status).toBe('needs_setup');
  });

  it('uses the stored secrets when none are entered, unless the zone changed', async () => {
    const kept = await admin.request('POST', '/api/connections/autotask/check', {
      settings: { username: CREDS.userName, zoneUrl },
    });
    expect(kept.json).toMatchObject({ ok: true });
    const moved = await admin.request('POST', '/api/connections/autotask/check', {
      settings: { username: CREDS.userName, zoneUrl: 'http://127.0.0.1:9/ATServicesRest/' },
    });
    expect(moved.status).toBe(400);
    expect(moved.json.error.message).toMatch(/needs the secret and the integration code again/);
  });

  it('refuses a URL the URL policy refuses, and a kind that is not a PSA', async () => {
    const metadata = await admin.request(
      'POST',
      '/api/connections/autotask/check',
      input(CREDS.secret, 'http://169.254.169.254/ATServicesRest/'),
    );
    expect(metadata.status).toBe(400);
    expect(metadata.json.error.code).toBe('validation_failed');
    const partner = await admin.request('POST', '/api/connections/partner-center/check', input());
    expect(partner.status).toBe(400);
  });
});
