import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { ALL, DEMO_HEADERS, type Json, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

describe('query validation', () => {
  it('rejects an empty or missing filter, unknown fields, bad operators, non-queryable fields', async () => {
    for (const body of [
      {},
      { filter: [] },
      { filter: [{ op: 'eq', field: 'nope', value: 1 }] },
      { filter: [{ op: 'like', field: 'id', value: 1 }] },
      { filter: [{ op: 'eq', field: 'assetValue', value: 1 }] },
    ]) {
      const res = await emu.api('POST', '/Companies/query', body);
      expect(res.status).toBe(500);
      expect(res.body.errors).toHaveLength(1);
    }
  });

  it('MaxRecords must be 1..500; default 500', async () => {
    expect((await emu.api('POST', '/Companies/query', { ...ALL, MaxRecords: 0 })).status).toBe(500);
    expect((await emu.api('POST', '/Companies/query', { ...ALL, MaxRecords: 501 })).status).toBe(500);
    const res = await emu.api('POST', '/Companies/query', ALL);
    expect(res.body.pageDetails).toMatchObject({
      requestCount: 500,
      count: 30,
      nextPageUrl: null,
      prevPageUrl: null,
    });
  });

  it('limits OR conditions to 500', async () => {
    const items = Array.from({ length: 501 }, (_, i) => ({ op: 'eq', field: 'id', value: i }));
    const res = await emu.api('POST', '/Companies/query', { filter: [{ op: 'or', items }] });
    expect(res.body.errors).toEqual([
      "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.",
    ]);
  });
});

describe('paging', () => {
  it('orders by id and pages with nextPageUrl POSTed with the same body, prevPageUrl back', async () => {
    const body = { ...ALL, MaxRecords: 10 };
    const seen: number[] = [];
    let res = await emu.api('POST', '/Companies/query', body);
    expect(res.body.pageDetails.prevPageUrl).toBeNull();
    let pages = 1;
    seen.push(...res.body.items.map((i: Json) => i.id));
    while (res.body.pageDetails.nextPageUrl) {
      const next = res.body.pageDetails.nextPageUrl as string;
      expect(next).toMatch(/\/ATServicesRest\/V1\.0\/Companies\/query\/next\?paging=/);
      res = await emu.raw('POST', next, body, DEMO_HEADERS);
      pages++;
      seen.push(...res.body.items.map((i: Json) => i.id));
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(30);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const prev = await emu.raw('POST', res.body.pageDetails.prevPageUrl, body, DEMO_HEADERS);
    expect(prev.body.items.map((i: Json) => i.id)).toEqual(seen.slice(10, 20));
  });

  it('GET on a POST query next-page url is 405', async () => {
    const res = await emu.api('POST', '/Companies/query', { ...ALL, MaxRecords: 10 });
    const get = await emu.raw('GET', res.body.pageDetails.nextPageUrl, undefined, DEMO_HEADERS);
    expect(get).toMatchObject({
      status: 405,
      body: { Message: "The requested resource does not support http method 'GET'." },
    });
  });

  it('GET query?search= pages with GET, its next url carrying the search', async () => {
    const search = encodeURIComponent(JSON.stringify({ ...ALL, MaxRecords: 25 }));
    const res = await emu.api('GET', `/Companies/query?search=${search}`);
    expect(res.body.items).toHaveLength(25);
    const next = await emu.raw('GET', res.body.pageDetails.nextPageUrl, undefined, DEMO_HEADERS);
    expect(next.body.items).toHaveLength(5);
    const count = await emu.api('GET', `/Companies/query/count?search=${search}`);
    expect(count.body).toEqual({ queryCount: 30 });
    expect((await emu.api('GET', '/Companies/query?search=%7Bnope')).status).toBe(500);
  });
});

describe('reads and metadata', () => {
  it('GET by id answers {item}; unknown ids 404', async () => {
    const ok = await emu.api('GET', `/Companies/${DEMO_IDS.microsoft}`);
    expect(ok.body.item).toMatchObject({
      id: DEMO_IDS.microsoft,
      companyName: 'Microsoft',
      companyType: 6,
      userDefinedFields: [],
    });
    expect((await emu.api('GET', '/Companies/1')).status).toBe(404);
  });

  it('entityInformation and fields (with picklists) come from the metadata table', async () => {
    const info = await emu.api('GET', '/Services/entityInformation');
    expect(info.body.info).toMatchObject({
      name: 'Services',
      canCreate: true,
      canDelete: false,
      canQuery: true,
      canUpdate: true,
    });
    const fields = await emu.api('GET', '/Services/entityInformation/fields');
    const periodType = fields.body.fields.find((f: Json) => f.name === 'periodType');
    expect(periodType).toMatchObject({
      dataType: 'integer',
      isRequired: true,
      isReadOnly: true,
      isPickList: true,
    });
    expect(periodType.picklistValues.map((p: Json) => [p.value, p.label])).toEqual([
      ['2', 'Monthly'],
      ['3', 'Quarterly'],
      ['4', 'Semi-Annual'],
      ['5', 'Yearly'],
    ]);
    const codes = await emu.api('GET', '/BillingCodes/entityInformation/fields');
    const useType = codes.body.fields.find((f: Json) => f.name === 'useType');
    expect(useType.picklistValues.find((p: Json) => p.value === '5').label).toBe(
      'Recurring Contract Service Code',
    );
    const companies = await emu.api('GET', '/Companies/entityInformation/fields');
    const type = companies.body.fields.find((f: Json) => f.name === 'companyType');
    expect(type.picklistValues.find((p: Json) => p.label === 'Vendor').value).toBe('6');
    expect((await emu.api('GET', '/Companies/entityInformation/userDefinedFields')).body).toEqual({
      fields: [],
    });
  });
});
