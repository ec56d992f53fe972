import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const FABRIKAM = DEMO_IDS.firstContract + 1;
const adjustment = { serviceID: DEMO_IDS.serviceCollision, effectiveDate: '2026-03-10', unitChange: 10 };

describe('admin API: state and seed', () => {
  it('dumps the whole state, with derived units and without internal fields', async () => {
    const dump = (await emu.raw('GET', '/_emulator/state')).body;
    expect(dump.Companies).toHaveLength(30);
    expect(dump.today).toBe('2026-03-15');
    expect(dump.ContractServiceUnits.length).toBeGreaterThan(0);
    expect(Object.keys(dump.ContractServices[0]).some((k) => k.startsWith('_'))).toBe(false);
    expect(dump.apiUsers[0].userName).toBe('api@demo.example');
  });

  it('loads a seed (relative dates resolved against the clock) and the demo seed again', async () => {
    const seed = {
      apiUsers: [{ userName: 'u@x.example', secret: 's', integrationCode: 'C', resourceId: 1 }],
      Resources: [
        { id: 1, firstName: 'A', lastName: 'B', userName: 'u', email: 'u@x.example', isActive: true },
      ],
      Companies: [{ id: 10, companyName: 'Only Co', companyType: 1, ownerResourceID: 1, phone: '1' }],
      Contracts: [
        {
          id: 20,
          companyID: 10,
          contractName: 'K',
          contractType: 7,
          status: 1,
          contractPeriodType: 2,
          timeReportingRequiresStartAndStopTimes: 0,
          startDate: '@monthStart',
          endDate: '@monthEnd+11m',
        },
      ],
    };
    expect((await emu.raw('POST', '/_emulator/seed', seed)).body.loaded).toMatchObject({
      Companies: 1,
      Contracts: 1,
    });
    const contract = await emu.api('GET', '/Contracts/20', undefined, {
      UserName: 'u@x.example',
      Secret: 's',
      ApiIntegrationCode: 'C',
    });
    expect(contract.body.item).toMatchObject({
      startDate: '2026-03-01T00:00:00Z',
      endDate: '2027-02-28T00:00:00Z',
    });
    expect((await emu.api('GET', '/Contracts/20')).status).toBe(500); // the demo user is gone
    expect((await emu.raw('POST', '/_emulator/seed', { apiUsers: 'nope' })).status).toBe(400);
    expect((await emu.raw('POST', '/_emulator/seed', { seed: 'demo' })).body.loaded.Companies).toBe(30);
  });
});

describe('admin API: "in the UI" edits', () => {
  it('deletes a service; the API then 404s and the same name can be created again', async () => {
    const id = DEMO_IDS.serviceCollision;
    expect((await emu.raw('DELETE', `/_emulator/entities/Services/${id}`)).status).toBe(200);
    expect((await emu.api('GET', `/Services/${id}`)).status).toBe(404);
    const again = await emu.api('POST', '/Services', {
      name: 'PC_CFQ7TTC0LH18:0001',
      billingCodeID: DEMO_IDS.codeCloud,
      periodType: 2,
      unitPrice: 6,
    });
    expect(again.status).toBe(200);
    expect((await emu.raw('DELETE', '/_emulator/entities/services/1')).status).toBe(404);
  });

  it('refuses to delete a service on a contract unless cascading', async () => {
    const path = `/_emulator/entities/Services/${DEMO_IDS.serviceWorkstation}`;
    expect((await emu.raw('DELETE', path)).status).toBe(409);
    expect((await emu.raw('DELETE', `${path}?cascade=true`)).status).toBe(200);
    expect((await emu.api('GET', `/Contracts/${DEMO_IDS.firstContract}/Services`)).body.items).toEqual([]);
  });

  it('sets a service inactive; its price stays updatable, it cannot be added to contracts', async () => {
    const id = DEMO_IDS.serviceCollision;
    expect((await emu.raw('POST', `/_emulator/services/${id}/deactivate`)).body.item.isActive).toBe(false);
    expect((await emu.api('PATCH', '/Services', { id, unitPrice: 6.6, unitCost: 5.9 })).status).toBe(200);
    expect((await emu.api('GET', `/Services/${id}`)).body.item).toMatchObject({
      isActive: false,
      unitPrice: 6.6,
    });
    expect((await emu.api('POST', `/Contracts/${FABRIKAM}/ServiceAdjustments`, adjustment)).status).toBe(500);
  });

  it('edits fields directly (rename, move a contract end) and deletes contracts with their lines', async () => {
    const edit = await emu.raw('PATCH', `/_emulator/entities/Services/${DEMO_IDS.serviceCollision}`, {
      name: 'M365 Basic (renamed)',
    });
    expect(edit.body.item.name).toBe('M365 Basic (renamed)');
    expect(
      (await emu.raw('PATCH', `/_emulator/entities/Contracts/${FABRIKAM}`, { endDate: '2026-03-31' })).status,
    ).toBe(200);
    expect(
      (
        await emu.api('POST', `/Contracts/${FABRIKAM}/ServiceAdjustments`, {
          ...adjustment,
          effectiveDate: '2026-04-01',
        })
      ).status,
    ).toBe(500);
    expect((await emu.raw('PATCH', `/_emulator/entities/Contracts/${FABRIKAM}`, { nope: 1 })).status).toBe(
      400,
    );
    expect((await emu.raw('DELETE', `/_emulator/entities/Contracts/${DEMO_IDS.firstContract}`)).status).toBe(
      200,
    );
    expect(
      (
        await emu.api('POST', '/ContractServices/query/count', {
          filter: [{ op: 'eq', field: 'contractID', value: DEMO_IDS.firstContract }],
        })
      ).body.queryCount,
    ).toBe(0);
  });

  it('reads units on a day and manages limits', async () => {
    const line = (await emu.api('GET', `/Contracts/${DEMO_IDS.firstContract}/Services`)).body.items[0];
    expect(
      (await emu.raw('GET', `/_emulator/units?contractServiceId=${line.id}&date=2026-01-31`)).body.units,
    ).toBe(0);
    expect(
      (await emu.raw('GET', `/_emulator/units?contractServiceId=${line.id}&date=2026-02-01`)).body,
    ).toMatchObject({ units: 5, price: 45 });
    await emu.raw('PUT', '/_emulator/limits', { hourlyThreshold: 1 });
    expect((await emu.raw('GET', '/_emulator/limits')).body).toMatchObject({
      limits: { hourlyThreshold: 1 },
      currentTimeframeRequestCount: 1,
    });
    const all = { filter: [{ op: 'gte', field: 'id', value: 0 }] };
    expect((await emu.api('POST', '/Contracts/query/count', all)).status).toBe(429);
    await emu.raw('DELETE', '/_emulator/limits/usage');
    expect((await emu.api('GET', '/ThresholdInformation')).status).toBe(200);
  });
});
