import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { type Json, startTestEmulator, type TestEmulator } from '../testing';

const CONTOSO = DEMO_IDS.firstContract; // Managed Workstation x5 at 45 (cost 0) from 2026-02-01, monthly
const FABRIKAM = DEMO_IDS.firstContract + 1; // monthly from 2025-09-01, no lines
const SERVICE = DEMO_IDS.serviceCollision; // 6.00 / 5.40

let emu: TestEmulator;
afterEach(async () => {
  await emu.close();
});

const lineOf = async (contract: number) =>
  (await emu.api('GET', `/Contracts/${contract}/Services`)).body.items[0].id as number;
const adjust = (contractServiceID: number, effectiveDate: string, unitChange: number, extra = {}) =>
  emu.api('POST', '/ContractServiceAdjustments', { contractServiceID, effectiveDate, unitChange, ...extra });
const post = (through: string, contractId: number) =>
  emu.raw('POST', '/_emulator/approve-and-post', { through, contractId });
const items = async (contract: number) =>
  (
    (
      await emu.api('POST', '/BillingItems/query', {
        filter: [{ op: 'eq', field: 'contractID', value: contract }],
      })
    ).body.items as Json[]
  ).map((i) => `${i.itemDate.slice(0, 10)} ${i.quantity}@${i.rate} ${i.totalAmount}/${i.ourCost}`);
const rows = async (contract: number) =>
  (
    (
      await emu.api('POST', '/ContractServiceUnits/query', {
        filter: [{ op: 'eq', field: 'contractID', value: contract }],
      })
    ).body.items as Json[]
  )
    .map((r) => `${r.startDate.slice(0, 10)} ${r.units} ${r.approveAndPostDate === null ? 'open' : 'posted'}`)
    .sort();
const billed = async (contract: number, from: string, to = from) =>
  (
    (await emu.raw('GET', `/_emulator/billing?contractId=${contract}&from=${from}&to=${to}`)).body
      .months as Json[]
  ).map((m) => m.total.amount);

describe.each(['overlap', 'day-before'] as const)(
  'postedPeriodAdjustments bill-prorated (unitRowEnd %s)',
  (unitRowEnd) => {
    it('is the default: accepted, posted items kept, the change billed at once as a prorated item', async () => {
      emu = await startTestEmulator({ rules: { unitRowEnd } });
      const cs = await lineOf(CONTOSO);
      await post('2026-02-28', CONTOSO);
      expect(await adjust(cs, '2026-02-20', 2)).toMatchObject({ status: 200, body: { itemId: null } });
      // 2 x 45 x 9/28 = 28.93, posted now, dated on the adjustment day.
      expect(await items(CONTOSO)).toEqual(['2026-02-01 5@45 225/0', '2026-02-20 2@45 28.93/0']);
      expect((await rows(CONTOSO)).slice(0, 3)).toEqual([
        '2026-02-01 5 posted',
        '2026-02-20 7 posted',
        '2026-03-01 7 open',
      ]);
      expect(await billed(CONTOSO, '2026-02', '2026-03')).toEqual(['253.93', '315.00']);
      // Approve & post never bills the posted days again.
      expect((await post('2026-03-31', CONTOSO)).body.posted).toBe(1);
      expect((await items(CONTOSO)).at(-1)).toBe('2026-03-01 7@45 315/0');
      expect(await billed(CONTOSO, '2026-02', '2026-03')).toEqual(['253.93', '315.00']);
    });

    it('a drop is a negative item; every posted period from the date on gets its own item', async () => {
      emu = await startTestEmulator({ rules: { unitRowEnd } });
      const cs = await lineOf(CONTOSO);
      await post('2026-03-31', CONTOSO);
      expect((await adjust(cs, '2026-02-10', -1)).status).toBe(200);
      // -1 x 45 x 19/28 = -30.54 (February), -1 x 45 x 31/31 = -45 (March).
      expect((await items(CONTOSO)).slice(2)).toEqual([
        '2026-02-10 -1@45 -30.54/0',
        '2026-03-01 -1@45 -45/0',
      ]);
      expect(await billed(CONTOSO, '2026-02', '2026-04')).toEqual(['194.46', '180.00', '180.00']);
    });

    it('bills a price change on posted days, cost included', async () => {
      emu = await startTestEmulator({ rules: { unitRowEnd } });
      await emu.api('POST', `/Contracts/${FABRIKAM}/ServiceAdjustments`, {
        serviceID: SERVICE,
        effectiveDate: '2026-03-01',
        unitChange: 10,
      });
      const cs = await lineOf(FABRIKAM);
      await post('2026-03-31', FABRIKAM);
      await adjust(cs, '2026-03-16', 0, { adjustedUnitPrice: 7, adjustedUnitCost: 5 });
      // (10 x 7 - 10 x 6) x 16/31 = 5.16; cost (50 - 54) x 16/31 = -2.06.
      expect(await items(FABRIKAM)).toEqual(['2026-03-01 10@6 60/54', '2026-03-16 0@7 5.16/-2.06']);
      expect(await billed(FABRIKAM, '2026-03')).toEqual(['65.16']);
    });
  },
);

describe('postedPeriodAdjustments reject', () => {
  it('refuses an adjustment dated in a posted period with the posted-period message', async () => {
    emu = await startTestEmulator({ rules: { postedPeriodAdjustments: 'reject' } });
    const cs = await lineOf(CONTOSO);
    await post('2026-02-28', CONTOSO);
    const res = await adjust(cs, '2026-02-20', 2);
    expect(res).toMatchObject({
      status: 500,
      body: {
        errors: [
          'Unable to make changes as it would result in the deletion/modification of an already approved and posted contract period.',
        ],
      },
    });
    expect(await items(CONTOSO)).toEqual(['2026-02-01 5@45 225/0']);
    expect((await adjust(cs, '2026-03-01', 2)).status).toBe(200);
    // Switched at run time, the same change is accepted and billed.
    await emu.raw('PUT', '/_emulator/rules', { postedPeriodAdjustments: 'bill-prorated' });
    expect((await adjust(cs, '2026-02-20', 1)).status).toBe(200);
    expect(await items(CONTOSO)).toEqual(['2026-02-01 5@45 225/0', '2026-02-20 1@45 14.46/0']);
  });
});
