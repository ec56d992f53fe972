import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import type { AutotaskRules } from '../options';
import { type Json, startTestEmulator, type TestEmulator } from '../testing';

const FABRIKAM = DEMO_IDS.firstContract + 1; // monthly from 2025-09-01, no lines; today 2026-03-15
const SERVICE = DEMO_IDS.serviceCollision; // 6.00 / 5.40

let emu: TestEmulator;
afterEach(async () => {
  await emu.close();
});

const adjust = (effectiveDate: string, unitChange: number, extra: Record<string, unknown> = {}) =>
  emu.api('POST', `/Contracts/${FABRIKAM}/ServiceAdjustments`, {
    serviceID: SERVICE,
    effectiveDate,
    unitChange,
    ...extra,
  });
/** `start price/cost` of the first `n` rows, by start date. */
const prices = async (n: number) =>
  (
    (
      await emu.api('POST', '/ContractServiceUnits/query', {
        filter: [{ op: 'eq', field: 'contractID', value: FABRIKAM }],
      })
    ).body.items as Json[]
  )
    .sort((a, b) => a.startDate.localeCompare(b.startDate))
    .slice(0, n)
    .map((r) => `${r.startDate.slice(5, 10)} ${r.price}/${r.cost}`);

/** A line at 7 from 10 March, repriced to 8 from 1 May, then one unit more from 10 April (no price). */
async function reprice() {
  await adjust('2026-03-10', 2, { adjustedUnitPrice: 7 });
  await adjust('2026-05-01', 0, { adjustedUnitPrice: 8 });
  await adjust('2026-04-10', 1);
}

const REPRICED: Record<AutotaskRules['unitRowPrice'], string[]> = {
  // The latest price-setting adjustment on or before each row's start.
  'latest-adjustment': ['03-10 7/5.4', '04-01 7/5.4', '04-10 7/5.4', '05-01 8/5.4', '06-01 8/5.4'],
  // Fixed when the row came into existence: June was there before the May repricing; 10 April took the
  // line's price at that moment (8), not the previous row's.
  stored: ['03-10 7/5.4', '04-01 7/5.4', '04-10 8/5.4', '05-01 8/5.4', '06-01 7/5.4'],
};

describe.each(['latest-adjustment', 'stored'] as const)('rules.unitRowPrice %s', (unitRowPrice) => {
  it('prices rows after repricing adjustments', async () => {
    emu = await startTestEmulator({ rules: { unitRowPrice } });
    await reprice();
    expect(await prices(5)).toEqual(REPRICED[unitRowPrice]);
  });

  it("PATCH adjustedPrice sets the price from the start of today's period up to the next repricing", async () => {
    emu = await startTestEmulator({ rules: { unitRowPrice } });
    await adjust('2026-03-01', 2);
    await adjust('2026-06-01', 0, { adjustedUnitPrice: 10 });
    const cs = (await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items[0].id;
    expect(
      (await emu.api('PATCH', `/Contracts/${FABRIKAM}/Services`, { id: cs, adjustedPrice: 9 })).status,
    ).toBe(200);
    const july = unitRowPrice === 'stored' ? '07-01 6/5.4' : '07-01 10/5.4';
    expect(await prices(5)).toEqual(['03-01 9/5.4', '04-01 9/5.4', '05-01 9/5.4', '06-01 10/5.4', july]);
    expect((await emu.api('GET', `/ContractServices/${cs}`)).body.item).toMatchObject({
      unitPrice: 9,
      internalCurrencyAdjustedPrice: 9,
    });
  });
});

describe('rules.unitRowPrice stored', () => {
  it('a period row first derived later takes the line price of that moment; prices persist in the state', async () => {
    emu = await startTestEmulator({ rules: { unitRowPrice: 'stored', unitsHorizon: 'current-period' } });
    await adjust('2026-03-10', 2, { adjustedUnitPrice: 7 });
    await adjust('2026-05-01', 0, { adjustedUnitPrice: 8 });
    expect(await prices(5)).toEqual(['03-10 7/5.4']);
    await emu.raw('PUT', '/_emulator/clock', { now: '2026-04-05T09:00:00Z' });
    expect(await prices(5)).toEqual(['03-10 7/5.4', '04-01 8/5.4']);
    const cs = (await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items[0].id;
    expect(emu.state.storedPrices.get(`${cs}|2026-04-01`)).toEqual({ price: 8, cost: 5.4 });
    await emu.raw('PUT', '/_emulator/rules', { unitRowPrice: 'latest-adjustment' });
    expect(await prices(5)).toEqual(['03-10 7/5.4', '04-01 7/5.4']);
  });

  it('can be switched on at run time: stored prices are kept in every mode', async () => {
    emu = await startTestEmulator();
    await reprice();
    expect(await prices(5)).toEqual(REPRICED['latest-adjustment']);
    await emu.raw('PUT', '/_emulator/rules', { unitRowPrice: 'stored' });
    expect(await prices(5)).toEqual(REPRICED.stored);
  });
});
