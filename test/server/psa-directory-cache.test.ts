import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import { fixedClock } from '../../src/core/time/clock';
import { upsertSourceCustomers } from '../../src/db/repos/source-data';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { createUser, createWorkspace } from '../../src/services/auth';
import { saveConnection } from '../../src/services/connections';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { CREDS, e2eSeed, IDS } from '../support/autotask-world';

/**
 * The PSA directory cache (issue 14): the mapping dialog's company search, contracts and the suggestions read the
 * Autotask emulator once per workspace and connection within BILLSYNC_DIRECTORY_TTL_SECONDS (the app's clock is
 * stopped: nothing expires by itself here); "Refresh from Autotask" reads anew; a saved connection is read anew;
 * another workspace never gets this one's directory.
 */

let emulator: AutotaskEmulator;
let zoneUrl: string;
let t: TestApp;
let opener: TargetOpener | undefined;
let a: Agent;
let b: Agent;
let wsA: WorkspaceId;
let wsB: WorkspaceId;

const psaCalls = () => emulator.requests.count();
const companyNames = (res: { json: { items: { name: string }[] } }) => res.json.items.map((c) => c.name);
const connect = (workspaceId: WorkspaceId, username = CREDS.userName) =>
  saveConnection(t.pool, t.box, {
    workspaceId,
    kind: 'autotask',
    settings: { username, zoneUrl },
    secrets: { secret: CREDS.secret, integrationCode: CREDS.integrationCode },
    actor: 'test',
  });

beforeAll(async () => {
  emulator = createAutotaskEmulator({
    seed: parseSeed(e2eSeed({ extraCustomers: 3 })),
    clock: createClock({ start: '2025-09-10T09:00:00Z' }),
    sleep: async () => {},
  });
  zoneUrl = `${await emulator.listen(0)}/ATServicesRest/`;
  t = await createTestApp({
    clock: fixedClock('2025-09-10T10:00:00Z'),
    openTarget: (ws, target) => opener!(ws, target),
    env: { BILLSYNC_DIRECTORY_TTL_SECONDS: '300' },
  });
  opener = createTargetOpener({ pool: t.pool, box: t.box });
  a = await setupAdmin(t.app);
  wsA = (await a.request('GET', '/api/workspace')).json.id;
  wsB = (await createWorkspace(t.pool, 'Other MSP', 'test')).id;
  await createUser(t.pool, {
    workspaceId: wsB,
    email: 'admin@other.example',
    password: 'other admin password',
    role: 'admin',
    actor: 'test',
  });
  b = await login(t.app, 'admin@other.example', 'other admin password');
  await upsertSourceCustomers(t.pool, wsA, [
    { tenantId: '00000000-0000-4000-8000-000000000001', name: 'Customer 1', defaultDomain: '' },
  ]);
  await connect(wsA);
});
afterAll(async () => {
  await t?.close();
  await emulator?.close();
});

describe('PSA directory cache', () => {
  it('two searches within the TTL read the PSA once; the contracts and suggestions use the same read', async () => {
    emulator.requests.reset();
    const first = await a.request('GET', '/api/psa/autotask/companies?search=customer');
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(companyNames(first)).toEqual(['Customer 0', 'Customer 1', 'Customer 2']);
    const oneRead = psaCalls();
    expect(oneRead).toBeGreaterThan(0);
    expect(emulator.requests.count('*', '**/Companies/query**')).toBe(1);

    const second = await a.request('GET', '/api/psa/autotask/companies?search=contoso');
    expect(companyNames(second)).toEqual(['Contoso Dental Ltd']);
    const contracts = await a.request('GET', `/api/psa/autotask/companies/${IDS.company}/contracts`);
    expect(contracts.json.items.map((c: { name: string }) => c.name)).toEqual(['Contoso Microsoft 365']);
    const suggestions = await a.request('GET', '/api/customers/suggestions');
    expect(suggestions.json.items.map((i: { name: string }) => i.name)).toEqual(['Customer 1']);
    const page = await a.request('GET', '/api/customers?suggest=1');
    expect(page.json.items[0].suggestion).toMatchObject({ companyName: 'Customer 1' });
    expect(psaCalls()).toBe(oneRead);
  });

  it('"Refresh from Autotask" reads the PSA anew: a company created there shows at once', async () => {
    const seed = e2eSeed({ extraCustomers: 3 });
    seed.Companies.push({
      id: 900,
      companyName: 'Fourth Coffee',
      companyType: 1,
      ownerResourceID: 1,
      phone: '4',
    });
    emulator.loadSeed(parseSeed(seed));
    emulator.requests.reset();
    const stale = await a.request('GET', '/api/psa/autotask/companies?search=fourth');
    expect(stale.json.items).toEqual([]);
    expect(psaCalls()).toBe(0);

    const refresh = await a.request('POST', '/api/psa/autotask/directory/refresh');
    expect(refresh.status, JSON.stringify(refresh.json)).toBe(200);
    expect(refresh.json).toMatchObject({ companies: 5, readAt: expect.any(String) });
    const oneRead = psaCalls();
    expect(emulator.requests.count('*', '**/Companies/query**')).toBe(1);
    const fresh = await a.request('GET', '/api/psa/autotask/companies?search=fourth');
    expect(companyNames(fresh)).toEqual(['Fourth Coffee']);
    expect(psaCalls()).toBe(oneRead);
  });

  it('a connection saved again is read anew', async () => {
    await a.request('GET', '/api/psa/autotask/companies');
    emulator.requests.reset();
    await connect(wsA);
    await a.request('GET', '/api/psa/autotask/companies');
    expect(emulator.requests.count('*', '**/Companies/query**')).toBe(1);
  });

  it('another workspace never sees the cached directory: without a connection it is told so, with one it reads its own', async () => {
    await a.request('GET', '/api/psa/autotask/companies');
    emulator.requests.reset();
    const none = await b.request('GET', '/api/psa/autotask/companies?search=customer');
    expect(none.status).toBe(400);
    expect(none.json.error.message).toMatch(/Autotask is not connected/);
    const noSuggestions = await b.request('GET', '/api/customers/suggestions');
    expect(noSuggestions.json).toMatchObject({ items: [], available: false });
    expect(psaCalls()).toBe(0);

    await connect(wsB);
    emulator.requests.reset();
    const own = await b.request('GET', '/api/psa/autotask/companies?search=customer');
    expect(companyNames(own)).toEqual(['Customer 0', 'Customer 1', 'Customer 2']);
    expect(emulator.requests.count('*', '**/Companies/query**')).toBe(1);
    // Workspace A still reads from its own cache.
    emulator.requests.reset();
    await a.request('GET', '/api/psa/autotask/companies?search=customer');
    expect(psaCalls()).toBe(0);
  });

  it('a failed read is not kept: while the PSA refuses, the refresh says so, and the next read asks again', async () => {
    // The API user is gone from Autotask: every call is refused (not retried).
    emulator.loadSeed(parseSeed({ ...e2eSeed({ extraCustomers: 3 }), apiUsers: [] }));
    const refresh = await a.request('POST', '/api/psa/autotask/directory/refresh');
    expect(refresh.status).toBe(502);
    const down = await a.request('GET', '/api/customers/suggestions');
    expect(down.json).toMatchObject({ items: [], available: false });
    expect(down.json.message).toMatch(/^No suggestions: Autotask/);
    emulator.loadSeed(parseSeed(e2eSeed({ extraCustomers: 3 })));
    emulator.requests.reset();
    const back = await a.request('GET', '/api/psa/autotask/companies?search=customer');
    expect(back.status).toBe(200);
    expect(emulator.requests.count('*', '**/Companies/query**')).toBe(1);
  });
});
