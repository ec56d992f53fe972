import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { type Json, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const FABRIKAM = DEMO_IDS.firstContract + 1; // monthly, 2025-09-01 .. 2028-08-31 with the test clock, no lines
const CONTOSO = DEMO_IDS.firstContract; // 2026-02-01 .. , Managed Workstation x5 from the start
const SERVICE = DEMO_IDS.serviceCollision; // PC_CFQ7TTC0LH18:0001, 6.00 / 5.40

const adjust = (body: Record<string, unknown>, contract = FABRIKAM) =>
  emu.api('POST', `/Contracts/${contract}/ServiceAdjustments`, body);
const unitRows = async (contract = FABRIKAM) =>
  (
    await emu.api('POST', '/ContractServiceUnits/query', {
      filter: [{ op: 'eq', field: 'contractID', value: contract }],
    })
  ).body.items as Json[];
const brief = (rows: Json[]) =>
  rows.map((r) => `${r.startDate.slice(0, 10)}..${r.endDate.slice(0, 10)} ${r.units}@${r.price}/${r.cost}`);

describe('ContractServiceAdjustments', () => {
  it('creates the missing contract service and answers 200 {"itemId":null}', async () => {
    const res = await adjust({
      serviceID: SERVICE,
      effectiveDate: '2026-03-10',
      unitChange: 10,
      adjustedUnitPrice: 7.5,
      adjustedUnitCost: 5.4,
    });
    expect(res).toMatchObject({ status: 200, body: { itemId: null } });
    const lines = (await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ serviceID: SERVICE, unitPrice: 7.5, unitCost: 5.4 });
    expect(brief(await unitRows()).slice(0, 2)).toEqual([
      '2026-03-10..2026-03-31 10@7.5/5.4',
      '2026-04-01..2026-04-30 10@7.5/5.4',
    ]);
  });

  it('splits unit rows at adjustment dates; a split row ends on the next adjustment day (overlap)', async () => {
    await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-10', unitChange: 10 });
    await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-20', unitChange: 5 });
    await adjust({ serviceID: SERVICE, effectiveDate: '2026-04-01', unitChange: -3, adjustedUnitPrice: 6.5 });
    expect(brief(await unitRows()).slice(0, 4)).toEqual([
      '2026-03-10..2026-03-20 10@6/5.4',
      '2026-03-20..2026-03-31 15@6/5.4',
      '2026-04-01..2026-04-30 12@6.5/5.4',
      '2026-05-01..2026-05-31 12@6.5/5.4',
    ]);
    // "units on day D" as the notes' query 6.16 reads them: one row inside a segment, two on a split day.
    const onDay = async (day: string) =>
      (
        await emu.api('POST', '/ContractServiceUnits/query', {
          filter: [
            { op: 'eq', field: 'contractID', value: FABRIKAM },
            { op: 'lte', field: 'startDate', value: `${day}T00:00:00Z` },
            { op: 'gte', field: 'endDate', value: `${day}T00:00:00Z` },
          ],
        })
      ).body.items.map((r: Json) => r.units);
    expect(await onDay('2026-03-25')).toEqual([15]);
    expect(await onDay('2026-03-20')).toEqual([10, 15]);
    const line = (await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items[0];
    expect(
      (await emu.raw('GET', `/_emulator/units?contractServiceId=${line.id}&date=2026-03-19`)).body.units,
    ).toBe(10);
    // Row ids are stable: the first row kept its id when it was split.
    const again = await unitRows();
    expect(again.map((r) => r.id)).toEqual((await unitRows()).map((r) => r.id));
  });

  it('rejects an effectiveDate outside the contract with the real error', async () => {
    for (const effectiveDate of ['2025-08-31', '2028-09-01T00:00:00Z']) {
      const res = await adjust({ serviceID: SERVICE, effectiveDate, unitChange: 1 });
      expect(res).toMatchObject({
        status: 500,
        body: {
          errors: [
            'ContractServiceAdjustment effectiveDate must be between the start date and end date of the Contract referenced by contractID.',
          ],
        },
      });
    }
    expect((await adjust({ serviceID: SERVICE, effectiveDate: '2025-09-01', unitChange: 1 })).status).toBe(
      200,
    );
  });

  it('rejects a second adjustment on the same day for the same contract service', async () => {
    await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-10', unitChange: 10 });
    const res = await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-10T00:00:00Z', unitChange: 2 });
    expect(res).toMatchObject({
      status: 500,
      body: { errors: ['Attempt to insert duplicate data into contract_service_period.'] },
    });
    // Another line (repeat service) on the same day is fine.
    const repeat = await adjust({
      serviceID: SERVICE,
      effectiveDate: '2026-03-10',
      unitChange: 1,
      allowRepeatService: true,
    });
    expect(repeat.status).toBe(200);
    expect((await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items).toHaveLength(2);
  });

  it('identifies the line by contractServiceID at the root URL too; requires effectiveDate', async () => {
    const line = (await emu.api('GET', `/Contracts/${CONTOSO}/Services`)).body.items[0];
    const res = await emu.api('POST', '/ContractServiceAdjustments', {
      contractServiceID: line.id,
      effectiveDate: '2026-03-05',
      unitChange: 2,
    });
    expect(res.status).toBe(200);
    expect(
      (await emu.raw('GET', `/_emulator/units?contractServiceId=${line.id}&date=2026-03-05`)).body.units,
    ).toBe(7);
    expect(
      (await emu.api('POST', '/ContractServiceAdjustments', { contractServiceID: line.id, unitChange: 2 }))
        .status,
    ).toBe(500);
    expect(
      (await adjust({ contractServiceID: line.id, effectiveDate: '2026-03-06', unitChange: 1 })).status,
    ).toBe(500);
  });

  it('guards against negative units (configurable)', async () => {
    await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-10', unitChange: 3 });
    expect((await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-11', unitChange: -4 })).status).toBe(
      500,
    );
    expect((await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-09', unitChange: -1 })).status).toBe(
      500,
    );
    expect((await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-11', unitChange: -3 })).status).toBe(
      200,
    );
  });

  it('price-only change (unitChange 0) starts a new row; prices are rounded to the cent half-up', async () => {
    await adjust({ serviceID: SERVICE, effectiveDate: '2026-03-01', unitChange: 2 });
    await adjust({
      serviceID: SERVICE,
      effectiveDate: '2026-03-16',
      unitChange: 0,
      adjustedUnitPrice: 10.005,
      adjustedUnitCost: 1.0049,
    });
    expect(brief(await unitRows()).slice(0, 2)).toEqual([
      '2026-03-01..2026-03-16 2@6/5.4',
      '2026-03-16..2026-03-31 2@10.01/1',
    ]);
  });

  it('is create-only: no query, no get, no child list, no update', async () => {
    expect(
      (
        await emu.api('POST', '/ContractServiceAdjustments/query', {
          filter: [{ op: 'gte', field: 'id', value: 0 }],
        })
      ).status,
    ).toBe(405);
    expect((await emu.api('GET', '/ContractServiceAdjustments/query?search=%7B%7D')).status).toBe(405);
    expect((await emu.api('POST', '/ContractServiceAdjustments/query/count', {})).status).toBe(405);
    expect((await emu.api('GET', '/ContractServiceAdjustments/1')).status).toBe(405);
    expect((await emu.api('GET', `/Contracts/${FABRIKAM}/ServiceAdjustments`)).status).toBe(405);
    expect((await emu.api('PATCH', `/Contracts/${FABRIKAM}/ServiceAdjustments`, { id: 1 })).status).toBe(405);
    expect((await emu.api('PATCH', '/ContractServiceAdjustments', { id: 1 })).status).toBe(405);
  });

  it('refuses to add an inactive service through an adjustment', async () => {
    const res = await adjust({
      serviceID: DEMO_IDS.serviceCollision + 1,
      effectiveDate: '2026-03-10',
      unitChange: 1,
    });
    expect(res.status).toBe(500);
    expect((await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items).toHaveLength(0);
  });

  it('can answer the new id instead of null (rules.adjustmentItemId)', async () => {
    const other = await startTestEmulator({ rules: { adjustmentItemId: 'id' } });
    try {
      const res = await other.api('POST', `/Contracts/${FABRIKAM}/ServiceAdjustments`, {
        serviceID: SERVICE,
        effectiveDate: '2026-03-10',
        unitChange: 1,
      });
      expect(typeof res.body.itemId).toBe('number');
    } finally {
      await other.close();
    }
  });
});
