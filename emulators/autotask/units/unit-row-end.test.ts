import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import type { AutotaskRules } from '../options';
import { type Json, startTestEmulator, type TestEmulator } from '../testing';

const FABRIKAM = DEMO_IDS.firstContract + 1; // monthly, 2025-09-01 .. 2028-08-31 with the test clock, no lines
const SERVICE = DEMO_IDS.serviceCollision; // 6.00 / 5.40

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
const rows = async () =>
  (
    await emu.api('POST', '/ContractServiceUnits/query', {
      filter: [{ op: 'eq', field: 'contractID', value: FABRIKAM }],
    })
  ).body.items as Json[];
const spans = (items: Json[]) =>
  items.map((r) => `${r.startDate.slice(0, 10)}..${r.endDate.slice(0, 10)} ${r.units}`);
const unitsOn = async (cs: number, date: string) =>
  (await emu.raw('GET', `/_emulator/units?contractServiceId=${cs}&date=${date}`)).body.units;
const march = async () =>
  (await emu.raw('GET', `/_emulator/billing?contractId=${FABRIKAM}&from=2026-03`)).body.months[0];

const ENDS: Record<AutotaskRules['unitRowEnd'], string[]> = {
  overlap: ['2026-03-10..2026-03-20 10', '2026-03-20..2026-03-25 15', '2026-03-25..2026-03-31 12'],
  'day-before': ['2026-03-10..2026-03-19 10', '2026-03-20..2026-03-24 15', '2026-03-25..2026-03-31 12'],
};

describe.each(['overlap', 'day-before'] as const)('rules.unitRowEnd %s', (unitRowEnd) => {
  it('ends split rows as configured; readers take a later row from its start', async () => {
    emu = await startTestEmulator({ rules: { unitRowEnd } });
    await adjust('2026-03-10', 10);
    await adjust('2026-03-20', 5);
    await adjust('2026-03-25', -3);
    const items = await rows();
    expect(spans(items).slice(0, 4)).toEqual([...ENDS[unitRowEnd], '2026-04-01..2026-04-30 12']);
    const cs = items[0].contractServiceID as number;
    const days = ['2026-03-09', '2026-03-19', '2026-03-20', '2026-03-24', '2026-03-25', '2026-04-01'];
    expect(await Promise.all(days.map((d) => unitsOn(cs, d)))).toEqual([0, 10, 15, 15, 12, 12]);
  });

  it('bills each day once: the billing report and approve & post agree in both variants', async () => {
    emu = await startTestEmulator({ rules: { unitRowEnd } });
    await adjust('2026-03-10', 10);
    await adjust('2026-03-20', 5);
    // 10 x 6 x 10/31 = 19.35 and 15 x 6 x 12/31 = 34.84; cost 17.42 + 31.35.
    expect((await march()).total).toEqual({ amount: '54.19', cost: '48.77' });
    const post = await emu.raw('POST', '/_emulator/approve-and-post', {
      through: '2026-03-31',
      contractId: FABRIKAM,
    });
    expect(post.body).toEqual({ posted: 2, charges: 0 });
    const items = (
      await emu.api('POST', '/BillingItems/query', {
        filter: [{ op: 'eq', field: 'contractID', value: FABRIKAM }],
      })
    ).body.items as Json[];
    expect(items.map((i) => [i.itemDate.slice(0, 10), i.quantity, i.totalAmount])).toEqual([
      ['2026-03-10', 10, 19.35],
      ['2026-03-20', 15, 34.84],
    ]);
    expect((await march()).total).toEqual({ amount: '54.19', cost: '48.77' });
    expect((await rows()).slice(0, 2).every((r) => r.approveAndPostDate !== null)).toBe(true);
    // Posting again bills nothing twice.
    expect(
      (await emu.raw('POST', '/_emulator/approve-and-post', { through: '2026-03-31', contractId: FABRIKAM }))
        .body.posted,
    ).toBe(0);
  });
});

describe('rules.unitRowEnd at run time', () => {
  it('defaults to overlap and can be switched through PUT /_emulator/rules', async () => {
    emu = await startTestEmulator();
    await adjust('2026-03-10', 10);
    await adjust('2026-03-20', 5);
    expect(spans(await rows())[0]).toBe('2026-03-10..2026-03-20 10');
    const put = await emu.raw('PUT', '/_emulator/rules', { unitRowEnd: 'day-before' });
    expect(put.body.rules.unitRowEnd).toBe('day-before');
    expect(spans(await rows())[0]).toBe('2026-03-10..2026-03-19 10');
  });
});
