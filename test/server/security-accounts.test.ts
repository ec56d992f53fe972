import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { createUser, createWorkspace } from '../../src/services/auth';
import { type Agent, login, setupAdmin, type TestApp } from '../support/app';
import { createSecureTestApp } from '../support/secure-app';

// Pen test items 6 (cross-workspace email enumeration) and 11 (password policy).
let t: TestApp;
let adminA: Agent;

beforeAll(async () => {
  t = await createSecureTestApp({ env: { BILLSYNC_LOGIN_RATE: '100' } });
  adminA = await setupAdmin(t.app, 'admin@a.example', 'password of A!');
  const b = await createWorkspace(t.pool, 'Workspace B', 'test');
  await createUser(t.pool, {
    workspaceId: b.id as WorkspaceId,
    email: 'Shared@B.example',
    password: 'password of B!',
    role: 'admin',
    actor: 'test',
  });
});
afterAll(() => t.close());

describe('emails are per workspace: nothing tells one workspace about another', () => {
  it("adding another workspace's address creates this workspace's own account (201, no 409)", async () => {
    const res = await adminA.request('POST', '/api/users', {
      email: 'shared@b.example',
      password: 'password of the A account',
      role: 'viewer',
    });
    expect(res.status).toBe(201);
    expect(res.json.email).toBe('shared@b.example');
    expect(JSON.stringify(res.json)).not.toMatch(/Workspace B/);
  });

  it('each password opens its own workspace', async () => {
    const inB = await login(t.app, 'shared@b.example', 'password of B!');
    expect((await inB.request('GET', '/api/me')).json.workspace.name).toBe('Workspace B');
    const inA = await login(t.app, 'SHARED@b.example', 'password of the A account');
    const me = (await inA.request('GET', '/api/me')).json;
    expect(me.workspace.name).toBe('Northwind MSP');
    expect(me.user.role).toBe('viewer');
  });

  it('the same address twice in one workspace is a conflict, in words about this workspace only', async () => {
    const res = await adminA.request('POST', '/api/users', {
      email: ' Shared@b.example ',
      password: 'yet another long password',
      role: 'viewer',
    });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toMatch(/in this workspace/);
  });

  it("the user list shows only this workspace's accounts", async () => {
    const res = await adminA.request('GET', '/api/users');
    expect(res.json.items.map((u: { email: string }) => u.email).sort()).toEqual([
      'admin@a.example',
      'shared@b.example',
    ]);
  });
});

describe('one password rule for creating and signing in', () => {
  it.each([
    ['whitespace only', ' '.repeat(12)],
    ['one repeated character', 'aaaaaaaaaaaa'],
    ['a sequence', '1234567890'],
    ['a common password', 'password123'],
    ['a keyboard row', 'qwertyuiop'],
    ['a common pattern', 'Summer2024!'],
    ['the email itself', 'newbie@a.example'],
  ])('refuses %s', async (_what, password) => {
    const res = await adminA.request('POST', '/api/users', {
      email: 'newbie@a.example',
      password,
      role: 'viewer',
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toMatch(/password/i);
  });

  it('refuses a trivial password at setup too (service level, as the CLI calls it)', async () => {
    const ws = await createWorkspace(t.pool, 'Workspace C', 'test');
    await expect(
      createUser(t.pool, {
        workspaceId: ws.id as WorkspaceId,
        email: 'c@c.example',
        password: '          ',
        role: 'admin',
        actor: 'test',
      }),
    ).rejects.toThrow(/password/i);
  });

  it('the longest password it accepts can sign in, one character more is refused in both places', async () => {
    const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!-_';
    const longest = Array.from(
      { length: 1000 },
      (_, i) => alphabet[(i * 7919 + i * i * 31) % alphabet.length],
    ).join('');
    expect(longest).toHaveLength(1000);
    const created = await adminA.request('POST', '/api/users', {
      email: 'long@a.example',
      password: longest,
      role: 'viewer',
    });
    expect(created.status).toBe(201);
    await login(t.app, 'long@a.example', longest);
    const tooLong = await adminA.request('POST', '/api/users', {
      email: 'longer@a.example',
      password: `${longest}z`,
      role: 'viewer',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.message).toMatch(/1,?000/);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'long@a.example', password: `${longest}z` },
    });
    expect(signIn.statusCode).toBe(400);
  });
});
