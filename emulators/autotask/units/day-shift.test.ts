import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { type Json, startTestEmulator, type TestEmulator } from '../testing';

const FABRIKAM = DEMO_IDS.firstContract + 1; // monthly, 2025-09-01 .. 2028-08-31, no lines
const SERVICE = DEMO_IDS.serviceCollision;

let emu: TestEmulator;
afterEach(async () => {
  await emu.close();
});

const adjust = (effectiveDate: string, unitChange: number) =>
  emu.api('POST', `/Contracts/${FABRIKAM}/ServiceAdjustments`, {
    serviceID: SERVICE,
    effectiveDate,
    unitChange,
  });
const starts = async () =>
  (
    (
      await emu.api('POST', '/ContractServiceUnits/query', {
        filter: [{ op: 'eq', field: 'contractID', value: FABRIKAM }],
      })
    ).body.items as Json[]
  )
    .map((r) => `${r.startDate.slice(0, 10)} ${r.units}`)
    .sort()
    .slice(0, 3);

describe('rules.adjustmentDayShift (fault mode)', () => {
  it('lands every created adjustment N days after the date sent; the rules apply to that day', async () => {
    emu = await startTestEmulator({ rules: { adjustmentDayShift: 2 } });
    expect(await adjust('2026-03-10', 4)).toMatchObject({ status: 200, body: { itemId: null } });
    expect(await starts()).toEqual(['2026-03-12 4', '2026-04-01 4', '2026-05-01 4']);
    const cs = (await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items[0].id;
    const on = async (d: string) =>
      (await emu.raw('GET', `/_emulator/units?contractServiceId=${cs}&date=${d}`)).body.units;
    expect([await on('2026-03-10'), await on('2026-03-12')]).toEqual([0, 4]);
    // Sent 30 August 2028, it would land after the contract end.
    expect((await adjust('2028-08-30', 1)).status).toBe(500);
  });

  it('is settable at run time (0 = off, negative = earlier)', async () => {
    emu = await startTestEmulator();
    await adjust('2026-03-10', 4);
    await emu.raw('PUT', '/_emulator/rules', { adjustmentDayShift: -3 });
    await adjust('2026-03-20', 1);
    await emu.raw('PUT', '/_emulator/rules', { adjustmentDayShift: 0 });
    // Sent for 17 March: the shifted 20 March adjustment is already there.
    expect((await adjust('2026-03-17', 1)).body.errors).toEqual([
      'Attempt to insert duplicate data into contract_service_period.',
    ]);
    expect(await starts()).toEqual(['2026-03-10 4', '2026-03-17 5', '2026-04-01 5']);
  });
});
