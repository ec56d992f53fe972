import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../src/core/time/clock';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { loadConfig } from '../../src/runtime/config';
import { SecretBox } from '../../src/runtime/secret-box';
import { systemClock } from '../../src/runtime/system-clock';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/context';
import { createTestDatabase, type TestDatabase } from './db';

export interface TestApp {
  app: FastifyInstance;
  pool: Pool;
  db: TestDatabase;
  box: SecretBox;
  close(): Promise<void>;
}

/** A full app (all routes) on a fresh migrated database, driven with app.inject(). */
export async function createTestApp(
  options: { clock?: Clock; env?: Record<string, string>; openTarget?: AppContext['openTarget'] } = {},
): Promise<TestApp> {
  const db = await createTestDatabase('app');
  await migrate(db.url);
  const pool = createPool(db.url, 5);
  const box = new SecretBox(Buffer.alloc(32, 7));
  const config = loadConfig({
    BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-app-')),
    ...options.env,
  });
  const app = await buildApp(
    {
      config,
      pool,
      box,
      clock: options.clock ?? systemClock,
      ...(options.openTarget ? { openTarget: options.openTarget } : {}),
    },
    { logger: false },
  );
  return {
    app,
    pool,
    db,
    box,
    async close() {
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** A signed-in browser-like agent: keeps the session cookie and sends the CSRF token on writes. */
export interface Agent {
  cookie: string;
  csrf: string;
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: any; headers: Record<string, unknown> }>;
}

export function sessionCookieOf(setCookie: unknown): string {
  const list = Array.isArray(setCookie) ? setCookie : [setCookie];
  const found = list.find((c) => typeof c === 'string' && c.startsWith('billsync_session='));
  if (!found) throw new Error('no session cookie was set');
  return String(found).split(';')[0]!;
}

export function agent(app: FastifyInstance, cookie: string, csrf: string): Agent {
  return {
    cookie,
    csrf,
    async request(method, url, body) {
      const res = await app.inject({
        method,
        url,
        headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }) },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, json: res.body ? res.json() : undefined, headers: res.headers };
    },
  };
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<Agent> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return agent(app, sessionCookieOf(res.headers['set-cookie']), res.json().csrfToken);
}

export async function setupAdmin(
  app: FastifyInstance,
  email = 'admin@msp.example',
  password = 'correct horse battery',
): Promise<Agent> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/setup',
    payload: { workspaceName: 'Northwind MSP', email, password },
  });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return agent(app, sessionCookieOf(res.headers['set-cookie']), res.json().csrfToken);
}
