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

describe('Companies and Contracts', () => {
  it('creates a company; the owner must be an active non-API resource', async () => {
    const company = { companyName: 'New Co', companyType: 1, ownerResourceID: DEMO_IDS.owner, phone: '555' };
    expect((await emu.api('POST', '/Companies', company)).status).toBe(200);
    for (const owner of [DEMO_IDS.apiResource, DEMO_IDS.owner + 1]) {
      expect((await emu.api('POST', '/Companies', { ...company, ownerResourceID: owner })).status).toBe(500);
    }
    const badType = await emu.api('POST', '/Companies', { ...company, companyType: 99 });
    expect(badType.body.errors).toEqual(['Value does not reference an existing entity for companyType . ']);
  });

  it('a vendor used by services cannot stop being a vendor', async () => {
    const res = await emu.api('PATCH', '/Companies', { id: DEMO_IDS.microsoft, companyType: 1 });
    expect(res.status).toBe(500);
    expect(
      (await emu.api('PATCH', '/Companies', { id: DEMO_IDS.microsoft + 2, companyType: 1 })).status,
    ).toBe(200);
  });

  it('creates a Recurring Service contract; contractType/period type fixed; end date extendable', async () => {
    const body = {
      companyID: DEMO_IDS.firstCompany,
      contractName: 'CSP Microsoft',
      contractNumber: 'CSP-1',
      contractType: 7,
      status: 1,
      startDate: '2026-03-01',
      endDate: '2027-02-28T00:00:00Z',
      contractPeriodType: 2,
      timeReportingRequiresStartAndStopTimes: 0,
    };
    const id = (await emu.api('POST', '/Contracts', body)).body.itemId;
    const item = (await emu.api('GET', `/Contracts/${id}`)).body.item;
    expect(item).toMatchObject({ startDate: '2026-03-01T00:00:00Z', endDate: '2027-02-28T00:00:00Z' });
    expect((await emu.api('PATCH', '/Contracts', { id, endDate: '2028-02-29' })).status).toBe(200);
    expect((await emu.api('PATCH', '/Contracts', { id, contractType: 3 })).status).toBe(500);
    expect((await emu.api('PATCH', '/Contracts', { id, contractPeriodType: 5 })).status).toBe(500);
    expect((await emu.api('PATCH', '/Contracts', { id, endDate: '2026-01-01' })).status).toBe(500);
    const { contractPeriodType: _p, ...noPeriod } = body;
    expect((await emu.api('POST', '/Contracts', noPeriod)).status).toBe(500);
  });
});

describe('verbs the API does not have', () => {
  it('DELETE of Services, Companies, Contracts, ContractServices is 405', async () => {
    const paths = [
      `/Services/${DEMO_IDS.serviceWorkstation}`,
      `/Companies/${DEMO_IDS.microsoft}`,
      `/Contracts/${DEMO_IDS.firstContract}`,
      `/ContractServices/29684000`,
      `/Contracts/${DEMO_IDS.firstContract}/Services/29684000`,
    ];
    for (const path of paths) {
      const res = await emu.api('DELETE', path);
      expect(res, path).toMatchObject({
        status: 405,
        body: { Message: "The requested resource does not support http method 'DELETE'." },
      });
    }
  });

  it('read-only entities are 405; a child created at its root URL is the IIS 404 page', async () => {
    expect((await emu.api('POST', '/BillingCodes', { name: 'x' })).status).toBe(405);
    expect((await emu.api('PATCH', '/BillingCodes', { id: 29682801 })).status).toBe(405);
    expect((await emu.api('POST', '/ContractServiceUnits', {})).status).toBe(405);
    const root = await emu.api('POST', '/ContractServices', {
      contractID: DEMO_IDS.firstContract,
      serviceID: DEMO_IDS.serviceWorkstation,
    });
    expect(root.status).toBe(404);
    expect(root.body).toContain('404 - File or directory not found.');
    expect((await emu.api('GET', '/Services')).status).toBe(405);
  });
});

describe('ContractServices (child of Contracts)', () => {
  const contract = DEMO_IDS.firstContract + 1; // Fabrikam, no lines yet

  it('creates and lists through the parent URL; root query works; invoiceDescription falls back to the service', async () => {
    const res = await emu.api('POST', `/Contracts/${contract}/Services`, {
      contractID: contract,
      serviceID: DEMO_IDS.serviceWorkstation,
      unitPrice: 40,
    });
    expect(res.status).toBe(200);
    const list = await emu.api('GET', `/Contracts/${contract}/Services`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: res.body.itemId,
      contractID: contract,
      serviceID: DEMO_IDS.serviceWorkstation,
      unitPrice: 40,
      unitCost: 0,
      internalCurrencyUnitPrice: 40,
      invoiceDescription: 'Managed Workstation',
    });
    const root = await emu.api('POST', '/ContractServices/query', {
      filter: [{ op: 'eq', field: 'contractID', value: contract }],
    });
    expect(root.body.items.map((i: Json) => i.id)).toEqual([res.body.itemId]);
    expect((await emu.api('GET', `/Contracts/${contract}/Services/${res.body.itemId}`)).status).toBe(200);
    expect((await emu.api('GET', `/Contracts/${contract + 5}/Services/${res.body.itemId}`)).status).toBe(404);
  });

  it('on update only adjustedPrice and invoiceDescription change; quantity is not a field', async () => {
    const id = (
      await emu.api('POST', `/Contracts/${contract}/Services`, { serviceID: DEMO_IDS.serviceWorkstation })
    ).body.itemId;
    await emu.api('POST', `/Contracts/${contract}/ServiceAdjustments`, {
      contractServiceID: id,
      effectiveDate: '2026-03-15',
      unitChange: 4,
    });
    const ok = await emu.api('PATCH', `/Contracts/${contract}/Services`, {
      id,
      invoiceDescription: 'Seats',
      adjustedPrice: 41,
      units: 99,
      quantity: 99,
    });
    expect(ok.body).toEqual({ itemId: id });
    const units = await emu.raw('GET', `/_emulator/units?contractServiceId=${id}&date=2026-03-20`);
    expect(units.body.units).toBe(4);
    expect(
      (
        await emu.api('PATCH', `/Contracts/${contract}/Services`, {
          id,
          serviceID: DEMO_IDS.serviceWorkstation + 1,
        })
      ).status,
    ).toBe(500);
    expect((await emu.api('PATCH', `/Contracts/${contract}/Services`, { id, unitCost: 3 })).status).toBe(500);
    expect((await emu.api('PATCH', `/Contracts/${contract}/Services`, { id, unitPrice: 3 })).status).toBe(
      500,
    );
    expect(
      (await emu.api('PATCH', `/Contracts/${contract + 1}/Services`, { id, invoiceDescription: 'x' })).status,
    ).toBe(404);
    const item = (await emu.api('GET', `/ContractServices/${id}`)).body.item;
    expect(item).toMatchObject({
      invoiceDescription: 'Seats',
      unitPrice: 41,
      internalCurrencyAdjustedPrice: 41,
    });
    expect(item).not.toHaveProperty('adjustedPrice');
  });

  it('needs a Recurring Service contract and an active service', async () => {
    const blockHours = (
      await emu.api('POST', '/Contracts/query', { filter: [{ op: 'eq', field: 'contractType', value: 4 }] })
    ).body.items[0].id;
    expect(
      (await emu.api('POST', `/Contracts/${blockHours}/Services`, { serviceID: DEMO_IDS.serviceWorkstation }))
        .status,
    ).toBe(500);
    expect(
      (await emu.api('POST', `/Contracts/${contract}/Services`, { serviceID: DEMO_IDS.serviceCollision + 1 }))
        .status,
    ).toBe(500);
    expect(
      (
        await emu.api('POST', `/Contracts/${contract}/Services`, {
          contractID: contract + 1,
          serviceID: DEMO_IDS.serviceWorkstation,
        })
      ).status,
    ).toBe(500);
  });
});
