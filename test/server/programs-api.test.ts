import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { fixedClock } from '../../src/core/time/clock';
import { createUser } from '../../src/services/auth';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { FakePsa } from '../support/fake-psa';

let t: TestApp;
let admin: Agent;
let operator: Agent;
let viewer: Agent;
const psa = new FakePsa();

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2025-09-10T10:00:00Z'), openTarget: async () => psa });
  admin = await setupAdmin(t.app);
  const ws = (await admin.request('GET', '/api/workspace')).json.id as WorkspaceId;
  for (const role of ['operator', 'viewer'] as const) {
    await createUser(t.pool, {
      workspaceId: ws,
      email: `${role}@msp.example`,
      password: `${role} password!`,
      role,
      actor: 'test',
    });
  }
  operator = await login(t.app, 'operator@msp.example', 'operator password!');
  viewer = await login(t.app, 'viewer@msp.example', 'viewer password!');
  psa.addBillingCode('BC1', 'Microsoft licences');
  psa.addBillingCode('BC2', 'Labour', false);
  psa.addBillingCode('BC3', 'Old licences', true, false);
  psa.addBillingCode('MC1', 'Microsoft corrections', false, true, true);
  psa.addBillingCode('MC0', 'Adjustments', false, true, true);
  psa.addBillingCode('MC9', 'Old materials', false, false, true);
  psa.addCompany('V1', 'Pax8', 'vendor');
  psa.addCompany('V2', 'Old vendor', 'vendor', false);
  psa.addCompany('C1', 'Contoso Ltd');
});
afterAll(() => t.close());

const CREDENTIALS = {
  settings: { username: 'api@msp.example' },
  secrets: { secret: 's3cret', integrationCode: 'CODE' },
};

describe('PSA connection test', () => {
  it('saves and tests: connected but the program needs setting up (amber)', async () => {
    const res = await admin.request('POST', '/api/connections/autotask/test', CREDENTIALS);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ ok: true, status: 'needs_setup' });
    expect(res.json.message).toMatch(/choose a billing code/);
    expect(res.json.connection).toMatchObject({ status: 'needs_setup', credentials: 'set' });
  });

  it('a failing test says why (red) and keeps the connection', async () => {
    psa.fail('auth', 'Credentials rejected: check the API user name, secret and integration code');
    const res = await admin.request('POST', '/api/connections/autotask/test');
    psa.down = undefined;
    expect(res.json).toMatchObject({ ok: false, status: 'error' });
    expect(res.json.message).toMatch(/Credentials rejected/);
    const list = await admin.request('GET', '/api/connections');
    expect(list.json.items[0]).toMatchObject({ kind: 'autotask', status: 'error', credentials: 'set' });
  });

  it('is for admins only, and needs a saved connection', async () => {
    expect((await operator.request('POST', '/api/connections/autotask/test')).status).toBe(403);
    const none = await admin.request('POST', '/api/connections/connectwise/test');
    expect(none.status).toBe(404);
    expect(none.json.error.message).toMatch(/not connected yet/);
  });
});

describe('program settings', () => {
  it('shows the defaults before the first save', async () => {
    const res = await viewer.request('GET', '/api/programs/autotask');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      configured: false,
      settings: {
        syncEnabled: false,
        mode: 'in-use',
        motions: { monthly: true, annual: false, azure: true },
        namePrefix: 'PC_',
        chargeCodeId: null,
      },
    });
  });

  it('lists only active Recurring Contract Service billing codes, active charge codes and active vendors', async () => {
    const res = await viewer.request('GET', '/api/programs/autotask/options');
    expect(res.json).toEqual({
      billingCodes: [{ id: 'BC1', name: 'Microsoft licences' }],
      chargeCodes: [
        { id: 'MC0', name: 'Adjustments' },
        { id: 'MC1', name: 'Microsoft corrections' },
      ],
      vendors: [{ id: 'V1', name: 'Pax8' }],
    });
  });

  it('refuses a charge code that is not an active Material Cost Code, and says what to do', async () => {
    const recurring = await admin.request('PUT', '/api/programs/autotask', { chargeCodeId: 'BC1' });
    expect(recurring.status).toBe(400);
    expect(recurring.json.error.code).toBe('validation_failed');
    expect(recurring.json.error.message).toMatch(
      /^Billing code Microsoft licences \(BC1\) is not a Material Cost Code: choose an active Material Cost Code for the correction charges, or none for Autotask's default$/,
    );
    // The web shows the message: no CLI command in it (the CLI adds its own hint).
    expect(recurring.json.error.message).not.toMatch(/billsync/);
    const inactive = await admin.request('PUT', '/api/programs/autotask', { chargeCodeId: 'MC9' });
    expect(inactive.json.error.message).toMatch(/Old materials \(MC9\) is inactive/);
    const missing = await admin.request('PUT', '/api/programs/autotask', { chargeCodeId: 'MC404' });
    expect(missing.json.error.message).toMatch(/Autotask has no billing code MC404/);
    const empty = await admin.request('PUT', '/api/programs/autotask', { chargeCodeId: ' ' });
    expect(empty.json.error.message).toMatch(/an id is required \(chargeCodeId\)/);
    const shown = await viewer.request('GET', '/api/programs/autotask');
    expect(shown.json.settings.chargeCodeId).toBeNull();
  });

  it('validates: the envelope names the field', async () => {
    const bad = await admin.request('PUT', '/api/programs/autotask', { mode: 'some', emails: ['x'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    const emails = await admin.request('PUT', '/api/programs/autotask', {
      emails: ['ok@msp.example', 'not-an-email'],
    });
    expect(emails.json.error.message).toMatch(/email/);
    const markup = await admin.request('PUT', '/api/programs/autotask', { azureMarkupPercent: 'ten' });
    expect(markup.json.error.message).toMatch(/percentage/);
    const noCode = await admin.request('PUT', '/api/programs/autotask', { syncEnabled: true });
    expect(noCode.json.error.message).toMatch(/Choose a billing code/);
  });

  it('refuses a billing code that is not for recurring contract services, and a non-vendor', async () => {
    const labour = await admin.request('PUT', '/api/programs/autotask', { billingCodeId: 'BC2' });
    expect(labour.status).toBe(400);
    expect(labour.json.error.message).toMatch(/not a Recurring Contract Service code/);
    const missing = await admin.request('PUT', '/api/programs/autotask', { billingCodeId: 'BC9' });
    expect(missing.json.error.message).toMatch(/no billing code BC9/);
    const vendor = await admin.request('PUT', '/api/programs/autotask', {
      billingCodeId: 'BC1',
      vendorId: 'C1',
    });
    expect(vendor.json.error.message).toMatch(/Contoso Ltd \(C1\) is not a vendor/);
  });

  it('saves (admins only), keeps fields left out, and turns the connection green', async () => {
    await admin.request('POST', '/api/connections/autotask/test');
    expect((await operator.request('PUT', '/api/programs/autotask', { mode: 'all' })).status).toBe(403);
    const res = await admin.request('PUT', '/api/programs/autotask', {
      syncEnabled: true,
      billingCodeId: 'BC1',
      vendorId: 'V1',
      emails: ['Billing@MSP.example', 'ops@msp.example'],
      azureMarkupPercent: '12.5',
      approvalThresholdPercent: 20,
      motions: { annual: true },
      chargeCodeId: 'MC1',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.warnings).toEqual([]);
    const again = await admin.request('PUT', '/api/programs/autotask', { mode: 'all' });
    expect(again.json.settings).toMatchObject({
      syncEnabled: true,
      mode: 'all',
      billingCodeId: 'BC1',
      vendorId: 'V1',
      emails: ['billing@msp.example', 'ops@msp.example'],
      azureMarkupPercent: '12.5',
      approvalThresholdPercent: 20,
      motions: { monthly: true, annual: true, azure: true },
      chargeCodeId: 'MC1',
    });
    // null goes back to the PSA's default charge code; the other fields stay.
    const cleared = await admin.request('PUT', '/api/programs/autotask', { chargeCodeId: null });
    expect(cleared.json.settings).toMatchObject({ chargeCodeId: null, billingCodeId: 'BC1' });
    expect((await viewer.request('GET', '/api/programs/autotask')).json.settings.chargeCodeId).toBeNull();
    const conn = await viewer.request('GET', '/api/connections');
    expect(conn.json.items[0]).toMatchObject({ status: 'connected' });
    const audit = await admin.request('GET', '/api/audit');
    expect(audit.json.items.map((e: { action: string }) => e.action)).toContain('program.save');
  });

  it('switching the annual motion on warns when the PSA has no code for one-time charges', async () => {
    const codes = [...psa.billingCodes];
    psa.billingCodes.splice(0, psa.billingCodes.length, ...codes.filter((c) => !c.chargeCode));
    try {
      await admin.request('POST', '/api/psa/autotask/directory/refresh');
      const res = await admin.request('PUT', '/api/programs/autotask', { motions: { annual: true } });
      expect(res.status).toBe(200);
      expect(res.json.warnings).toEqual([
        'Annual subscriptions are booked as one-time charges, and Autotask has no active Material Cost Code for them: create one before the next sync',
      ]);
    } finally {
      psa.billingCodes.splice(0, psa.billingCodes.length, ...codes);
      await admin.request('POST', '/api/psa/autotask/directory/refresh');
    }
    const again = await admin.request('PUT', '/api/programs/autotask', { motions: { annual: true } });
    expect(again.json.warnings).toEqual([]);
  });

  it('the Azure markup is a price rule: the first applies to every month, a change from the next month', async () => {
    // Set to 12.5 above (today is 10 Sep 2025): one rule for every customer on Azure plan, since ever.
    const before = (await viewer.request('GET', '/api/price-rules')).json.items;
    expect(before).toEqual([
      expect.objectContaining({
        customer: null,
        offers: { kind: 'product', productId: 'DZH318Z0BPS6' },
        method: 'markup',
        value: '12.5',
        validFrom: '2000-01-01',
        validTo: null,
        note: 'Azure markup (program settings)',
      }),
    ]);
    const changed = await admin.request('PUT', '/api/programs/autotask', { azureMarkupPercent: '15' });
    expect(changed.json.settings.azureMarkupPercent).toBe('15');
    const rules = (await viewer.request('GET', '/api/price-rules')).json.items;
    expect(
      rules.map((r: { value: string; validFrom: string; validTo: string | null }) => [
        r.value,
        r.validFrom,
        r.validTo,
      ]),
    ).toEqual([
      ['12.5', '2000-01-01', '2025-09-30'],
      ['15', '2025-10-01', null],
    ]);
    // The same markup shows in the other PSA's settings: one per workspace.
    expect((await viewer.request('GET', '/api/programs/connectwise')).json.settings.azureMarkupPercent).toBe(
      '15',
    );
    // Saving it unchanged writes nothing; 0 ends it (Azure at cost from next month).
    await admin.request('PUT', '/api/programs/autotask', { azureMarkupPercent: '15' });
    expect((await viewer.request('GET', '/api/price-rules')).json.items).toHaveLength(2);
    await admin.request('PUT', '/api/programs/autotask', { azureMarkupPercent: '0' });
    expect(
      (await viewer.request('GET', '/api/price-rules')).json.items.map((r: { value: string }) => r.value),
    ).toEqual(['12.5']);
    expect((await viewer.request('GET', '/api/programs/autotask')).json.settings.azureMarkupPercent).toBe(
      '0',
    );
  });

  it('saves with a warning when the PSA cannot check the billing code', async () => {
    psa.fail();
    const res = await admin.request('PUT', '/api/programs/autotask', { billingCodeId: 'BC1' });
    const both = await admin.request('PUT', '/api/programs/autotask', {
      billingCodeId: 'BC1',
      chargeCodeId: 'MC0',
    });
    psa.down = undefined;
    expect(res.status).toBe(200);
    expect(res.json.warnings[0]).toMatch(
      /^The billing code could not be checked \(Autotask: The PSA did not answer: try again.*\); it is saved as entered$/,
    );
    expect(both.json.warnings[0]).toMatch(
      /^The billing code and charge code could not be checked .*they are saved/,
    );
    expect(both.json.settings.chargeCodeId).toBe('MC0');
  });

  it('the dropdown lists fail in words when the PSA is down', async () => {
    psa.fail();
    const res = await viewer.request('GET', '/api/programs/autotask/options');
    psa.down = undefined;
    expect(res.status).toBe(502);
    expect(res.json.error).toMatchObject({ code: 'integration_failed' });
    expect(res.json.error.message).toMatch(/^Autotask: The PSA did not answer/);
  });
});

describe('without PSA wiring', () => {
  it('PSA routes answer 503 in words', async () => {
    const bare = await createTestApp();
    try {
      const a = await setupAdmin(bare.app);
      const res = await a.request('GET', '/api/programs/autotask/options');
      expect(res.status).toBe(503);
      expect(res.json.error.message).toMatch(/no PSA adapters wired/);
    } finally {
      await bare.close();
    }
  });
});
