import { describe, expect, it } from 'vitest';
import { createClock } from '../../kit';
import { createConnectWiseEmulator } from '../create-emulator';
import { DEMO_IDS } from '../demo/demo-seed';
import { resourceOf } from '../schema/registry';
import type { TableName } from '../store/state';
import { TEST_NOW } from '../testing';
import { likeRegExp } from './evaluate';
import { parseListParams } from './params';
import { filterRows } from './run-list';

const emu = createConnectWiseEmulator({ clock: createClock({ start: TEST_NOW }) });

/** Ids of the rows of `table` matching the query string. */
function ids(table: TableName, query: string, ctx = emu.ctx): number[] {
  const rows = [...ctx.state.tables[table].values()];
  return filterRows(ctx, resourceOf(table), rows, parseListParams(query))
    .map((r) => r.id)
    .sort((a, b) => a - b);
}
const c = (conditions: string) => `conditions=${encodeURIComponent(conditions)}`;

describe('conditions on the demo tenant', () => {
  it('compares strings ignoring case and trailing spaces (SQL Server collation), any field-name case', () => {
    expect(ids('companies', c('identifier="contosoltd "'))).toEqual([DEMO_IDS.firstCustomer]);
    expect(ids('companies', c("IDENTIFIER = 'ContosoLtd'"))).toEqual([DEMO_IDS.firstCustomer]);
    const exact = { ...emu.ctx, rules: { ...emu.ctx.rules, collation: 'case-sensitive' as const } };
    expect(ids('companies', c('identifier="contosoltd"'), exact)).toEqual([]);
  });

  it('follows references with /: company/id, company/identifier, type/name, product/identifier', () => {
    const csp = ids(
      'agreements',
      c(`company/identifier="FabrikamIncorporated" and type/name="Microsoft CSP"`),
    );
    expect(csp).toEqual([DEMO_IDS.firstAgreement + 1]);
    expect(ids('additions', c('product/identifier="MANAGED-WS" and agreementId=1040'))).toEqual([
      DEMO_IDS.firstAddition,
    ]);
    expect(ids('agreements', c(`company/id=${DEMO_IDS.firstCustomer}`))).toEqual([DEMO_IDS.firstAgreement]);
  });

  it('filters on computed fields: agreementStatus (both quote styles), isVendorFlag', () => {
    const active = ids('agreements', c("agreementStatus='Active'"));
    expect(ids('agreements', c('agreementStatus="Active"'))).toEqual(active);
    expect(ids('agreements', c('agreementStatus != "Active"')).length + active.length).toBe(
      emu.state.tables.agreements.size,
    );
    expect(ids('companies', c('isVendorFlag=true'))).toEqual([
      DEMO_IDS.microsoft,
      DEMO_IDS.pax8,
      DEMO_IDS.dell,
    ]);
  });

  it('null: = null and != null test for null; other comparisons with a null value are never true', () => {
    const all = emu.state.tables.agreements.size;
    const noEnd = ids('agreements', c('endDate=null'));
    const withEnd = ids('agreements', c('endDate!=null'));
    expect(noEnd.length + withEnd.length).toBe(all);
    expect(ids('agreements', c('endDate > [1900-01-01]'))).toEqual(withEnd);
    expect(ids('agreements', c('endDate < [1900-01-01] or endDate = null'))).toEqual(noEnd);
    expect(ids('agreements', c('customerPO = null'))).toHaveLength(all);
    expect(ids('agreements', c('customerPO not in ("x")'))).toEqual([]);
  });

  it('dates in brackets, date-only or full instants', () => {
    const started = ids('agreements', c('startDate <= [2026-03-15T09:00:00Z]'));
    expect(ids('agreements', c('startDate < [2026-03-16]'))).toEqual(started);
    expect(ids('agreements', c('startDate > [2026-03-15]'))).toEqual(
      ids('agreements', c('agreementStatus="Inactive"')),
    );
  });

  it('contains, like with % * and _, in and not in, and/or/parentheses', () => {
    expect(ids('companies', c('name contains "DENTAL"'))).toEqual([
      DEMO_IDS.firstCustomer + 3,
      DEMO_IDS.firstCustomer + 50,
    ]);
    expect(ids('companies', c('name like "Contoso%"'))).toEqual([DEMO_IDS.firstCustomer]);
    expect(ids('companies', c('name like "*Traders*"'))).toEqual([DEMO_IDS.firstCustomer + 2]);
    expect(ids('companies', c('identifier like "Pax_"'))).toEqual([DEMO_IDS.pax8]);
    expect(ids('companies', c('id in (19, 20, 9999)'))).toEqual([19, 20]);
    expect(ids('companies', c('isVendorFlag=true and id not in (19)'))).toEqual([20, 21]);
    expect(ids('companies', c('(id=19 or id=20) and name not contains "pax"'))).toEqual([19]);
  });

  it('childConditions filter array members; customFieldConditions the customFields entries', () => {
    expect(ids('companies', `childConditions=${encodeURIComponent('types/name="Vendor"')}`)).toEqual([
      19, 20, 21,
    ]);
    expect(
      ids(
        'companies',
        `childConditions=${encodeURIComponent(`types/id=${DEMO_IDS.typeVendor}`)}&${c('identifier="Microsoft"')}`,
      ),
    ).toEqual([19]);
    const ctx = emu.ctx;
    const row = ctx.state.tables.companies.get(DEMO_IDS.firstCustomer);
    if (!row) throw new Error('demo company missing');
    row.customFields = [{ id: 4, caption: 'CSP Tenant', type: 'Text', value: 'contoso.onmicrosoft.com' }];
    expect(
      ids(
        'companies',
        `customFieldConditions=${encodeURIComponent('caption="CSP Tenant" AND value != null')}`,
      ),
    ).toEqual([DEMO_IDS.firstCustomer]);
    row.customFields = [];
  });

  it('refuses unknown fields, mistyped values and misplaced operators with 400 texts', () => {
    const fails = (table: TableName, query: string) => {
      try {
        ids(table, query);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error(`no error for ${query}`);
    };
    expect(fails('agreements', c('cancelledFlag=1'))).toMatch(
      /^\{"code":"BadRequest","message":"Expected a boolean value, not a numeric\. String values/,
    );
    expect(fails('agreements', c('name = 5'))).toMatch(/Expected a string value, not a numeric/);
    expect(fails('agreements', c('startDate > "2026-01-01"'))).toMatch(
      /Expected a datetime value, not a string/,
    );
    expect(fails('companies', c('closedFlag=false'))).toMatch(
      /closedFlag is not a valid field for conditions/,
    );
    expect(fails('companies', c('company/bogus=1'))).toMatch(/not a valid field/);
    expect(fails('companies', c('types/id=1'))).toMatch(/filter it with childConditions/);
    expect(fails('companies', `childConditions=${encodeURIComponent('types/id in (1,6)')}`)).toMatch(
      /in operator is not supported/,
    );
    expect(fails('agreements', c('cancelledFlag > false'))).toMatch(
      /boolean can only be compared with = or !=/,
    );
    expect(fails('agreements', c('company = 250'))).toMatch(/compare company\/id instead/);
  });

  it('translates like patterns to anchored expressions, escaping the rest', () => {
    expect(likeRegExp('a.b%', false).test('a.bcd')).toBe(true);
    expect(likeRegExp('a.b%', false).test('axbcd')).toBe(false);
    expect(likeRegExp('x_z', true).test('XyZ')).toBe(true);
    expect(likeRegExp('x_z', false).test('XyZ')).toBe(false);
  });
});
