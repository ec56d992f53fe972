import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo/demo-seed';
import { startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const ITEM = {
  identifier: 'CFQ7TTC0LCHC:0002X',
  description: 'Microsoft 365 Business Premium',
  customerDescription: 'Microsoft 365 Business Premium (NCE, monthly)',
  subcategory: { id: DEMO_IDS.subcategoryM365 },
  type: { id: DEMO_IDS.typeLicense },
  price: 26.4,
  cost: 22,
  vendor: { id: DEMO_IDS.microsoft },
  vendorSku: 'CFQ7TTC0LCHC:0002',
};

describe('POST (§3.2)', () => {
  it('creates a catalog item: 201, server defaults, derived category, _info', async () => {
    const res = await emu.api('POST', '/procurement/catalog', ITEM);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: 821,
      identifier: ITEM.identifier,
      productClass: 'NonInventory',
      inactiveFlag: false,
      taxableFlag: false,
      category: { id: DEMO_IDS.categoryCloud, name: 'Cloud Services' },
      unitOfMeasure: { id: DEMO_IDS.uomEach, name: 'Each' },
      vendor: { id: 19, identifier: 'Microsoft', name: 'Microsoft Corporation' },
      _info: { dateEntered: '2026-03-15T09:00:00Z', enteredBy: 'billsync-api', updatedBy: 'billsync-api' },
    });
    const byName = await emu.api('POST', '/procurement/catalog', {
      ...ITEM,
      Identifier: 'BY-NAME',
      identifier: undefined,
      subcategory: { name: 'microsoft 365' },
    });
    expect([byName.status, byName.body.subcategory.id]).toEqual([201, DEMO_IDS.subcategoryM365]);
  });

  it('refuses a duplicate Product ID (any case) with ObjectExists, and leaves no id gap', async () => {
    const res = await emu.api('POST', '/procurement/catalog', { ...ITEM, identifier: 'cfq7ttc0lh18:0001' });
    expect([res.status, res.body]).toEqual([
      400,
      {
        code: 'InvalidObject',
        message: 'catalogItem object is invalid',
        errors: [
          {
            code: 'ObjectExists',
            message: 'Product ID already in use.',
            resource: 'catalogItem',
            field: 'identifier',
          },
        ],
      },
    ]);
    expect((await emu.api('POST', '/procurement/catalog', ITEM)).body.id).toBe(821);
  });

  it('lists every missing required field, lengths and the observed recurring rule', async () => {
    const missing = await emu.api('POST', '/procurement/catalog', { price: 1 });
    expect(missing.body.errors.map((e: { field: string; code: string }) => `${e.code}:${e.field}`)).toEqual([
      'MissingRequiredField:identifier',
      'MissingRequiredField:description',
      'MissingRequiredField:subcategory',
      'MissingRequiredField:type',
      'MissingRequiredField:customerDescription',
    ]);
    const long = await emu.api('POST', '/procurement/catalog', { ...ITEM, identifier: 'X'.repeat(76) });
    expect(long.body.errors).toEqual([
      {
        code: 'OutOfRange',
        message: 'The field identifier must be a string with a maximum length of 75.',
        resource: 'catalogItem',
        field: 'identifier',
      },
    ]);
    const recurring = await emu.api('POST', '/procurement/catalog', { ...ITEM, recurringFlag: true });
    expect(recurring.body.errors).toEqual([
      {
        code: 'MissingRequiredField',
        message: 'recurringBillCycle or recurringOneTimeFlag is required.',
        resource: 'catalogItem',
        field: 'recurringOneTimeFlag',
      },
      {
        code: 'MissingRequiredField',
        message: 'recurringBillCycle or recurringOneTimeFlag is required.',
        resource: 'catalogItem',
        field: 'recurringBillCycle/id',
      },
    ]);
    const notVendor = await emu.api('POST', '/procurement/catalog', {
      ...ITEM,
      vendor: { id: DEMO_IDS.firstCustomer },
    });
    expect(notVendor.body.errors[0].field).toBe('vendor/id');
    const unknownRef = await emu.api('POST', '/procurement/catalog', { ...ITEM, subcategory: { id: 999 } });
    expect(unknownRef.body.errors[0]).toMatchObject({ code: 'InvalidField', field: 'subcategory/id' });
  });

  it('flattens newlines, checks types and the date format', async () => {
    const res = await emu.api('POST', '/procurement/catalog', {
      ...ITEM,
      customerDescription: 'a\nb\r\nc\fd',
    });
    expect(res.body.customerDescription).toBe('a b  cd');
    const typed = await emu.api('POST', '/procurement/catalog', { ...ITEM, identifier: 'T', price: 'abc' });
    expect(typed.body.errors[0]).toMatchObject({ code: 'InvalidField', field: 'price' });
    const agreement = {
      name: 'X',
      type: { id: 7 },
      company: { id: 250 },
      contact: { id: 800 },
      startDate: '2026-04-01',
    };
    const strict = await emu.api('POST', '/finance/agreements', agreement);
    expect([strict.status, strict.body.code]).toEqual([400, 'UnsupportedFormat']);
    const ms = await emu.api('POST', '/finance/agreements', {
      ...agreement,
      startDate: '2026-04-01T00:00:00.000Z',
    });
    expect(ms.body.code).toBe('UnsupportedFormat');
    await emu.raw('PUT', '/_emulator/rules', { dateFormat: 'lenient' });
    expect((await emu.api('POST', '/finance/agreements', agreement)).body.startDate).toBe(
      '2026-04-01T00:00:00Z',
    );
  });

  it("creates an agreement with its type's defaults and the company identifier as reference", async () => {
    const res = await emu.api('POST', '/finance/agreements', {
      name: 'Contoso - CSP',
      type: { name: 'Microsoft CSP' },
      company: { identifier: 'ContosoLtd' },
      contact: { id: 800 },
      startDate: '2026-04-01T00:00:00Z',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      prorateFlag: false,
      billingCycle: { id: DEMO_IDS.cycleMonthly, name: 'Monthly' },
      invoicingCycle: 'CalendarYear',
      noEndingDateFlag: true,
      billStartDate: '2026-04-01T00:00:00Z',
      agreementStatus: 'Inactive',
      nextInvoiceDate: '2026-04-01T00:00:00Z',
    });
    const missing = await emu.api('POST', '/finance/agreements', { name: 'X' });
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'type',
      'company',
      'contact',
    ]);
  });
});

describe('PATCH (§3.4), PUT (§3.3), DELETE (§3.5)', () => {
  const item = (id: number) => `/procurement/catalog/${id}`;

  it('applies replace operations, with or without a leading slash, and answers the full entity', async () => {
    const res = await emu.api('PATCH', item(DEMO_IDS.itemCollision), [
      { op: 'replace', path: 'cost', value: 6.12 },
      { op: 'replace', path: '/price', value: 7.34 },
      { op: 'replace', path: 'inactiveFlag', value: true },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: DEMO_IDS.itemCollision,
      cost: 6.12,
      price: 7.34,
      inactiveFlag: true,
      description: expect.any(String),
    });
    expect(res.body._info.updatedBy).toBe('billsync-api');
  });

  it('paths are case-sensitive; sub-paths of references answer a false 200; read-only paths are ignored', async () => {
    const wrongCase = await emu.api('PATCH', item(DEMO_IDS.itemCollision), [
      { op: 'replace', path: 'Price', value: 1 },
    ]);
    expect([wrongCase.status, wrongCase.body.errors[0].field]).toEqual([400, 'Price']);
    const sub = await emu.api('PATCH', item(DEMO_IDS.itemCollision), [
      { op: 'replace', path: 'vendor/id', value: 20 },
    ]);
    expect([sub.status, sub.body.vendor.id]).toEqual([200, DEMO_IDS.microsoft]);
    const whole = await emu.api('PATCH', item(DEMO_IDS.itemCollision), [
      { op: 'replace', path: 'vendor', value: { id: 20 } },
    ]);
    expect(whole.body.vendor.identifier).toBe('Pax8');
    const ro = await emu.api('PATCH', '/finance/agreements/1040', [
      { op: 'replace', path: 'agreementStatus', value: 'Cancelled' },
    ]);
    expect(ro.body.agreementStatus).toBe('Active');
    expect((await emu.api('PATCH', item(DEMO_IDS.itemCollision), { cost: 1 })).status).toBe(400);
    expect(
      (await emu.api('PATCH', item(DEMO_IDS.itemCollision), [{ op: 'move', path: 'cost' }])).status,
    ).toBe(400);
  });

  it('validates the patched whole: a required field cannot be cleared, a duplicate identifier is refused', async () => {
    const cleared = await emu.api('PATCH', item(DEMO_IDS.itemLinkable), [
      { op: 'remove', path: 'description' },
    ]);
    expect(cleared.body.errors[0]).toMatchObject({ code: 'MissingRequiredField', field: 'description' });
    const dup = await emu.api('PATCH', item(DEMO_IDS.itemLinkable), [
      { op: 'replace', path: 'identifier', value: 'MANAGED-WS' },
    ]);
    expect(dup.body.errors[0].code).toBe('ObjectExists');
    expect((await emu.api('GET', item(DEMO_IDS.itemLinkable))).body.identifier).toBe('M365-BPREM');
  });

  it('clears with replace-null and remove, or only one of them (rules.patchClear)', async () => {
    const path = '/finance/agreements/1040/additions/5500';
    await emu.api('PATCH', path, [{ op: 'replace', path: 'cancelledDate', value: '2026-03-31T00:00:00Z' }]);
    expect(
      (await emu.api('PATCH', path, [{ op: 'replace', path: 'cancelledDate', value: null }])).body,
    ).not.toHaveProperty('cancelledDate');
    await emu.api('PATCH', path, [{ op: 'replace', path: 'cancelledDate', value: '2026-03-31T00:00:00Z' }]);
    expect((await emu.api('PATCH', path, [{ op: 'remove', path: 'cancelledDate' }])).body).not.toHaveProperty(
      'cancelledDate',
    );
    await emu.raw('PUT', '/_emulator/rules', { patchClear: 'remove-only' });
    expect(
      (await emu.api('PATCH', path, [{ op: 'replace', path: 'serialNumber', value: null }])).status,
    ).toBe(400);
    await emu.raw('PUT', '/_emulator/rules', { patchClear: 'replace-null-only' });
    expect((await emu.api('PATCH', path, [{ op: 'remove', path: 'serialNumber' }])).status).toBe(400);
  });

  it('PUT replaces the whole entity and needs the "required on updates" fields of an agreement', async () => {
    const current = (await emu.api('GET', '/finance/agreements/1040')).body;
    const partial = await emu.api('PUT', '/finance/agreements/1040', {
      ...current,
      billTime: undefined,
      customerPO: 'PO-1',
    });
    expect(partial.body.errors).toEqual([
      {
        code: 'MissingRequiredField',
        message: 'The billTime field is required.',
        resource: 'agreement',
        field: 'billTime',
      },
    ]);
    const put = await emu.api('PUT', item(DEMO_IDS.itemLinkable), { ...ITEM, identifier: 'M365-BPREM' });
    expect(put.status).toBe(200);
    expect(put.body).not.toHaveProperty('manufacturer');
  });

  it('DELETE answers 204; a product on additions is in use (409); a company is kept as deleted', async () => {
    const del = await emu.api('DELETE', '/finance/agreements/1040/additions/5500');
    expect([del.status, del.body]).toEqual([204, undefined]);
    expect((await emu.api('GET', '/finance/agreements/1040/additions/5500')).status).toBe(404);
    expect((await emu.api('DELETE', item(DEMO_IDS.itemWorkstation))).status).toBe(409);
    expect((await emu.api('DELETE', item(DEMO_IDS.itemInactive))).status).toBe(204);
    expect((await emu.api('DELETE', '/company/companies/300')).status).toBe(204);
    expect((await emu.api('GET', '/company/companies/300')).body).toMatchObject({
      deletedFlag: true,
      deletedBy: 'billsync-api',
    });
  });

  it('unknown ids are 404 in the error shape; unsupported verbs 405', async () => {
    expect((await emu.api('GET', item(9999))).body).toEqual({
      code: 'NotFound',
      message: 'catalogItem with id 9999 was not found.',
      errors: null,
    });
    expect((await emu.api('GET', '/finance/agreements/9999/additions')).status).toBe(404);
    expect((await emu.api('PUT', '/procurement/catalog', ITEM)).status).toBe(405);
    expect((await emu.api('POST', '/procurement/catalog/count', ITEM)).status).toBe(405);
    expect((await emu.api('POST', '/procurement/catalog', '{bad json')).status).toBe(400);
  });
});
