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

/** Contoso's agreement: Managed Services (prorates), monthly, since 2026-02-01. Fabrikam's: Microsoft CSP (does not). */
const PRORATING = 1040;
const NOT_PRORATING = 1041;
const MAPLE_EXPIRED = 1045;
const premium = { product: { id: DEMO_IDS.itemLinkable }, billCustomer: 'Billable' };
const add = (agreement: number, body: Record<string, unknown>) =>
  emu.api('POST', `/finance/agreements/${agreement}/additions`, body);

describe('addition defaults and computed fields (§4.5)', () => {
  it('a minimal body takes prices, taxability and invoice text from the product; dates and sequence from the server', async () => {
    const res = await add(PRORATING, premium);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: 5508,
      agreementId: PRORATING,
      product: { id: DEMO_IDS.itemLinkable, identifier: 'M365-BPREM', serializedFlag: false },
      unitPrice: 26.4,
      unitCost: 22,
      taxableFlag: false,
      invoiceDescription: 'Microsoft 365 Business Premium',
      effectiveDate: '2026-03-15T00:00:00Z',
      sequenceNumber: 2,
      lessIncluded: 0,
      description: 'Microsoft 365 Business Premium',
      uom: 'Each',
      agreementStatus: 'Active',
    });
    expect(res.body).not.toHaveProperty('quantity');
  });

  it('the missing billCustomer gets the §6.17 body', async () => {
    const res = await add(PRORATING, { product: { id: DEMO_IDS.itemLinkable }, quantity: 1 });
    expect([res.status, res.body]).toEqual([
      400,
      {
        code: 'InvalidObject',
        message: 'addition object is invalid',
        errors: [
          {
            code: 'MissingRequiredField',
            message: 'The billCustomer field is required.',
            resource: 'addition',
            field: 'billCustomer',
          },
        ],
      },
    ]);
  });

  it('computes extended amounts, margin and the prorated amounts of a mid-period start', async () => {
    const res = await add(PRORATING, { ...premium, quantity: 3, effectiveDate: '2026-03-10T00:00:00Z' });
    expect(res.body).toMatchObject({
      billedQuantity: 3,
      extPrice: 79.2,
      extCost: 66,
      margin: 13.2,
      // 22 of March's 31 days: 26.40 x 22 / 31 = 18.735..., 3 x 26.40 x 22 / 31 = 56.206...
      proratePrice: 18.74,
      prorateCost: 15.61,
      extendedProratePrice: 56.21,
      extendedProrateCost: 46.84,
    });
    const onTheFirst = await add(PRORATING, {
      ...premium,
      quantity: 3,
      effectiveDate: '2026-04-01T00:00:00Z',
    });
    expect(onTheFirst.body).toMatchObject({ proratePrice: 0, extendedProratePrice: 0 });
    const notProrating = await add(NOT_PRORATING, {
      ...premium,
      quantity: 3,
      effectiveDate: '2026-03-10T00:00:00Z',
    });
    expect(notProrating.body).toMatchObject({ proratePrice: 0, extendedProratePrice: 0, extPrice: 79.2 });
  });

  it('switches: extendedBasis, prorateDays, prorateCurrentPeriodFlag', async () => {
    const line = await add(PRORATING, {
      ...premium,
      quantity: 10,
      lessIncluded: 2,
      unitPrice: 5,
      unitCost: 4,
      effectiveDate: '2026-03-10T00:00:00Z',
    });
    expect(line.body).toMatchObject({
      billedQuantity: 8,
      extPrice: 50,
      extCost: 40,
      extendedProratePrice: 28.39,
    });
    await emu.raw('PUT', '/_emulator/rules', {
      extendedBasis: 'billed-quantity',
      prorateDays: 'exclusive-start',
    });
    const again = await emu.api('GET', `/finance/agreements/${PRORATING}/additions/${line.body.id}`);
    // 8 x 5 x 21 / 31 = 27.096...
    expect(again.body).toMatchObject({ extPrice: 40, extCost: 32, margin: 8, extendedProratePrice: 27.1 });
    const flagged = await add(NOT_PRORATING, {
      ...premium,
      quantity: 3,
      effectiveDate: '2026-03-10T00:00:00Z',
      prorateCurrentPeriodFlag: true,
    });
    expect(flagged.body.extendedProratePrice).toBe(0);
    await emu.raw('PUT', '/_emulator/rules', { prorateCurrentPeriodFlag: 'addition-prorates' });
    const now = await emu.api('GET', `/finance/agreements/${NOT_PRORATING}/additions/${flagged.body.id}`);
    // Still under 'exclusive-start': 3 x 26.40 x 21 / 31 = 53.651...
    expect(now.body.extendedProratePrice).toBe(53.65);
  });
});

describe('addition rules and their switches', () => {
  it('refuses an inactive product unless allowed, and a Bundle product always', async () => {
    const inactive = { product: { id: DEMO_IDS.itemInactive }, billCustomer: 'Billable' };
    const res = await add(PRORATING, inactive);
    expect(res.body.errors[0]).toMatchObject({
      field: 'product/id',
      message: 'Product LEGACY-EMAIL is inactive.',
    });
    await emu.raw('PUT', '/_emulator/rules', { inactiveProductOnAddition: 'allow' });
    expect((await add(PRORATING, inactive)).status).toBe(201);
    await emu.api('PATCH', `/procurement/catalog/${DEMO_IDS.itemWorkstation}`, [
      { op: 'replace', path: 'productClass', value: 'Bundle' },
    ]);
    const bundle = await add(PRORATING, {
      product: { id: DEMO_IDS.itemWorkstation },
      billCustomer: 'Billable',
    });
    expect(bundle.body.errors[0].message).toBe('Bundle products cannot be added to an agreement.');
    // An existing line on a product that later became a bundle can still be edited.
    const edit = await emu.api('PATCH', '/finance/agreements/1040/additions/5500', [
      { op: 'replace', path: 'quantity', value: 6 },
    ]);
    expect(edit.status).toBe(200);
  });

  it('writes on an expired agreement: accepted by default, refused with closedAgreementWrites "reject"', async () => {
    expect((await add(MAPLE_EXPIRED, premium)).status).toBe(201);
    await emu.raw('PUT', '/_emulator/rules', { closedAgreementWrites: 'reject' });
    const res = await add(MAPLE_EXPIRED, premium);
    expect(res.body.errors[0]).toMatchObject({ field: 'agreementId', message: 'The agreement is Expired.' });
    expect((await add(PRORATING, premium)).status).toBe(201);
  });

  it('negative amounts (credits) are accepted unless negativeAmounts is "reject"; dates must be in order', async () => {
    expect((await add(PRORATING, { ...premium, quantity: -2 })).status).toBe(201);
    await emu.raw('PUT', '/_emulator/rules', { negativeAmounts: 'reject' });
    const res = await add(PRORATING, { ...premium, quantity: -2, unitPrice: -1 });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['quantity', 'unitPrice']);
    const backwards = await add(PRORATING, {
      ...premium,
      effectiveDate: '2026-03-10T00:00:00Z',
      cancelledDate: '2026-03-09T00:00:00Z',
    });
    expect(backwards.body.errors[0].field).toBe('cancelledDate');
  });

  it('keeps date-only fields at midnight UTC and lists cancelled lines too', async () => {
    const res = await add(PRORATING, {
      ...premium,
      effectiveDate: '2026-03-10T15:30:00Z',
      cancelledDate: '2026-03-31T00:00:00Z',
    });
    expect(res.body).toMatchObject({
      effectiveDate: '2026-03-10T00:00:00Z',
      cancelledDate: '2026-03-31T00:00:00Z',
    });
    const all = await emu.api('GET', `/finance/agreements/${PRORATING}/additions`);
    expect(all.body).toHaveLength(2);
  });
});
