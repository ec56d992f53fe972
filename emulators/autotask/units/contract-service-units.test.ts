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
const unitRows = async (contract = FABRIKAM) =>
  (
    await emu.api('POST', '/ContractServiceUnits/query', {
      filter: [{ op: 'eq', field: 'contractID', value: contract }],
    })
  ).body.items as Json[];
const brief = (rows: Json[]) =>
  rows.map((r) => `${r.startDate.slice(0, 10)}..${r.endDate.slice(0, 10)} ${r.units}@${r.price}/${r.cost}`);

describe('ContractServiceUnits', () => {
  it('rows follow the contract period type (quarterly) and stop at the contract end', async () => {
    const redwood = (
      await emu.api('POST', '/Contracts/query', {
        filter: [{ op: 'eq', field: 'contractPeriodType', value: 3 }],
      })
    ).body.items[0];
    expect(redwood.contractName).toBe('Redwood Logistics - Managed Services');
    const res = await emu.api('POST', `/Contracts/${redwood.id}/ServiceAdjustments`, {
      serviceID: SERVICE,
      effectiveDate: redwood.startDate,
      unitChange: 4,
    });
    expect(res.status).toBe(200);
    const rows = await unitRows(redwood.id);
    expect(brief(rows).slice(0, 2)).toEqual([
      '2024-07-01..2024-09-30 4@6/5.4',
      '2024-10-01..2024-12-31 4@6/5.4',
    ]);
    expect(rows.at(-1).endDate).toBe(redwood.endDate);
  });

  it('periods step from a mid-month contract start', async () => {
    const body = {
      companyID: DEMO_IDS.firstCompany,
      contractName: 'Mid',
      contractType: 7,
      status: 1,
      startDate: '2026-01-15',
      endDate: '2026-04-20',
      contractPeriodType: 2,
      timeReportingRequiresStartAndStopTimes: 0,
    };
    const id = (await emu.api('POST', '/Contracts', body)).body.itemId;
    await emu.api('POST', `/Contracts/${id}/ServiceAdjustments`, {
      serviceID: SERVICE,
      effectiveDate: '2026-01-15',
      unitChange: 1,
    });
    expect(brief(await unitRows(id)).map((s) => s.split(' ')[0])).toEqual([
      '2026-01-15..2026-02-14',
      '2026-02-15..2026-03-14',
      '2026-03-15..2026-04-14',
      '2026-04-15..2026-04-20',
    ]);
    expect((await emu.api('GET', `/Contracts/${id}/ServiceUnits`)).body.items).toHaveLength(4);
  });

  it('rows can be limited to the current period (rules.unitsHorizon)', async () => {
    const other = await startTestEmulator({ rules: { unitsHorizon: 'current-period' } });
    try {
      const rows = (await other.api('GET', `/Contracts/${CONTOSO}/ServiceUnits`)).body.items;
      expect(brief(rows)).toEqual(['2026-02-01..2026-02-28 5@45/0', '2026-03-01..2026-03-31 5@45/0']);
    } finally {
      await other.close();
    }
  });

  it('approve & post (admin hook) marks rows, creates BillingItems and guards posted periods', async () => {
    const post = await emu.raw('POST', '/_emulator/approve-and-post', {
      through: '2026-02-28',
      contractId: CONTOSO,
    });
    expect(post.body).toEqual({ posted: 1, charges: 0 });
    const rows = await unitRows(CONTOSO);
    expect(rows[0].approveAndPostDate).toBe('2026-03-15T09:00:00.000Z');
    expect(rows[1].approveAndPostDate).toBeNull();
    const items = (
      await emu.api('POST', '/BillingItems/query', {
        filter: [{ op: 'eq', field: 'contractID', value: CONTOSO }],
      })
    ).body.items;
    expect(items).toMatchObject([
      {
        quantity: 5,
        rate: 45,
        extendedPrice: 225,
        contractServicePeriodID: rows[0].id,
        itemDate: '2026-02-01T00:00:00Z',
      },
    ]);
    const line = (await emu.api('GET', `/Contracts/${CONTOSO}/Services`)).body.items[0];
    await emu.raw('PUT', '/_emulator/rules', { postedPeriodAdjustments: 'reject' });
    const back = await emu.api('POST', '/ContractServiceAdjustments', {
      contractServiceID: line.id,
      effectiveDate: '2026-02-20',
      unitChange: 1,
    });
    expect(back.body.errors[0]).toMatch(/already approved and posted contract period/);
    expect(
      (
        await emu.api('POST', '/ContractServiceAdjustments', {
          contractServiceID: line.id,
          effectiveDate: '2026-03-01',
          unitChange: 1,
        })
      ).status,
    ).toBe(200);
    const cut = await emu.api('PATCH', '/Contracts', { id: CONTOSO, endDate: '2026-02-15' });
    expect(cut.body.errors[0]).toMatch(/Unable to make changes/);
  });
});
