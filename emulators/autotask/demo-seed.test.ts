import { describe, expect, it } from 'vitest';
import { createClock } from '../kit';
import { createAutotaskEmulator } from './create-emulator';
import { DEMO_CUSTOMERS } from './demo-names';
import { DEMO_CREDENTIALS, loadDemoSeed } from './demo-seed';
import type { Row } from './store/state';

const demo = (now: string) => createAutotaskEmulator({ clock: createClock({ start: now }) });
const rows = (m: Map<number, Row>) => [...m.values()];

describe('demo seed', () => {
  it('is deterministic and uses the documented credentials', () => {
    expect(loadDemoSeed()).toEqual(loadDemoSeed());
    const emu = demo('2026-03-15T09:00:00Z');
    expect(emu.state.apiUsers).toEqual([{ ...DEMO_CREDENTIALS, resourceId: 29682885 }]);
    expect(DEMO_CREDENTIALS).toEqual({
      userName: 'api@demo.example',
      secret: 'demo-secret',
      integrationCode: 'DEMOINTEGRATIONCODE',
    });
  });

  it('has a Microsoft vendor, billing codes of several use types and the colliding service', () => {
    const { tables } = demo('2026-03-15T09:00:00Z').state;
    expect(rows(tables.Companies).find((c) => c.companyName === 'Microsoft')?.companyType).toBe(6);
    const useTypes = new Set(rows(tables.BillingCodes).map((c) => c.useType));
    expect(useTypes.size).toBeGreaterThanOrEqual(5);
    expect(rows(tables.BillingCodes).filter((c) => c.useType === 5 && c.isActive).length).toBe(2);
    const names = rows(tables.Services).map((s) => s.name);
    expect(names).toContain('PC_CFQ7TTC0LH18:0001');
    expect(names.length).toBeGreaterThanOrEqual(3);
  });

  it('has 25 customers, each with a Recurring Service contract; one ended, one starts next month', () => {
    const { tables } = demo('2026-03-15T09:00:00Z').state;
    const customers = rows(tables.Companies).filter((c) => c.companyType === 1);
    expect(customers.map((c) => c.companyName)).toEqual(DEMO_CUSTOMERS.map((c) => c.name));
    const recurring = rows(tables.Contracts).filter((k) => k.contractType === 7);
    for (const c of customers)
      expect(
        recurring.some((k) => k.companyID === c.id),
        String(c.companyName),
      ).toBe(true);
    const byCompany = (name: string) => {
      const company = customers.find((c) => c.companyName === name);
      return recurring.filter((k) => k.companyID === company?.id);
    };
    expect(byCompany('Maple Street Bakery').map((k) => [k.startDate, k.endDate])).toEqual([
      ['2025-02-01', '2026-02-28'],
    ]);
    expect(byCompany('Brightline Architects').map((k) => [k.startDate, k.endDate])).toEqual([
      ['2026-04-01', '2027-03-31'],
    ]);
    expect(byCompany('Evergreen Landscaping')).toHaveLength(2);
  });

  it('resolves its dates against the emulator clock', () => {
    const { tables } = demo('2027-01-20T00:00:00Z').state;
    const starts = rows(tables.Contracts).map((k) => String(k.startDate));
    expect(starts).toContain('2027-02-01');
    expect(starts.every((d) => d.endsWith('-01'))).toBe(true);
  });

  it('names three customers close to, not equal to, their tenant names', () => {
    const hinted = DEMO_CUSTOMERS.filter((c) => c.tenantHint);
    expect(hinted.map((c) => [c.name, c.tenantHint])).toEqual([
      ['Contoso Ltd', 'Contoso Limited'],
      ['Fabrikam Incorporated', 'Fabrikam, Inc.'],
      ['Northwind Traders Ltd', 'Northwind Traders'],
    ]);
  });
});
