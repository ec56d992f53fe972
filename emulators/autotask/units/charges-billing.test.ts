import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS, loadDemoSeed } from '../demo-seed';
import { centsText, proratedCents, toCents } from '../rules/money';
import { type Json, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator(); // today = 2026-03-15
});
afterEach(async () => {
  await emu.close();
});

const FABRIKAM = DEMO_IDS.firstContract + 1; // monthly from 2025-09-01, no lines
const CONTOSO = DEMO_IDS.firstContract; // Managed Workstation x5 at 45 from 2026-02-01
const SERVICE = DEMO_IDS.serviceCollision; // 6.00 / 5.40
const MATERIAL = 29682805;

const charge = (over: Record<string, unknown> = {}) => ({
  name: 'Correction',
  datePurchased: '2026-03-05',
  unitQuantity: -1,
  unitPrice: 12.345,
  unitCost: 10,
  chargeType: 1,
  billingCodeID: MATERIAL,
  ...over,
});
const addCharge = async (over: Record<string, unknown> = {}, contract = FABRIKAM) =>
  (await emu.api('POST', `/Contracts/${contract}/Charges`, charge(over))).body.itemId as number;
const billing = async (query: string) => emu.raw('GET', `/_emulator/billing?${query}`);

describe('money helpers', () => {
  it('prorates in whole cents, half away from zero, and prints exact 2-decimal strings', () => {
    expect(proratedCents(10, 6, 22, 31)).toBe(4258);
    expect(proratedCents(1, 0.01, 1, 2)).toBe(1);
    expect(proratedCents(-1, 0.01, 1, 2)).toBe(-1);
    expect(toCents(-12.345)).toBe(-1235);
    expect([centsText(12345), centsText(-5), centsText(0)]).toEqual(['123.45', '-0.05', '0.00']);
  });
});

describe('approve & post of contract charges', () => {
  it('posts billable charges dated on or before `through`: isBilled and a Contract Cost billing item', async () => {
    const credit = await addCharge();
    const later = await addCharge({ datePurchased: '2026-04-01' });
    const internal = await addCharge({ isBillableToCompany: false });
    const contoso = await addCharge({}, CONTOSO);
    const post = await emu.raw('POST', '/_emulator/approve-and-post', {
      through: '2026-03-31',
      contractId: FABRIKAM,
    });
    expect(post.body).toEqual({ posted: 0, charges: 1 });
    const billed = (id: number) => emu.state.tables.ContractCharges.get(id)?.isBilled;
    expect([credit, later, internal, contoso].map(billed)).toEqual([true, false, false, false]);
    const items = (
      await emu.api('POST', '/BillingItems/query', {
        filter: [{ op: 'eq', field: 'contractChargeID', value: credit }],
      })
    ).body.items as Json[];
    expect(items).toMatchObject([
      {
        billingItemType: 14,
        contractID: FABRIKAM,
        contractChargeID: credit,
        itemDate: '2026-03-05T00:00:00Z',
        quantity: -1,
        rate: 12.345,
        extendedPrice: -12.35,
        totalAmount: -12.35,
        ourCost: -10,
        description: 'Correction',
      },
    ]);
    // Posting again posts nothing new.
    const again = await emu.raw('POST', '/_emulator/approve-and-post', { through: '2026-03-31' });
    expect(again.body.charges).toBe(1); // only Contoso's charge
  });

  it('seeds charges (amounts computed) and dumps them with the state', async () => {
    const seed = loadDemoSeed();
    seed.ContractCharges = [{ id: 5, contractID: FABRIKAM, ...charge({ unitQuantity: 2 }), isBilled: true }];
    expect((await emu.raw('POST', '/_emulator/seed', seed)).body.loaded.ContractCharges).toBe(1);
    const dump = (await emu.raw('GET', '/_emulator/state')).body;
    expect(dump.ContractCharges).toMatchObject([
      { id: 5, billableAmount: 24.69, extendedCost: 20, isBilled: true },
    ]);
  });
});

describe('GET /_emulator/billing', () => {
  it('bills unit rows per month like approve & post, plus billable charges, as exact 2-decimal strings', async () => {
    const adjust = (effectiveDate: string, unitChange: number) =>
      emu.api('POST', `/Contracts/${FABRIKAM}/ServiceAdjustments`, {
        serviceID: SERVICE,
        effectiveDate,
        unitChange,
      });
    expect((await adjust('2026-03-10', 10)).status).toBe(200);
    expect((await adjust('2026-03-20', 5)).status).toBe(200);
    await addCharge(); // -12.345 -> -12.35, cost -10
    await addCharge({ isBillableToCompany: false }); // not billed to the customer
    const res = await billing(`contractId=${FABRIKAM}&from=2026-02&to=2026-04`);
    expect(res.status).toBe(200);
    const [feb, mar, apr] = res.body.months as Json[];
    expect(feb).toEqual({
      month: '2026-02',
      services: [],
      charges: [],
      total: { amount: '0.00', cost: '0.00' },
    });
    // 10 x 6 x 10/31 = 19.354.. -> 19.35 and 15 x 6 x 12/31 = 34.838.. -> 34.84 (cost 17.42 + 31.35).
    expect(mar.services).toMatchObject([{ serviceId: SERVICE, amount: '54.19', cost: '48.77' }]);
    expect(mar.charges).toMatchObject([
      { date: '2026-03-05', amount: '-12.35', cost: '-10.00', billed: false },
    ]);
    expect(mar.total).toEqual({ amount: '41.84', cost: '38.77' });
    expect(apr.total).toEqual({ amount: '90.00', cost: '81.00' });
  });

  it('agrees with the billing items approve & post makes', async () => {
    await emu.api('POST', `/Contracts/${CONTOSO}/ServiceAdjustments`, {
      serviceID: DEMO_IDS.serviceWorkstation,
      effectiveDate: '2026-02-11',
      unitChange: 2,
      adjustedUnitPrice: 47.255,
    });
    await emu.raw('POST', '/_emulator/approve-and-post', { through: '2026-02-28', contractId: CONTOSO });
    const items = (
      await emu.api('POST', '/BillingItems/query', {
        filter: [{ op: 'eq', field: 'contractID', value: CONTOSO }],
      })
    ).body.items as Json[];
    const posted = items.reduce((sum, i) => sum + Math.round(i.totalAmount * 100), 0);
    const feb = (await billing(`contractId=${CONTOSO}&from=2026-02`)).body.months[0];
    expect(feb.total.amount).toBe(centsText(posted));
    expect(feb.total.amount).toBe('293.03'); // 5 x 45 x 10/28 = 80.36 + 7 x 47.26 x 18/28 = 212.67
  });

  it('answers 400 to a bad query and 404 to an unknown contract', async () => {
    for (const q of [
      'from=2026-01',
      'contractId=1&from=2026-13',
      `contractId=${CONTOSO}&from=2026-03&to=2026-01`,
    ]) {
      expect((await billing(q)).status, q).toBe(400);
    }
    expect((await billing(`contractId=${CONTOSO}&from=2016-01&to=2026-12`)).status).toBe(400);
    expect((await billing('contractId=1&from=2026-01')).status).toBe(404);
  });
});
