import { AutotaskApiError, AutotaskRestApi, FilterOperators } from '@apigrate/autotask-restapi';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_IDS } from './demo-seed';
import { startTestEmulator, type TestEmulator } from './testing';

/**
 * Drives the emulator with the third-party client @apigrate/autotask-restapi to prove the wire format is
 * what real clients expect. The client takes a `base_url` option for its zone lookup
 * (`{base_url}v1.0/zoneInformation?user=...`) and then uses the zone's `url` + `V1.0/...`, so pointing
 * base_url at the emulator is enough: no interception of webservices*.autotask.net is needed.
 */
let emu: TestEmulator;
let client: AutotaskRestApi;
beforeAll(async () => {
  emu = await startTestEmulator();
  const { userName, secret, integrationCode } = DEMO_CREDENTIALS;
  client = new AutotaskRestApi(userName, secret, integrationCode, {
    base_url: `${emu.base}/ATServicesRest/`,
  });
});
afterAll(async () => {
  await emu.close();
});

const all = { filter: [{ op: FilterOperators.gte, field: 'id', value: 0 }] };

describe('@apigrate/autotask-restapi against the emulator', () => {
  it('discovers the zone and queries', async () => {
    const res = await client.Companies.query({
      filter: [{ op: FilterOperators.eq, field: 'CompanyName', value: 'Contoso Ltd' }],
      includeFields: ['Id', 'companyName'],
    });
    expect(client.zoneInfo?.url).toBe(`${emu.base}/ATServicesRest/`);
    expect(res).toEqual({
      items: [{ id: DEMO_IDS.firstCompany, companyName: 'Contoso Ltd', userDefinedFields: [] }],
      pageDetails: { count: 1, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
    });
  });

  it('pages through a query by POSTing nextPageUrl with the same body', async () => {
    const body = { ...all, MaxRecords: 12 };
    let page = await client.Companies.query(body);
    const ids: number[] = page.items.map((c: { id: number }) => c.id);
    const prefix = `${client.zoneInfo?.url}V1.0`;
    while (page.pageDetails.nextPageUrl) {
      const next = String(page.pageDetails.nextPageUrl);
      expect(next.startsWith(prefix)).toBe(true);
      page = await client._post(next.slice(prefix.length), body);
      ids.push(...page.items.map((c: { id: number }) => c.id));
    }
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('counts and gets by id (unknown id -> null, as the client maps 404)', async () => {
    expect(await client.Contracts.count({ filter: [{ op: 'eq', field: 'contractType', value: 7 }] })).toEqual(
      { queryCount: 26 },
    );
    const item = await client.Services.get(DEMO_IDS.serviceCollision);
    expect(item.item.name).toBe('PC_CFQ7TTC0LH18:0001');
    expect(await client.Services.get(1)).toBeNull();
  });

  it('creates and updates a service, surfacing rule errors as AutotaskApiError', async () => {
    const created = await client.Services.create({
      name: 'PC_CFQ7TTC0LCHC:0002',
      unitPrice: 22,
      unitCost: 19.8,
      periodType: 2,
      billingCodeID: DEMO_IDS.codeCloud,
      vendorCompanyID: DEMO_IDS.microsoft,
    });
    expect(created).toEqual({ itemId: expect.any(Number) });
    expect(await client.Services.update({ id: created.itemId, unitPrice: 23.1 })).toEqual({
      itemId: created.itemId,
    });
    const error = await client.Services.create({
      name: 'PC_CFQ7TTC0LH18:0001',
      unitPrice: 1,
      periodType: 2,
      billingCodeID: DEMO_IDS.codeCloud,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AutotaskApiError);
    expect((error as AutotaskApiError).status).toBe(500);
    expect((error as AutotaskApiError).details.errors[0]).toMatch(/IX_service/);
  });

  it('creates child entities through the parent URL and reads the units', async () => {
    const contractId = DEMO_IDS.firstContract + 2;
    const line = await client.ContractServices.create(contractId, {
      contractID: contractId,
      serviceID: DEMO_IDS.serviceCollision,
    });
    expect(line.itemId).toEqual(expect.any(Number));
    const adj = await client.ContractServiceAdjustments.create(contractId, {
      contractID: contractId,
      contractServiceID: line.itemId,
      effectiveDate: '2026-03-20',
      unitChange: 3,
    });
    expect(adj).toEqual({ itemId: null });
    await client.ContractServices.update(contractId, { id: line.itemId, invoiceDescription: 'M365 Basic' });
    const units = await client.ContractServiceUnits.query({
      filter: [
        { op: 'eq', field: 'contractServiceID', value: line.itemId },
        { op: 'lte', field: 'startDate', value: '2026-03-20T00:00:00Z' },
        { op: 'gte', field: 'endDate', value: '2026-03-20T00:00:00Z' },
      ],
    });
    // The line bills 0 units from today (15 March); the row the adjustment splits ends ON its day
    // (rules.unitRowEnd 'overlap'), so two rows cover 20 March: the later start wins.
    expect(units.items.map((u: { units: number }) => u.units)).toEqual([0, 3]);
  });

  it('reads metadata and gets 401 for a wrong secret', async () => {
    expect((await client.Services.info()).info.canDelete).toBe(false);
    expect((await client.Contracts.fieldInfo()).fields.length).toBeGreaterThan(10);
    const bad = new AutotaskRestApi(DEMO_CREDENTIALS.userName, 'wrong', DEMO_CREDENTIALS.integrationCode, {
      base_url: `${emu.base}/ATServicesRest/`,
    });
    const error = await bad.Companies.query(all).catch((e: unknown) => e);
    expect((error as AutotaskApiError).status).toBe(401);
  });

  it('a wrong user fails the zone lookup with the real 500', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const stranger = new AutotaskRestApi('nobody@x.example', 's', 'c', {
      base_url: `${emu.base}/ATServicesRest/`,
    });
    const error = await stranger.Companies.query(all).catch((e: unknown) => e);
    expect(spy).toHaveBeenCalledWith('Error fetching zone information: HTTP-500');
    expect((error as AutotaskApiError).status).toBe(500);
    spy.mockRestore();
  });
});
