import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { ALL, type Json, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const names = (res: Json) => (res.body.items as Json[]).map((i) => i.companyName as string);
const q = (filter: unknown[], extra: Record<string, unknown> = {}) =>
  emu.api('POST', '/Companies/query', { filter, ...extra });

describe('query operators', () => {
  it('eq is case-insensitive and ignores trailing spaces; noteq excludes', async () => {
    expect(names(await q([{ op: 'eq', field: 'companyName', value: 'contoso ltd ' }]))).toEqual([
      'Contoso Ltd',
    ]);
    const all = (await emu.api('POST', '/Companies/query/count', ALL)).body.queryCount;
    const not = await emu.api('POST', '/Companies/query/count', {
      filter: [{ op: 'noteq', field: 'companyName', value: 'Contoso Ltd' }],
    });
    expect(not.body.queryCount).toBe(all - 1);
  });

  it('gt, gte, lt, lte on numbers and dates', async () => {
    const id = DEMO_IDS.firstCompany;
    expect(
      (
        await q([
          { op: 'gt', field: 'id', value: id },
          { op: 'lte', field: 'id', value: id + 2 },
        ])
      ).body.items.map((i: Json) => i.id),
    ).toEqual([id + 1, id + 2]);
    expect(
      (
        await q([
          { op: 'gte', field: 'id', value: String(id) },
          { op: 'lt', field: 'id', value: id + 1 },
        ])
      ).body.items,
    ).toHaveLength(1);
    const ended = await emu.api('POST', '/Contracts/query', {
      filter: [{ op: 'lt', field: 'endDate', value: '2026-03-15T00:00:00Z' }],
    });
    expect(ended.body.items.map((c: Json) => c.contractName)).toEqual([
      'Maple Street Bakery - Managed Services',
      'Evergreen Landscaping - MSA (previous term)',
    ]);
  });

  it('beginsWith, endsWith, contains are case-insensitive', async () => {
    expect(names(await q([{ op: 'beginsWith', field: 'companyName', value: 'micro' }]))).toEqual([
      'Microsoft',
    ]);
    expect(names(await q([{ op: 'endsWith', field: 'companyName', value: 'LLP' }]))).toEqual([
      'Riverside Accounting LLP',
    ]);
    expect(names(await q([{ op: 'contains', field: 'companyName', value: 'DENTAL' }]))).toEqual([
      'Harbor Dental Group',
      'Granite Peak Dental',
    ]);
  });

  it('exist / notExist test for null', async () => {
    const withSku = await emu.api('POST', '/Services/query', { filter: [{ op: 'exist', field: 'sku' }] });
    expect(withSku.body.items.map((s: Json) => s.name)).toEqual(['PC_CFQ7TTC0LH18:0001']);
    const noVendor = await emu.api('POST', '/Services/query/count', {
      filter: [{ op: 'notExist', field: 'vendorCompanyID' }],
    });
    expect(noVendor.body.queryCount).toBe(3);
  });

  it('in / notIn take arrays', async () => {
    const vendors = await q([{ op: 'in', field: 'companyType', value: [6, '7'] }]);
    expect(names(vendors)).toEqual(['Microsoft', 'Pax8', 'Dell Technologies']);
    const rest = await emu.api('POST', '/Companies/query/count', {
      filter: [{ op: 'notIn', field: 'companyType', value: [1, 6] }],
    });
    expect(rest.body.queryCount).toBe(2);
    expect((await q([{ op: 'in', field: 'id', value: 5 }])).status).toBe(500);
  });

  it('nested and/or groups; top level is ANDed', async () => {
    const res = await q([
      { op: 'eq', field: 'companyType', value: 1 },
      {
        op: 'or',
        items: [
          { op: 'beginsWith', field: 'companyName', value: 'Contoso' },
          {
            op: 'and',
            items: [
              { op: 'contains', field: 'city', value: 'Portland' },
              { op: 'exist', field: 'phone' },
            ],
          },
        ],
      },
    ]);
    expect(names(res)).toEqual(['Contoso Ltd', 'Fabrikam Incorporated']);
  });

  it('field names and query properties are case-insensitive', async () => {
    const res = await emu.api('POST', '/Companies/query', {
      Filter: [{ op: 'EQ', field: 'CompanyName', value: 'Pax8' }],
      maxrecords: 5,
      includeFields: ['ID', 'companyname'],
    });
    expect(res.body.items).toEqual([
      { id: DEMO_IDS.microsoft + 1, companyName: 'Pax8', userDefinedFields: [] },
    ]);
    expect(res.body.pageDetails.requestCount).toBe(5);
  });

  it('booleans compare as booleans', async () => {
    const res = await emu.api('POST', '/BillingCodes/query', {
      filter: [
        { op: 'eq', field: 'useType', value: 5 },
        { op: 'eq', field: 'isActive', value: true },
      ],
    });
    expect(res.body.items.map((c: Json) => c.name)).toEqual(['Managed Services', 'Cloud and SaaS']);
  });

  it('udf filters: one per query', async () => {
    await emu.api('PATCH', '/Companies', {
      id: DEMO_IDS.firstCompany,
      userDefinedFields: [{ name: 'Tenant Id', value: 'abc' }],
    });
    const res = await q([{ op: 'eq', field: 'tenant id', value: 'ABC', udf: true }]);
    expect(names(res)).toEqual(['Contoso Ltd']);
    expect(res.body.items[0].userDefinedFields).toEqual([{ name: 'Tenant Id', value: 'abc' }]);
    const two = await q([
      { op: 'eq', field: 'a', value: 1, udf: true },
      { op: 'eq', field: 'b', value: 1, udf: true },
    ]);
    expect(two.status).toBe(500);
  });
});
