import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { upsertSourceCustomers } from '../../src/db/repos/source-data';
import { createUser, createWorkspace } from '../../src/services/auth';
import { saveConnection } from '../../src/services/connections';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';
import { FakePsa } from '../support/fake-psa';
import { d } from '../support/planner-fixtures';

let t: TestApp;
let adminA: Agent;
const objectsOfB: Record<string, string> = {};

interface Probe {
  /** Which object of workspace B the route is asked for. */
  object: string;
  body?: unknown;
  /** What workspace B itself gets (default 200), e.g. 409 for an action its object is not in the state for. */
  ownStatus?: number;
  /** A query string the route needs, e.g. `contractId=KB`. */
  query?: string;
}

/**
 * Every API route (method and path) that names an object by id, and which object of workspace B to ask it for.
 * A new `{id}` route must be added here, or the coverage test below fails: no route may leak another
 * workspace's objects. `{target}` is asked as autotask.
 */
const ROUTE_OBJECTS: Record<string, string | Probe> = {
  'GET /api/connections/{id}': 'connection',
  'GET /api/users/{id}': 'user',
  'GET /api/customers/{id}': 'customer',
  'PUT /api/customers/{id}/mapping': {
    object: 'customer',
    body: { companyId: 'CB', contractId: 'KB', syncOn: false },
  },
  'DELETE /api/customers/{id}/mapping': 'customer',
  'GET /api/customers/{id}/contract-check': { object: 'customer', query: 'contractId=KB' },
  'GET /api/customers/{id}/invoices': 'customer',
  'GET /api/psa/{target}/companies/{id}/contracts': 'company',
  'GET /api/runs/{id}': 'run',
  'POST /api/runs/{id}/approve': { object: 'run', ownStatus: 409 },
  'POST /api/runs/{id}/reject': { object: 'run', ownStatus: 409 },
  'POST /api/runs/{id}/resume': { object: 'run', ownStatus: 409 },
  'GET /api/notifications/{id}': 'notification',
  'POST /api/notifications/{id}/read': 'notification',
  'DELETE /api/price-rules/{id}': 'priceRule',
};

const probeOf = (v: string | Probe): Probe => (typeof v === 'string' ? { object: v } : v);
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function requestFor(
  key: string,
  id: string,
  query?: string,
): { method: 'GET' | 'PUT' | 'POST' | 'DELETE'; url: string } {
  const [method, route] = key.split(' ') as ['GET' | 'PUT' | 'POST' | 'DELETE', string];
  const url = route.replace('{id}', id).replace('{target}', 'autotask');
  return { method, url: query ? `${url}?${query}` : url };
}

// Each workspace has its own PSA: A's knows nothing of B's companies.
const psaA = new FakePsa();
const psaB = new FakePsa();
let wsB = '';

beforeAll(async () => {
  t = await createTestApp({ openTarget: async (ws) => (ws === wsB ? psaB : psaA) });
  adminA = await setupAdmin(t.app, 'admin@a.example', 'password of A!');
  const b = await createWorkspace(t.pool, 'Workspace B', 'test');
  wsB = b.id;
  const userB = await createUser(t.pool, {
    workspaceId: b.id as WorkspaceId,
    email: 'admin@b.example',
    password: 'password of B!',
    role: 'admin',
    actor: 'test',
  });
  const connB = await saveConnection(t.pool, t.box, {
    workspaceId: b.id,
    kind: 'autotask',
    settings: { username: 'api@b.example' },
    secrets: { secret: 'b-secret', integrationCode: 'BCODE' },
    actor: 'test',
  });
  objectsOfB.user = userB.id;
  objectsOfB.connection = connB.id;
  const tenantB = 'bbbbbbbb-0000-4000-8000-000000000001';
  await upsertSourceCustomers(t.pool, b.id as WorkspaceId, [
    { tenantId: tenantB, name: 'Customer of B', defaultDomain: 'b.onmicrosoft.com' },
  ]);
  objectsOfB.customer = tenantB;
  psaB.addCompany('CB', 'Company of B');
  psaB.addContract({ id: 'KB', companyId: 'CB', startDate: d('2025-01-01'), endDate: d('2099-12-31') });
  objectsOfB.company = 'CB';
  const run = await t.pool.query(
    `insert into runs (workspace_id, target, kind, tenant_id, status, as_of, created_by, plan)
     values ($1, 'autotask', 'customer', $2, 'success', '2025-09-10', 'test', '{"operations": [], "invoiceIds": []}')
     returning id`,
    [b.id, tenantB],
  );
  objectsOfB.run = run.rows[0].id;
  const note = await t.pool.query(
    `insert into notifications (workspace_id, run_id, level, title, body) values ($1, $2, 'warning', 'B', 'b')
     returning id`,
    [b.id, objectsOfB.run],
  );
  objectsOfB.notification = note.rows[0].id;
  const rule = await t.pool.query(
    `insert into price_rules (workspace_id, offers_kind, basis, method, value, valid_from, created_by)
     values ($1, 'all', 'cost', 'markup', 10, '2099-01-01', 'test') returning id`,
    [b.id],
  );
  objectsOfB.priceRule = rule.rows[0].id;
});
afterAll(() => t.close());

describe('workspace isolation', () => {
  it('every id route of the API is covered by this test', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    const idRoutes = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([p]) => p.includes('{id}'))
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${p}`),
      );
    expect(idRoutes.sort()).toEqual(Object.keys(ROUTE_OBJECTS).sort());
  });

  it('a user of workspace A gets 404 for every object of workspace B', async () => {
    for (const [route, value] of Object.entries(ROUTE_OBJECTS)) {
      const probe = probeOf(value);
      const id = objectsOfB[probe.object];
      expect(id, probe.object).toBeDefined();
      const { method, url } = requestFor(route, id!, probe.query);
      const res = await adminA.request(method, url, probe.body);
      expect(res.status, route).toBe(404);
      expect(res.json.error.code, route).toBe('not_found');
    }
  });

  it('lists show only the own workspace', async () => {
    const users = await adminA.request('GET', '/api/users');
    expect(users.json.items.map((u: { email: string }) => u.email)).toEqual(['admin@a.example']);
    const conns = await adminA.request('GET', '/api/connections');
    expect(conns.json.items).toEqual([]);
    const runs = await adminA.request('GET', '/api/runs');
    expect(runs.json.items).toEqual([]);
    const customers = await adminA.request('GET', '/api/customers');
    expect(customers.json.total).toBe(0);
    const notes = await adminA.request('GET', '/api/notifications');
    expect(notes.json).toEqual({ items: [], unread: 0 });
    expect((await adminA.request('GET', '/api/outbox')).json.items).toEqual([]);
    expect((await adminA.request('GET', '/api/jobs')).json.items).toEqual([]);
    const audit = await adminA.request('GET', '/api/audit');
    expect(audit.json.items.every((e: { actor: string }) => e.actor !== 'admin@b.example')).toBe(true);
  });

  it('the same objects are visible to their own workspace', async () => {
    const adminB = await login(t.app, 'admin@b.example', 'password of B!');
    for (const [route, value] of Object.entries(ROUTE_OBJECTS)) {
      const probe = probeOf(value);
      const { method, url } = requestFor(route, objectsOfB[probe.object]!, probe.query);
      const res = await adminB.request(method, url, probe.body);
      expect(res.status, `${route}: ${JSON.stringify(res.json)}`).toBe(probe.ownStatus ?? 200);
    }
  });

  it('a write to a kind that exists in B creates A its own, separate connection', async () => {
    const res = await adminA.request('PUT', '/api/connections/autotask', {
      settings: { username: 'api@a.example' },
      secrets: { secret: 'a-secret', integrationCode: 'ACODE' },
    });
    expect(res.status).toBe(200);
    expect(res.json.id).not.toBe(objectsOfB.connection);
    const b = await t.pool.query('select settings from connections where id = $1', [objectsOfB.connection]);
    expect(b.rows[0].settings.username).toBe('api@b.example');
  });
});
