import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { fixedClock } from '../../src/core/time/clock';
import { upsertSourceCustomers } from '../../src/db/repos/source-data';
import { createUser } from '../../src/services/auth';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { FakePsa } from '../support/fake-psa';
import { d } from '../support/planner-fixtures';

/** "Confirm all suggested matches" (issue 13): the review list and confirming the chosen ones. */

let t: TestApp;
let admin: Agent;
let viewer: Agent;
const psa = new FakePsa();
const tenant = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const [CONTOSO, FABRIKAM, NORTHWIND, WINGTIP, MAPPED] = [1, 2, 3, 4, 5].map(tenant) as [
  string,
  string,
  string,
  string,
  string,
];

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2025-09-10T10:00:00Z'), openTarget: async () => psa });
  admin = await setupAdmin(t.app);
  const ws: WorkspaceId = (await admin.request('GET', '/api/workspace')).json.id;
  await createUser(t.pool, {
    workspaceId: ws,
    email: 'viewer@msp.example',
    password: 'viewer password!',
    role: 'viewer',
    actor: 'test',
  });
  viewer = await login(t.app, 'viewer@msp.example', 'viewer password!');
  await upsertSourceCustomers(t.pool, ws, [
    { tenantId: CONTOSO, name: 'Contoso Ltd.', defaultDomain: 'contoso.onmicrosoft.com' },
    { tenantId: FABRIKAM, name: 'Fabrikam', defaultDomain: 'fabrikam.onmicrosoft.com' },
    { tenantId: NORTHWIND, name: 'Northwind Traders', defaultDomain: 'nwt.onmicrosoft.com' },
    { tenantId: WINGTIP, name: 'Wingtip Toys', defaultDomain: 'wingtip.onmicrosoft.com' },
    { tenantId: MAPPED, name: 'Alpine Ski House', defaultDomain: 'alpine.onmicrosoft.com' },
  ]);
  psa.addCompany('C1', 'Contoso Ltd.');
  psa.addCompany('C2', 'Fabrikam Inc');
  psa.addCompany('C3', 'Northwind Traders');
  psa.addCompany('C5', 'Alpine Ski House');
  const contract = (id: string, companyId: string, extra: { endDate?: string } = {}) =>
    psa.addContract({
      id,
      companyId,
      name: `${companyId} contract ${id}`,
      startDate: d('2025-01-01'),
      ...(extra.endDate ? { endDate: d(extra.endDate) } : {}),
    });
  contract('K1', 'C1');
  contract('K0', 'C1', { endDate: '2024-12-31' });
  contract('K2a', 'C2');
  contract('K2b', 'C2');
  contract('K3', 'C3', { endDate: '2024-12-31' });
  contract('K5', 'C5');
  const mapped = await admin.request('PUT', `/api/customers/${MAPPED}/mapping`, {
    companyId: 'C5',
    contractId: 'K5',
    syncOn: false,
  });
  expect(mapped.status).toBe(200);
});
afterAll(() => t.close());

describe('suggested matches', () => {
  it('lists every unmapped customer with a suggestion: what confirming maps, or why not here', async () => {
    const res = await viewer.request('GET', '/api/customers/suggestions');
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ available: true, message: null });
    const byName = Object.fromEntries(res.json.items.map((i: { name: string }) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(['Contoso Ltd.', 'Fabrikam', 'Northwind Traders']);
    expect(byName['Contoso Ltd.']).toMatchObject({
      tenantId: CONTOSO,
      suggestion: { companyId: 'C1', reason: 'same name', score: 1 },
      contract: { id: 'K1', name: 'C1 contract K1' },
      contracts: 1,
      note: null,
    });
    expect(byName.Fabrikam).toMatchObject({
      suggestion: { companyId: 'C2', reason: 'same name apart from the legal form' },
      contract: null,
      contracts: 2,
      note: 'Fabrikam Inc has 2 contracts that can be mapped: choose one in the mapping dialog',
    });
    expect(byName['Northwind Traders'].contract).toBeNull();
    expect(byName['Northwind Traders'].note).toMatch(
      /^Northwind Traders has no contract that can be mapped \(1 /,
    );
  });

  it('operators confirm the chosen ones: mapped to the only contract, sync off; the others are skipped with why', async () => {
    const body = { tenantIds: [CONTOSO, FABRIKAM, WINGTIP], syncOn: false };
    expect((await viewer.request('POST', '/api/customers/suggestions/confirm', body)).status).toBe(403);
    const res = await admin.request('POST', '/api/customers/suggestions/confirm?target=autotask', body);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.confirmed).toHaveLength(1);
    expect(res.json.confirmed[0]).toMatchObject({
      tenantId: CONTOSO,
      mapped: true,
      companyId: 'C1',
      contractId: 'K1',
      contractName: 'C1 contract K1',
      syncOn: false,
      strategy: 'cost-and-retail',
    });
    expect(res.json.skipped).toEqual([
      {
        tenantId: FABRIKAM,
        name: 'Fabrikam',
        reason: 'Fabrikam Inc has 2 contracts that can be mapped: choose one in the mapping dialog',
      },
      { tenantId: WINGTIP, name: WINGTIP, reason: 'no suggestion (already mapped, or no company matches)' },
    ]);
    // Confirmed once: it is mapped now, so it is no longer a suggestion.
    const again = await admin.request('POST', '/api/customers/suggestions/confirm', {
      tenantIds: [CONTOSO],
      syncOn: true,
    });
    expect(again.json.confirmed).toEqual([]);
    const audit = await admin.request('GET', '/api/audit');
    expect(audit.json.items.filter((e: { action: string }) => e.action === 'mapping.save')).toHaveLength(2);
  });

  it('can switch their sync on; an empty choice is refused', async () => {
    psa.addContract({ id: 'K3b', companyId: 'C3', name: 'Northwind M365', startDate: d('2025-01-01') });
    const res = await admin.request('POST', '/api/customers/suggestions/confirm', {
      tenantIds: [NORTHWIND],
      syncOn: true,
    });
    expect(res.json.confirmed[0]).toMatchObject({ tenantId: NORTHWIND, contractId: 'K3b', syncOn: true });
    const empty = await admin.request('POST', '/api/customers/suggestions/confirm', { tenantIds: [] });
    expect(empty.status).toBe(400);
  });

  it('says why there are none while the PSA does not answer, and confirms nothing', async () => {
    psa.fail();
    // The companies read before are kept a few minutes; "Refresh from Autotask" reads anew and finds it down.
    expect((await viewer.request('POST', '/api/psa/autotask/directory/refresh')).status).toBe(502);
    const res = await viewer.request('GET', '/api/customers/suggestions');
    const confirm = await admin.request('POST', '/api/customers/suggestions/confirm', {
      tenantIds: [FABRIKAM],
    });
    psa.down = undefined;
    expect(res.json).toMatchObject({ items: [], available: false });
    expect(res.json.message).toMatch(/^No suggestions: Autotask/);
    expect(confirm.json.confirmed).toEqual([]);
    expect(confirm.json.skipped[0].reason).toMatch(/^not confirmed: Autotask/);
  });
});
