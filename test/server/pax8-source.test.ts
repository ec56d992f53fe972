import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import { createPax8Emulator, type Pax8Emulator, pax8Scenario, releaseInstant } from '../../emulators/pax8';
import type { WorkspaceId } from '../../src/core/ids';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { createSourceRefresher } from '../../src/jobs/source-refresh';
import { systemClock } from '../../src/runtime/system-clock';
import { saveConnection } from '../../src/services/connections';
import { type Agent, createTestApp, setupAdmin, type TestApp } from '../support/app';
import { multipartBody } from '../support/multipart';

/**
 * Issue 18: Pax8 as a workspace's source through the API: connect (save and test), pull into the store, pull
 * again (nothing changes), a corrected invoice (Pax8 credits it and issues a new one) withdrawn from the store,
 * the daily check pulling Pax8, and one source per program refused both ways.
 */
const CLIENT = { clientId: 'scenario-client', clientSecret: 'scenario-secret' };

function seed() {
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  const sub = s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 10 });
  s.changeSeats(sub, '2026-01-15', 12);
  // The February invoice bills one seat too many; Pax8 credits it on 20 February and issues a new one.
  s.correctInvoice('2026-02-01', { on: '2026-02-20', subscriptionId: sub, extraQuantity: 1 });
  return s.build();
}

let t: TestApp;
let admin: Agent;
let ws: WorkspaceId;
let emulator: Pax8Emulator;
let apiUrl: string;

const storedInvoices = async (w: WorkspaceId = ws) =>
  (
    await t.pool.query<{ id: string; billing_period: string; revision: number }>(
      'select id, billing_period, revision from invoices where workspace_id = $1 order by billing_period, id',
      [w],
    )
  ).rows;
const storedLines = async () =>
  (
    await t.pool.query<{ invoice_id: string; quantity: string }>(
      'select invoice_id, quantity::text from invoice_lines where workspace_id = $1 order by invoice_id, line_number',
      [ws],
    )
  ).rows;

/** The reasons of the workspace's source holds (issue 18: days the customer sync does not write). */
const holds = async () =>
  (
    await t.pool.query<{ reason: string }>('select reason from source_holds where workspace_id = $1', [ws])
  ).rows.map((r) => r.reason);

beforeAll(async () => {
  emulator = createPax8Emulator({
    seed: seed(),
    clock: createClock({ start: releaseInstant('2026-02') }),
    sleep: async () => {},
  });
  apiUrl = `${await emulator.listen(0)}/v1`;
  t = await createTestApp();
  admin = await setupAdmin(t.app);
  ws = (await admin.request('GET', '/api/workspace')).json.id as WorkspaceId;
});
afterAll(async () => {
  await t?.close();
  await emulator?.close();
});

describe('Pax8 as the source of a workspace', () => {
  it('wrong credentials are saved but the test says what to check', async () => {
    const res = await admin.request('POST', '/api/connections/pax8/test', {
      settings: { clientId: CLIENT.clientId, apiUrl },
      secrets: { clientSecret: 'not-the-secret' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      ok: false,
      status: 'error',
      connection: { kind: 'pax8', credentials: 'set' },
    });
    expect(res.json.message).toMatch(/client id and secret/);
    expect(res.json.message).not.toContain('not-the-secret');
  });

  it('connects: the secret sealed, the test a token and one call', async () => {
    const res = await admin.request('POST', '/api/connections/pax8/test', {
      settings: { clientId: CLIENT.clientId, apiUrl },
      secrets: { clientSecret: CLIENT.clientSecret },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, status: 'connected' });
    const list = await admin.request('GET', '/api/connections');
    const pax8 = list.json.items.find((c: { kind: string }) => c.kind === 'pax8');
    expect(pax8).toMatchObject({ status: 'connected', settings: { clientId: CLIENT.clientId, apiUrl } });
    expect(JSON.stringify(list.json)).not.toContain(CLIENT.clientSecret);
    // Testing again without a body uses the stored connection.
    expect((await admin.request('POST', '/api/connections/pax8/test')).json).toMatchObject({ ok: true });
  });

  it('pulls customers, the price list and the invoices into the store; a second pull changes nothing', async () => {
    const first = await admin.request('POST', '/api/connections/pax8/pull');
    expect(first.status).toBe(200);
    expect(first.json.errors).toEqual([]);
    expect(first.json).toMatchObject({ state: 'warning', customers: { read: 1, created: 1 }, withdrawn: [] });
    // The wrong February invoice (not corrected yet) bills a seat the subscription's history does not have.
    expect(first.json.disagreements).toEqual([expect.stringMatching(/13 seats.*history says 12/)]);
    expect(first.json.priceList.entries).toBeGreaterThan(0);
    // Invoices dated 1 January and 1 February (a billing period is the month before the invoice's date).
    expect(first.json.invoices.map((i: { billingPeriod: string }) => i.billingPeriod)).toEqual([
      '2025-12',
      '2026-01',
    ]);
    expect(first.json.invoices.every((i: { status: string }) => i.status === 'created')).toBe(true);
    const customers = await t.pool.query('select name from source_customers where workspace_id = $1', [ws]);
    expect(customers.rows.map((r) => r.name)).toEqual(['Contoso Dental']);
    expect((await storedInvoices()).map((i) => i.billing_period)).toEqual(['2025-12', '2026-01']);
    const lines = await storedLines();
    expect(lines.length).toBeGreaterThan(0);

    const again = await admin.request('POST', '/api/connections/pax8/pull');
    expect(again.json).toMatchObject({
      state: 'warning',
      customers: { created: 0, updated: 0 },
      priceList: { created: 0, updated: 0 },
      withdrawn: [],
    });
    expect(again.json.invoices.every((i: { status: string }) => i.status === 'unchanged')).toBe(true);
    expect(await storedLines()).toEqual(lines);
    // The card: connected, the last pull in words.
    const card = (await admin.request('GET', '/api/connections')).json.items.find(
      (c: { kind: string }) => c.kind === 'pax8',
    );
    expect(card.statusMessage).toMatch(
      /^Last pull: 1 customer, price list: \d+ entr(y|ies) \(unchanged\), no new invoice, 1 seat disagreement$/,
    );
    expect(card.settings.pull).toMatchObject({ state: 'warning', errors: [] });
    expect(card.settings.pull.disagreements).toEqual(first.json.disagreements);
    // The contradicted days are held: the customer sync writes no guess there (its run says why).
    expect(await holds()).toEqual([expect.stringMatching(/13 seats.*history says 12/)]);
  });

  it('the daily check pulls Pax8: a credited invoice is withdrawn, its replacement and the new month stored', async () => {
    const before = await storedInvoices();
    const wrongFebruary = before.find((i) => i.billing_period === '2026-01')!.id;
    emulator.clock.set(releaseInstant('2026-03'));
    const refresh = createSourceRefresher({ pool: t.pool, box: t.box, clock: systemClock });
    const outcome = await refresh(ws);
    expect(outcome).toMatchObject({ mode: 'pax8', errors: [] });
    expect(outcome.invoicesPulled).toBeGreaterThanOrEqual(3);
    const after = await storedInvoices();
    expect(after.map((i) => i.id)).not.toContain(wrongFebruary);
    expect(after.map((i) => i.billing_period)).toEqual(['2025-12', '2026-01', '2026-02']);
    const card = (await admin.request('GET', '/api/connections')).json.items.find(
      (c: { kind: string }) => c.kind === 'pax8',
    );
    expect(card.settings.pull.summary).toMatch(/1 withdrawn invoice removed/);
    // The replacement bills what the history says: no disagreement left.
    expect(card.settings.pull).toMatchObject({ state: 'done', disagreements: [] });
    // Nothing held any more: the next customer sync writes those days.
    expect(await holds()).toEqual([]);
    // And again: nothing to do.
    const quiet = await refresh(ws);
    expect(quiet).toMatchObject({ mode: 'pax8', invoicesPulled: 0, pricesChanged: false, errors: [] });
    expect(await storedInvoices()).toEqual(after);
  });

  it('a workspace on Pax8 refuses Microsoft CSP data, saying why', async () => {
    const res = await admin.request('PUT', '/api/connections/partner-center', {
      settings: { mode: 'files' },
    });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toMatch(/source is Pax8/);
    expect(res.json.error.message).toMatch(/company ids.*tenant ids/);
  });

  it('a workspace on Pax8 refuses an uploaded Microsoft file and stores nothing from it', async () => {
    const body = multipartBody([{ name: 'invoice-2026-01.csv', content: 'Name,Remark\nA,B\n' }]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sources/uploads',
      headers: { ...body.headers, cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(200);
    const file = res.json().files[0];
    expect(file.outcome).toBe('failed');
    expect(JSON.stringify(file)).toMatch(/source is Pax8/);
  });

  it('a workspace with Microsoft CSP data refuses Pax8, saying why and what to do', async () => {
    const other = (await insertWorkspace(t.pool, 'Microsoft MSP')).id as WorkspaceId;
    await t.pool.query(
      `insert into source_customers (workspace_id, tenant_id, name, default_domain) values ($1, 'a0000000-0000-0000-0000-000000000001', 'Contoso', 'contoso.example')`,
      [other],
    );
    const refused = saveConnection(t.pool, t.box, {
      workspaceId: other,
      kind: 'pax8',
      settings: { clientId: CLIENT.clientId, apiUrl },
      secrets: { clientSecret: CLIENT.clientSecret },
      actor: 'test',
    });
    await expect(refused).rejects.toThrow(/one source per program.*new workspace/);
    const rows = await t.pool.query(`select 1 from connections where workspace_id = $1 and kind = 'pax8'`, [
      other,
    ]);
    expect(rows.rowCount).toBe(0);
  });
});
