import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { loadConfig } from '../../src/runtime/config';
import { SecretBox } from '../../src/runtime/secret-box';
import { systemClock } from '../../src/runtime/system-clock';
import { type BuildAppOptions, buildApp } from '../../src/server/app';
import { DEFAULT_SECURITY, type SecurityConfig } from '../../src/server/security-config';
import type { TestApp } from './app';
import { createTestDatabase } from './db';

export interface SecureAppOptions {
  /** Proxy trust and the per-account sign-in limit (default: none trusted, the defaults of production). */
  security?: Partial<SecurityConfig>;
  /** Environment for loadConfig (e.g. BILLSYNC_LOGIN_RATE). */
  env?: Record<string, string>;
  webDist?: string;
}

/** An app on `pool` (one database may serve several apps, e.g. with and without a trusted proxy). */
export function buildAppOn(pool: Pool, options: SecureAppOptions = {}): Promise<FastifyInstance> {
  const config = loadConfig({
    BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-app-')),
    ...options.env,
  });
  const appOptions: BuildAppOptions = {
    logger: false,
    ...(options.webDist ? { webDist: options.webDist } : {}),
  };
  return buildApp(
    {
      config,
      pool,
      box: new SecretBox(Buffer.alloc(32, 7)),
      clock: systemClock,
      security: { ...DEFAULT_SECURITY, ...options.security },
    },
    appOptions,
  );
}

/** Like createTestApp, with the security settings a test chooses. */
export async function createSecureTestApp(options: SecureAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase('sec');
  await migrate(db.url);
  const pool = createPool(db.url, 5);
  const app = await buildAppOn(pool, options);
  return {
    app,
    pool,
    db,
    box: new SecretBox(Buffer.alloc(32, 7)),
    async close() {
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** An app whose database cannot be reached (nothing listens on port 1). */
export async function buildAppWithoutDatabase(): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const pool = createPool('postgres://postgres@127.0.0.1:1/none', 2);
  const app = await buildAppOn(pool);
  return {
    app,
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

/** A sign-in attempt from `remoteAddress`, with optional extra headers. */
export function loginFrom(
  app: FastifyInstance,
  remoteAddress: string,
  email: string,
  password: string,
  headers: InjectOptions['headers'] = {},
) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    headers,
    payload: { email, password },
  });
}
