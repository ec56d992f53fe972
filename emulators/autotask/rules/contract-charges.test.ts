import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { type Json, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator(); // today = 2026-03-15
});
afterEach(async () => {
  await emu.close();
});

const FABRIKAM = DEMO_IDS.firstContract + 1; // monthly from 2025-09-01, no lines
const CONTOSO = DEMO_IDS.firstContract; // Managed Workstation x5 from 2026-02-01
const MATERIAL = 29682805; // "Hardware", useType 4 (Material Cost Code)

const charge = (over: Record<string, unknown> = {}) => ({
  name: 'Microsoft 365 Business Basic, 3 days',
  datePurchased: '2026-03-05',
  unitQuantity: 1,
  unitPrice: 12.345,
  unitCost: 10,
  chargeType: 1,
  billingCodeID: MATERIAL,
  internalPurchaseOrderNumber: 'billsync:29683903:2026-03:1',
  ...over,
});
const create = (body: Record<string, unknown>, contract = FABRIKAM) =>
  emu.api('POST', `/Contracts/${contract}/Charges`, body);
const item = async (id: number) => (await emu.api('GET', `/ContractCharges/${id}`)).body.item;
const errorOf = (res: Json) => [res.status, res.body.errors?.[0]];

describe('ContractCharges: metadata and routes', () => {
  it('serves its fields: required, read-only, picklists, references, lengths', async () => {
    const info = await emu.api('GET', '/ContractCharges/entityInformation');
    expect(info.body.info).toMatchObject({ name: 'ContractCharges', canCreate: true, canDelete: true });
    const fields = (await emu.api('GET', '/ContractCharges/entityInformation/fields')).body.fields as Json[];
    const f = (name: string) => fields.find((x) => x.name === name);
    expect(f('name')).toMatchObject({ dataType: 'string', length: 100, isRequired: true, isReadOnly: false });
    expect(f('contractID')).toMatchObject({
      isRequired: true,
      isReadOnly: true,
      referenceEntityType: 'Contracts',
    });
    expect(f('datePurchased')).toMatchObject({ dataType: 'datetime', isRequired: true });
    expect(f('unitQuantity')).toMatchObject({ dataType: 'decimal', isRequired: true });
    expect(f('chargeType')?.picklistValues.map((p: Json) => p.label)).toEqual(['Operational', 'Capitalized']);
    for (const ro of [
      'isBilled',
      'billableAmount',
      'extendedCost',
      'internalCurrencyUnitPrice',
      'createDate',
    ])
      expect(f(ro)?.isReadOnly, ro).toBe(true);
    expect(f('billingCodeID')?.referenceEntityType).toBe('BillingCodes');
    expect(f('productID')?.referenceEntityType).toBe('Products');
    expect(f('internalPurchaseOrderNumber')?.length).toBe(50);
    expect(fields).toHaveLength(28);
  });

  it('creates through the parent URL, reads at the root and under the contract, with computed amounts', async () => {
    const res = await create(charge({ unitQuantity: -1, description: 'credit' }));
    expect(res.status).toBe(200);
    const id = res.body.itemId as number;
    expect(await item(id)).toMatchObject({
      contractID: FABRIKAM,
      datePurchased: '2026-03-05T00:00:00Z',
      unitQuantity: -1,
      billableAmount: -12.345,
      extendedCost: -10,
      internalCurrencyBillableAmount: -12.345,
      internalCurrencyUnitPrice: 12.345,
      isBillableToCompany: true,
      isBilled: false,
      creatorResourceID: DEMO_IDS.apiResource,
      createDate: '2026-03-15T09:00:00.000Z',
      statusLastModifiedDate: null,
    });
    const list = await emu.api('GET', `/Contracts/${FABRIKAM}/Charges`);
    expect(list.body.items.map((c: Json) => c.id)).toEqual([id]);
    expect((await emu.api('GET', `/Contracts/${FABRIKAM}/Charges/${id}`)).body.item.id).toBe(id);
    expect((await emu.api('GET', `/Contracts/${CONTOSO}/Charges/${id}`)).status).toBe(404);
    const filter = [
      { op: 'eq', field: 'contractID', value: FABRIKAM },
      { op: 'eq', field: 'internalPurchaseOrderNumber', value: 'BILLSYNC:29683903:2026-03:1' },
    ];
    expect((await emu.api('POST', '/ContractCharges/query', { filter })).body.items).toHaveLength(1);
    expect((await emu.api('POST', '/ContractCharges/query/count', { filter })).body.queryCount).toBe(1);
    expect((await emu.raw('GET', '/_emulator/state')).body.ContractCharges).toHaveLength(1);
  });

  it('answers 404 to a create or update at the root URL (a child entity)', async () => {
    const root = await emu.api('POST', '/ContractCharges', { ...charge(), contractID: FABRIKAM });
    expect(root.status).toBe(404);
    expect((await emu.api('PATCH', '/ContractCharges', { id: 1, name: 'x' })).status).toBe(404);
    expect(emu.state.tables.ContractCharges.size).toBe(0);
  });
});

describe('ContractCharges: rules', () => {
  it('requires name, datePurchased, unitQuantity, chargeType and a product or billing code', async () => {
    for (const field of ['name', 'datePurchased', 'unitQuantity']) {
      expect(errorOf(await create(charge({ [field]: null }))), field).toEqual([
        500,
        `${field}: Field is required.`,
      ]);
    }
    expect(errorOf(await create(charge({ chargeType: undefined })))).toEqual([
      500,
      'Value does not reference an existing entity for chargeType . ',
    ]);
    expect(errorOf(await create(charge({ chargeType: 3 })))[0]).toBe(500);
    expect(errorOf(await create(charge({ billingCodeID: undefined })))[1]).toMatch(/needs a product/);
    // Products are not modelled: any productID is a bad reference.
    expect(errorOf(await create(charge({ billingCodeID: undefined, productID: 5 })))[1]).toMatch(/productID/);
    expect(errorOf(await create(charge({ name: 'x'.repeat(101) })))[1]).toMatch(/maximum length of 100/);
  });

  it('needs an active Material Cost Code and a contract service of the same contract', async () => {
    const cloud = await create(charge({ billingCodeID: DEMO_IDS.codeCloud })); // useType 5
    expect(errorOf(cloud)).toEqual([500, 'Value does not reference an existing entity for billingCodeID . ']);
    await emu.raw('PATCH', `/_emulator/entities/BillingCodes/${MATERIAL}`, { isActive: false });
    expect((await create(charge())).status).toBe(500);
    await emu.raw('PATCH', `/_emulator/entities/BillingCodes/${MATERIAL}`, { isActive: true });
    const contosoLine = (await emu.api('GET', `/Contracts/${CONTOSO}/Services`)).body.items[0].id;
    expect(errorOf(await create(charge({ contractServiceID: contosoLine })))[1]).toMatch(/contractServiceID/);
    expect((await create(charge({ contractServiceID: contosoLine }), CONTOSO)).status).toBe(200);
    expect(errorOf(await create(charge({ contractID: CONTOSO })))[1]).toMatch(/does not match the parent/);
  });

  it('refuses a zero quantity and negative prices (credits are a negative quantity)', async () => {
    expect(errorOf(await create(charge({ unitQuantity: 0 })))[1]).toMatch(/cannot be zero/);
    expect(errorOf(await create(charge({ unitPrice: -12.345 })))[1]).toMatch(/unitPrice/);
    expect(errorOf(await create(charge({ unitCost: -1 })))[1]).toMatch(/unitCost/);
    expect((await create(charge({ unitQuantity: -2.5 }))).status).toBe(200);
    await emu.close();
    emu = await startTestEmulator({ rules: { negativeChargePrices: 'allow' } });
    const id = (await create(charge({ unitPrice: -12.345, unitCost: -10 }))).body.itemId;
    expect(await item(id)).toMatchObject({ billableAmount: -12.345, extendedCost: -10 });
  });

  it('updates through the parent URL: amounts follow, the status change is stamped, contractID is fixed', async () => {
    const id = (await create(charge())).body.itemId;
    const path = `/Contracts/${FABRIKAM}/Charges`;
    expect((await emu.api('PATCH', path, { id, unitQuantity: 3, unitPrice: 2.5, status: 2 })).status).toBe(
      200,
    );
    expect(await item(id)).toMatchObject({
      billableAmount: 7.5,
      extendedCost: 30,
      status: 2,
      statusLastModifiedBy: DEMO_IDS.apiResource,
      statusLastModifiedDate: '2026-03-15T09:00:00.000Z',
    });
    expect((await emu.api('PATCH', path, { id, contractID: CONTOSO })).status).toBe(500);
    expect((await emu.api('PATCH', `/Contracts/${CONTOSO}/Charges`, { id, name: 'x' })).status).toBe(404);
  });

  it('deletes through the parent URL only; a billed charge can be neither changed nor deleted', async () => {
    const a = (await create(charge())).body.itemId;
    const b = (await create(charge({ datePurchased: '2026-02-10' }))).body.itemId;
    expect((await emu.api('DELETE', `/ContractCharges/${a}`)).status).toBe(405);
    expect((await emu.api('DELETE', `/Contracts/${CONTOSO}/Charges/${a}`)).status).toBe(404);
    expect(await emu.api('DELETE', `/Contracts/${FABRIKAM}/Charges/${a}`)).toMatchObject({
      status: 200,
      body: { itemId: a },
    });
    expect((await emu.api('GET', `/ContractCharges/${a}`)).status).toBe(404);
    await emu.raw('POST', '/_emulator/approve-and-post', { through: '2026-02-28', contractId: FABRIKAM });
    expect((await item(b)).isBilled).toBe(true);
    const path = `/Contracts/${FABRIKAM}/Charges`;
    expect(errorOf(await emu.api('PATCH', path, { id: b, name: 'x' }))[1]).toMatch(/cannot be changed/);
    expect(errorOf(await emu.api('DELETE', `${path}/${b}`))[1]).toMatch(/cannot be deleted/);
  });
});
