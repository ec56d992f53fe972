import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { createUser, createWorkspace } from '../../src/services/auth';
import { saveConnection } from '../../src/services/connections';
import { type Agent, createTestApp, login, setupAdmin, type TestApp } from '../support/app';

let t: TestApp;
let adminA: Agent;
const objectsOfB: Record<string, string> = {};

/**
 * Every API route that names an object by id, and which object of workspace B to ask it for. A new `{id}` route
 * must be added here, or the coverage test below fails: no route may leak another workspace's objects.
 */
const ROUTE_OBJECTS: Record<string, string> = {
  '/api/connections/{id}': 'connection',
  '/api/users/{id}': 'user',
};

beforeAll(async () => {
  t = await createTestApp();
  adminA = await setupAdmin(t.app, 'admin@a.example', 'password of A!');
  const b = await createWorkspace(t.pool, 'Workspace B', 'test');
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
});
afterAll(() => t.close());

describe('workspace isolation', () => {
  it('every id route of the API is covered by this test', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    const idRoutes = Object.keys(doc.paths).filter((p) => p.includes('{id}'));
    expect(idRoutes.sort()).toEqual(Object.keys(ROUTE_OBJECTS).sort());
  });

  it('a user of workspace A gets 404 for every object of workspace B', async () => {
    for (const [route, kind] of Object.entries(ROUTE_OBJECTS)) {
      const id = objectsOfB[kind];
      expect(id, kind).toBeDefined();
      const res = await adminA.request('GET', route.replace('{id}', id!));
      expect(res.status, route).toBe(404);
      expect(res.json.error.code, route).toBe('not_found');
    }
  });

  it('lists show only the own workspace', async () => {
    const users = await adminA.request('GET', '/api/users');
    expect(users.json.items.map((u: { email: string }) => u.email)).toEqual(['admin@a.example']);
    const conns = await adminA.request('GET', '/api/connections');
    expect(conns.json.items).toEqual([]);
    const audit = await adminA.request('GET', '/api/audit');
    expect(audit.json.items.every((e: { actor: string }) => e.actor !== 'admin@b.example')).toBe(true);
  });

  it('the same objects are visible to their own workspace', async () => {
    const adminB = await login(t.app, 'admin@b.example', 'password of B!');
    for (const [route, kind] of Object.entries(ROUTE_OBJECTS)) {
      const res = await adminB.request('GET', route.replace('{id}', objectsOfB[kind]!));
      expect(res.status, route).toBe(200);
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
