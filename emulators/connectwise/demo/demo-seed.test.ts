import { describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS as AUTOTASK_CUSTOMERS } from '../../autotask/demo-names';
import { createClock } from '../../kit';
import { createConnectWiseEmulator } from '../create-emulator';
import { resourceOf } from '../schema/registry';
import type { Row } from '../store/state';
import { viewRow } from '../store/wire';
import { DEMO_CUSTOMERS } from './demo-names';
import { DEMO_CREDENTIALS, DEMO_IDS, loadDemoSeed } from './demo-seed';

const demo = (now: string) => createConnectWiseEmulator({ clock: createClock({ start: now }) });
const rows = (m: Map<number, Row>) => [...m.values()];

describe('ConnectWise demo seed', () => {
  it('is deterministic and uses the documented credentials', () => {
    expect(loadDemoSeed()).toEqual(loadDemoSeed());
    const emu = demo('2026-03-15T09:00:00Z');
    expect(emu.state.tenant.companyId).toBe('demo');
    expect(emu.state.apiMembers).toEqual([
      { identifier: 'billsync-api', publicKey: 'demo-public', privateKey: 'demo-private' },
    ]);
    expect(DEMO_CREDENTIALS).toMatchObject({
      companyId: 'demo',
      publicKey: 'demo-public',
      privateKey: 'demo-private',
    });
  });

  it('has the 25 customers of the Autotask demo (and so of the CSP demo data), each with an agreement', () => {
    expect(DEMO_CUSTOMERS.map((c) => c.name)).toEqual(AUTOTASK_CUSTOMERS.map((c) => c.name));
    const { tables } = demo('2026-03-15T09:00:00Z').state;
    const clients = rows(tables.companies).filter((c) => (c.types as number[]).includes(DEMO_IDS.typeClient));
    expect(clients.map((c) => c.name)).toEqual(DEMO_CUSTOMERS.map((c) => c.name));
    for (const c of clients)
      expect(
        rows(tables.agreements).some((a) => a.company === c.id),
        String(c.name),
      ).toBe(true);
  });

  it('has one agreement ended last month, one starting next month, one cancelled, and both proration settings', () => {
    const emu = demo('2026-03-15T09:00:00Z');
    const agreements = rows(emu.state.tables.agreements).map((a) =>
      viewRow(emu.ctx, resourceOf('agreements'), a),
    );
    const byName = (name: string) => agreements.filter((a) => String(a.name).startsWith(name));
    expect(byName('Maple Street Bakery').map((a) => [a.startDate, a.endDate, a.agreementStatus])).toEqual([
      ['2025-02-01T00:00:00Z', '2026-02-28T00:00:00Z', 'Expired'],
    ]);
    expect(byName('Brightline Architects').map((a) => [a.startDate, a.agreementStatus])).toEqual([
      ['2026-04-01T00:00:00Z', 'Inactive'],
    ]);
    expect(byName('Copperfield Realty').map((a) => a.agreementStatus)).toEqual(['Active', 'Cancelled']);
    expect(byName('Evergreen Landscaping').map((a) => a.agreementStatus)).toEqual(['Expired', 'Active']);
    expect(new Set(agreements.map((a) => a.prorateFlag))).toEqual(new Set([true, false]));
  });

  it('has the catalog identifier collision, a linkable vendor SKU, vendors and "Miscellaneous" defaults', () => {
    const { tables } = demo('2026-03-15T09:00:00Z').state;
    const items = rows(tables.catalog);
    const collision = items.find((i) => i.identifier === 'CFQ7TTC0LH18:0001');
    expect(collision?.vendorSku).toBeNull();
    expect(items.find((i) => i.vendorSku === 'CFQ7TTC0LCHC:0002')?.identifier).toBe('M365-BPREM');
    const vendors = rows(tables.companies).filter((c) => (c.types as number[]).includes(DEMO_IDS.typeVendor));
    expect(vendors.map((v) => v.identifier)).toEqual(['Microsoft', 'Pax8', 'DellTechnologies']);
    for (const t of ['categories', 'subcategories', 'productTypes'] as const) {
      expect(rows(tables[t]).find((r) => r.defaultFlag === true)?.name, t).toBe('Miscellaneous');
    }
  });

  it('resolves its dates against the emulator clock', () => {
    const { tables } = demo('2027-01-20T00:00:00Z').state;
    const starts = rows(tables.agreements).map((a) => String(a.startDate));
    expect(starts).toContain('2027-02-01T00:00:00Z');
    expect(starts.every((d) => d.slice(8) === '01T00:00:00Z')).toBe(true);
  });
});
