import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectWiseSeed } from '../store/seed';
import { basicAuth, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

/** A small hand-written tenant: the README's seed example. */
const SEED: ConnectWiseSeed = {
  tenant: { companyId: 'acme', codebase: 'v2024_1/', version: '2024.1' },
  apiMembers: [{ identifier: 'sync', publicKey: 'pub', privateKey: 'priv' }],
  firstIds: { additions: 9000 },
  companyTypes: [
    { id: 1, name: 'Client', defaultFlag: true },
    { id: 6, name: 'Vendor', vendorFlag: true },
  ],
  companies: [
    { id: 10, identifier: 'Acme', name: 'Acme Ltd', city: 'Leeds' },
    { id: 11, identifier: 'Microsoft', name: 'Microsoft Corporation', city: 'Redmond', types: [{ id: 6 }] },
  ],
  contacts: [{ id: 5, firstName: 'Ann', lastName: 'Lee', company: { id: 10 } }],
  billingCycles: [{ id: 2, identifier: 'M', name: 'Monthly', billingOptions: 'Monthly', defaultFlag: true }],
  agreementTypes: [
    {
      id: 7,
      name: 'Microsoft CSP',
      billingCycle: { id: 2 },
      employeeCompRate: 'Actual',
      employeeCompNotExceed: 'Billing',
      invoicingCycle: 'CalendarYear',
      billTime: 'Billable',
      billExpenses: 'Billable',
      billProducts: 'Billable',
    },
  ],
  agreements: [
    {
      id: 20,
      name: 'Acme - CSP',
      type: { id: 7 },
      company: { id: 10 },
      contact: { id: 5 },
      startDate: '@monthStart-2m',
    },
  ],
  categories: [{ id: 1, name: 'Miscellaneous', defaultFlag: true }],
  subcategories: [{ id: 1, name: 'Miscellaneous', category: { id: 1 } }],
  productTypes: [{ id: 1, name: 'Miscellaneous' }],
  unitOfMeasures: [{ id: 1, name: 'Each', defaultFlag: true }],
  catalog: [
    {
      id: 30,
      identifier: 'CFQ7TTC0LH18:0001',
      description: 'M365 Basic',
      customerDescription: 'M365 Basic',
      subcategory: { id: 1 },
      type: { id: 1 },
      price: 7.2,
      cost: 6,
    },
  ],
  additions: [
    {
      agreementId: 20,
      product: { id: 30 },
      quantity: 4,
      billCustomer: 'Billable',
      effectiveDate: '@monthStart-2m',
    },
  ],
  invoices: [{ through: '@monthStart-1m' }],
};

describe('admin API: seed, state, edits "in the UI", rules', () => {
  it('loads a seed (relative dates, ids, invoices) and the API serves it under its own tenant', async () => {
    const loaded = await emu.raw('POST', '/_emulator/seed', SEED);
    expect(loaded.body.loaded).toMatchObject({ companies: 2, agreements: 1, catalog: 1, additions: 1 });
    const headers = { Authorization: basicAuth('acme', 'pub', 'priv'), clientId: 'c' };
    const additions = await emu.raw(
      'GET',
      '/v2024_1/apis/3.0/finance/agreements/20/additions',
      undefined,
      headers,
    );
    expect(additions.body).toMatchObject([
      { id: 9000, quantity: 4, unitPrice: 7.2, effectiveDate: '2026-01-01T00:00:00Z' },
    ]);
    const agreement = await emu.raw('GET', '/v2024_1/apis/3.0/finance/agreements/20', undefined, headers);
    expect(agreement.body.nextInvoiceDate).toBe('2026-03-01T00:00:00Z');
    // The seed's tenant runs 2024.1: 2025 fields are not in its models.
    expect(agreement.body).not.toHaveProperty('invoiceProratedAdditionsFlag');
    const state = (await emu.raw('GET', '/_emulator/state')).body;
    expect(
      state.invoices.map((i: { periodStart: string; lines: Array<{ amount: string }> }) => [
        i.periodStart,
        i.lines[0]?.amount,
      ]),
    ).toEqual([
      ['2026-01-01', '28.80'],
      ['2026-02-01', '28.80'],
    ]);
    expect((await emu.raw('POST', '/_emulator/seed', { seed: 'demo' })).body.loaded.companies).toBe(31);
  });

  it('refuses a bad seed with the path of the problem and keeps nothing half-loaded visible', async () => {
    const bad = await emu.raw('POST', '/_emulator/seed', { ...SEED, catalog: [{ identifier: 'X' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^seed\.catalog\[0\]: .*MissingRequiredField/);
    const orphan = await emu.raw('POST', '/_emulator/seed', {
      ...SEED,
      additions: [{ agreementId: 99, product: { id: 30 }, billCustomer: 'Billable' }],
    });
    expect(orphan.body.error).toMatch(/seed\.additions\[0\]: agreementId 99/);
    expect((await emu.raw('POST', '/_emulator/seed', { apiMembers: 'x' })).body.error).toMatch(
      /seed\.apiMembers/,
    );
    expect((await emu.api('GET', '/company/companies/count')).body).toEqual({ count: 31 });
  });

  it('creates, edits and deletes rows as a member would in the UI', async () => {
    const created = await emu.raw('POST', '/_emulator/entities/catalog', {
      identifier: 'HAND-MADE',
      description: 'Made by hand',
      customerDescription: 'Made by hand',
      subcategory: { id: 1 },
      type: { id: 1 },
    });
    expect(created.body.id).toBe(821);
    const renamed = await emu.raw('PATCH', '/_emulator/entities/catalog/821', {
      description: 'Renamed',
      inactiveFlag: true,
    });
    expect(renamed.status).toBe(200);
    expect((await emu.api('GET', '/procurement/catalog/821')).body).toMatchObject({
      description: 'Renamed',
      inactiveFlag: true,
    });
    const cancel = await emu.raw('PATCH', '/_emulator/entities/agreements/1040', { cancelledFlag: true });
    expect(cancel.status).toBe(200);
    expect((await emu.api('GET', '/finance/agreements/1040')).body).toMatchObject({
      agreementStatus: 'Cancelled',
      dateCancelled: '2026-03-15T00:00:00Z',
    });
    expect(
      (await emu.raw('PATCH', '/_emulator/entities/catalog/821', { identifier: 'MANAGED-WS' })).body.code,
    ).toBe('InvalidObject');
    expect((await emu.raw('DELETE', '/_emulator/entities/catalog/821')).status).toBe(200);
    expect((await emu.raw('DELETE', '/_emulator/entities/catalog/821')).status).toBe(404);
    expect((await emu.raw('POST', '/_emulator/entities/nope', {})).status).toBe(404);
  });

  it('shows and changes the rules, refusing unknown names and values', async () => {
    expect((await emu.raw('GET', '/_emulator/rules')).body.rules).toMatchObject({
      collation: 'case-insensitive',
      invoicedPeriodEdits: 'frozen',
    });
    expect(
      (await emu.raw('PUT', '/_emulator/rules', { collation: 'case-sensitive' })).body.rules.collation,
    ).toBe('case-sensitive');
    expect((await emu.raw('PUT', '/_emulator/rules', { collation: 'binary' })).body.error).toMatch(
      /must be "case-insensitive" \| "case-sensitive"/,
    );
    expect((await emu.raw('PUT', '/_emulator/rules', { nope: 1 })).status).toBe(400);
  });
});
