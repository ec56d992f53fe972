import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { type Json, startTestEmulator, type TestEmulator } from '../testing';

/** The fidelity items of the notes' §8.1 ("Later evidence"). */
let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const FABRIKAM = DEMO_IDS.firstContract + 1; // no lines
const service = (extra: Record<string, unknown>) => ({
  name: 'PC_NEW:0001',
  billingCodeID: DEMO_IDS.codeCloud,
  periodType: 2,
  unitPrice: 10,
  ...extra,
});

describe('Services (§8.1)', () => {
  it('names up to 150 characters', async () => {
    expect((await emu.api('POST', '/Services', service({ name: 'n'.repeat(150) }))).status).toBe(200);
    const long = await emu.api('POST', '/Services', service({ name: 'm'.repeat(151) }));
    expect(long).toMatchObject({
      status: 500,
      body: { errors: [expect.stringMatching(/name.*length of 150/)] },
    });
  });

  it('unit cost between 0 and 99,999,999,999.99, on create and update', async () => {
    for (const unitCost of [-0.01, 100_000_000_000]) {
      const res = await emu.api('POST', '/Services', service({ unitCost }));
      expect(res.body.errors, String(unitCost)).toEqual([
        'unitCost: The unit cost must be between 0 and 99,999,999,999.99.',
      ]);
    }
    const id = (await emu.api('POST', '/Services', service({ unitCost: 99_999_999_999.99 }))).body.itemId;
    expect((await emu.api('PATCH', '/Services', { id, unitCost: 0 })).status).toBe(200);
    expect((await emu.api('PATCH', '/Services', { id, unitCost: -1 })).status).toBe(500);
    expect((await emu.api('POST', '/Services', service({ name: 'Credit', unitPrice: -5 }))).status).toBe(200);
  });
});

describe('ContractServices (§8.1)', () => {
  const create = async (body: Record<string, unknown>) =>
    (
      await emu.api('POST', `/Contracts/${FABRIKAM}/Services`, {
        serviceID: DEMO_IDS.serviceWorkstation,
        ...body,
      })
    ).body.itemId as number;

  it('adjustedPrice is write-only: not returned, not in the field list, not queryable', async () => {
    const id = await create({ adjustedPrice: 42 });
    const item = (await emu.api('GET', `/ContractServices/${id}`)).body.item;
    expect(item).toMatchObject({ unitPrice: 42, internalCurrencyAdjustedPrice: 42 });
    expect(item).not.toHaveProperty('adjustedPrice');
    const fields = (await emu.api('GET', '/ContractServices/entityInformation/fields')).body.fields as Json[];
    expect(fields.map((f) => f.name)).not.toContain('adjustedPrice');
    expect(fields.find((f) => f.name === 'unitPrice').isReadOnly).toBe(true);
    const query = await emu.api('POST', '/ContractServices/query', {
      filter: [{ op: 'eq', field: 'adjustedPrice', value: 42 }],
    });
    expect(query.status).toBe(500);
  });

  it('unitPrice is read-only on update (500, or ignored with rules.createOnlyChange); PUT keeps the price', async () => {
    const id = await create({ unitPrice: 40 });
    const path = `/Contracts/${FABRIKAM}/Services`;
    expect((await emu.api('PATCH', path, { id, unitPrice: 41 })).body.errors[0]).toMatch(
      /^unitPrice: .*read-only/,
    );
    expect(
      (await emu.api('PATCH', path, { id, unitPrice: 40, invoiceDescription: 'Same price' })).status,
    ).toBe(200);
    expect((await emu.api('PUT', path, { id, invoiceDescription: 'Put' })).status).toBe(200);
    expect((await emu.api('GET', `/ContractServices/${id}`)).body.item.unitPrice).toBe(40);
    await emu.raw('PUT', '/_emulator/rules', { createOnlyChange: 'ignore' });
    expect((await emu.api('PATCH', path, { id, unitPrice: 41 })).status).toBe(200);
    expect((await emu.api('GET', `/ContractServices/${id}`)).body.item.unitPrice).toBe(40);
  });
});

describe('queries (§8.1)', () => {
  it('refuses in/notIn lists over 500 values with "Invalid query syntax."', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
    for (const op of ['in', 'notIn']) {
      const ok = await emu.api('POST', '/Companies/query/count', {
        filter: [{ op, field: 'id', value: ids(500) }],
      });
      expect(ok.status, op).toBe(200);
      const res = await emu.api('POST', '/Companies/query', {
        filter: [{ op, field: 'id', value: ids(501) }],
      });
      expect(res.status, op).toBe(500);
      expect(res.body.errors[0]).toMatch(/^Invalid query syntax\. /);
    }
  });
});

describe('child entities at their root URL (§8.1)', () => {
  it('ContractServices and ContractCharges answer the IIS 404; ContractServiceAdjustments is created', async () => {
    for (const entity of ['ContractServices', 'ContractCharges']) {
      const res = await emu.api('POST', `/${entity}`, { contractID: FABRIKAM });
      expect(res.status, entity).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
    const adjustment = await emu.api('POST', '/ContractServiceAdjustments', {
      contractID: FABRIKAM,
      serviceID: DEMO_IDS.serviceWorkstation,
      effectiveDate: '2026-03-20',
      unitChange: 1,
    });
    expect(adjustment).toMatchObject({ status: 200, body: { itemId: null } });
  });
});
