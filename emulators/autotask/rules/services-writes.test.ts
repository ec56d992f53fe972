import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const newService = (extra: Record<string, unknown> = {}) => ({
  name: 'PC_CFQ7TTC0LCHC:0002',
  description: 'Microsoft 365 Business Premium',
  unitPrice: 22,
  unitCost: 19.8,
  periodType: 2,
  billingCodeID: DEMO_IDS.codeCloud,
  vendorCompanyID: DEMO_IDS.microsoft,
  ...extra,
});

describe('Services', () => {
  it('creates with 200 {itemId}, active by default, read-only fields ignored', async () => {
    const res = await emu.api(
      'POST',
      '/Services',
      newService({ id: '0', markupRate: 99, createDate: '2000-01-01' }),
    );
    expect(res.status).toBe(200);
    expect(typeof res.body.itemId).toBe('number');
    const item = (await emu.api('GET', `/Services/${res.body.itemId}`)).body.item;
    expect(item).toMatchObject({
      isActive: true,
      unitPrice: 22,
      markupRate: 11.11,
      createDate: '2026-03-15T09:00:00.000Z',
    });
  });

  it('requires name, billingCodeID, periodType, unitPrice', async () => {
    for (const missing of ['name', 'billingCodeID', 'periodType', 'unitPrice']) {
      const body: Record<string, unknown> = newService();
      delete body[missing];
      const res = await emu.api('POST', '/Services', body);
      expect(res.status, missing).toBe(500);
      expect(res.body.errors[0]).toContain(missing);
    }
  });

  it('refuses a duplicate name with the SQL unique-key text (case-insensitive, trailing spaces ignored)', async () => {
    const res = await emu.api('POST', '/Services', newService({ name: 'pc_cfq7ttc0lh18:0001 ' }));
    expect(res.status).toBe(500);
    expect(res.body.errors[0]).toMatch(
      /^Violation of UNIQUE KEY constraint 'IX_service'\. Cannot insert duplicate key/,
    );
    const rename = await emu.api('PATCH', '/Services', {
      id: DEMO_IDS.serviceWorkstation,
      name: 'PC_CFQ7TTC0LH18:0001',
    });
    expect(rename.status).toBe(500);
    expect(
      (await emu.api('PATCH', '/Services', { id: DEMO_IDS.serviceWorkstation, name: 'Managed Workstation' }))
        .status,
    ).toBe(200);
  });

  it('needs an active Recurring Contract Service billing code (useType 5)', async () => {
    for (const code of [29682801, DEMO_IDS.codeLegacyInactive, 1]) {
      const res = await emu.api('POST', '/Services', newService({ billingCodeID: code }));
      expect(res.body.errors).toEqual(['Value does not reference an existing entity for billingCodeID . ']);
    }
    // A service already on a now-inactive code may be updated passing it unchanged.
    const legacy = DEMO_IDS.serviceCollision + 1;
    const ok = await emu.api('PATCH', '/Services', {
      id: legacy,
      billingCodeID: DEMO_IDS.codeLegacyInactive,
      unitPrice: 9,
    });
    expect(ok.status).toBe(200);
  });

  it('periodType is fixed after create; PATCH changes only given fields', async () => {
    const id = (await emu.api('POST', '/Services', newService())).body.itemId;
    const change = await emu.api('PATCH', '/Services', { id, periodType: 5 });
    expect(change.status).toBe(500);
    expect(change.body.errors[0]).toMatch(/periodType/);
    expect((await emu.api('PATCH', '/Services', { id, periodType: 2, unitPrice: 23.1 })).body).toEqual({
      itemId: id,
    });
    const item = (await emu.api('GET', `/Services/${id}`)).body.item;
    expect(item).toMatchObject({
      periodType: 2,
      unitPrice: 23.1,
      unitCost: 19.8,
      description: 'Microsoft 365 Business Premium',
    });
    const lenient = await startTestEmulator({ rules: { createOnlyChange: 'ignore' } });
    try {
      const sid = (await lenient.api('POST', '/Services', newService())).body.itemId;
      expect((await lenient.api('PATCH', '/Services', { id: sid, periodType: 5 })).status).toBe(200);
      expect((await lenient.api('GET', `/Services/${sid}`)).body.item.periodType).toBe(2);
    } finally {
      await lenient.close();
    }
  });

  it('PUT replaces: writable fields left out become null', async () => {
    const id = (await emu.api('POST', '/Services', newService({ sku: 'X' }))).body.itemId;
    const res = await emu.api('PUT', '/Services', {
      id,
      name: 'Renamed',
      billingCodeID: DEMO_IDS.codeCloud,
      unitPrice: 1,
    });
    expect(res.status).toBe(200);
    const item = (await emu.api('GET', `/Services/${id}`)).body.item;
    expect(item).toMatchObject({
      name: 'Renamed',
      sku: null,
      unitCost: null,
      description: null,
      periodType: 2,
      isActive: true,
    });
  });

  it('booleans must be true/false; lengths and numbers are checked; unknown properties ignored', async () => {
    expect((await emu.api('POST', '/Services', newService({ isActive: null }))).status).toBe(500);
    expect((await emu.api('POST', '/Services', newService({ isActive: 'true' }))).status).toBe(500);
    expect((await emu.api('POST', '/Services', newService({ name: 'x'.repeat(151) }))).status).toBe(500);
    expect((await emu.api('POST', '/Services', newService({ unitPrice: 'abc' }))).status).toBe(500);
    expect((await emu.api('POST', '/Services', newService({ unitPrice: '22.5', whatever: 1 }))).status).toBe(
      200,
    );
  });

  it('update of an unknown id is 404; malformed JSON is 400', async () => {
    expect((await emu.api('PATCH', '/Services', { id: 1, unitPrice: 1 })).status).toBe(404);
    expect((await emu.api('PATCH', '/Services', '{nope')).status).toBe(400);
  });
});
